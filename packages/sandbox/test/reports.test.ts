import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import * as Delivery from "../src/internal/engines/delivery.js"
import type * as State from "../src/internal/state/store.js"
import { at, csvRows, DE, download, filterErrors, FR, GB, JUNE, NL, NL2, send, UNKNOWN_ID } from "./reportsShared.js"
import { call, failure, harness, NOW, provide, success, xlsxRows } from "./utils.js"

const advanced = (query: string) =>
  Effect.flatMap(call("GET", `/reports?${query}`), (a) => success(Api.Reports.getAdvancedReport, a))
const single = (msgId: string) =>
  Effect.flatMap(call("GET", `/reports/single/${msgId}`), (a) => success(Api.Reports.getSingleReport, a))

/** A message as the store keeps it, for a sandbox whose sends a test crafts. */
function stored(fields: Partial<State.StoredMessage> & { readonly msgId: string }): State.StoredMessage {
  return {
    campaignId: UNKNOWN_ID,
    channel: "sms",
    service: "sms",
    inQuietHours: false,
    to: NL,
    countryIso: "NL",
    from: "InfoText",
    text: "Hello",
    parts: 1,
    costMicros: 72_000,
    status: "ACCEPTED",
    createdAt: NOW,
    scheduledAt: undefined,
    trackData: undefined,
    timeline: { sentAt: NOW + 1000, finalAt: NOW + 5000, outcome: "DELIVERED", errorCode: null },
    dlrCallbackUrl: undefined,
    ...fields
  }
}

describe("getAdvancedReport", () => {
  it.effect("reports what was sent: each message, its cost and text analysis; totals agree with the sends", () =>
    Effect.gen(function*() {
      const first = yield* send({ to: [NL, DE] })
      const second = yield* send({ to: [GB], text: "ж".repeat(71) })
      const body = yield* advanced(JUNE)
      assert.deepStrictEqual(body.info, {
        totalPhoneNumbers: 3,
        // 0.072 (NL) + 0.079 (DE) + 2 x 0.041 (GB, two UCS-2 parts)
        totalCost: 0.233,
        totalParts: first.info.totalParts + second.info.totalParts
      })
      // most recent first
      assert.deepStrictEqual(body.data.map((m) => m.msgId), [
        second.data[0]!.msgId,
        first.data[1]!.msgId,
        first.data[0]!.msgId
      ])
      assert.deepStrictEqual(body.data[0], {
        msgId: second.data[0]!.msgId,
        status: "ACCEPTED",
        statusCode: Delivery.statusCodes.ACCEPTED,
        errorCode: null,
        inQuietHours: false,
        createdAt: new Date(NOW).toISOString(),
        updatedAt: null,
        cost: 0.082,
        to: GB,
        countryIso: "GB",
        from: "InfoText",
        text: "ж".repeat(71),
        source: "api",
        channel: "sms",
        textAnalysis: { length: 71, unicode: true, parts: 2 },
        scheduledAt: null
      })
      assert.deepStrictEqual(body.paging, { next: null, previous: null, size: 3 })
    }).pipe(provide()))

  it.effect("shows the status now: ACCEPTED, then SENT, then DELIVERED as the clock moves", () =>
    Effect.gen(function*() {
      const sent = yield* send({ to: [NL] })
      const msgId = sent.data[0]!.msgId
      const status = Effect.map(single(msgId), (b) => [b.data.status, b.data.statusCode, b.data.updatedAt])
      assert.deepStrictEqual(yield* status, ["ACCEPTED", Delivery.statusCodes.ACCEPTED, null])
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(yield* status, ["SENT", Delivery.statusCodes.SENT, new Date(NOW + 1000).toISOString()])
      assert.deepStrictEqual((yield* advanced(`${JUNE}&delivery_report=sent`)).data.map((m) => m.msgId), [msgId])
      assert.strictEqual((yield* advanced(`${JUNE}&delivery_report=accepted`)).data.length, 0)
      yield* TestClock.adjust("4 seconds")
      assert.deepStrictEqual(
        yield* status,
        ["DELIVERED", Delivery.statusCodes.DELIVERED, new Date(NOW + 5000).toISOString()]
      )
      const delivered = yield* advanced(`${JUNE}&delivery_report=delivered`)
      assert.deepStrictEqual(delivered.data.map((m) => [m.msgId, m.status, m.errorCode]), [[msgId, "DELIVERED", null]])
      assert.strictEqual((yield* advanced(`${JUNE}&delivery_report=sent`)).data.length, 0)
    }).pipe(provide()))

  it.effect("a failed delivery shows FAILED with its error code (a message planned to fail)", () =>
    Effect.gen(function*() {
      const { call, store } = yield* harness()
      yield* store.setBalanceMicros(1_000_000)
      const failing = yield* Delivery.plan(
        { ...Delivery.defaults, failureRate: 1 },
        { e164: DE, countryIso: "DE" },
        NOW
      )
      const msgId = "3f1c2b9a-8d7e-4c6b-a5f4-e3d2c1b0a998"
      assert.isTrue(
        yield* store.commit(
          {
            campaignId: UNKNOWN_ID,
            operation: "sendSms",
            msgIds: [msgId],
            scheduled: false,
            createdAt: NOW,
            groups: []
          },
          [stored({ msgId, to: DE, countryIso: "DE", timeline: failing, costMicros: 79_000 })]
        )
      )
      const report = () =>
        Effect.flatMap(call("GET", `/reports/single/${msgId}`), (a) => success(Api.Reports.getSingleReport, a))
      assert.strictEqual((yield* report()).data.status, "ACCEPTED")
      yield* TestClock.adjust("5 seconds")
      const failed = (yield* report()).data
      assert.deepStrictEqual(
        [failed.status, failed.statusCode, failed.errorCode, failed.updatedAt],
        ["FAILED", Delivery.statusCodes.FAILED, Delivery.FailureCodes.absentSubscriber, at("2025-06-01T12:00:05Z")]
      )
      const filtered = yield* Effect.flatMap(
        call("GET", `/reports?${JUNE}&delivery_report=failed`),
        (a) => success(Api.Reports.getAdvancedReport, a)
      )
      assert.deepStrictEqual(filtered.data.map((m) => m.msgId), [msgId])
      const delivery = yield* Effect.flatMap(
        call("GET", `/reports/summary/delivery?start_date=2025-06-01&end_date=2025-06-01`),
        (a) => success(Api.Reports.getSummaryReports, a)
      )
      assert.deepStrictEqual(delivery.data["2025-06-01"], {
        accepted: { parts: 0, costParts: 0 },
        delivered: { parts: 0, costParts: 0 },
        failed: { parts: 1, costParts: 0.079 },
        scheduled: { parts: 0, costParts: 0 },
        noCoverage: { parts: 0, costParts: 0 }
      })
    }))

  it.effect("filters: country_iso (any case), delivery_report rejected / scheduled, source; deleted ones never show", () =>
    Effect.gen(function*() {
      yield* call("POST", "/optouts", { body: { phoneNumbers: [FR] } })
      const now = yield* send({ to: [NL, DE, FR] })
      const later = yield* send({ to: [NL2], scheduledDate: "2025-06-02 09:30:00" })
      const deleted = yield* send({ to: [GB], scheduledDate: "2025-06-02 09:30:00" })
      yield* call("DELETE", `/sms/scheduled/${deleted.data[0]!.msgId}`)
      assert.deepStrictEqual([now.info.totalCost, later.info.totalCost], [0.151, 0.072])
      const all = yield* advanced(JUNE)
      assert.deepStrictEqual(all.data.map((m) => m.to).sort(), [DE, FR, NL, NL2].sort())
      assert.strictEqual(all.info.totalPhoneNumbers, 4)
      // a rejected message is reported at cost 0 and its parts are not billed
      assert.deepStrictEqual(all.info, {
        totalPhoneNumbers: 4,
        // NL, DE and NL2 (scheduled): 0.072 + 0.079 + 0.072
        totalCost: 0.223,
        totalParts: 3
      })
      const de = yield* advanced(`${JUNE}&country_iso=de`)
      assert.deepStrictEqual(de.data.map((m) => m.to), [DE])
      const rejected = yield* advanced(`${JUNE}&delivery_report=rejected`)
      assert.deepStrictEqual(rejected.data.map((m) => [m.to, m.status, m.cost]), [[FR, "REJECTED", 0]])
      const scheduled = yield* advanced(`${JUNE}&delivery_report=scheduled`)
      assert.deepStrictEqual(
        scheduled.data.map((m) => [m.to, m.status, m.scheduledAt]),
        [[NL2, "SCHEDULED", at("2025-06-02T09:30:00Z")]]
      )
      assert.strictEqual((yield* advanced(`${JUNE}&source=api`)).data.length, 4)
      assert.deepStrictEqual(yield* advanced(`${JUNE}&source=excel`), {
        info: { totalPhoneNumbers: 0, totalCost: 0, totalParts: 0 },
        data: [],
        paging: { next: null, previous: null, size: 0 }
      })
      yield* failure(yield* call("GET", `/reports/single/${deleted.data[0]!.msgId}`), 404, "not_found", 1160)
    }).pipe(provide()))

  it.effect("filters by channel: the kind of send (multichannel selects multichannel sends)", () =>
    Effect.gen(function*() {
      const { call, store } = yield* harness()
      const ids = [
        "a0000000-0000-4000-8000-000000000001",
        "a0000000-0000-4000-8000-000000000002",
        "a0000000-0000-4000-8000-000000000003",
        "a0000000-0000-4000-8000-000000000004"
      ]
      const messages = [
        stored({ msgId: ids[0]!, channel: "sms", service: "sms" }),
        stored({ msgId: ids[1]!, channel: "viber", service: "viber", parts: 1 }),
        stored({ msgId: ids[2]!, channel: "whatsapp", service: "whatsapp", parts: 1 }),
        stored({ msgId: ids[3]!, channel: "viber", service: "multichannel", parts: 1 })
      ]
      yield* store.setBalanceMicros(1_000_000)
      assert.isTrue(
        yield* store.commit(
          { campaignId: UNKNOWN_ID, operation: "sendSms", msgIds: ids, scheduled: false, createdAt: NOW, groups: [] },
          messages
        )
      )
      const byChannel = (channel: string) =>
        Effect.flatMap(
          call("GET", `/reports?${JUNE}&channel=${channel}`),
          (a) => Effect.map(success(Api.Reports.getAdvancedReport, a), (b) => b.data.map((m) => [m.msgId, m.channel]))
        )
      assert.deepStrictEqual(yield* byChannel("sms"), [[ids[0], "sms"]])
      assert.deepStrictEqual(yield* byChannel("viber"), [[ids[1], "viber"]])
      assert.deepStrictEqual(yield* byChannel("whatsapp"), [[ids[2], "whatsapp"]])
      assert.deepStrictEqual(yield* byChannel("multichannel"), [[ids[3], "viber"]])
      const channels = yield* Effect.flatMap(
        call("GET", `/reports/summary/channel?${JUNE}`),
        (a) => success(Api.Reports.getSummaryReports, a)
      )
      assert.deepStrictEqual(Object.keys(channels.data).sort(), ["multichannel", "sms", "viber", "whatsapp"])
      assert.deepStrictEqual(channels.data.multichannel, {
        phoneNumbers: 1,
        parts: 1,
        costParts: 0.072,
        value: "multichannel"
      })
    }))

  it.effect("period (Y or Y-m) and start_date..end_date (both days included) select by sending time, UTC", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2025-05-31T23:59:59Z"))
      const may = (yield* send({ to: [NL] })).data[0]!.msgId
      yield* TestClock.setTime(Date.parse("2025-06-01T00:00:00Z"))
      const june = (yield* send({ to: [DE] })).data[0]!.msgId
      yield* TestClock.setTime(Date.parse("2026-01-01T00:00:00Z"))
      const next = (yield* send({ to: [GB] })).data[0]!.msgId
      const ids = (query: string) => Effect.map(advanced(query), (b) => b.data.map((m) => m.msgId))
      assert.deepStrictEqual(yield* ids("period=2025-05"), [may])
      assert.deepStrictEqual(yield* ids("period=2025-06"), [june])
      assert.deepStrictEqual(yield* ids("period=2025"), [june, may])
      assert.deepStrictEqual(yield* ids("period=2026"), [next])
      assert.deepStrictEqual(yield* ids("period=2024"), [])
      assert.deepStrictEqual(yield* ids("start_date=2025-05-31&end_date=2025-05-31"), [may])
      assert.deepStrictEqual(yield* ids("start_date=2025-06-01&end_date=2025-12-31"), [june])
      assert.deepStrictEqual(yield* ids("start_date=2025-05-31&end_date=2026-01-01"), [next, june, may])
      // a period wins over an interval given with it; empty parameters count as absent
      assert.deepStrictEqual(yield* ids("period=2025-05&start_date=2026-01-01&end_date=2026-01-01"), [may])
      assert.deepStrictEqual(yield* ids("period=&start_date=2026-01-01&end_date=2026-01-01"), [next])
    }).pipe(provide()))

  it.effect("pages with limit and the next / previous cursors; short_response gives the totals only", () =>
    Effect.gen(function*() {
      const sent = yield* send({ to: [NL, NL2, DE, GB, FR] })
      const newestFirst = sent.data.map((m) => m.msgId).reverse()
      const first = yield* advanced(`${JUNE}&limit=2`)
      assert.deepStrictEqual(first.data.map((m) => m.msgId), newestFirst.slice(0, 2))
      assert.strictEqual(first.info.totalPhoneNumbers, 5)
      assert.isNull(first.paging.previous)
      const second = yield* advanced(`${JUNE}&limit=2&next=${first.paging.next}`)
      assert.deepStrictEqual(second.data.map((m) => m.msgId), newestFirst.slice(2, 4))
      const third = yield* advanced(`${JUNE}&limit=2&next=${second.paging.next}`)
      assert.deepStrictEqual(third.data.map((m) => m.msgId), newestFirst.slice(4))
      assert.deepStrictEqual([third.paging.next, third.paging.size], [null, 1])
      const back = yield* advanced(`${JUNE}&limit=2&previous=${third.paging.previous}`)
      assert.deepStrictEqual(back.data.map((m) => m.msgId), newestFirst.slice(2, 4))
      const short = yield* advanced(`${JUNE}&short_response=true`)
      assert.deepStrictEqual(short.data, [])
      assert.deepStrictEqual(short.info, { totalPhoneNumbers: 5, totalCost: sent.info.totalCost, totalParts: 5 })
      for (const bad of ["limit=0", "limit=501", "limit=two", "next=bogus", "previous=bogus"]) {
        const answer = yield* call("GET", `/reports?${JUNE}&${bad}`)
        yield* failure(answer, 400, "invalid_param", 1000)
      }
    }).pipe(provide()))
})

describe("advanced report errors", () => {
  it.effect("getAdvancedReport: each documented 400; a bad channel (no code documented here) is the generic one", () =>
    Effect.gen(function*() {
      for (const [query, code] of filterErrors) {
        yield* failure(yield* call("GET", `/reports?${query}`), 400, "invalid_param", code)
      }
      yield* failure(yield* call("GET", `/reports?${JUNE}&channel=rcs`), 400, "invalid_param", 1000)
      yield* failure(yield* call("GET", `/reports?${JUNE}&short_response=maybe`), 400, "invalid_param", 1000)
    }).pipe(provide()))

  it.effect("the exports: the same rows, and 1828 for a bad channel; a bad limit is the generic error", () =>
    Effect.gen(function*() {
      for (const path of ["/reports/csv", "/reports/xlsx"]) {
        for (const [query, code] of filterErrors) {
          yield* failure(yield* call("GET", `${path}?${query}`), 400, "invalid_param", code)
        }
        yield* failure(yield* call("GET", `${path}?${JUNE}&channel=rcs`), 400, "invalid_param", 1828)
        yield* failure(yield* call("GET", `${path}?${JUNE}&limit=0`), 400, "invalid_param", 1000)
      }
    }).pipe(provide()))
})

describe("advanced report exports", () => {
  it.effect("CSV and XLSX hold the filtered rows, newest first, with a header row; limit caps them", () =>
    Effect.gen(function*() {
      const sent = yield* send({ to: [NL, DE, GB] })
      const csv = yield* download(`/reports/csv?${JUNE}`)
      assert.strictEqual(csv.status, 200)
      assert.strictEqual(csv.headers["content-type"], "application/csv")
      assert.include(csv.headers["content-disposition"], "report.csv")
      const rows = csvRows(csv.bytes)
      assert.deepStrictEqual(rows.map((r) => r.msgId), sent.data.map((m) => m.msgId).reverse())
      assert.deepStrictEqual(
        { ...rows[0] },
        {
          msgId: sent.data[2]!.msgId,
          status: "ACCEPTED",
          statusCode: String(Delivery.statusCodes.ACCEPTED),
          errorCode: "",
          inQuietHours: "false",
          createdAt: new Date(NOW).toISOString(),
          updatedAt: "",
          scheduledAt: "",
          cost: "0.041",
          to: GB,
          countryIso: "GB",
          from: "InfoText",
          source: "api",
          channel: "sms",
          text: "Hello",
          length: "5",
          unicode: "false",
          parts: "1"
        }
      )
      const de = csvRows((yield* download(`/reports/csv?${JUNE}&country_iso=DE`)).bytes)
      assert.deepStrictEqual(de.map((r) => r.to), [DE])
      const capped = csvRows((yield* download(`/reports/csv?${JUNE}&limit=2`)).bytes)
      assert.strictEqual(capped.length, 2)
      const empty = yield* download(`/reports/csv?period=2024`)
      assert.strictEqual(new TextDecoder().decode(empty.bytes).trim().split("\r\n").length, 1)

      const xlsx = yield* download(`/reports/xlsx?${JUNE}&delivery_report=accepted`)
      assert.strictEqual(
        xlsx.headers["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
      )
      assert.include(xlsx.headers["content-disposition"], "report.xlsx")
      const sheet = yield* xlsxRows(xlsx.bytes)
      assert.strictEqual(sheet.name, "Report")
      assert.deepStrictEqual(sheet.rows[0]!.slice(0, 3), ["msgId", "status", "statusCode"])
      assert.deepStrictEqual(sheet.rows.slice(1).map((r) => [r[0], r[1], r[9]]), [
        [sent.data[2]!.msgId, "ACCEPTED", GB],
        [sent.data[1]!.msgId, "ACCEPTED", DE],
        [sent.data[0]!.msgId, "ACCEPTED", NL]
      ])
    }).pipe(provide()))
})

describe("getSingleReport", () => {
  it.effect("one message's report; 1165 for a malformed id, 1160 for an unknown one", () =>
    Effect.gen(function*() {
      const sent = yield* send({ to: [NL], text: "a".repeat(161) })
      const body = yield* single(sent.data[0]!.msgId)
      assert.deepStrictEqual(
        [body.data.to, body.data.cost, body.data.textAnalysis],
        [NL, sent.info.totalCost, { length: 161, unicode: false, parts: 2 }]
      )
      yield* failure(yield* call("GET", `/reports/single/${UNKNOWN_ID}`), 404, "not_found", 1160)
      yield* failure(yield* call("GET", "/reports/single/not-a-msg-id"), 400, "invalid_param", 1165)
      yield* failure(yield* call("GET", `/reports/single/${UNKNOWN_ID.toUpperCase()}`), 400, "invalid_param", 1165)
    }).pipe(provide()))
})

describe("Reports: a period or an interval, as the SDK's inputs take them", () => {
  it.effect("an interval alone pages and exports; empty date parameters beside a period are absent", () =>
    Effect.gen(function*() {
      const sent = yield* send({ to: [NL, NL2, DE] })
      const newestFirst = sent.data.map((m) => m.msgId).reverse()
      const interval = "start_date=2025-06-01&end_date=2025-06-30"
      const first = yield* advanced(`${interval}&limit=2`)
      const second = yield* advanced(`${interval}&limit=2&next=${first.paging.next}`)
      assert.deepStrictEqual([...first.data, ...second.data].map((m) => m.msgId), newestFirst)
      assert.deepStrictEqual(
        (yield* advanced("period=2025-06&start_date=&end_date=")).data.map((m) => m.msgId),
        newestFirst
      )
      const csv = yield* download(`/reports/csv?${interval}`)
      assert.strictEqual(csv.status, 200)
      assert.strictEqual(csvRows(csv.bytes).length, 3)
    }).pipe(provide()))

  it.effect("a missing period or half an interval is 1824, before the country is looked at", () =>
    Effect.gen(function*() {
      for (const query of ["country_iso=XX", "start_date=2025-06-01&country_iso=XX", "end_date=2025-06-30"]) {
        yield* failure(yield* call("GET", `/reports/xlsx?${query}`), 400, "invalid_param", 1824)
      }
      yield* failure(yield* call("GET", `/reports/summary/traffic?start_date=2025-06-01`), 400, "invalid_param", 1824)
    }).pipe(provide()))
})
