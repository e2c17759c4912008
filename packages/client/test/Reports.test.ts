import { assert, describe, it } from "@effect/vitest"
import {
  Groups,
  InvalidRequestException,
  Reports,
  RequestValidationError,
  ResourceNotFoundException,
  Sms
} from "@smscx/client"
import { parse } from "csv-parse/sync"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import ExcelJS from "exceljs"
import { DE, GB, NL, NOW, provide, sentTo, UNKNOWN_ID } from "./utils.js"

const NL2 = "+31612345679"
const FR = "+33612345678" // 0.068
const JUNE = { period: "2025-06" } as const

describe("Reports: what was sent, read back through the SDK", () => {
  it.effect("the advanced report agrees with the sends; statuses move to DELIVERED; summaries; exports", () =>
    Effect.gen(function*() {
      const sms = yield* Sms
      const reports = yield* Reports
      const first = yield* sms.sendSms({ from: "InfoText", text: "Hello", to: [NL, DE] })
      const second = yield* sms.sendSms({ from: "InfoText", text: "a".repeat(161), to: [GB] })

      const report = yield* reports.getAdvancedReport(JUNE)
      // 0.072 (NL) + 0.079 (DE) + 2 x 0.041 (GB, two parts)
      assert.deepStrictEqual(report.info, { totalPhoneNumbers: 3, totalCost: 0.233, totalParts: 4 })
      assert.deepStrictEqual(report.data.map((m) => [m.to, m.status, m.cost, m.textAnalysis.parts]), [
        [GB, "ACCEPTED", 0.082, 2],
        [DE, "ACCEPTED", 0.079, 1],
        [NL, "ACCEPTED", 0.072, 1]
      ])
      // most recent first
      assert.deepStrictEqual(
        report.data.map((m) => m.msgId),
        [second.data[0]!.msgId, first.data[1]!.msgId, first.data[0]!.msgId]
      )
      const paged = Chunk.toReadonlyArray(
        yield* Stream.runCollect(reports.getAdvancedReport.all({ ...JUNE, limit: 2 }))
      )
      assert.deepStrictEqual(paged.map((m) => m.msgId), report.data.map((m) => m.msgId))

      yield* TestClock.adjust("1 second")
      const sent = yield* reports.getSingleReport(first.data[0]!.msgId)
      assert.deepStrictEqual([sent.data.status, sent.data.updatedAt], ["SENT", new Date(NOW + 1000).toISOString()])
      yield* TestClock.adjust("4 seconds")
      const delivered = yield* reports.getAdvancedReport({ ...JUNE, delivery_report: "delivered" })
      assert.deepStrictEqual(delivered.data.map((m) => m.status), ["DELIVERED", "DELIVERED", "DELIVERED"])
      assert.strictEqual((yield* reports.getAdvancedReport({ ...JUNE, delivery_report: "accepted" })).data.length, 0)
      const de = yield* reports.getAdvancedReport({ ...JUNE, country_iso: "DE", channel: "sms", source: "api" })
      assert.deepStrictEqual(de.data.map((m) => m.to), [DE])

      const countries = yield* reports.getSummaryReports("country", JUNE)
      assert.deepStrictEqual(countries.data, {
        NL: { phoneNumbers: 1, parts: 1, costParts: 0.072 },
        DE: { phoneNumbers: 1, parts: 1, costParts: 0.079 },
        GB: { phoneNumbers: 1, parts: 2, costParts: 0.082 }
      })
      const delivery = yield* reports.getSummaryReports("delivery", {
        start_date: "2025-06-01",
        end_date: "2025-06-01"
      })
      assert.deepStrictEqual(delivery.data["2025-06-01"], {
        accepted: { parts: 0, costParts: 0 },
        delivered: { parts: 4, costParts: 0.233 },
        failed: { parts: 0, costParts: 0 },
        scheduled: { parts: 0, costParts: 0 },
        noCoverage: { parts: 0, costParts: 0 }
      })

      const csv = yield* reports.exportAdvancedReportToCSV({ ...JUNE, country_iso: "NL" })
      assert.deepStrictEqual([csv.fileName, csv.contentType], ["report.csv", "application/csv"])
      const rows = parse(new TextDecoder().decode(csv.bytes), { columns: true }) as Array<Record<string, string>>
      assert.deepStrictEqual(rows.map((r) => [r.msgId, r.to, r.status, r.cost]), [
        [first.data[0]!.msgId, NL, "DELIVERED", "0.072"]
      ])
      const xlsx = yield* reports.exportAdvancedReportToXLSX(JUNE)
      assert.strictEqual(xlsx.fileName, "report.xlsx")
      const workbook = new ExcelJS.Workbook()
      yield* Effect.promise(() => workbook.xlsx.load(xlsx.bytes.buffer as ArrayBuffer))
      const sheet = workbook.worksheets[0]!
      assert.strictEqual(sheet.rowCount, 4)
      assert.deepStrictEqual([sheet.getCell(1, 1).value, sheet.getCell(2, 1).value], ["msgId", report.data[0]!.msgId])
    }).pipe(provide()))

  it.effect("campaigns: the list with delivery counts, a campaign's report and its exports", () =>
    Effect.gen(function*() {
      const sms = yield* Sms
      const groups = yield* Groups
      const reports = yield* Reports
      const group = yield* groups.createGroup({ name: "Report readers" })
      yield* groups.addContactsToGroup(group.info.id, { phoneNumbers: [NL, NL2, FR] })
      const direct = yield* sms.sendSms({ from: "InfoText", text: "Hello", to: [DE] })
      yield* TestClock.adjust("1 minute")
      const campaign = yield* sms.sendSmsCampaign({ from: "InfoText", text: "Hi", groups: [group.info.id] })

      const list = yield* reports.getCampaignsList({ delivery_reports: true })
      assert.strictEqual(list.info.totalCampaigns, 2)
      assert.deepStrictEqual(list.data.map((c) => c.id), [campaign.info.campaignId, direct.info.campaignId])
      assert.deepStrictEqual(
        list.data.map((c) => [c.totalPhoneNumers, c.parts, c.cost, c.status]),
        [
          [3, 3, campaign.info.totalCost, { accepted: 3, delivered: 0, failed: 0, scheduled: 0, noCoverage: 0 }],
          [1, 1, 0.079, { accepted: 0, delivered: 1, failed: 0, scheduled: 0, noCoverage: 0 }]
        ]
      )
      assert.isUndefined((yield* reports.getCampaignsList({})).data[0]!.status)
      // the contact groups a campaign went to; a send to numbers went to none
      assert.deepStrictEqual(list.data.map((c) => c.groups), [
        [{ id: group.info.id, name: "Report readers", phoneNumbers: 3 }],
        []
      ])

      const details = yield* reports.getCampaignReport(campaign.info.campaignId, { limit: 2 })
      assert.deepStrictEqual(details.info, {
        campaignId: campaign.info.campaignId,
        campaignName: "API 2025-06-01 12:01:00",
        totalPhoneNumbers: 3,
        totalCost: campaign.info.totalCost,
        totalParts: 3,
        channel: "sms"
      })
      const all = Chunk.toReadonlyArray(
        yield* Stream.runCollect(reports.getCampaignReport.all(campaign.info.campaignId, { limit: 2 }))
      )
      assert.deepStrictEqual(all.map((m) => m.to), [NL, NL2, FR])

      const csv = yield* reports.exportCampaignReportToCSV(campaign.info.campaignId)
      assert.strictEqual(csv.fileName, `campaign-${campaign.info.campaignId}.csv`)
      const rows = parse(new TextDecoder().decode(csv.bytes), { columns: true }) as Array<Record<string, string>>
      assert.deepStrictEqual(rows.map((r) => r.to), [NL, NL2, FR])
      const xlsx = yield* reports.exportCampaignReportToXLSX(campaign.info.campaignId)
      assert.strictEqual(xlsx.contentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
      const workbook = new ExcelJS.Workbook()
      yield* Effect.promise(() => workbook.xlsx.load(xlsx.bytes.buffer as ArrayBuffer))
      assert.strictEqual(workbook.worksheets[0]!.rowCount, 4)
    }).pipe(provide()))

  it.effect("typed errors: the date errors, a country that is none, unknown campaign and message ids", () =>
    Effect.gen(function*() {
      const reports = yield* Reports
      /** The error an effect fails with: its class and code, when the API documents it. */
      const errorOf = <A, E>(effect: Effect.Effect<A, E>) =>
        Effect.map(Effect.flip(effect), (e) => {
          if (e instanceof InvalidRequestException || e instanceof ResourceNotFoundException) {
            return `${e._tag} ${e.code}`
          }
          return assert.fail(`not a documented error: ${String(e)}`)
        })
      const invalid = (code: number) => `InvalidRequestException ${code}`
      const notFound = (code: number) => `ResourceNotFoundException ${code}`
      assert.deepStrictEqual(yield* errorOf(reports.getAdvancedReport({ ...JUNE, period: "2025-13" })), invalid(1820))
      assert.deepStrictEqual(
        yield* errorOf(
          reports.getSummaryReports("traffic", { start_date: "2025-06-02", end_date: "2025-06-01" })
        ),
        invalid(1823)
      )
      assert.deepStrictEqual(
        yield* errorOf(reports.exportAdvancedReportToCSV({ ...JUNE, country_iso: "XX" })),
        invalid(1827)
      )
      assert.deepStrictEqual(yield* errorOf(reports.getCampaignReport(UNKNOWN_ID, {})), notFound(1150))
      assert.deepStrictEqual(yield* errorOf(reports.getSingleReport(UNKNOWN_ID)), notFound(1160))
      assert.deepStrictEqual(yield* errorOf(reports.exportCampaignReportToXLSX(UNKNOWN_ID)), notFound(1160))
    }).pipe(provide()))
})

describe("Reports: a period or an interval, one of the two", () => {
  it.effect("either shape is accepted; paging keeps it and follows the cursor", () =>
    Effect.gen(function*() {
      const sms = yield* Sms
      const reports = yield* Reports
      yield* sms.sendSms({ from: "InfoText", text: "Hello", to: [NL, DE, GB] })
      const byPeriod = yield* reports.getAdvancedReport({ period: "2025-06" })
      const byDates = yield* reports.getAdvancedReport({ start_date: "2025-06-01", end_date: "2025-06-30" })
      assert.strictEqual(byPeriod.data.length, 3)
      assert.deepStrictEqual(byDates.data.map((m) => m.msgId), byPeriod.data.map((m) => m.msgId))
      const pages = Chunk.toReadonlyArray(
        yield* Stream.runCollect(
          reports.getAdvancedReport.pages({ start_date: "2025-06-01", end_date: "2025-06-30", limit: 2 })
        )
      )
      assert.deepStrictEqual(pages.map((p) => p.data.length), [2, 1])
      const all = Chunk.toReadonlyArray(
        yield* Stream.runCollect(reports.getAdvancedReport.all({ period: "2025-06", limit: 1 }))
      )
      assert.deepStrictEqual(all.map((m) => m.msgId), byPeriod.data.map((m) => m.msgId))
      // every page was asked for: the ones after the first kept the dates (else 1824)
      assert.strictEqual((yield* sentTo("/reports")).length, 2 + 2 + 3)
      // a streamed export of the interval: its header, then a line per message
      const csv = yield* Effect.scoped(Effect.gen(function*() {
        const file = yield* reports.exportAdvancedReportToCSV.stream({
          start_date: "2025-06-01",
          end_date: "2025-06-30"
        })
        const chunks = yield* Stream.runCollect(file.stream)
        return new TextDecoder().decode(Buffer.concat(Chunk.toReadonlyArray(chunks)))
      }))
      assert.strictEqual(parse(csv, { columns: true }).length, 3)
      const summary = yield* reports.getSummaryReports("traffic", { start_date: "2025-06-01", end_date: "2025-06-02" })
      assert.deepStrictEqual(Object.keys(summary.data), ["2025-06-01", "2025-06-02"])
    }).pipe(provide()))

  it.effect("neither, half an interval, or both kinds: RequestValidationError naming them, nothing sent", () =>
    Effect.gen(function*() {
      const reports = yield* Reports
      const refused = (effect: Effect.Effect<unknown, unknown>) =>
        Effect.map(Effect.flip(effect), (e) => {
          assert.instanceOf(e, RequestValidationError)
          return e.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`)
        })
      // @ts-expect-error neither `period` nor the interval
      assert.deepStrictEqual(yield* refused(reports.getAdvancedReport({ channel: "sms" })), [
        "period: is missing: give `period`, or `start_date` and `end_date`"
      ])
      // @ts-expect-error half an interval
      assert.deepStrictEqual(yield* refused(reports.exportAdvancedReportToCSV({ start_date: "2025-06-01" })), [
        "end_date: is missing: `start_date` and `end_date` go together"
      ])
      const both = { period: "2025", start_date: "2025-06-01", end_date: "2025-06-02" }
      // @ts-expect-error both kinds at once
      assert.deepStrictEqual(yield* refused(reports.getSummaryReports("country", both)), [
        "start_date: cannot go with `period`: give `period`, or `start_date` and `end_date`, not both"
      ])
      // what the type refuses, plain JavaScript is refused too, with the message to match
      const error = yield* Effect.flip(reports.exportAdvancedReportToXLSX({} as never))
      assert.include(error.message, "give `period`, or `start_date` and `end_date`")
      assert.deepStrictEqual(yield* sentTo("/reports"), [])
      assert.deepStrictEqual(yield* sentTo("/reports/summary/country"), [])
    }).pipe(provide()))
})
