/**
 * The Attachments group over raw HTTP: attachments added with `addAttachment` (no operation of
 * the API creates one), hits recorded with `recordAttachmentHit`, the documented 404 1420, paging
 * and the exports as real files.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Api from "@smscx/core/Api"
import { parse } from "csv-parse/sync"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as TestClock from "effect/TestClock"
import {
  addAttachment,
  Attachments,
  InvalidAttachment,
  recordAttachmentHit
} from "../src/internal/engines/attachments.js"
import * as Links from "../src/internal/engines/links.js"
import { recordShortlinkHit, TrackedCodes } from "../src/internal/engines/trackedLinks.js"
import { failure, harness, success, UA, xlsxRows } from "./utils.js"

const list = Api.Attachments.getAttachmentsList
const hits = Api.Attachments.getAttachmentHits

const pdf = { fileName: "invoice 2025-06.pdf", contentType: "application/pdf", sizeBytes: 48_213 } as const

describe("Attachments: addAttachment and getAttachmentsList", () => {
  it.effect("an empty list; then every attachment, most recent first, as the schema gives it", () =>
    Effect.gen(function*() {
      const { call, store } = yield* harness()
      assert.deepStrictEqual(yield* success(list, yield* call("GET", "/attachments")), { data: [] })
      const invoice = yield* addAttachment(store, pdf)
      assert.match(invoice.id, /^[0-9A-Za-z]{5}$/)
      assert.strictEqual(store.records(TrackedCodes).get(invoice.id), "attachment")
      yield* TestClock.adjust("1 day")
      const menu = yield* addAttachment(store, {
        id: "menu01",
        name: "Menu",
        fileName: "menu.jpg",
        contentType: "image/jpeg",
        sizeBytes: 0,
        fileUrl: "https://cdn.example.com/menu.jpg"
      })
      assert.strictEqual(menu.id, "menu01")
      yield* recordAttachmentHit(store, invoice.id, { userAgent: UA.iPhone })
      const answer = yield* success(list, yield* call("GET", "/attachments"))
      assert.deepStrictEqual(answer.data, [
        {
          id: "menu01",
          name: "Menu",
          shortUrl: "https://en.ax/menu01",
          fileUrl: "https://cdn.example.com/menu.jpg",
          fileType: "image/jpeg",
          hits: 0,
          dateCreated: "2025-06-02 12:00:00"
        },
        {
          id: invoice.id,
          name: "invoice 2025-06.pdf",
          shortUrl: `https://en.ax/${invoice.id}`,
          fileUrl: `https://en.ax/files/${invoice.id}/invoice%202025-06.pdf`,
          fileType: "application/pdf",
          hits: 1,
          dateCreated: "2025-06-01 12:00:00"
        }
      ])
    }))

  it.effect("addAttachment refuses what the API could never have: a defect, nothing added", () =>
    Effect.gen(function*() {
      const { store } = yield* harness()
      yield* addAttachment(store, { ...pdf, id: "taken" })
      const bad = [
        { ...pdf, fileName: "  " },
        { ...pdf, contentType: "" },
        { ...pdf, sizeBytes: -1 },
        { ...pdf, sizeBytes: 1.5 },
        { ...pdf, id: "no" },
        { ...pdf, id: "bad id!" },
        { ...pdf, id: "taken" }
      ]
      for (const file of bad) {
        const exit = yield* Effect.exit(addAttachment(store, file))
        assert.isTrue(
          Exit.isFailure(exit) && Cause.squash(exit.cause) instanceof InvalidAttachment &&
            !Cause.isDie(exit.cause),
          JSON.stringify(file)
        )
      }
      assert.strictEqual(store.records(Attachments).size(), 1)
    }))

  it.effect("shortlinks and attachments share one namespace of codes: each visit reaches its own", () =>
    Effect.gen(function*() {
      const { call, store } = yield* harness()
      const file = yield* addAttachment(store, { ...pdf, id: "abc12" })
      assert.strictEqual(yield* recordShortlinkHit(store, "abc12", {}), undefined)
      assert.strictEqual(yield* recordAttachmentHit(store, "abc12", {}), file.fileUrl)
      assert.strictEqual(yield* recordAttachmentHit(store, "zzz99", {}), undefined)
      const exit = yield* Effect.exit(addAttachment(store, { ...pdf, id: "abc12" }))
      assert.isTrue(Exit.isFailure(exit))
      // a visit: whichever owns the code
      const link = yield* success(
        Api.Shortlinks.createShortlink,
        yield* call("POST", "/shortlinks", { url: "https://example.com/l" })
      )
      assert.deepStrictEqual(
        yield* Links.visit(store, link.info.id, { userAgent: UA.iPhone, ip: "::1" }),
        { _tag: "Redirect", location: "https://example.com/l" }
      )
      assert.deepStrictEqual(
        yield* Links.visit(store, "https://en.ax/abc12", { userAgent: UA.iPhone, ip: "::1" }),
        { _tag: "Redirect", location: file.fileUrl }
      )
      assert.strictEqual(yield* Links.visit(store, "none0", {}), undefined)
      const linkHits = yield* success(
        Api.Shortlinks.getShortlinkHits,
        yield* call("GET", `/shortlinks/${link.info.id}`)
      )
      assert.deepStrictEqual(linkHits.data.map((h) => [h.device, h.countryIso]), [["mobile", "NL"]])
      const fileHits = yield* success(hits, yield* call("GET", "/attachments/abc12"))
      assert.strictEqual(fileHits.info.hits, 2)
    }))
})

describe("Attachments: hits, exports, delete", () => {
  it.effect("getAttachmentHits: info and the hits recorded, paged; bad paging is 400 invalid_param", () =>
    Effect.gen(function*() {
      const { call, store } = yield* harness()
      const file = yield* addAttachment(store, pdf)
      const path = `/attachments/${file.id}`
      const empty = yield* success(hits, yield* call("GET", path))
      assert.deepStrictEqual(empty.data, [])
      assert.deepStrictEqual(empty.paging, { next: null, previous: null, size: 0 })
      yield* TestClock.adjust("5 minutes")
      yield* recordAttachmentHit(store, file.id, {
        userAgent: UA.galaxy,
        ip: "198.51.100.23",
        phoneNumber: "33612345678",
        campaignId: "not-a-uuid"
      })
      yield* recordAttachmentHit(store, file.id, { userAgent: UA.iPad, ip: "10.0.0.5" })
      yield* recordAttachmentHit(store, file.id, { userAgent: UA.windows, ip: "garbage" })
      const first = yield* success(hits, yield* call("GET", `${path}?limit=2`))
      assert.deepStrictEqual(first.info, {
        id: file.id,
        name: "invoice 2025-06.pdf",
        shortUrl: `https://en.ax/${file.id}`,
        fileUrl: file.fileUrl,
        fileType: "application/pdf",
        dateCreated: "2025-06-01 12:00:00",
        hits: 3
      })
      assert.strictEqual(first.paging.size, 2)
      const hit = first.data[0]!
      assert.deepStrictEqual(
        [hit.device, hit.os, hit.brand, hit.ipAddress, hit.countryIso, hit.city, hit.datetime],
        ["mobile", "Android", "Samsung", "198.51.100.0", "FR", "Paris", "2025-06-01 12:05:00"]
      )
      // a number without "+" is read as international; a campaign id that is no UUID is dropped
      assert.deepStrictEqual([hit.phoneNumber, hit.phoneNumberCountryIso, hit.campaignId], ["+33612345678", "FR", null])
      assert.deepStrictEqual([first.data[1]!.device, first.data[1]!.countryIso], ["tablet", "NL"])
      const rest = yield* success(hits, yield* call("GET", `${path}?limit=2&next=${first.paging.next}`))
      assert.strictEqual(rest.data.length, 1)
      assert.deepStrictEqual([rest.data[0]!.ipAddress, rest.data[0]!.countryIso], [null, null])
      assert.strictEqual(rest.paging.next, null)
      const short = yield* success(hits, yield* call("GET", `${path}?short_response=true`))
      assert.isFalse("phoneNumber" in short.data[0]!)
      yield* failure(yield* call("GET", `${path}?limit=abc`), 400, "invalid_param", 1000)
      yield* failure(yield* call("GET", `${path}?previous=%%%`), 400, "invalid_param", 1000)
    }))

  it.effect("exports: header only without hits, then a row per hit; CSV and XLSX", () =>
    Effect.gen(function*() {
      const { file, store } = yield* harness()
      const attachment = yield* addAttachment(store, pdf)
      const path = `/attachments/${attachment.id}`
      const before = parse(Buffer.from((yield* file(`${path}/csv`)).bytes)) as Array<Array<string>>
      assert.strictEqual(before.length, 1)
      assert.strictEqual(before[0]!.length, 19)
      yield* recordAttachmentHit(store, attachment.id, {
        userAgent: UA.mac,
        ip: "204.79.200.200",
        acceptLanguage: "en"
      })
      const csv = yield* file(`${path}/csv`)
      assert.strictEqual(csv.headers["content-type"], "application/csv")
      assert.strictEqual(
        csv.headers["content-disposition"],
        `attachment; filename="attachment-${attachment.id}-hits.csv"`
      )
      const rows = parse(Buffer.from(csv.bytes), { columns: true }) as Array<Record<string, string>>
      assert.deepStrictEqual(
        [
          rows[0]!.os,
          rows[0]!.browser,
          rows[0]!.ipAddress,
          rows[0]!.countryIso,
          rows[0]!.city,
          rows[0]!.acceptLanguage
        ],
        ["macOS", "Firefox", "204.79.200.0", "US", "Redmond", "en"]
      )
      const xlsx = yield* file(`${path}/xlsx`)
      assert.strictEqual(xlsx.status, 200)
      assert.strictEqual(
        xlsx.headers["content-disposition"],
        `attachment; filename="attachment-${attachment.id}-hits.xlsx"`
      )
      const sheet = yield* xlsxRows(xlsx.bytes)
      assert.strictEqual(sheet.rows.length, 2)
      assert.strictEqual(sheet.rows[1]![0], 1)
      assert.strictEqual(sheet.rows[1]![3], "Firefox")
    }))

  it.effect("deleteAttachment: its id back; then 404 1420 for every operation on it, its visits unresolved", () =>
    Effect.gen(function*() {
      const { call, file, store } = yield* harness()
      const gone = yield* addAttachment(store, pdf)
      const kept = yield* addAttachment(store, { ...pdf, fileName: "kept.pdf" })
      const path = `/attachments/${gone.id}`
      assert.deepStrictEqual(
        yield* success(Api.Attachments.deleteAttachment, yield* call("DELETE", path)),
        { info: { id: gone.id } }
      )
      const notFound = yield* failure(yield* call("DELETE", path), 404, "not_found", 1420)
      assert.strictEqual(notFound.error.message, "Attachment ID not found")
      yield* failure(yield* call("GET", path), 404, "not_found", 1420)
      for (const suffix of ["csv", "xlsx"]) {
        const answer = yield* file(`${path}/${suffix}`)
        const body = JSON.parse(new TextDecoder().decode(answer.bytes)) as { error: { code: number } }
        assert.deepStrictEqual([answer.status, body.error.code], [404, 1420])
      }
      assert.strictEqual(yield* recordAttachmentHit(store, gone.id, {}), undefined)
      const answer = yield* success(list, yield* call("GET", "/attachments"))
      assert.deepStrictEqual(answer.data.map((a) => a.id), [kept.id])
      yield* failure(yield* call("GET", "/attachments/never"), 404, "not_found", 1420)
    }))
})
