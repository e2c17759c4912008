import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Generated from "@smscx/core/Generated"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import * as TestServices from "effect/TestServices"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { call, failure, NOW, provide, sandbox, success } from "./utils.js"

const NL = "+31612345678" // 0.072 a part
const JP = "+819012345678" // no coverage
const UNKNOWN = "0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11"
const TRACK = "6f1c0e4a-2b3d-4c5e-8f90-a1b2c3d4e5f6"

const newOtp = (body: object) => call("POST", "/otp", { body: { phoneNumber: NL, ...body } })
const status = (otpId: string) => call("GET", `/otp/${otpId}`)
const verify = (otpId: string, body: unknown) => call("POST", `/otp/${otpId}`, { body })
const cancel = (otpId: string) => call("DELETE", `/otp/${otpId}`)

/** Creates an OTP; gives it with the PIN read from the SMS in the outbox. */
const created = (body: object = {}) =>
  Effect.gen(function*() {
    const otp = yield* success(Api.Otp.newOtp, yield* newOtp(body))
    const messages = yield* (yield* sandbox).messages
    const text = messages[messages.length - 1]!.text
    const pin = /code is (\S+)$/.exec(text)?.[1]
    assert.isDefined(pin, text)
    return { otp, pin: pin!, text }
  })

const otpStatus = (otpId: string) => Effect.flatMap(status(otpId), (a) => success(Api.Otp.getOtpStatus, a))

describe("newOtp", () => {
  it.effect("sends the PIN by SMS with the defaults, billed at the destination's SMS price", () =>
    Effect.gen(function*() {
      const { otp, pin, text } = yield* created()
      assert.deepStrictEqual({ ...otp, otpId: "" }, {
        otpId: "",
        trackId: null,
        phoneNumber: NL,
        countryIso: "NL",
        status: "PENDING",
        cost: 0.072,
        parts: 1,
        maxAttempts: 3,
        attempts: 0,
        ttl: 300,
        otpCallbackUrl: null,
        dateCreated: new Date(NOW).toISOString(),
        dateExpires: new Date(NOW + 300_000).toISOString()
      })
      assert.match(pin, /^\d{6}$/)
      assert.strictEqual(text, `Your verification code is ${pin}`)
      const state = yield* sandbox
      assert.strictEqual(yield* state.balance, 99.928)
      const [message] = yield* state.messages
      assert.deepStrictEqual([message!.to, message!.from, message!.cost, message!.status], [
        NL,
        "InfoText",
        0.072,
        "ACCEPTED"
      ])
      assert.deepStrictEqual((yield* state.campaigns).map((c) => c.operation), ["newOtp"])
      // the status is the same record
      assert.deepStrictEqual(yield* otpStatus(otp.otpId), otp)
    }).pipe(provide()))

  it.effect("takes the PIN type and length, template, originator, ttl, attempts, trackId and callback URL", () =>
    Effect.gen(function*() {
      const letters = yield* created({ pinType: "letters", pinLength: 8 })
      assert.match(letters.pin, /^[A-Z]{8}$/)
      const alnum = yield* created({ pinType: "alphanumeric", pinLength: 10 })
      assert.match(alnum.pin, /^[A-Z0-9]{10}$/)
      const short = yield* created({ pinType: "numbers", pinLength: 4 })
      assert.match(short.pin, /^\d{4}$/)

      const custom = yield* success(
        Api.Otp.newOtp,
        yield* newOtp({
          phoneNumber: "0612345678",
          countryIso: "NL",
          from: "MyShop",
          template: "Hi! Your MyShop code: {{ pin }}. Valid 1 minute.",
          ttl: 60,
          maxAttempts: 10,
          trackId: TRACK,
          otpCallbackUrl: "http://127.0.0.1:9/otp"
        })
      )
      assert.deepStrictEqual(
        [custom.phoneNumber, custom.ttl, custom.maxAttempts, custom.trackId, custom.otpCallbackUrl, custom.dateExpires],
        [NL, 60, 10, TRACK, "http://127.0.0.1:9/otp", new Date(NOW + 60_000).toISOString()]
      )
      const messages = yield* (yield* sandbox).messages
      const message = messages[messages.length - 1]!
      assert.strictEqual(message.from, "MyShop")
      assert.match(message.text, /^Hi! Your MyShop code: \d{6}\. Valid 1 minute\.$/)
    }).pipe(provide()))

  it.effect("bills every part of a long template", () =>
    Effect.gen(function*() {
      const otp = yield* success(Api.Otp.newOtp, yield* newOtp({ template: `${"a".repeat(160)} {{pin}}` }))
      assert.deepStrictEqual([otp.parts, otp.cost], [2, 0.144])
      assert.strictEqual(yield* (yield* sandbox).balance, 99.856)
    }).pipe(provide()))

  it.effect("answers each documented validation error, and sends and bills nothing", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [object, number]> = [
        [{ phoneNumber: undefined }, 2001],
        [{ phoneNumber: "" }, 2001],
        [{ countryIso: "" }, 2002],
        [{ phoneNumber: "0612345678" }, 2002],
        [{ countryIso: "XX" }, 2003],
        [{ countryIso: "NLD" }, 2003],
        [{ from: "" }, 2004],
        [{ from: "   " }, 2004],
        [{ from: "ab" }, 2005],
        [{ from: "a".repeat(16) }, 2005],
        [{ template: "" }, 2006],
        [{ template: "Your code is {{code}}" }, 2006],
        [{ ttl: "soon" }, 2007],
        [{ ttl: 90.5 }, 2007],
        [{ ttl: 59 }, 2008],
        [{ ttl: 1801 }, 2009],
        [{ maxAttempts: "many" }, 2010],
        [{ maxAttempts: 0 }, 2011],
        [{ maxAttempts: 11 }, 2012],
        [{ pinType: "" }, 2013],
        [{ pinType: "digits" }, 2014],
        [{ pinLength: "six" }, 2015],
        [{ pinLength: 3 }, 2016],
        [{ pinLength: 11 }, 2017],
        [{ trackId: "not-a-uuid" }, 2018],
        [{ otpCallbackUrl: "not a url" }, 2019],
        [{ otpCallbackUrl: "ftp://127.0.0.1/otp" }, 2019],
        [{ phoneNumber: "+3161234" }, 2020],
        [{ phoneNumber: "hello" }, 2020]
      ]
      for (const [body, code] of cases) {
        const answer = yield* newOtp(body)
        yield* failure(answer, 400, "invalid_param", code).pipe(
          Effect.catchAllDefect((e) => Effect.dieMessage(`${JSON.stringify(body)}: ${String(e)}`))
        )
      }
      const state = yield* sandbox
      assert.strictEqual(yield* state.balance, 100)
      assert.deepStrictEqual(yield* state.messages, [])
    }).pipe(provide()))

  it.effect("messages of the 2006 rows tell empty from missing {{pin}}", () =>
    Effect.gen(function*() {
      const empty = yield* failure(yield* newOtp({ template: " " }), 400, "invalid_param", 2006)
      assert.match(empty.error.message, /empty/)
      const noPin = yield* failure(yield* newOtp({ template: "Code: {{numbers}}" }), 400, "invalid_param", 2006)
      assert.match(noPin.error.message, /\{\{pin\}\}/)
    }).pipe(provide()))

  it.effect("takes integers as digit strings and a phone number as a JSON number", () =>
    Effect.gen(function*() {
      const otp = yield* success(
        Api.Otp.newOtp,
        yield* newOtp({ phoneNumber: 31612345678, ttl: "120", maxAttempts: "5", pinLength: "4" })
      )
      assert.deepStrictEqual([otp.phoneNumber, otp.ttl, otp.maxAttempts], [NL, 120, 5])
    }).pipe(provide()))

  it.effect("refuses a short balance (insufficient_credit) and a destination without coverage", () =>
    Effect.gen(function*() {
      yield* failure(yield* newOtp({}), 400, "insufficient_credit", 1113)
      yield* failure(yield* newOtp({ phoneNumber: JP }), 403, "no_coverage", 1119)
      const state = yield* sandbox
      assert.strictEqual(yield* state.balance, 0.05)
      assert.deepStrictEqual(yield* state.messages, [])
    }).pipe(provide({ balance: 0.05 })))
})

describe("verifyOtp", () => {
  it.effect("a wrong PIN is 2029 and counts; the right one verifies; again is 2023; cancel then is 2031", () =>
    Effect.gen(function*() {
      const { otp, pin } = yield* created()
      const wrong = pin === "000000" ? "111111" : "000000"
      yield* failure(yield* verify(otp.otpId, { pin: wrong }), 400, "invalid_pin", 2029)
      assert.deepStrictEqual(
        [(yield* otpStatus(otp.otpId)).attempts, (yield* otpStatus(otp.otpId)).status],
        [1, "PENDING"]
      )
      const verified = yield* success(Api.Otp.verifyOtp, yield* verify(otp.otpId, { pin }))
      assert.deepStrictEqual(verified, { status: "VERIFIED" })
      const after = yield* otpStatus(otp.otpId)
      assert.deepStrictEqual([after.status, after.attempts], ["VERIFIED", 1])
      yield* failure(yield* verify(otp.otpId, { pin }), 400, "otp_verified", 2023)
      yield* failure(yield* cancel(otp.otpId), 403, "access_denied", 2031)
      assert.strictEqual((yield* otpStatus(otp.otpId)).status, "VERIFIED")
    }).pipe(provide()))

  it.effect("a letters PIN verifies whatever its case", () =>
    Effect.gen(function*() {
      const { otp, pin } = yield* created({ pinType: "letters" })
      yield* success(Api.Otp.verifyOtp, yield* verify(otp.otpId, { pin: pin.toLowerCase() }))
    }).pipe(provide()))

  it.effect("the wrong PIN that uses the last attempt is 2027 and fails the OTP; later verifies are 2026", () =>
    Effect.gen(function*() {
      const { otp, pin } = yield* created({ maxAttempts: 2 })
      const wrong = pin === "000000" ? "111111" : "000000"
      yield* failure(yield* verify(otp.otpId, { pin: wrong }), 400, "invalid_pin", 2029)
      yield* failure(yield* verify(otp.otpId, { pin: wrong }), 400, "otp_failed", 2027)
      const failed = yield* otpStatus(otp.otpId)
      assert.deepStrictEqual([failed.status, failed.attempts], ["FAILED", 2])
      yield* failure(yield* verify(otp.otpId, { pin }), 400, "otp_failed", 2026)
      yield* failure(yield* cancel(otp.otpId), 403, "access_denied", 2031)
      assert.strictEqual((yield* otpStatus(otp.otpId)).attempts, 2)
    }).pipe(provide()))

  it.effect("after the TTL the right PIN is 2028 (the PIN has expired), then 2025 (the OTP has expired)", () =>
    Effect.gen(function*() {
      const { otp, pin } = yield* created({ ttl: 60 })
      yield* TestClock.adjust("59 seconds")
      assert.strictEqual((yield* otpStatus(otp.otpId)).status, "PENDING")
      yield* TestClock.adjust("1 second")
      yield* failure(yield* verify(otp.otpId, { pin }), 400, "otp_expired", 2028)
      assert.strictEqual((yield* otpStatus(otp.otpId)).status, "EXPIRED")
      yield* failure(yield* verify(otp.otpId, { pin }), 400, "otp_expired", 2025)
      yield* failure(yield* cancel(otp.otpId), 403, "access_denied", 2031)
    }).pipe(provide()))

  it.effect("an expiry first seen by the status makes the verify 2025", () =>
    Effect.gen(function*() {
      const { otp, pin } = yield* created()
      yield* TestClock.adjust("5 minutes")
      assert.strictEqual((yield* otpStatus(otp.otpId)).status, "EXPIRED")
      yield* failure(yield* verify(otp.otpId, { pin }), 400, "otp_expired", 2025)
    }).pipe(provide()))

  it.effect("a missing or empty pin is 2022; an unknown or malformed id is 2021", () =>
    Effect.gen(function*() {
      const { otp } = yield* created()
      yield* failure(yield* verify(otp.otpId, {}), 400, "invalid_param", 2022)
      yield* failure(yield* verify(otp.otpId, { pin: "" }), 400, "invalid_param", 2022)
      yield* failure(yield* verify(otp.otpId, { pin: 1234 }), 400, "invalid_param", 2022)
      yield* failure(yield* verify(UNKNOWN, { pin: "1234" }), 404, "not_found", 2021)
      yield* failure(yield* verify("nope", { pin: "1234" }), 404, "not_found", 2021)
      assert.strictEqual((yield* otpStatus(otp.otpId)).attempts, 0)
    }).pipe(provide()))
})

describe("cancelOtp and getOtpStatus", () => {
  it.effect("cancels a pending OTP; verify is then 2024 and a second cancel 2030; nothing is refunded", () =>
    Effect.gen(function*() {
      const { otp, pin } = yield* created()
      const cancelled = yield* success(Api.Otp.cancelOtp, yield* cancel(otp.otpId))
      assert.deepStrictEqual(cancelled, { info: { id: otp.otpId } })
      assert.strictEqual((yield* otpStatus(otp.otpId)).status, "CANCELLED")
      yield* failure(yield* verify(otp.otpId, { pin }), 400, "otp_cancelled", 2024)
      yield* failure(yield* cancel(otp.otpId), 403, "access_denied", 2030)
      assert.strictEqual(yield* (yield* sandbox).balance, 99.928)
    }).pipe(provide()))

  it.effect("an unknown or malformed id is 2021", () =>
    Effect.gen(function*() {
      yield* failure(yield* status(UNKNOWN), 404, "not_found", 2021)
      yield* failure(yield* cancel(UNKNOWN), 404, "not_found", 2021)
      yield* failure(yield* status("12345"), 404, "not_found", 2021)
      yield* failure(yield* cancel("ABCDEFAB-5f5e-4a4b-9c8e-2a6d1e9f0c11"), 404, "not_found", 2021)
    }).pipe(provide()))
})

describe("otp_update callbacks", () => {
  it.effect("POSTs each status change to the OTP's otpCallbackUrl", () =>
    Effect.gen(function*() {
      const received: Array<{ readonly path: string; readonly body: unknown }> = []
      const server = Http.createServer((req, res) => {
        let body = ""
        req.on("data", (c) => (body += c))
        req.on("end", () => {
          received.push({ path: req.url ?? "", body: JSON.parse(body) })
          res.writeHead(200).end()
        })
      })
      yield* Effect.acquireRelease(
        Effect.async<void>((resume) => void server.listen(0, "127.0.0.1", () => resume(Effect.void))),
        () => Effect.async<void>((resume) => void server.close(() => resume(Effect.void)))
      )
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const waitFor = (n: number) =>
        Effect.gen(function*() {
          for (let i = 0; i < 1000 && received.length < n; i++) {
            yield* TestServices.provideLive(Effect.sleep("5 millis"))
          }
          assert.strictEqual(received.length, n, JSON.stringify(received))
        })

      const a = yield* created({ otpCallbackUrl: `${base}/a` })
      const wrong = a.pin === "000000" ? "111111" : "000000"
      yield* failure(yield* verify(a.otp.otpId, { pin: wrong }), 400, "invalid_pin", 2029)
      yield* success(Api.Otp.verifyOtp, yield* verify(a.otp.otpId, { pin: a.pin }))
      yield* waitFor(1)
      const b = yield* created({ otpCallbackUrl: `${base}/b` })
      yield* success(Api.Otp.cancelOtp, yield* cancel(b.otp.otpId))
      yield* waitFor(2)
      const c = yield* created({ otpCallbackUrl: `${base}/c`, maxAttempts: 1 })
      yield* failure(yield* verify(c.otp.otpId, { pin: c.pin === "000000" ? "1" : "000000" }), 400, "otp_failed", 2027)
      yield* waitFor(3)
      const d = yield* created({ otpCallbackUrl: `${base}/d`, ttl: 60 })
      // one without a URL gets none
      yield* created()
      yield* TestClock.adjust("1 minute")
      assert.strictEqual((yield* otpStatus(d.otp.otpId)).status, "EXPIRED")
      // seen once: a second look posts nothing more
      yield* otpStatus(d.otp.otpId)
      yield* waitFor(4)

      const decode = Schema.decodeUnknownSync(Generated.CallBackRequestOtpUpdate, { onExcessProperty: "error" })
      const updates = received.map((r) => ({ path: r.path, body: decode(r.body) }))
      assert.deepStrictEqual(
        updates.map((u) => [u.path, u.body.event, u.body.data.map((d) => [d.otpId, d.status, d.attempts])]),
        [
          ["/a", "otp_update", [[a.otp.otpId, "VERIFIED", 1]]],
          ["/b", "otp_update", [[b.otp.otpId, "CANCELLED", 0]]],
          ["/c", "otp_update", [[c.otp.otpId, "FAILED", 1]]],
          ["/d", "otp_update", [[d.otp.otpId, "EXPIRED", 0]]]
        ]
      )
      assert.deepStrictEqual(updates[0]!.body.data[0], { ...a.otp, status: "VERIFIED", attempts: 1 })
      yield* TestServices.provideLive(Effect.sleep("50 millis"))
      assert.strictEqual(received.length, 4)
    }).pipe(Effect.scoped, provide()))
})
