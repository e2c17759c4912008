/**
 * Invalid input fails with a RequestValidationError, and nothing is sent.
 */
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Errors from "@smscx/core/Errors"
import type * as Operation from "@smscx/core/Operation"
import type * as Transport from "@smscx/transport/Transport"
import * as Effect from "effect/Effect"
import * as util from "node:util"
import { balance, sent, sms } from "./answers.js"
import * as FakeHttp from "./fakeHttp.js"
import { API_KEY, APP_ID, APP_SECRET, withTransport } from "./fixtures.js"

describe("validation: invalid input fails with RequestValidationError and sends nothing", () => {
  const numbers = (n: number) => Array.from({ length: n }, (_, i) => `+3161${String(i).padStart(7, "0")}`)
  const cases: ReadonlyArray<readonly [string, Operation.Any, ReadonlyArray<unknown>, string]> = [
    ["a too long from", Api.Sms.sendSms, [{ ...sms, from: "x".repeat(16) }], "from"],
    ["a too short from", Api.Sms.sendSms, [{ ...sms, from: "ab" }], "from"],
    ["a bad UUID in idempotencyId", Api.Sms.sendSms, [{ ...sms, idempotencyId: "1234" }], "idempotencyId"],
    ["a bad UUID in trackData", Api.Sms.sendSms, [{ ...sms, trackData: "not-a-uuid" }], "trackData"],
    ["25,001 recipients", Api.Sms.sendSms, [{ ...sms, to: numbers(25_001) }], "to"],
    ["a missing required field", Api.Sms.sendSms, [{ to: sms.to, from: sms.from }], "text"],
    ["no input at all", Api.Sms.sendSms, [], "to"],
    ["an unknown field", Api.Sms.sendSms, [{ ...sms, colour: "red" }], "colour"],
    ["a field of the wrong type", Api.Sms.sendSms, [{ ...sms, to: "+31612469000" }], "to"],
    ["a bad enum", Api.Sms.sendSms, [{ ...sms, transliteration: { alphabet: "KLINGON" } }], "transliteration"],
    ["a bad path parameter (countryIso NLD)", Api.Account.getChannelPricingByCountryIso, [
      "sms",
      "transactional",
      "NLD"
    ], "countryIso"],
    ["a path parameter outside its enum", Api.Account.getChannelPricing, ["fax", "transactional"], "channel"],
    ["a missing path parameter", Api.Account.getChannelPricing, ["sms"], "trafficType"],
    ["a bad UUID path parameter", Api.Sms.deleteScheduledSms, ["../account/balance"], "msgId"],
    ["a bad grant_type", Api.Oauth.getAccessToken, [{ grant_type: "password" }], "grant_type"]
  ]

  for (const [name, operation, args, field] of cases) {
    it.effect(name, () => {
      const fake = FakeHttp.always(() => FakeHttp.json(200, sent))
      return withTransport(
        { applicationId: APP_ID, applicationSecret: APP_SECRET },
        fake,
        (t) =>
          Effect.gen(function*() {
            const error = yield* Effect.flip(t.call(operation, args))
            assert.instanceOf(error, Errors.RequestValidationError)
            if (!(error instanceof Errors.RequestValidationError)) return
            assert.strictEqual(error.operation, operation.id)
            assert.isAbove(error.issues.length, 0)
            assert.isTrue(
              error.issues.some((issue) => issue.path.includes(field)),
              `an issue at ${field}: ${JSON.stringify(error.issues)}`
            )
            assert.include(error.message, operation.id)
            assert.strictEqual(fake.requests.length, 0, "nothing was sent, not even a token request")
          })
      )
    })
  }

  it.effect("25,000 recipients are sent", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, sent))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        yield* t.call(Api.Sms.sendSms, [{ ...sms, to: numbers(25_000) }])
        assert.strictEqual(JSON.parse(fake.requests[0]!.body!).to.length, 25_000)
      }))
  })
})

describe("call options that are not an object", () => {
  it.effect("a string, a number, null, an array or a function: a RequestValidationError, nothing sent", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, balance))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        for (const options of ["x", 42, null, [], [{ timeout: 5 }], () => {}]) {
          const error = yield* Effect.flip(
            t.call(Api.Account.getAccountBalance, [], options as unknown as Transport.CallOptions)
          )
          assert.strictEqual(error._tag, "RequestValidationError", JSON.stringify(options))
          assert.include(error.message, "options")
        }
        assert.strictEqual(fake.requests.length, 0)
      }))
  })
})

describe("phone numbers are bounded before anything is sent", () => {
  const huge = "9".repeat(10 * 1024 * 1024)
  const long = `+${"1".repeat(64)}`
  const cases: ReadonlyArray<readonly [string, Operation.Any, (phone: string) => ReadonlyArray<unknown>]> = [
    ["sendSms to", Api.Sms.sendSms, (phone) => [{ ...sms, to: ["+31612469000", phone] }]],
    ["estimateSms to", Api.Sms.estimateSms, (phone) => [{ ...sms, to: [phone] }]],
    ["newOtp phoneNumber", Api.Otp.newOtp, (phone) => [{ phoneNumber: phone, from: "InfoText", template: "x" }]],
    ["validateNumbers phoneNumbers", Api.Numbers.validateNumbers, (phone) => [{ phoneNumbers: [phone] }]],
    ["validateNumber path", Api.Numbers.validateNumber, (phone) => [phone]],
    ["lookupNumber path", Api.Numbers.lookupNumber, (phone) => [phone]],
    ["addContactsToGroup phoneNumbers", Api.Groups.addContactsToGroup, (phone) => [7, { phoneNumbers: [phone] }]],
    ["addContactsToGroup with fields", Api.Groups.addContactsToGroup, (phone) => [7, {
      phoneNumbers: [{ phoneNumber: phone }]
    }]]
  ]
  for (const [name, operation, args] of cases) {
    it.effect(`${name}: a 10 MB string and a 65-character one are RequestValidationErrors`, () => {
      const fake = FakeHttp.always(() => FakeHttp.json(500, {}))
      return withTransport({ apiKey: API_KEY, retry: false }, fake, (t) =>
        Effect.gen(function*() {
          for (const phone of [huge, long]) {
            const error = yield* Effect.flip(t.call(operation, args(phone)))
            assert.strictEqual(error._tag, "RequestValidationError", name)
            assert.isBelow(error.message.length, 1_000, "the message quotes an excerpt at most")
            assert.isBelow(util.inspect(error).length, 20_000)
          }
          assert.strictEqual(fake.requests.length, 0, "nothing was sent")
        }))
    })
  }

  it.effect("national formats with spaces, brackets and dashes still pass", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, sent))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        yield* t.call(Api.Sms.sendSms, [{ ...sms, to: ["+31 (0)6 1246-9000", `+${"1".repeat(63)}`] }])
        assert.strictEqual(fake.requests.length, 1)
      }))
  })
})
