/**
 * The Attachments service against the sandbox, statefully. No operation of the API creates an
 * attachment (they come from messages sent with a file): the sandbox's `addAttachment` adds
 * them, and `recordAttachmentHit` records the visits of their short URLs, as the sandbox's
 * control API and visit route will. Then list → hits page by page → export → delete → 404.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpApp from "@effect/platform/HttpApp"
import { assert, describe, it } from "@effect/vitest"
import { Attachments, ResourceNotFoundException, SmsCx } from "@smscx/client"
import { Sandbox } from "@smscx/sandbox"
import { parse } from "csv-parse/sync"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { createRequire } from "node:module"
import { addAttachment, recordAttachmentHit } from "../../sandbox/src/internal/groups/attachments.js"
import * as App from "../../sandbox/src/internal/kernel/app.js"
import { DEFAULT_MAX_BODY_BYTES } from "../../sandbox/src/internal/kernel/body.js"
import * as Callbacks from "../../sandbox/src/internal/kernel/callbacks.js"
import type * as Store from "../../sandbox/src/internal/store.js"
import { violations } from "./contract.js"
import { API_KEY, NOW } from "./utils.js"

const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
const WINDOWS =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"

/**
 * The SDK's services over a new in-process sandbox whose store `body` gets; the sandbox runs
 * under the test's services (the TestClock, set to NOW).
 */
const withSandbox = <A, E>(
  body: (store: Store.Store) => Effect.Effect<A, E, SmsCx.Services>,
  seed?: number
) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(NOW)
    const instance = yield* App.make({
      apiKeys: [API_KEY],
      applications: [],
      balanceMicros: 0,
      currency: "eur",
      rateLimit: { limit: 1000, windowSeconds: 1 },
      tokenLifetimeSeconds: 86_400,
      channels: { sms: true, viber: true, whatsapp: true, multichannel: true },
      groups: [],
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
      seed,
      callbacks: Callbacks.defaults
    })
    const runtime = yield* Effect.runtime<never>()
    const handler = HttpApp.toWebHandlerRuntime(runtime)(instance.app)
    // each answer checked against the reference document as it passes, as `provide` does
    const found: Array<string> = []
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const request = input instanceof Request ? input : new Request(String(input), init)
      const response = await handler(request)
      const contentType = response.headers.get("content-type") ?? undefined
      const json = contentType?.startsWith("application/json") === true
      found.push(
        ...violations(
          request.method,
          new URL(request.url).pathname,
          response.status,
          contentType,
          json ? await response.clone().text() : ""
        )
      )
      return response
    }
    const http = FetchHttpClient.layer.pipe(Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch)))
    const services = SmsCx.layerWithoutHttpClient({ apiKey: API_KEY, baseUrl: Sandbox.baseUrl }).pipe(
      Layer.provide(http),
      Layer.orDie
    )
    const result = yield* body(instance.store).pipe(Effect.provide(services))
    assert.deepStrictEqual(found, [], "answers that do not fit the reference document")
    return result
  })

/** The part of ExcelJS these tests read a workbook with. */
interface Workbook {
  readonly xlsx: { readonly load: (data: ArrayBuffer) => Promise<unknown> }
  readonly worksheets: ReadonlyArray<{ readonly eachRow: (f: (row: { readonly values: unknown }) => void) => void }>
}

// exceljs is a dependency of the sandbox, not of the client: loaded from there
const ExcelJS = createRequire(new URL("../../sandbox/package.json", import.meta.url))("exceljs") as {
  readonly Workbook: new() => Workbook
}

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
    withSandbox((store) =>
      Effect.gen(function*() {
        const attachments = yield* Attachments
        assert.deepStrictEqual(yield* attachments.getAttachmentsList(), { data: [] })
        const pdf = yield* addAttachment(store, report)
        yield* TestClock.adjust("1 hour")
        const photo = yield* addAttachment(store, {
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

        assert.strictEqual(
          yield* recordAttachmentHit(store, pdf.id, { userAgent: IPHONE, ip: "198.51.100.4", groupId: "3" }),
          pdf.fileUrl
        )
        yield* TestClock.adjust("10 minutes")
        yield* recordAttachmentHit(store, pdf.id, { userAgent: WINDOWS, ip: "192.168.0.20" })
        const hits = yield* attachments.getAttachmentHits(pdf.id, {})
        assert.deepStrictEqual(hits.info, { ...listed.data[1]!, hits: 2 })
        assert.deepStrictEqual(
          hits.data.map((h) => [h.device, h.os, h.osVersion, h.countryIso, h.city, h.datetime, h.groupId]),
          [
            ["mobile", "iOS", "17.4", "FR", "Paris", "2025-06-01 13:00:00", "3"],
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
        assert.strictEqual(yield* recordAttachmentHit(store, pdf.id, {}), undefined)
        assert.deepStrictEqual((yield* attachments.getAttachmentsList()).data.map((a) => a.id), [photo.id])
      })
    ))

  it.effect("hits page by page (pages, all), and the exports read back", () =>
    withSandbox((store) =>
      Effect.gen(function*() {
        const attachments = yield* Attachments
        const file = yield* addAttachment(store, report)
        for (let i = 0; i < 5; i++) {
          yield* TestClock.adjust("1 minute")
          yield* recordAttachmentHit(store, file.id, { userAgent: i < 3 ? IPHONE : WINDOWS, ip: `8.8.8.${i + 1}` })
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
      })
    ))
})
