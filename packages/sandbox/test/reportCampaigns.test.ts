// The Reports group's campaigns and summaries; its advanced and single reports are reports.test.ts's.
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import {
  at,
  csvRows,
  DE,
  download,
  filterErrors,
  FR,
  GB,
  JP,
  JUNE,
  NL,
  NL2,
  send,
  UNKNOWN_ID
} from "./reportsShared.js"
import { call, failure, NOW, provide, success, xlsxRows } from "./utils.js"

const summary = (dimension: string, query: string) =>
  Effect.flatMap(
    call("GET", `/reports/summary/${dimension}?${query}`),
    (a) => success(Api.Reports.getSummaryReports, a)
  )
const campaigns = (query = "") =>
  Effect.flatMap(call("GET", `/reports/campaigns${query}`), (a) => success(Api.Reports.getCampaignsList, a))
const campaign = (id: string, query = "") =>
  Effect.flatMap(call("GET", `/reports/campaigns/${id}${query}`), (a) => success(Api.Reports.getCampaignReport, a))

describe("campaigns", () => {
  it.effect("getCampaignsList: every send, most recent first, with totals; delivery_reports adds the counts", () =>
    Effect.gen(function*() {
      const first = yield* send({ to: [NL, DE, JP] })
      yield* TestClock.adjust("1 minute")
      const toGroups = yield* Effect.flatMap(
        call("POST", "/sms/campaign", { body: { from: "InfoText", text: "Hi {{firstName}}", groups: [1] } }),
        (a) => success(Api.Sms.sendSmsCampaign, a)
      )
      const list = yield* campaigns()
      assert.strictEqual(list.info.totalCampaigns, 2)
      assert.deepStrictEqual(list.data.map((c) => c.id), [toGroups.info.campaignId, first.info.campaignId])
      const older = list.data[1]!
      assert.deepStrictEqual(
        { ...older, name: "" },
        {
          id: first.info.campaignId,
          name: "",
          from: "InfoText",
          groups: [],
          totalPhoneNumers: 3,
          parts: first.info.totalParts,
          cost: first.info.totalCost,
          text: "Hello",
          source: "api",
          channel: "sms",
          datetimeAdded: new Date(NOW).toISOString(),
          datetimeScheduled: null
        }
      )
      assert.strictEqual(older.name, "API 2025-06-01 12:00:00")
      assert.deepStrictEqual(
        [list.data[0]!.totalPhoneNumers, list.data[0]!.cost, list.data[0]!.parts],
        [toGroups.info.totalValid, toGroups.info.totalCost, toGroups.info.totalParts]
      )
      // the first send's messages have been delivered a minute later; JP has no coverage
      const counted = yield* campaigns("?delivery_reports=true")
      assert.deepStrictEqual(counted.data[1]!.status, {
        accepted: 0,
        delivered: 2,
        failed: 0,
        scheduled: 0,
        noCoverage: 1
      })
      assert.deepStrictEqual(counted.data[0]!.status!.accepted, toGroups.info.totalValid)
      const paged = yield* campaigns("?limit=1")
      assert.deepStrictEqual(paged.data.map((c) => c.id), [toGroups.info.campaignId])
      const rest = yield* campaigns(`?limit=1&next=${paged.paging.next}`)
      assert.deepStrictEqual(rest.data.map((c) => c.id), [first.info.campaignId])
      assert.deepStrictEqual(yield* campaigns("?source=webapp"), {
        info: { totalCampaigns: 0 },
        data: [],
        paging: { next: null, previous: null, size: 0 }
      })
      yield* failure(yield* call("GET", "/reports/campaigns?source=email"), 400, "invalid_param", 1000)
      yield* failure(yield* call("GET", "/reports/campaigns?limit=0"), 400, "invalid_param", 1000)
    }).pipe(provide()))

  it.effect("a campaign whose scheduled messages were all deleted is not a sent campaign", () =>
    Effect.gen(function*() {
      const scheduled = yield* send({ to: [NL], scheduledDate: "2025-06-02 09:30:00" })
      const listed = yield* campaigns("?delivery_reports=true")
      assert.deepStrictEqual(listed.data[0]!.datetimeScheduled, at("2025-06-02T09:30:00Z"))
      assert.strictEqual(listed.data[0]!.status!.scheduled, 1)
      yield* call("DELETE", `/sms/scheduled/campaign/${scheduled.info.campaignId}`)
      assert.strictEqual((yield* campaigns()).info.totalCampaigns, 0)
      yield* failure(yield* call("GET", `/reports/campaigns/${scheduled.info.campaignId}`), 404, "not_found", 1150)
    }).pipe(provide()))

  it.effect("getCampaignReport: its messages in sending order, paged, and its totals; 1155 / 1150", () =>
    Effect.gen(function*() {
      const sent = yield* send({ to: [NL, DE, GB] })
      yield* send({ to: [FR] })
      const id = sent.info.campaignId
      const body = yield* campaign(id, "?limit=2")
      assert.deepStrictEqual(body.info, {
        campaignId: id,
        campaignName: "API 2025-06-01 12:00:00",
        totalPhoneNumbers: 3,
        totalCost: sent.info.totalCost,
        totalParts: 3,
        channel: "sms"
      })
      assert.deepStrictEqual(body.data.map((m) => m.to), [NL, DE])
      const rest = yield* campaign(id, `?limit=2&next=${body.paging.next}`)
      assert.deepStrictEqual(rest.data.map((m) => m.to), [GB])
      assert.deepStrictEqual((yield* campaign(id, "?short_response=true")).data, [])
      yield* TestClock.adjust("5 seconds")
      assert.deepStrictEqual((yield* campaign(id)).data.map((m) => m.status), ["DELIVERED", "DELIVERED", "DELIVERED"])
      yield* failure(yield* call("GET", `/reports/campaigns/${UNKNOWN_ID}`), 404, "not_found", 1150)
      yield* failure(yield* call("GET", "/reports/campaigns/12345"), 400, "invalid_param", 1155)
      yield* failure(yield* call("GET", `/reports/campaigns/${id}?limit=501`), 400, "invalid_param", 1000)
    }).pipe(provide()))

  it.effect("campaign exports: CSV and XLSX of its messages; 1165 / 1160", () =>
    Effect.gen(function*() {
      const sent = yield* send({ to: [NL, DE] })
      const id = sent.info.campaignId
      const csv = yield* download(`/reports/campaigns/${id}/csv`)
      assert.strictEqual(csv.headers["content-type"], "application/csv")
      assert.include(csv.headers["content-disposition"], `campaign-${id}.csv`)
      assert.deepStrictEqual(csvRows(csv.bytes).map((r) => [r.msgId, r.to, r.cost]), [
        [sent.data[0]!.msgId, NL, "0.072"],
        [sent.data[1]!.msgId, DE, "0.079"]
      ])
      const xlsx = yield* download(`/reports/campaigns/${id}/xlsx`)
      assert.include(xlsx.headers["content-disposition"], `campaign-${id}.xlsx`)
      const sheet = yield* xlsxRows(xlsx.bytes)
      assert.strictEqual(sheet.name, "Campaign")
      assert.deepStrictEqual(sheet.rows.slice(1).map((r) => [r[0], r[9]]), [
        [sent.data[0]!.msgId, NL],
        [sent.data[1]!.msgId, DE]
      ])
      for (const kind of ["csv", "xlsx"]) {
        yield* failure(yield* call("GET", `/reports/campaigns/${UNKNOWN_ID}/${kind}`), 404, "not_found", 1160)
        yield* failure(yield* call("GET", `/reports/campaigns/nope/${kind}`), 400, "invalid_param", 1165)
      }
    }).pipe(provide()))
})

describe("getSummaryReports", () => {
  it.effect("by source, channel and country: recipients, billed parts and cost agree with the sends", () =>
    Effect.gen(function*() {
      const a = yield* send({ to: [NL, NL2, DE], text: "a".repeat(161) })
      const b = yield* send({ to: [GB, JP] })
      // NL, NL2, DE in 2 parts each (0.144 + 0.144 + 0.158), GB 0.041, JP without coverage
      const total = 0.487
      assert.deepStrictEqual([a.info.totalCost, b.info.totalCost], [0.446, 0.041])
      assert.deepStrictEqual((yield* summary("source", JUNE)).data, {
        api: { phoneNumbers: 5, parts: 7, costParts: total, value: "api" }
      })
      assert.deepStrictEqual((yield* summary("channel", JUNE)).data, {
        sms: { phoneNumbers: 5, parts: 7, costParts: total, value: "sms" }
      })
      const countries = (yield* summary("country", JUNE)).data
      assert.deepStrictEqual(countries, {
        NL: { phoneNumbers: 2, parts: 4, costParts: 0.288 },
        DE: { phoneNumbers: 1, parts: 2, costParts: 0.158 },
        GB: { phoneNumbers: 1, parts: 1, costParts: 0.041 },
        JP: { phoneNumbers: 1, parts: 0, costParts: 0 }
      })
      // the largest first, `limit` of them
      assert.deepStrictEqual(Object.keys((yield* summary("country", `${JUNE}&limit=1`)).data), ["NL"])
    }).pipe(provide()))

  it.effect("by traffic and delivery: every date of the range (months of a year, days otherwise)", () =>
    Effect.gen(function*() {
      const sent = yield* send({ to: [NL, DE] })
      yield* TestClock.setTime(Date.parse("2025-06-03T08:00:00Z"))
      yield* send({ to: [GB], scheduledDate: "2025-06-04 08:00:00" })
      const days = (yield* summary("traffic", JUNE)).data
      assert.strictEqual(Object.keys(days).length, 30)
      assert.deepStrictEqual(Object.keys(days).slice(0, 3), ["2025-06-01", "2025-06-02", "2025-06-03"])
      assert.deepStrictEqual(days["2025-06-01"], { phoneNumbers: 2, parts: 2, costParts: sent.info.totalCost })
      assert.deepStrictEqual(days["2025-06-02"], { phoneNumbers: 0, parts: 0, costParts: 0 })
      assert.deepStrictEqual(days["2025-06-03"], { phoneNumbers: 1, parts: 1, costParts: 0.041 })
      const months = (yield* summary("traffic", "period=2025")).data
      assert.deepStrictEqual(
        Object.keys(months),
        Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, "0")}`)
      )
      assert.deepStrictEqual(months["2025-06"], { phoneNumbers: 3, parts: 3, costParts: 0.192 })
      const interval = (yield* summary("delivery", "start_date=2025-06-01&end_date=2025-06-03")).data
      assert.deepStrictEqual(Object.keys(interval), ["2025-06-01", "2025-06-02", "2025-06-03"])
      const dayOne = interval["2025-06-01"]
      const dayThree = interval["2025-06-03"]
      assert(dayOne !== undefined && "delivered" in dayOne && dayThree !== undefined && "scheduled" in dayThree)
      assert.deepStrictEqual(dayOne.delivered, { parts: 2, costParts: sent.info.totalCost })
      assert.deepStrictEqual(dayThree.scheduled, { parts: 1, costParts: 0.041 })
      assert.deepStrictEqual(Object.keys((yield* summary("delivery", `${JUNE}&limit=2`)).data), [
        "2025-06-01",
        "2025-06-02"
      ])
      // no data: an empty data object
      assert.deepStrictEqual(yield* summary("traffic", "period=2024"), { data: {} })
    }).pipe(provide()))

  it.effect("errors: 1829 for a dimension, the date errors, and a bad limit", () =>
    Effect.gen(function*() {
      yield* failure(yield* call("GET", `/reports/summary/operator?${JUNE}`), 400, "invalid_param", 1829)
      for (const [query, code] of filterErrors.filter(([, code]) => code <= 1824)) {
        yield* failure(yield* call("GET", `/reports/summary/country?${query}`), 400, "invalid_param", code)
      }
      for (const limit of ["0", "501", "x"]) {
        yield* failure(
          yield* call("GET", `/reports/summary/country?${JUNE}&limit=${limit}`),
          400,
          "invalid_param",
          1000
        )
      }
    }).pipe(provide()))
})
