/**
 * The Attachments service against the sandbox, statefully. No operation of the API creates an
 * attachment (they come from messages sent with a file): the sandbox's `addAttachment` (or its
 * `attachments` option) adds them, and its `visit` records the visits of their short URLs, as
 * its visit route does. Then list → hits page by page → export → delete → 404.
 */
import { assert, describe, it } from "@effect/vitest"
import { Attachments, ResourceNotFoundException } from "@smscx/client"
import { parse } from "csv-parse/sync"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import ExcelJS from "exceljs"
import { provide, sandbox } from "./utils.js"

const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
const WINDOWS =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"

const xlsxRows = (bytes: Uint8Array) =>
  Effect.promise(async () => {
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer)
    const rows: Array<Array<unknown>> = []
    workbook.worksheets[0]!.eachRow((row) => rows.push((row.values as Array<unknown>).slice(1)))
    return rows
  })

const report = { fileName: "report Q2.pdf", contentType: "application/pdf", sizeBytes: 120_000 } as const

describe("Attachments: every operation through the SDK", () => {
  it.effect("list → visit → hits → delete → 404", () =>
    Effect.gen(function*() {
      const attachments = yield* Attachments
      const state = yield* sandbox
      assert.deepStrictEqual(yield* attachments.getAttachmentsList(), { data: [] })
      const pdf = yield* state.addAttachment(report)
      yield* TestClock.adjust("1 hour")
      const photo = yield* state.addAttachment({
        name: "Shop front",
        fileName: "shop.jpg",
        contentType: "image/jpeg",
        sizeBytes: 2_048
      })
      const listed = yield* attachments.getAttachmentsList()
      assert.deepStrictEqual(listed.data, [
        {
          id: photo.id,
          name: "Shop front",
          shortUrl: `https://en.ax/${photo.id}`,
          fileUrl: `https://en.ax/files/${photo.id}/shop.jpg`,
          fileType: "image/jpeg",
          hits: 0,
          dateCreated: "2025-06-01 13:00:00"
        },
        {
          id: pdf.id,
          name: "report Q2.pdf",
          shortUrl: `https://en.ax/${pdf.id}`,
          fileUrl: `https://en.ax/files/${pdf.id}/report%20Q2.pdf`,
          fileType: "application/pdf",
          hits: 0,
          dateCreated: "2025-06-01 12:00:00"
        }
      ])
      // what addAttachment gives is what the API lists
      assert.deepStrictEqual(
        [pdf.shortUrl, pdf.fileUrl, photo.shortUrl, photo.fileUrl],
        [listed.data[1]!.shortUrl, listed.data[1]!.fileUrl, listed.data[0]!.shortUrl, listed.data[0]!.fileUrl]
      )

      assert.deepStrictEqual(
        yield* state.visit(pdf.id, { userAgent: IPHONE, ip: "198.51.100.4" }),
        { _tag: "Redirect", location: pdf.fileUrl }
      )
      yield* TestClock.adjust("10 minutes")
      yield* state.visit(pdf.id, { userAgent: WINDOWS, ip: "192.168.0.20" })
      const hits = yield* attachments.getAttachmentHits(pdf.id, {})
      assert.deepStrictEqual(hits.info, { ...listed.data[1]!, hits: 2 })
      assert.deepStrictEqual(
        hits.data.map((h) => [h.device, h.os, h.osVersion, h.countryIso, h.city, h.datetime, h.groupId]),
        [
          // `visit` takes no group id (a per-recipient link's): a plain visit has none
          ["mobile", "iOS", "17.4", "FR", "Paris", "2025-06-01 13:00:00", null],
          ["desktop", "Windows", "10", "NL", null, "2025-06-01 13:10:00", null]
        ]
      )
      assert.deepStrictEqual((yield* attachments.getAttachmentsList()).data.map((a) => a.hits), [0, 2])

      assert.deepStrictEqual(yield* attachments.deleteAttachment(pdf.id), { info: { id: pdf.id } })
      const errors = yield* Effect.all([
        Effect.flip(attachments.getAttachmentHits(pdf.id, {})),
        Effect.flip(attachments.deleteAttachment(pdf.id)),
        Effect.flip(attachments.exportAttachmentHitsToCSV(pdf.id)),
        Effect.flip(attachments.exportAttachmentHitsToXLSX(pdf.id))
      ])
      for (const error of errors) {
        assert.instanceOf(error, ResourceNotFoundException)
        assert.deepStrictEqual([error.status, error.type, error.code], [404, "not_found", 1420])
      }
      assert.strictEqual(yield* state.visit(pdf.id), undefined)
      assert.deepStrictEqual((yield* attachments.getAttachmentsList()).data.map((a) => a.id), [photo.id])
    }).pipe(provide()))

  it.effect("hits page by page (pages, all), and the exports read back", () =>
    Effect.gen(function*() {
      const attachments = yield* Attachments
      const state = yield* sandbox
      const file = yield* state.addAttachment(report)
      for (let i = 0; i < 5; i++) {
        yield* TestClock.adjust("1 minute")
        yield* state.visit(file.id, { userAgent: i < 3 ? IPHONE : WINDOWS, ip: `8.8.8.${i + 1}` })
      }
      const pages = yield* Stream.runCollect(attachments.getAttachmentHits.pages(file.id, { limit: 2 }))
      assert.deepStrictEqual(Array.from(pages, (p) => p.data.length), [2, 2, 1])
      const all = Array.from(yield* Stream.runCollect(attachments.getAttachmentHits.all(file.id, { limit: 2 })))
      assert.deepStrictEqual(all.map((h) => h.device), ["mobile", "mobile", "mobile", "desktop", "desktop"])
      assert.deepStrictEqual(all.map((h) => h.datetime.slice(11)), [
        "12:01:00",
        "12:02:00",
        "12:03:00",
        "12:04:00",
        "12:05:00"
      ])

      const csv = yield* attachments.exportAttachmentHitsToCSV(file.id)
      assert.strictEqual(csv.fileName, `attachment-${file.id}-hits.csv`)
      const rows = parse(Buffer.from(csv.bytes), { columns: true }) as Array<Record<string, string>>
      assert.deepStrictEqual(rows.map((r) => r.ipAddress), Array.from({ length: 5 }, () => "8.8.8.0"))
      assert.deepStrictEqual(rows.map((r) => Number(r.hitId)), all.map((h) => h.hitId))
      const xlsx = yield* attachments.exportAttachmentHitsToXLSX(file.id)
      assert.strictEqual(xlsx.contentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
      const sheet = yield* xlsxRows(xlsx.bytes)
      assert.strictEqual(sheet.length, 6)
      assert.deepStrictEqual(sheet.slice(1).map((r) => r[0]), all.map((h) => h.hitId))
      assert.deepStrictEqual(sheet.slice(1).map((r) => r[5]), ["iOS", "iOS", "iOS", "Windows", "Windows"])
    }).pipe(provide()))

  it.effect("the attachments option: the sandbox starts with them, and again after reset", () =>
    Effect.gen(function*() {
      const attachments = yield* Attachments
      const state = yield* sandbox
      const seeded = [["invoice", "Invoice"], ["menu", "menu.pdf"]]
      const listed = Effect.map(attachments.getAttachmentsList(), (list) => list.data.map((a) => [a.id, a.name]))
      // most recent first
      assert.deepStrictEqual(yield* listed, seeded.slice().reverse())
      const added = yield* state.addAttachment(report)
      yield* attachments.deleteAttachment("invoice")
      assert.deepStrictEqual(yield* listed, [[added.id, "report Q2.pdf"], ["menu", "menu.pdf"]])
      yield* state.reset
      assert.deepStrictEqual(yield* listed, seeded.slice().reverse())
    }).pipe(provide(undefined, {
      attachments: [
        {
          id: "invoice",
          name: "Invoice",
          fileName: "invoice-2025-06.pdf",
          contentType: "application/pdf",
          sizeBytes: 5
        },
        { id: "menu", fileName: "menu.pdf", contentType: "application/pdf", sizeBytes: 7 }
      ]
    })))
})
