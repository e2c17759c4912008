/**
 * The Shortlinks service against the sandbox, statefully: create → visit (hits recorded by the
 * sandbox's `visit`, as its visit route records them) → read hits page by page → export →
 * update → delete → 404.
 */
import { assert, describe, it } from "@effect/vitest"
import {
  DuplicateIdException,
  DuplicateValueException,
  InvalidRequestException,
  RequestValidationError,
  ResourceNotFoundException,
  Shortlinks
} from "@smscx/client"
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

describe("Shortlinks: every operation through the SDK", () => {
  it.effect("create → visit → hits → update → delete → 404", () =>
    Effect.gen(function*() {
      const shortlinks = yield* Shortlinks
      const state = yield* sandbox
      const created = yield* shortlinks.createShortlink({ url: "https://example.com/summer", name: "Summer" })
      const id = created.info.id
      assert.deepStrictEqual(created.info, {
        id,
        name: "Summer",
        originalUrl: "https://example.com/summer",
        shortUrl: `https://en.ax/${id}`
      })
      const other = yield* shortlinks.createShortlink({ url: "https://example.com/winter" })
      assert.strictEqual(other.info.name, "Short link #1")
      const listed = yield* shortlinks.getShortlinksList()
      assert.deepStrictEqual(listed.data.map((l) => [l.id, l.hits]), [[other.info.id, 0], [id, 0]])

      // two visits, a minute apart
      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(
        yield* state.visit(id, { userAgent: IPHONE, ip: "192.0.2.10" }),
        { _tag: "Redirect", location: "https://example.com/summer" }
      )
      yield* TestClock.adjust("1 minute")
      yield* state.visit(id, { userAgent: WINDOWS, ip: "127.0.0.1" })
      const hits = yield* shortlinks.getShortlinkHits(id, {})
      assert.strictEqual(hits.info.hits, 2)
      assert.deepStrictEqual(
        hits.data.map((h) => [h.device, h.os, h.browser, h.countryIso, h.ipAddress, h.datetime, h.phoneNumber]),
        [
          // `visit` takes no phone number (a per-recipient link's): a plain visit has none
          ["mobile", "iOS", "Safari", "DE", "192.0.2.0", "2025-06-01 12:01:00", null],
          ["desktop", "Windows", "Chrome", "NL", "127.0.0.0", "2025-06-01 12:02:00", null]
        ]
      )
      assert.strictEqual((yield* shortlinks.getShortlinksList()).data[1]!.hits, 2)

      // change both fields; the short URL (and the hits) stay
      assert.deepStrictEqual(
        yield* shortlinks.updateShortlink(id, { name: "Autumn", url: "https://example.com/autumn" }),
        { info: { id } }
      )
      const after = yield* shortlinks.getShortlinkHits(id, {})
      assert.deepStrictEqual(
        [after.info.name, after.info.originalUrl, after.info.shortUrl, after.info.hits],
        ["Autumn", "https://example.com/autumn", `https://en.ax/${id}`, 2]
      )
      assert.deepStrictEqual(yield* state.visit(`https://en.ax/${id}`), {
        _tag: "Redirect",
        location: "https://example.com/autumn"
      })

      assert.deepStrictEqual(yield* shortlinks.deleteShortlink(id), { info: { id } })
      const errors = yield* Effect.all([
        Effect.flip(shortlinks.getShortlinkHits(id, {})),
        Effect.flip(shortlinks.deleteShortlink(id)),
        Effect.flip(shortlinks.updateShortlink(id, { name: "Again", url: "https://example.com" })),
        Effect.flip(shortlinks.exportShortlinkHitsToCSV(id)),
        Effect.flip(shortlinks.exportShortlinkHitsToXLSX(id))
      ])
      for (const error of errors) {
        assert.instanceOf(error, ResourceNotFoundException)
        assert.deepStrictEqual([error.status, error.type, error.code], [404, "not_found", 1400])
      }
      assert.deepStrictEqual((yield* shortlinks.getShortlinksList()).data.map((l) => l.id), [other.info.id])
    }).pipe(provide()))

  it.effect("hits page by page: pages and all follow paging.next; every hit once, oldest first", () =>
    Effect.gen(function*() {
      const shortlinks = yield* Shortlinks
      const state = yield* sandbox
      const { info } = yield* shortlinks.createShortlink({ url: "https://example.com" })
      for (let i = 0; i < 7; i++) {
        yield* TestClock.adjust("1 second")
        yield* state.visit(info.id, { userAgent: i % 2 === 0 ? IPHONE : WINDOWS })
      }
      const pages = yield* Stream.runCollect(shortlinks.getShortlinkHits.pages(info.id, { limit: 3 }))
      assert.deepStrictEqual(Array.from(pages, (p) => p.paging.size), [3, 3, 1])
      const all = Array.from(yield* Stream.runCollect(shortlinks.getShortlinkHits.all(info.id, { limit: 3 })))
      assert.strictEqual(all.length, 7)
      assert.deepStrictEqual(all.map((h) => h.datetime), [
        "2025-06-01 12:00:01",
        "2025-06-01 12:00:02",
        "2025-06-01 12:00:03",
        "2025-06-01 12:00:04",
        "2025-06-01 12:00:05",
        "2025-06-01 12:00:06",
        "2025-06-01 12:00:07"
      ])
      assert.deepStrictEqual(all.map((h) => h.device).slice(0, 3), ["mobile", "desktop", "mobile"])
      const short = yield* shortlinks.getShortlinkHits(info.id, { short_response: true, limit: 1 })
      assert.isFalse("phoneNumber" in short.data[0]!)
    }).pipe(provide()))

  it.effect("exports: CSV and XLSX files of the hits, read back", () =>
    Effect.gen(function*() {
      const shortlinks = yield* Shortlinks
      const state = yield* sandbox
      const { info } = yield* shortlinks.createShortlink({ url: "https://example.com" })
      const empty = yield* shortlinks.exportShortlinkHitsToCSV(info.id)
      assert.strictEqual(empty.contentType, "application/csv")
      assert.strictEqual(empty.fileName, `shortlink-${info.id}-hits.csv`)
      assert.deepStrictEqual((parse(Buffer.from(empty.bytes)) as Array<Array<string>>).length, 1)
      yield* state.visit(info.id, { userAgent: IPHONE, ip: "203.0.113.50" })
      yield* TestClock.adjust("3 hours")
      yield* state.visit(info.id, { userAgent: WINDOWS, ip: "8.8.8.8" })
      const csv = yield* shortlinks.exportShortlinkHitsToCSV(info.id)
      const rows = parse(Buffer.from(csv.bytes), { columns: true }) as Array<Record<string, string>>
      assert.deepStrictEqual(rows.map((r) => [r.datetime, r.device, r.countryIso, r.city, r.referrer]), [
        // `visit` takes no referrer: the column is empty
        ["2025-06-01 12:00:00", "mobile", "GB", "London", ""],
        ["2025-06-01 15:00:00", "desktop", "US", "Mountain View", ""]
      ])
      const xlsx = yield* shortlinks.exportShortlinkHitsToXLSX(info.id)
      assert.strictEqual(xlsx.fileName, `shortlink-${info.id}-hits.xlsx`)
      const sheet = yield* xlsxRows(xlsx.bytes)
      assert.strictEqual(sheet.length, 3)
      assert.deepStrictEqual(sheet[0]!.slice(0, 4), ["hitId", "datetime", "device", "browser"])
      assert.deepStrictEqual(sheet.slice(1).map((r) => r[13]), ["GB", "US"])
    }).pipe(provide()))

  it.effect("typed errors: 1401, 1402, 1407; a name too short never leaves the SDK", () =>
    Effect.gen(function*() {
      const shortlinks = yield* Shortlinks
      const invalidUrl = yield* Effect.flip(shortlinks.createShortlink({ url: "not a url" }))
      assert.instanceOf(invalidUrl, InvalidRequestException)
      assert.strictEqual(invalidUrl.code, 1402)
      const blank = yield* Effect.flip(shortlinks.createShortlink({ url: "  " }))
      assert.instanceOf(blank, InvalidRequestException)
      assert.strictEqual(blank.code, 1401)
      const tooShort = yield* Effect.flip(shortlinks.createShortlink({ url: "https://example.com", name: "ab" }))
      assert.instanceOf(tooShort, RequestValidationError)

      const a = yield* shortlinks.createShortlink({ url: "https://example.com/a", name: "First" })
      yield* shortlinks.createShortlink({ url: "https://example.com/b", name: "Second" })
      const duplicate = yield* Effect.flip(
        shortlinks.updateShortlink(a.info.id, { name: "Second", url: "https://example.com/a" })
      )
      assert.instanceOf(duplicate, DuplicateValueException)
      assert.deepStrictEqual([duplicate.status, duplicate.type, duplicate.code], [400, "duplicate_value", 1407])
      const badUrl = yield* Effect.flip(shortlinks.updateShortlink(a.info.id, { name: "First", url: "ftp://x.y" }))
      assert.instanceOf(badUrl, InvalidRequestException)
      assert.strictEqual(badUrl.code, 1402)
      assert.strictEqual((yield* shortlinks.getShortlinkHits(a.info.id, {})).info.name, "First")
    }).pipe(provide()))

  it.effect("1405 DuplicateIdException: the drawn code is already given", () =>
    Effect.gen(function*() {
      // the first code seed 7 draws...
      const code = yield* Effect.flatMap(Shortlinks, (s) => s.createShortlink({ url: "https://example.com" })).pipe(
        provide(undefined, { seed: 7 })
      )
      // ...is taken by an attachment in another sandbox with the same seed
      yield* Effect.gen(function*() {
        yield* (yield* sandbox).addAttachment({
          id: code.info.id,
          fileName: "x.pdf",
          contentType: "application/pdf",
          sizeBytes: 1
        })
        const shortlinks = yield* Shortlinks
        const error = yield* Effect.flip(shortlinks.createShortlink({ url: "https://example.com" }))
        assert.instanceOf(error, DuplicateIdException)
        assert.deepStrictEqual([error.status, error.type, error.code], [400, "duplicate_id", 1405])
        assert.deepStrictEqual((yield* shortlinks.getShortlinksList()).data, [])
      }).pipe(provide(undefined, { seed: 7 }))
    }))
})
