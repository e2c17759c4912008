import { assert, describe, it } from "@effect/vitest"
import {
  ApiException,
  InvalidPinException,
  InvalidRequestException,
  Otp,
  OtpActionNotAllowedException,
  OtpAlreadyVerifiedException,
  OtpCancelledException,
  OtpExpiredException,
  OtpFailedException,
  RequestValidationError,
  ResourceNotFoundException
} from "@smscx/client"
import { Webhooks } from "@smscx/core"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { callbackReceiver, NL, NOW, provide, sandbox, sentTo, UNKNOWN_ID, UUID } from "./utils.js"

/** The PIN of the latest OTP, read from the SMS the sandbox sent (default template). */
const lastPin = Effect.gen(function*() {
  const messages = yield* (yield* sandbox).messages
  const text = messages[messages.length - 1]?.text ?? ""
  const pin = /code is (\S+)$/.exec(text)?.[1]
  assert.isDefined(pin, text)
  return pin!
})

const wrongPin = (pin: string) => (pin === "000000" ? "111111" : "000000")

describe("Otp: every operation against the sandbox", () => {
  it.effect("newOtp → getOtpStatus → verifyOtp: billed once, verified, attempts counted", () =>
    Effect.gen(function*() {
      const otp = yield* Otp
      const state = yield* sandbox
      const created = yield* otp.newOtp({ phoneNumber: NL })
      assert.match(created.otpId, UUID)
      assert.deepStrictEqual(
        [created.status, created.phoneNumber, created.countryIso, created.cost, created.parts, created.attempts],
        ["PENDING", NL, "NL", 0.072, 1, 0]
      )
      assert.deepStrictEqual([created.dateCreated, created.dateExpires], [
        new Date(NOW).toISOString(),
        new Date(NOW + created.ttl * 1000).toISOString()
      ])
      assert.strictEqual(yield* state.balance, 99.928)
      const pin = yield* lastPin

      const error = yield* Effect.flip(otp.verifyOtp(created.otpId, { pin: wrongPin(pin) }))
      assert.instanceOf(error, InvalidPinException)
      assert.deepStrictEqual([error.status, error.type, error.code], [400, "invalid_pin", 2029])
      assert.strictEqual((yield* otp.getOtpStatus(created.otpId)).attempts, 1)

      assert.deepStrictEqual(yield* otp.verifyOtp(created.otpId, { pin }), { status: "VERIFIED" })
      const verified = yield* otp.getOtpStatus(created.otpId)
      assert.deepStrictEqual({ ...verified, status: "PENDING", attempts: 0 }, created)
      assert.deepStrictEqual([verified.status, verified.attempts], ["VERIFIED", 1])

      const again = yield* Effect.flip(otp.verifyOtp(created.otpId, { pin }))
      assert.instanceOf(again, OtpAlreadyVerifiedException)
      assert.strictEqual(again.code, 2023)
      const cancel = yield* Effect.flip(otp.cancelOtp(created.otpId))
      assert.instanceOf(cancel, OtpActionNotAllowedException)
      assert.deepStrictEqual([cancel.status, cancel.code], [403, 2031])
      // the balance was charged once, for the SMS
      assert.strictEqual(yield* state.balance, 99.928)
      assert.strictEqual((yield* state.messages).length, 1)
    }).pipe(provide()))

  it.effect("cancelOtp: CANCELLED; verify is OtpCancelledException (2024), a second cancel too (2030)", () =>
    Effect.gen(function*() {
      const otp = yield* Otp
      const created = yield* otp.newOtp({ phoneNumber: NL })
      const pin = yield* lastPin
      assert.deepStrictEqual(yield* otp.cancelOtp(created.otpId), { info: { id: created.otpId } })
      assert.strictEqual((yield* otp.getOtpStatus(created.otpId)).status, "CANCELLED")
      const verify = yield* Effect.flip(otp.verifyOtp(created.otpId, { pin }))
      assert.instanceOf(verify, OtpCancelledException)
      assert.deepStrictEqual([verify.status, verify.type, verify.code], [400, "otp_cancelled", 2024])
      const twice = yield* Effect.flip(otp.cancelOtp(created.otpId))
      assert.instanceOf(twice, OtpCancelledException)
      assert.deepStrictEqual([twice.status, twice.type, twice.code], [403, "access_denied", 2030])
    }).pipe(provide()))

  it.effect("too many wrong PINs: OtpFailedException 2027, then 2026; status FAILED", () =>
    Effect.gen(function*() {
      const otp = yield* Otp
      const created = yield* otp.newOtp({ phoneNumber: NL, maxAttempts: 3 })
      const pin = yield* lastPin
      for (let i = 0; i < 2; i++) {
        assert.instanceOf(yield* Effect.flip(otp.verifyOtp(created.otpId, { pin: wrongPin(pin) })), InvalidPinException)
      }
      const last = yield* Effect.flip(otp.verifyOtp(created.otpId, { pin: wrongPin(pin) }))
      assert.instanceOf(last, OtpFailedException)
      assert.deepStrictEqual([last.type, last.code], ["otp_failed", 2027])
      const status = yield* otp.getOtpStatus(created.otpId)
      assert.deepStrictEqual([status.status, status.attempts], ["FAILED", 3])
      const after = yield* Effect.flip(otp.verifyOtp(created.otpId, { pin }))
      assert.instanceOf(after, OtpFailedException)
      assert.strictEqual(after.code, 2026)
      assert.instanceOf(yield* Effect.flip(otp.cancelOtp(created.otpId)), OtpActionNotAllowedException)
    }).pipe(provide()))

  it.effect("the TTL under the TestClock: OtpExpiredException 2028 at the expiry, 2025 after; status EXPIRED", () =>
    Effect.gen(function*() {
      const otp = yield* Otp
      const created = yield* otp.newOtp({ phoneNumber: NL, ttl: 120 })
      const pin = yield* lastPin
      yield* TestClock.adjust("119 seconds")
      assert.strictEqual((yield* otp.getOtpStatus(created.otpId)).status, "PENDING")
      yield* TestClock.adjust("1 second")
      const first = yield* Effect.flip(otp.verifyOtp(created.otpId, { pin }))
      assert.instanceOf(first, OtpExpiredException)
      assert.deepStrictEqual([first.type, first.code], ["otp_expired", 2028])
      const second = yield* Effect.flip(otp.verifyOtp(created.otpId, { pin }))
      assert.instanceOf(second, OtpExpiredException)
      assert.strictEqual(second.code, 2025)
      assert.strictEqual((yield* otp.getOtpStatus(created.otpId)).status, "EXPIRED")
      assert.instanceOf(yield* Effect.flip(otp.cancelOtp(created.otpId)), OtpActionNotAllowedException)
    }).pipe(provide()))

  it.effect("an unknown id is ResourceNotFoundException 2021 for status, verify and cancel", () =>
    Effect.gen(function*() {
      const otp = yield* Otp
      for (
        const call of [
          Effect.flip(otp.getOtpStatus(UNKNOWN_ID)),
          Effect.flip(otp.verifyOtp(UNKNOWN_ID, { pin: "1234" })),
          Effect.flip(otp.cancelOtp(UNKNOWN_ID))
        ]
      ) {
        const error = yield* call
        assert.instanceOf(error, ResourceNotFoundException)
        assert.deepStrictEqual([error.status, error.type, error.code], [404, "not_found", 2021])
      }
    }).pipe(provide()))

  it.effect("an empty pin is InvalidRequestException 2022", () =>
    Effect.gen(function*() {
      const otp = yield* Otp
      const created = yield* otp.newOtp({ phoneNumber: NL })
      const error = yield* Effect.flip(otp.verifyOtp(created.otpId, { pin: " " }))
      assert.instanceOf(error, InvalidRequestException)
      assert.strictEqual(error.code, 2022)
      assert.strictEqual((yield* otp.getOtpStatus(created.otpId)).attempts, 0)
    }).pipe(provide()))

  it.effect("newOtp's documented rows the SDK lets through are InvalidRequestException; nothing is billed", () =>
    Effect.gen(function*() {
      const otp = yield* Otp
      const cases: ReadonlyArray<readonly [Parameters<typeof otp.newOtp>[0], number]> = [
        [{ phoneNumber: "" }, 2001],
        [{ phoneNumber: "0612345678" }, 2002],
        [{ phoneNumber: "0612345678", countryIso: "XX" }, 2003],
        [{ phoneNumber: NL, from: "   " }, 2004],
        [{ phoneNumber: NL, template: "" }, 2006],
        [{ phoneNumber: NL, template: "Your code" }, 2006],
        [{ phoneNumber: NL, otpCallbackUrl: "ftp://127.0.0.1/otp" }, 2019],
        [{ phoneNumber: "+3161234" }, 2020]
      ]
      for (const [input, code] of cases) {
        const error = yield* Effect.flip(otp.newOtp(input))
        assert.instanceOf(error, InvalidRequestException, JSON.stringify(input))
        assert.deepStrictEqual([error.status, error.type, error.code], [400, "invalid_param", code])
      }
      // the national number with its country is fine
      const national = yield* otp.newOtp({ phoneNumber: "0612345678", countryIso: "NL" })
      assert.strictEqual(national.phoneNumber, NL)
      assert.strictEqual(yield* (yield* sandbox).balance, 99.928)
    }).pipe(provide()))

  it.effect("out-of-bounds options are RequestValidationError in the SDK: nothing is sent", () =>
    Effect.gen(function*() {
      const otp = yield* Otp
      for (
        const input of [
          { phoneNumber: NL, ttl: 59 },
          { phoneNumber: NL, ttl: 1801 },
          { phoneNumber: NL, maxAttempts: 0 },
          { phoneNumber: NL, pinLength: 11 },
          { phoneNumber: NL, from: "ab" },
          { phoneNumber: NL, trackId: "nope" }
        ]
      ) {
        assert.instanceOf(yield* Effect.flip(otp.newOtp(input)), RequestValidationError, JSON.stringify(input))
      }
      assert.deepStrictEqual(yield* sentTo("/otp"), [])
    }).pipe(provide()))

  it.effect("a balance too low: the send's insufficient_credit (1113), undocumented for newOtp: ApiException", () =>
    Effect.gen(function*() {
      const otp = yield* Otp
      const error = yield* Effect.flip(otp.newOtp({ phoneNumber: NL }))
      assert.instanceOf(error, ApiException)
      assert.deepStrictEqual([error.status, error.type, error.code], [400, "insufficient_credit", 1113])
      const state = yield* sandbox
      assert.strictEqual(yield* state.balance, 0.01)
      assert.deepStrictEqual(yield* state.messages, [])
    }).pipe(provide(undefined, { balance: 0.01 })))

  it.effect("otp_update callbacks reach the otpCallbackUrl and decode as Webhooks otp_update", () =>
    Effect.gen(function*() {
      const { received, url: urlOf, waitFor } = yield* callbackReceiver
      const url = urlOf("/otp-updates")
      const otp = yield* Otp
      const verified = yield* otp.newOtp({ phoneNumber: NL, otpCallbackUrl: url })
      assert.strictEqual(verified.otpCallbackUrl, url)
      yield* otp.verifyOtp(verified.otpId, { pin: yield* lastPin })
      yield* waitFor(1)
      const expiring = yield* otp.newOtp({ phoneNumber: NL, otpCallbackUrl: url, ttl: 60 })
      yield* TestClock.adjust("61 seconds")
      yield* Effect.flip(otp.verifyOtp(expiring.otpId, { pin: "123456" }))
      yield* waitFor(2)

      const updates = yield* Effect.forEach(received, (body) => Webhooks.decode("otp_update", body))
      assert.deepStrictEqual(
        updates.map((u) => u.data.map((d) => [d.otpId, d.status])),
        [[[verified.otpId, "VERIFIED"]], [[expiring.otpId, "EXPIRED"]]]
      )
    }).pipe(Effect.scoped, provide()))
})
