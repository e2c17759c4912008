// The Numbers group's rented numbers and their inbound SMS; its lookups are numberLookups.test.ts's.
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Webhooks from "@smscx/core/Webhooks"
import { Sandbox } from "@smscx/sandbox"
import {} from "csv-parse/sync"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import { receiveInboundSms } from "../src/internal/engines/numberRents.js"
import {} from "../src/internal/kernel/money.js"
import { call, failure, NOW, provide, success, withInstance } from "./utils.js"

const N = Api.Numbers
const UNKNOWN_ID = "0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11"

const balance = Effect.map(call("GET", "/account/balance"), (a) => (a.json as { balance: number }).balance)

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
