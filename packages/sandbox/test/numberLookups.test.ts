// The Numbers group's validation and lookups; its rents are numberRents.test.ts's.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Webhooks from "@smscx/core/Webhooks"
import { Sandbox } from "@smscx/sandbox"
import { parse } from "csv-parse/sync"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import * as TestServices from "effect/TestServices"
import ExcelJS from "exceljs"
import {} from "../src/internal/engines/numberRents.js"
import * as NumbersEngine from "../src/internal/engines/numbers.js"
import * as Phone from "../src/internal/engines/phone.js"
import {} from "../src/internal/kernel/money.js"
import { API_KEY, call, failure, NOW, provide, success, withInstance } from "./utils.js"

const N = Api.Numbers
const NL = "+31612345678"
const UNKNOWN_ID = "0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11"
const HOOK = "http://127.0.0.1:9/lookup-results"

const balance = Effect.map(call("GET", "/account/balance"), (a) => (a.json as { balance: number }).balance)

/** A raw call whose answer is a file: status, content type and bytes. */
const download = (path: string) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const response = yield* client.execute(
      HttpClientRequest.get(Sandbox.baseUrl + path).pipe(HttpClientRequest.setHeaders({ "X-API-KEY": API_KEY }))
    )
    const bytes = new Uint8Array(yield* response.arrayBuffer)
    return { status: response.status, contentType: response.headers["content-type"] ?? "", bytes }
  })

/** Waits briefly, in real time, until `check` holds (a forked fiber's work). */
const eventually = (check: () => boolean) =>
  Effect.gen(function*() {
    for (let i = 0; i < 500; i++) {
      if (check()) return
      yield* TestServices.provideLive(Effect.sleep("2 millis"))
    }
    assert.fail("condition never held")
  })

describe("engine", () => {
  it("every number offered for rent is valid, of its type, in its country", () => {
    for (const iso of ["NL", "DE", "FR", "GB", "RO", "US"]) {
      const offers = NumbersEngine.offers(iso)
      assert.strictEqual(offers.length, 5)
      const numbers = [...offers.flatMap((o) => o.phoneNumber === null ? [] : [o]), ...NumbersEngine.poolNumbers(iso)]
      for (const n of numbers) {
        const e164 = typeof n === "string" ? n : n.phoneNumber!
        assert.strictEqual(Phone.validate(e164)?.countryIso, iso, e164)
        const mobile = typeof n === "string" || n.numberType === "mobile"
        // North American numbers do not tell mobile from landline (FIXED_LINE_OR_MOBILE)
        if (iso !== "US") assert.strictEqual(NumbersEngine.isMobile(e164), mobile, e164)
      }
    }
    assert.deepStrictEqual(NumbersEngine.offers("ES"), [])
  })

  it("lookup outcomes follow the documented digit rules", () => {
    const status = (n: string) => NumbersEngine.lookup(n, Phone.validate(n)!.countryIso)
    assert.strictEqual(status("+31612345670").status, "ABSENT")
    assert.strictEqual(status("+31612345671").status, "UNKNOWN")
    assert.strictEqual(status("+31612345672").status, "BARRED")
    assert.strictEqual(status("+31612345643").status, "ACTIVE")
    assert.strictEqual(status("+31201234567").status, "FAILED")
    const ported = status("+31612345673")
    assert.deepStrictEqual([ported.ported, ported.originalNetwork, ported.portedNetwork, ported.mccmnc], [
      true,
      { name: "KPN", mnc: "08" },
      { name: "Vodafone", mnc: "04" },
      "20404"
    ])
    const roaming = status("+4915123456793")
    assert.deepStrictEqual([roaming.roaming, roaming.roamingNetwork.countryIso, roaming.roamingNetwork.name], [
      true,
      "FR",
      "Orange"
    ])
    // the table knows no US carriers: null networks, the MCC alone
    const us = status("+12015550123")
    assert.deepStrictEqual([us.originalNetwork, us.mccmnc], [{ name: null, mnc: null }, "310"])
  })
})

describe("Numbers: validation", () => {
  it.effect("validateNumber: E.164, country, carrier from the table, time zone", () =>
    Effect.gen(function*() {
      const ok = yield* success(N.validateNumber, yield* call("GET", `/numbers/validate/${encodeURIComponent(NL)}`))
      assert.deepStrictEqual(ok.data, {
        phoneNumber: NL,
        countryIso: "NL",
        networkOperator: "KPN",
        timezone: "Europe/Amsterdam"
      })
      // digits without "+" are international; a carrier the table does not know is "Unknown"
      const us = yield* success(N.validateNumber, yield* call("GET", "/numbers/validate/12015550123"))
      assert.deepStrictEqual(us.data, {
        phoneNumber: "+12015550123",
        countryIso: "US",
        networkOperator: "Unknown",
        timezone: "America/New_York"
      })
      const es = yield* success(N.validateNumber, yield* call("GET", "/numbers/validate/%2B34612345678"))
      // a country of several zones without one in the price list: one of its zones (ICU's first)
      assert.include(["Africa/Ceuta", "Atlantic/Canary", "Europe/Madrid"], es.data.timezone)
      const bad = yield* failure(yield* call("GET", "/numbers/validate/%2B3161234"), 400, "invalid_param", 1207)
      assert.deepStrictEqual(bad.invalid, ["+3161234"])
    }).pipe(provide()))

  it.effect("validateNumbers: keeps the order, flags invalid numbers, national numbers with countryIso", () =>
    Effect.gen(function*() {
      const answer = yield* success(
        N.validateNumbers,
        yield* call("POST", "/numbers/validate", {
          body: { phoneNumbers: ["0612345678", "+3161234", "+4915123456789"], countryIso: "NL" }
        })
      )
      assert.deepStrictEqual(answer.info, { totalPhoneNumbers: 3, totalValid: 2, totalInvalid: 1 })
      assert.deepStrictEqual(answer.data, [
        {
          phoneNumber: NL,
          invalid: false,
          countryIso: "NL",
          networkOperator: "KPN",
          timezone: "Europe/Amsterdam"
        },
        { phoneNumber: "+3161234", invalid: true },
        {
          phoneNumber: "+4915123456789",
          invalid: false,
          countryIso: "DE",
          networkOperator: "Telekom",
          timezone: "Europe/Berlin"
        }
      ])
    }).pipe(provide()))

  it.effect("validateNumbers: every documented error", () =>
    Effect.gen(function*() {
      const post = (body: unknown) => call("POST", "/numbers/validate", { body })
      yield* failure(yield* post({}), 400, "invalid_param", 1203)
      yield* failure(yield* post({ phoneNumbers: [] }), 400, "invalid_param", 1203)
      yield* failure(yield* post({ phoneNumbers: NL }), 400, "invalid_param", 1208)
      yield* failure(yield* post({ phoneNumbers: [31612345678] }), 400, "invalid_param", 1208)
      yield* failure(yield* post({ phoneNumbers: Array(40_001).fill(NL) }), 400, "invalid_param", 1205)
      const max = yield* success(N.validateNumbers, yield* post({ phoneNumbers: Array(40_000).fill(NL) }))
      assert.strictEqual(max.info.totalValid, 40_000)
    }).pipe(provide()))
})

describe("Numbers: lookups", () => {
  it.effect("lookupNumber: charged per country, answered at once, found again by lookupId", () =>
    Effect.gen(function*() {
      const answer = yield* success(N.lookupNumber, yield* call("GET", `/numbers/lookup/${encodeURIComponent(NL)}`))
      assert.strictEqual(yield* balance, 99.992)
      assert.deepStrictEqual({ ...answer.data, lookupId: "" }, {
        phoneNumber: NL,
        lookupId: "",
        cost: 0.008,
        mcc: "204",
        mccmnc: "20404",
        countryIso: "NL",
        countryName: "Netherlands",
        countryNameLocale: "Nederland",
        status: "ACTIVE",
        statusDescription: "Phone number is reachable",
        ported: true,
        roaming: false,
        originalNetwork: { name: "KPN", mnc: "08" },
        portedNetwork: { name: "Vodafone", mnc: "04" },
        roamingNetwork: { countryIso: null, countryName: null, mcc: null, mnc: null, name: null },
        datetime: new Date(NOW).toISOString()
      })
      const again = yield* success(
        N.getSingleLookupStatus,
        yield* call("GET", `/numbers/lookup/lookupId/${answer.data.lookupId}`)
      )
      assert.deepStrictEqual(again, answer.data)
      const gb = yield* success(N.lookupNumber, yield* call("GET", "/numbers/lookup/447400123450"))
      assert.deepStrictEqual([gb.data.status, gb.data.cost], ["ABSENT", 0.006])
      assert.strictEqual(yield* balance, 99.986)
    }).pipe(provide()))

  it.effect("lookupNumber: every documented error a client can provoke", () =>
    Effect.gen(function*() {
      const bad = yield* failure(yield* call("GET", "/numbers/lookup/%2B3161234"), 400, "invalid_param", 1207)
      assert.deepStrictEqual(bad.invalid, ["+3161234"])
      yield* failure(yield* call("GET", "/numbers/lookup/%20"), 400, "invalid_param", 1212)
      // Spain is a valid country the lookup price list does not cover
      yield* failure(yield* call("GET", "/numbers/lookup/%2B34612345678"), 403, "no_coverage", 1214)
      assert.strictEqual(yield* balance, 100)
    }).pipe(provide()))

  it.effect("lookupNumber: 1113 when the balance is short, nothing charged", () =>
    Effect.gen(function*() {
      yield* failure(yield* call("GET", `/numbers/lookup/${encodeURIComponent(NL)}`), 400, "insufficient_credit", 1113)
      assert.strictEqual(yield* balance, 0.005)
    }).pipe(provide({ balance: 0.005 })))

  it.effect("lookupNumbers: charged for the valid covered numbers, pending until the Clock passes 5 s", () =>
    Effect.gen(function*() {
      const numbers = [NL, "+3161234", "+4915123456789", "+34612345678", "+447400123451"]
      const answer = yield* success(
        N.lookupNumbers,
        yield* call("POST", "/numbers/lookup", { body: { phoneNumbers: numbers } })
      )
      assert.deepStrictEqual({ ...answer.info, lookupBulkId: "" }, {
        lookupBulkId: "",
        totalPhoneNumbers: 5,
        totalValid: 3,
        totalInvalid: 2,
        totalCost: 0.023,
        invalid: ["+3161234", "+34612345678"]
      })
      assert.deepStrictEqual(answer.data.map((d) => [d.phoneNumber, d.countryIso, d.cost]), [
        [NL, "NL", 0.008],
        ["+4915123456789", "DE", 0.009],
        ["+447400123451", "GB", 0.006]
      ])
      assert.strictEqual(yield* balance, 99.977)
      const id = answer.info.lookupBulkId
      const status = () =>
        Effect.flatMap(call("GET", `/numbers/lookup/lookupBulkId/${id}`), (a) => success(N.getBulkLookupStatus, a))
      // in progress: counted, not shown (the spec's statuses have no "pending" one)
      const pending = yield* status()
      assert.deepStrictEqual(pending.info.phoneNumbersByCountry, { countryCode: { NL: 1, DE: 1, GB: 1 } })
      assert.deepStrictEqual([pending.info.totalValid, pending.data, pending.paging.size], [3, [], 0])
      const single = answer.data[2]!.lookupId
      yield* failure(yield* call("GET", `/numbers/lookup/lookupId/${single}`), 404, "not_found", 1219)
      yield* TestClock.adjust("4999 millis")
      assert.strictEqual((yield* status()).data.length, 0)
      yield* TestClock.adjust("1 millis")
      const done = yield* status()
      assert.deepStrictEqual(done.data.map((d) => [d.phoneNumber, d.status, d.ported]), [
        [NL, "ACTIVE", true],
        ["+4915123456789", "ACTIVE", true],
        ["+447400123451", "UNKNOWN", false]
      ])
      assert.strictEqual(
        (yield* success(N.getSingleLookupStatus, yield* call("GET", `/numbers/lookup/lookupId/${single}`))).status,
        "UNKNOWN"
      )
      // paged
      const first = yield* success(
        N.getBulkLookupStatus,
        yield* call("GET", `/numbers/lookup/lookupBulkId/${id}?limit=2`)
      )
      assert.deepStrictEqual([first.data.length, first.paging.size, first.paging.previous], [2, 2, null])
      const second = yield* success(
        N.getBulkLookupStatus,
        yield* call("GET", `/numbers/lookup/lookupBulkId/${id}?limit=2&next=${first.paging.next}`)
      )
      assert.deepStrictEqual([second.data.map((d) => d.phoneNumber), second.paging.next], [["+447400123451"], null])
      yield* failure(yield* call("GET", `/numbers/lookup/lookupBulkId/${id}?limit=501`), 400, "invalid_param", 1000)
      // the campaigns
      const campaigns = yield* success(N.getBulkLookupCampaigns, yield* call("GET", "/numbers/lookup"))
      assert.deepStrictEqual(campaigns.data, [{
        id,
        totalPhoneNumbers: 5,
        totalValid: 3,
        totalCost: 0.023,
        datetimeAdded: new Date(NOW).toISOString()
      }])
    }).pipe(provide()))

  it.effect("getBulkLookupCampaigns: pages of campaigns, oldest first", () =>
    Effect.gen(function*() {
      const ids: Array<string> = []
      for (let i = 0; i < 3; i++) {
        const a = yield* success(
          N.lookupNumbers,
          yield* call("POST", "/numbers/lookup", { body: { phoneNumbers: [NL] } })
        )
        ids.push(a.info.lookupBulkId)
      }
      const page1 = yield* success(N.getBulkLookupCampaigns, yield* call("GET", "/numbers/lookup?limit=2"))
      assert.deepStrictEqual(page1.data.map((c) => c.id), ids.slice(0, 2))
      const page2 = yield* success(
        N.getBulkLookupCampaigns,
        yield* call("GET", `/numbers/lookup?limit=2&next=${page1.paging.next}`)
      )
      assert.deepStrictEqual([page2.data.map((c) => c.id), page2.paging.next], [ids.slice(2), null])
      const back = yield* success(
        N.getBulkLookupCampaigns,
        yield* call("GET", `/numbers/lookup?limit=2&previous=${page2.paging.previous}`)
      )
      assert.deepStrictEqual(back.data.map((c) => c.id), ids.slice(0, 2))
    }).pipe(provide()))

  it.effect("lookupNumbers: every documented error", () =>
    Effect.gen(function*() {
      const post = (body: unknown) => call("POST", "/numbers/lookup", { body })
      yield* failure(yield* post({}), 400, "invalid_param", 1203)
      yield* failure(yield* post({ phoneNumbers: [] }), 400, "invalid_param", 1203)
      yield* failure(yield* post({ phoneNumbers: "+31612345678" }), 400, "invalid_param", 1208)
      yield* failure(yield* post({ phoneNumbers: Array(40_001).fill(NL) }), 400, "invalid_param", 1205)
      yield* failure(yield* post({ phoneNumbers: [NL], lookupCallbackUrl: "not a url" }), 400, "invalid_param", 1209)
      yield* failure(
        yield* post({ phoneNumbers: [NL], lookupCallbackUrl: "ftp://x.example/y" }),
        400,
        "invalid_param",
        1209
      )
      const none = yield* failure(
        yield* post({ phoneNumbers: ["+3161234", "+34612345678"] }),
        400,
        "invalid_param",
        1216
      )
      assert.deepStrictEqual(none.invalid, ["+3161234", "+34612345678"])
      assert.strictEqual(yield* balance, 100)
    }).pipe(provide()))

  it.effect("lookupNumbers: 1113 when the balance is short", () =>
    Effect.gen(function*() {
      yield* failure(
        yield* call("POST", "/numbers/lookup", { body: { phoneNumbers: [NL, "+4915123456789"] } }),
        400,
        "insufficient_credit",
        1113
      )
      assert.strictEqual(yield* balance, 0.01)
      assert.deepStrictEqual((yield* success(N.getBulkLookupCampaigns, yield* call("GET", "/numbers/lookup"))).data, [])
    }).pipe(provide({ balance: 0.01 })))

  it.effect("lookup ids: malformed (1217/1218) and unknown (1219/1220)", () =>
    Effect.gen(function*() {
      yield* failure(yield* call("GET", "/numbers/lookup/lookupId/nope"), 400, "invalid_param", 1217)
      yield* failure(yield* call("GET", `/numbers/lookup/lookupId/${UNKNOWN_ID}`), 404, "not_found", 1219)
      // getBulkLookupStatus's table gives these two types swapped; the catalogue is followed
      yield* failure(yield* call("GET", "/numbers/lookup/lookupBulkId/nope"), 400, "not_found", 1218)
      yield* failure(yield* call("GET", `/numbers/lookup/lookupBulkId/${UNKNOWN_ID}`), 404, "invalid_param", 1220)
      for (const format of ["csv", "xlsx"]) {
        yield* failure(yield* call("GET", `/numbers/lookup/lookupBulkId/nope/${format}`), 400, "invalid_param", 1218)
        yield* failure(
          yield* call("GET", `/numbers/lookup/lookupBulkId/${UNKNOWN_ID}/${format}`),
          404,
          "not_found",
          1220
        )
      }
    }).pipe(provide()))

  it.effect("exports: CSV and XLSX of a bulk lookup, read back", () =>
    Effect.gen(function*() {
      const answer = yield* success(
        N.lookupNumbers,
        yield* call("POST", "/numbers/lookup", { body: { phoneNumbers: [NL, "+40721234562"] } })
      )
      const id = answer.info.lookupBulkId
      const pendingCsv = yield* download(`/numbers/lookup/lookupBulkId/${id}/csv`)
      const pendingRows = parse(new TextDecoder().decode(pendingCsv.bytes), { columns: true }) as Array<
        Record<string, string>
      >
      assert.deepStrictEqual(pendingRows, [])
      yield* TestClock.adjust("5 seconds")
      const csv = yield* download(`/numbers/lookup/lookupBulkId/${id}/csv`)
      assert.deepStrictEqual([csv.status, csv.contentType.split(";")[0]], [200, "application/csv"])
      const rows = parse(new TextDecoder().decode(csv.bytes), { columns: true }) as Array<Record<string, string>>
      assert.deepStrictEqual(rows.map((r) => [r.phoneNumber, r.status, r.countryIso, r.originalNetwork, r.cost]), [
        [NL, "ACTIVE", "NL", "KPN", "0.008"],
        ["+40721234562", "BARRED", "RO", "Vodafone", "0.005"]
      ])
      assert.strictEqual(rows[0]!.lookupId, answer.data[0]!.lookupId)
      const xlsx = yield* download(`/numbers/lookup/lookupBulkId/${id}/xlsx`)
      assert.strictEqual(xlsx.status, 200)
      const workbook = new ExcelJS.Workbook()
      yield* Effect.promise(() => workbook.xlsx.load(xlsx.bytes.buffer as ArrayBuffer))
      const sheet = workbook.worksheets[0]!
      const header = (sheet.getRow(1).values as Array<unknown>).slice(1)
      assert.strictEqual(header[1], "phoneNumber")
      assert.deepStrictEqual(
        [2, 3].map((r) => [sheet.getRow(r).getCell(2).value, sheet.getRow(r).getCell(5).value]),
        [[NL, "ACTIVE"], ["+40721234562", "BARRED"]]
      )
    }).pipe(provide()))

  it.effect("lookupCallbackUrl: the results are POSTed once complete, as the spec's number-lookup callback", () =>
    withInstance((instance) =>
      Effect.gen(function*() {
        const numbers = Array.from({ length: 201 }, (_, i) => `+316400${String(i).padStart(5, "0")}`)
        const answer = yield* success(
          N.lookupNumbers,
          yield* call("POST", "/numbers/lookup", { body: { phoneNumbers: numbers, lookupCallbackUrl: HOOK } })
        )
        yield* TestClock.adjust("4 seconds")
        assert.strictEqual(instance.callbacks.log().length, 0)
        yield* TestClock.adjust("1 second")
        yield* eventually(() => instance.callbacks.log().length === 2)
        const log = instance.callbacks.log()
        assert.deepStrictEqual(log.map((r) => r.url), [HOOK, HOOK])
        const payloads = yield* Effect.forEach(log, (r) => Schema.decodeUnknown(Webhooks.NumberLookup)(r.payload))
        assert.deepStrictEqual(payloads.map((p) => [p.event, p.data.length]), [["otp_update", 200], [
          "otp_update",
          1
        ]])
        const first = payloads[0]!.data[0]!
        assert.deepStrictEqual([first.lookupBulkId, first.lookupId, first.status], [
          answer.info.lookupBulkId,
          answer.data[0]!.lookupId,
          "ABSENT"
        ])
        assert.strictEqual(Webhooks.NumberLookup.fields.event !== undefined, true)
        yield* instance.callbacks.settled
      })
    ))
})
