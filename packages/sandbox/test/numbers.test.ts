import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Webhooks from "@smscx/core/Webhooks"
import { Sandbox } from "@smscx/sandbox"
import { parse } from "csv-parse/sync"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import * as TestServices from "effect/TestServices"
import ExcelJS from "exceljs"
import * as App from "../src/internal/app/app.js"
import { receiveInboundSms } from "../src/internal/engines/numberRents.js"
import * as NumbersEngine from "../src/internal/engines/numbers.js"
import * as Phone from "../src/internal/engines/phone.js"
import { toMicros } from "../src/internal/kernel/money.js"
import { API_KEY, call, failure, NOW, provide, success, testConfig } from "./utils.js"

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

/**
 * A sandbox whose store and callbacks the test can reach (the public one shows neither): the
 * app of `App.make`, served in-process to `call`.
 */
const withInstance = <A, E>(
  body: (instance: App.Instance) => Effect.Effect<A, E, HttpClient.HttpClient>,
  balanceAmount = 100
) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(NOW)
    const instance = yield* App.make({
      ...testConfig(),
      balanceMicros: toMicros(balanceAmount),
      maxBodyBytes: 10_000_000
    })
    const fetchLayer = Layer.effect(
      FetchHttpClient.Fetch,
      Effect.map(Effect.runtime<never>(), (runtime) => {
        const handler = HttpApp.toWebHandlerRuntime(runtime)(instance.app)
        const fetch: typeof globalThis.fetch = (input, init) =>
          handler(input instanceof Request ? input : new Request(new URL(String(input), Sandbox.baseUrl), init))
        return fetch
      })
    )
    return yield* body(instance).pipe(Effect.provide(FetchHttpClient.layer.pipe(Layer.provide(fetchLayer))))
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

interface Offer {
  readonly numberId: string
  readonly phoneNumber: string | null
  readonly numberType: string
  readonly minRent: number
  readonly registration: boolean
  readonly features: number
}

const available = (iso: string, query = "") =>
  Effect.flatMap(call("GET", `/numbers/rent/available/${iso}${query}`), (a) => success(N.getAvailableNumbers, a))

const rent = (body: Record<string, unknown>) => call("POST", "/numbers/rent", { body })

describe("Numbers: rent", () => {
  it.effect("getAvailableNumbers: the country's offers, filtered; 2003 for a country that is none", () =>
    Effect.gen(function*() {
      const all = yield* available("NL")
      assert.deepStrictEqual(
        all.data.map((o) => [o.phoneNumber, o.numberType, o.features, o.minRent, o.registration, o.setupTime]),
        [
          ["+31640000101", "mobile", 3, 1, false, "instant"],
          ["+31640000102", "mobile", 3, 1, false, "instant"],
          ["+31640000103", "mobile", 1, 7, false, "instant"],
          ["+31201234567", "landline", 1, 30, false, "instant"],
          [null, "mobile", 3, 1, true, "delayed"]
        ]
      )
      assert.deepStrictEqual(all.data[0]!.rentCost, [{ days: 1, cost: 0.8 }, { days: 7, cost: 3.2 }, {
        days: 30,
        cost: 8
      }])
      assert.deepStrictEqual(all.data[3]!.rentCost, [{ days: 30, cost: 6 }])
      assert.deepStrictEqual(
        [all.data[0]!.setupCost, all.data[3]!.setupCost, all.data[0]!.outboundSmsCost, all.data[2]!.outboundSmsCost],
        [2, 4, 0.072, null]
      )
      // the same ids on every listing, lower case accepted
      assert.deepStrictEqual((yield* available("nl")).data.map((o) => o.numberId), all.data.map((o) => o.numberId))
      const ids = (q: string) => Effect.map(available("NL", q), (a) => a.data.map((o) => o.phoneNumber))
      assert.deepStrictEqual(yield* ids("?features=2"), ["+31640000101", "+31640000102", null])
      assert.deepStrictEqual(yield* ids("?number_type=landline"), ["+31201234567"])
      assert.deepStrictEqual(yield* ids("?setup_time=delayed&registration=true"), [null])
      assert.deepStrictEqual(yield* ids("?inbound_sms_sender=false"), ["+31640000102", "+31201234567"])
      assert.deepStrictEqual(yield* ids("?include=640000101"), ["+31640000101"])
      assert.deepStrictEqual(yield* ids("?exclude=6400001"), ["+31201234567", null])
      assert.deepStrictEqual((yield* available("ES")).data, [])
      yield* failure(yield* call("GET", "/numbers/rent/available/XX"), 400, "invalid_param", 2003)
      yield* failure(yield* call("GET", "/numbers/rent/available/N1"), 400, "invalid_param", 2003)
      yield* failure(yield* call("GET", "/numbers/rent/available/NLD"), 400, "invalid_param", 2003)
      yield* failure(yield* call("GET", "/numbers/rent/available/NL?features=4"), 400, "invalid_param", 1000)
    }).pipe(provide()))

  it.effect("rentNumber → status → renew → cancel: charges, the offer taken and given back", () =>
    Effect.gen(function*() {
      const offer = (yield* available("NL")).data[0]!
      const rented = yield* success(
        N.rentNumber,
        yield* rent({ numberId: offer.numberId, rentPeriod: 7, callbackUrl: "https://example.com/in" })
      )
      const day = 86_400_000
      assert.deepStrictEqual({ ...rented.info, rentId: "" }, {
        rentId: "",
        numberId: offer.numberId,
        phoneNumber: "+31640000101",
        countryIso: "NL",
        rentStart: new Date(NOW).toISOString(),
        rentEnd: new Date(NOW + 7 * day).toISOString(),
        rentCost: 3.2,
        setupCost: 2,
        autoRenew: false,
        callbackUrl: "https://example.com/in",
        approved: true,
        datetime: new Date(NOW).toISOString()
      })
      assert.strictEqual(yield* balance, 94.8)
      // taken: not offered, not rentable again
      assert.notInclude((yield* available("NL")).data.map((o) => o.numberId), offer.numberId)
      yield* failure(yield* rent({ numberId: offer.numberId, rentPeriod: 7 }), 403, "access_denied", 1231)
      const id = rented.info.rentId
      const status = yield* success(N.getRentStatus, yield* call("GET", `/numbers/rent/${id}`))
      assert.deepStrictEqual(
        [status.info.activeRent, status.info.rentPeriod, status.info.inboundSms, status.info.outboundSms],
        [true, 7, { total: 0, cost: 0 }, { total: 0, cost: 0 }]
      )
      const renewed = yield* success(
        N.renewRent,
        yield* call("PATCH", `/numbers/rent/${id}`, { body: { rentPeriod: 1, autoRenew: true } })
      )
      assert.deepStrictEqual([renewed.info.rentEnd, renewed.info.rentCost, renewed.info.autoRenew], [
        new Date(NOW + 8 * day).toISOString(),
        0.8,
        true
      ])
      assert.strictEqual(yield* balance, 94)
      yield* TestClock.adjust("20 minutes")
      const cancelled = yield* success(N.cancelRent, yield* call("DELETE", `/numbers/rent/${id}`))
      // both rent periods come back, not the setup fee
      assert.strictEqual(cancelled.info.creditReturned, 4)
      assert.strictEqual(yield* balance, 98)
      const after = yield* success(N.getRentStatus, yield* call("GET", `/numbers/rent/${id}`))
      assert.deepStrictEqual([after.info.activeRent, after.info.autoRenew], [false, false])
      yield* failure(yield* call("DELETE", `/numbers/rent/${id}`), 404, "not_found", 1223)
      yield* failure(yield* call("PATCH", `/numbers/rent/${id}`, { body: {} }), 403, "access_denied", 1228)
      // offered again
      assert.include((yield* available("NL")).data.map((o) => o.numberId), offer.numberId)
    }).pipe(provide()))

  it.effect("two concurrent rents of one number: one is rented, the other refused, one charge", () =>
    Effect.gen(function*() {
      const offer = (yield* available("NL")).data[1]!
      const answers = yield* Effect.all(
        [rent({ numberId: offer.numberId, rentPeriod: 1 }), rent({ numberId: offer.numberId, rentPeriod: 1 })],
        { concurrency: 2 }
      )
      assert.deepStrictEqual(answers.map((a) => a.status).sort(), [200, 403])
      // setup 2 + 1 day 0.8, once
      assert.strictEqual(yield* balance, 97.2)
    }).pipe(provide()))

  it.effect("cancelRent: only within 30 minutes, and not after an inbound SMS", () =>
    withInstance((instance) =>
      Effect.gen(function*() {
        const [a, b] = (yield* available("DE")).data
        const first = yield* success(N.rentNumber, yield* rent({ numberId: a!.numberId, rentPeriod: 1 }))
        const second = yield* success(N.rentNumber, yield* rent({ numberId: b!.numberId, rentPeriod: 1 }))
        assert.isTrue(yield* receiveInboundSms(instance.store, second.info.phoneNumber, "+31612345678", "hi"))
        yield* failure(yield* call("DELETE", `/numbers/rent/${second.info.rentId}`), 403, "access_denied", 1232)
        yield* TestClock.adjust("30 minutes")
        yield* TestClock.adjust("1 millis")
        yield* failure(yield* call("DELETE", `/numbers/rent/${first.info.rentId}`), 403, "access_denied", 1227)
      })
    ))

  it.effect("a rent ends after its period; autoRenew renews it (charged) while the balance allows", () =>
    Effect.gen(function*() {
      const [a, b] = (yield* available("GB")).data
      const plain = yield* success(N.rentNumber, yield* rent({ numberId: a!.numberId, rentPeriod: 1 }))
      const auto = yield* success(N.rentNumber, yield* rent({ numberId: b!.numberId, rentPeriod: 1, autoRenew: true }))
      // 2 × (setup 1.25 + day 0.5)
      assert.strictEqual(yield* balance, 96.5)
      yield* TestClock.adjust("1 days")
      const status = (id: string) =>
        Effect.flatMap(call("GET", `/numbers/rent/${id}`), (r) => success(N.getRentStatus, r))
      assert.strictEqual((yield* status(plain.info.rentId)).info.activeRent, false)
      const renewed = yield* status(auto.info.rentId)
      assert.deepStrictEqual([renewed.info.activeRent, renewed.info.rentEnd], [
        true,
        new Date(NOW + 2 * 86_400_000).toISOString()
      ])
      assert.strictEqual(yield* balance, 96)
      yield* failure(
        yield* call("PATCH", `/numbers/rent/${plain.info.rentId}`, { body: { rentPeriod: 1 } }),
        403,
        "access_denied",
        1228
      )
      // an ended rent is past its cancel window
      yield* failure(yield* call("DELETE", `/numbers/rent/${plain.info.rentId}`), 403, "access_denied", 1227)
      const list = (q: string) =>
        Effect.flatMap(call("GET", `/numbers/rent${q}`), (r) => success(N.getRentedNumbers, r))
      assert.deepStrictEqual((yield* list("?active_rent=true")).data.map((r) => r.rentId), [auto.info.rentId])
      assert.deepStrictEqual((yield* list("?active_rent=false")).data.map((r) => r.rentId), [plain.info.rentId])
      assert.deepStrictEqual((yield* list("?country_iso=gb")).data.length, 2)
      assert.deepStrictEqual((yield* list("?country_iso=NL")).data.length, 0)
      assert.deepStrictEqual((yield* list("?include=447400000102")).data.map((r) => r.rentId), [auto.info.rentId])
      assert.deepStrictEqual((yield* list("?number_type=landline")).data, [])
      // the balance runs out: the auto rent stops
      yield* (yield* Sandbox.Sandbox).setBalance(0.7)
      yield* TestClock.adjust("3 days")
      assert.strictEqual((yield* status(auto.info.rentId)).info.activeRent, false)
      assert.closeTo(yield* balance, 0.2, 1e-9)
    }).pipe(provide()))

  it.effect("rentNumber: every documented error", () =>
    Effect.gen(function*() {
      const offers = (yield* available("FR")).data
      const [daily, , weekly, landline, pooled] = offers as unknown as ReadonlyArray<Offer>
      yield* failure(yield* rent({ rentPeriod: 1 }), 400, "invalid_param", 1222)
      yield* failure(yield* rent({ numberId: "nope", rentPeriod: 1 }), 400, "invalid_param", 1222)
      yield* failure(yield* rent({ numberId: daily!.numberId }), 400, "invalid_param", 1224)
      yield* failure(yield* rent({ numberId: daily!.numberId, rentPeriod: 2 }), 400, "invalid_param", 1224)
      yield* failure(
        yield* rent({ numberId: daily!.numberId, rentPeriod: 1, autoRenew: "yes" }),
        400,
        "invalid_param",
        1225
      )
      yield* failure(
        yield* rent({ numberId: daily!.numberId, rentPeriod: 1, callbackUrl: "nope" }),
        400,
        "invalid_param",
        1226
      )
      yield* failure(
        yield* rent({ numberId: daily!.numberId, rentPeriod: 1, callbackUrl: "mailto:a@example.com" }),
        400,
        "invalid_param",
        1226
      )
      yield* failure(yield* rent({ numberId: weekly!.numberId, rentPeriod: 1 }), 400, "invalid_param", 1229)
      yield* failure(yield* rent({ numberId: landline!.numberId, rentPeriod: 7 }), 400, "invalid_param", 1229)
      yield* failure(yield* rent({ numberId: pooled!.numberId, rentPeriod: 1 }), 400, "invalid_param", 1234)
      yield* failure(
        yield* rent({ numberId: pooled!.numberId, rentPeriod: 1, registrationId: "bad" }),
        400,
        "invalid_param",
        1234
      )
      yield* failure(yield* rent({ numberId: UNKNOWN_ID, rentPeriod: 1 }), 404, "not_found", 1230)
      assert.strictEqual(yield* balance, 100)
    }).pipe(provide()))

  it.effect("rentNumber: 1113 when the balance is short", () =>
    Effect.gen(function*() {
      const offer = (yield* available("US")).data[0]!
      // setup 0.5 + 1 day 0.2
      yield* failure(yield* rent({ numberId: offer.numberId, rentPeriod: 1 }), 400, "insufficient_credit", 1113)
      assert.strictEqual(yield* balance, 0.69)
      yield* (yield* Sandbox.Sandbox).setBalance(0.7)
      yield* success(N.rentNumber, yield* rent({ numberId: offer.numberId, rentPeriod: 1 }))
      assert.strictEqual(yield* balance, 0)
    }).pipe(provide({ balance: 0.69 })))

  it.effect("a pooled number: picked at rent time, approved once its registration is reviewed", () =>
    Effect.gen(function*() {
      const pooled = (yield* available("RO")).data[4]!
      const registrationId = "5d0f2c8e-7c56-4b1a-9d1e-2f3a4b5c6d7e"
      const first = yield* success(
        N.rentNumber,
        yield* rent({ numberId: pooled.numberId, rentPeriod: 1, registrationId })
      )
      const second = yield* success(
        N.rentNumber,
        yield* rent({ numberId: pooled.numberId, rentPeriod: 1, registrationId })
      )
      assert.deepStrictEqual([first.info.phoneNumber, second.info.phoneNumber, first.info.approved], [
        "+40720000190",
        "+40720000191",
        false
      ])
      yield* TestClock.adjust("60 minutes")
      const status = yield* success(N.getRentStatus, yield* call("GET", `/numbers/rent/${first.info.rentId}`))
      assert.isTrue(status.info.approved)
    }).pipe(provide()))

  it.effect("renewRent, editRentSettings: their documented errors and their changes", () =>
    Effect.gen(function*() {
      const [daily, , weekly] = (yield* available("NL")).data
      const a = yield* success(N.rentNumber, yield* rent({ numberId: daily!.numberId, rentPeriod: 1 }))
      const w = yield* success(N.rentNumber, yield* rent({ numberId: weekly!.numberId, rentPeriod: 7 }))
      const renew = (id: string, body: unknown) => call("PATCH", `/numbers/rent/${id}`, { body })
      const edit = (id: string, body: unknown) => call("PATCH", `/numbers/rent/${id}/edit`, { body })
      yield* failure(yield* renew("nope", {}), 400, "invalid_param", 1221)
      yield* failure(yield* renew(UNKNOWN_ID, {}), 404, "not_found", 1223)
      yield* failure(yield* renew(a.info.rentId, { rentPeriod: 3 }), 400, "invalid_param", 1224)
      yield* failure(yield* renew(a.info.rentId, { autoRenew: "no" }), 400, "invalid_param", 1225)
      yield* failure(yield* renew(a.info.rentId, { callbackUrl: "nope" }), 400, "invalid_param", 1226)
      yield* failure(yield* renew(w.info.rentId, { rentPeriod: 1 }), 400, "invalid_param", 1229)
      // without rentPeriod: the current one
      const same = yield* success(N.renewRent, yield* renew(w.info.rentId, {}))
      assert.deepStrictEqual([same.info.rentCost, same.info.rentEnd], [
        3.2,
        new Date(NOW + 14 * 86_400_000).toISOString()
      ])
      yield* failure(yield* edit("nope", { autoRenew: true }), 400, "invalid_param", 1221)
      yield* failure(yield* edit(UNKNOWN_ID, { autoRenew: true }), 404, "not_found", 1223)
      yield* failure(yield* edit(a.info.rentId, {}), 400, "invalid_param", 1233)
      yield* failure(yield* edit(a.info.rentId, { autoRenew: 1 }), 400, "invalid_param", 1225)
      yield* failure(yield* edit(a.info.rentId, { callbackUrl: "x" }), 400, "invalid_param", 1226)
      const edited = yield* success(
        N.editRentSettings,
        yield* edit(a.info.rentId, { autoRenew: true, callbackUrl: "https://example.com/sms" })
      )
      assert.deepStrictEqual(edited.info, { rentId: a.info.rentId, datetime: new Date(NOW).toISOString() })
      const status = yield* success(N.getRentStatus, yield* call("GET", `/numbers/rent/${a.info.rentId}`))
      assert.deepStrictEqual([status.info.autoRenew, status.info.callbackUrl], [true, "https://example.com/sms"])
      yield* success(N.editRentSettings, yield* edit(a.info.rentId, { callbackUrl: null }))
      const cleared = yield* success(N.getRentStatus, yield* call("GET", `/numbers/rent/${a.info.rentId}`))
      assert.deepStrictEqual([cleared.info.autoRenew, cleared.info.callbackUrl], [true, null])
      // balance short for a renewal
      yield* (yield* Sandbox.Sandbox).setBalance(0.1)
      yield* failure(yield* renew(a.info.rentId, { rentPeriod: 30 }), 400, "insufficient_credit", 1113)
    }).pipe(provide()))

  it.effect("rentId errors: 1221 malformed, 1223 unknown, for status, cancel and inbound SMS", () =>
    Effect.gen(function*() {
      for (const [method, suffix] of [["GET", ""], ["DELETE", ""], ["GET", "/inbound"]] as const) {
        yield* failure(yield* call(method, `/numbers/rent/nope${suffix}`), 400, "invalid_param", 1221)
        yield* failure(yield* call(method, `/numbers/rent/${UNKNOWN_ID}${suffix}`), 404, "not_found", 1223)
      }
    }).pipe(provide()))
})

describe("Numbers: inbound SMS", () => {
  it.effect("receiveInboundSms: false unless the number is rented; kept, paged, and forwarded", () =>
    withInstance((instance) =>
      Effect.gen(function*() {
        assert.isFalse(yield* receiveInboundSms(instance.store, "+31640000101", "+4915123456789", "hi"))
        assert.isFalse(yield* receiveInboundSms(instance.store, "not a number", "+4915123456789", "hi"))
        const offer = (yield* available("NL")).data[0]!
        const rented = yield* success(
          N.rentNumber,
          yield* rent({ numberId: offer.numberId, rentPeriod: 1, callbackUrl: "http://127.0.0.1:9/inbound" })
        )
        const id = rented.info.rentId
        const empty = yield* success(N.getInboundSms, yield* call("GET", `/numbers/rent/${id}/inbound`))
        assert.deepStrictEqual(empty, {
          info: { rentId: id, phoneNumber: "+31640000101", countryIso: "NL" },
          data: [],
          paging: { next: null, previous: null, size: 0 }
        })
        for (const [from, text] of [["+4915123456789", "one"], ["InfoText", "two"], ["447400123456", "three"]]) {
          assert.isTrue(yield* receiveInboundSms(instance.store, "+31640000101", from!, text!, instance.callbacks))
        }
        const page1 = yield* success(N.getInboundSms, yield* call("GET", `/numbers/rent/${id}/inbound?limit=2`))
        assert.deepStrictEqual(page1.data.map((m) => [m.from, m.countryIso, m.to, m.text, m.cost, m.receivedAt]), [
          ["+4915123456789", "DE", "+31640000101", "one", 0, new Date(NOW).toISOString()],
          ["InfoText", "NL", "+31640000101", "two", 0, new Date(NOW).toISOString()]
        ])
        const page2 = yield* success(
          N.getInboundSms,
          yield* call("GET", `/numbers/rent/${id}/inbound?limit=2&next=${page1.paging.next}`)
        )
        assert.deepStrictEqual(page2.data.map((m) => [m.from, m.text]), [["+447400123456", "three"]])
        const status = yield* success(N.getRentStatus, yield* call("GET", `/numbers/rent/${id}`))
        assert.deepStrictEqual(status.info.inboundSms, { total: 3, cost: 0 })
        // forwarded to the rent's callbackUrl as receive_sms
        const forwarded = instance.callbacks.log()
        assert.deepStrictEqual(forwarded.map((r) => r.url), Array(3).fill("http://127.0.0.1:9/inbound"))
        const payload = yield* Schema.decodeUnknown(Webhooks.ReceiveSms)(forwarded[0]!.payload)
        assert.deepStrictEqual([payload.event, payload.data[0]!.text, payload.data[0]!.msgId], [
          "receive_sms",
          "one",
          page1.data[0]!.msgId
        ])
        // once the rent ends, the number receives nothing more
        yield* TestClock.adjust("1 days")
        assert.isFalse(yield* receiveInboundSms(instance.store, "+31640000101", "+4915123456789", "late"))
        const after = yield* success(N.getInboundSms, yield* call("GET", `/numbers/rent/${id}/inbound`))
        assert.strictEqual(after.data.length, 3)
        yield* instance.callbacks.settled
      })
    ))
})
