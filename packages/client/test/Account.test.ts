import { assert, describe, it } from "@effect/vitest"
import {
  Account,
  InvalidCredentialsException,
  InvalidRequestException,
  NoCoverageException,
  RateLimitExcedeedException,
  RequestValidationError,
  Sms
} from "@smscx/client"
import * as Effect from "effect/Effect"
import { API_KEY, NL, provide, Requests, sentTo } from "./utils.js"

/** SMS pricing: network code → { operatorName: { name: price } }. */
type SmsPrices = Readonly<Record<string, { readonly operatorName: Readonly<Record<string, number>> }>>

describe("Account through the SDK (the answers themselves: sandbox/test/account.test.ts)", () => {
  it.effect("getAccountBalance: the sandbox's balance and currency; a send lowers it by its cost", () =>
    Effect.gen(function*() {
      const account = yield* Account
      assert.deepStrictEqual(yield* account.getAccountBalance(), { balance: 42.5, currency: "usd", billing: "prepaid" })
      const sent = yield* (yield* Sms).sendSms({ to: [NL], from: "InfoText", text: "Hi" })
      const after = yield* account.getAccountBalance()
      assert.strictEqual(after.balance, 42.428)
      assert.closeTo(42.5 - after.balance, sent.info.totalCost, 1e-9)
      assert.deepStrictEqual((yield* sentTo("/account/balance")).map((r) => [r.method, r.headers["x-api-key"]]), [
        ["GET", API_KEY],
        ["GET", API_KEY]
      ])
    }).pipe(provide(undefined, { balance: 42.5, currency: "usd" })))

  it.effect("getChannelPricingByCountryIso(\"sms\", \"transactional\", \"NL\"): NL's networks, at the price a send costs", () =>
    Effect.gen(function*() {
      const account = yield* Account
      const pricing = yield* account.getChannelPricingByCountryIso("sms", "transactional", "NL")
      assert.deepStrictEqual(pricing, {
        countryCode: {
          "20404": { operatorName: { Vodafone: 0.072 } },
          "20408": { operatorName: { KPN: 0.072 } },
          "20416": { operatorName: { Odido: 0.072 } }
        }
      })
      // the path parameters went into the path, in path order
      assert.strictEqual((yield* sentTo("/account/pricing/sms/transactional/NL")).length, 1)
      const sent = yield* (yield* Sms).sendSms({ to: [NL], from: "InfoText", text: "Hi" })
      const kpn = (pricing.countryCode as SmsPrices)["20408"]!.operatorName.KPN
      assert.strictEqual(sent.data[0]!.cost, kpn)
    }).pipe(provide()))
})

describe("Account: errors", () => {
  it.effect("no coverage is NoCoverageException; an unknown country InvalidRequestException", () =>
    Effect.gen(function*() {
      const account = yield* Account
      const japan = yield* Effect.flip(account.getChannelPricingByCountryIso("sms", "transactional", "JP"))
      assert.instanceOf(japan, NoCoverageException)
      assert.deepStrictEqual([japan.status, japan.type, japan.code], [403, "no_coverage", 1523])
      const viberUs = yield* Effect.flip(account.getChannelPricingByCountryIso("viber", "transactional", "US"))
      assert.instanceOf(viberUs, NoCoverageException)
      const nowhere = yield* Effect.flip(account.getChannelPricingByCountryIso("sms", "transactional", "ZZ"))
      assert.instanceOf(nowhere, InvalidRequestException)
      assert.deepStrictEqual([nowhere.status, nowhere.type, nowhere.code], [400, "invalid_param", 1522])
    }).pipe(provide()))

  it.effect("path parameters that break their schema are RequestValidationError, and nothing is sent", () =>
    Effect.gen(function*() {
      const account = yield* Account
      const iso = yield* Effect.flip(account.getChannelPricingByCountryIso("sms", "transactional", "NLD"))
      assert.instanceOf(iso, RequestValidationError)
      assert.deepStrictEqual([iso.operation, iso.issues.map((i) => i.path)], ["getChannelPricingByCountryIso", [[
        "countryIso"
      ]]])
      // a channel outside the literal (from untyped code)
      const channel = yield* Effect.flip(account.getChannelPricing("fax" as "sms", "transactional"))
      assert.instanceOf(channel, RequestValidationError)
      assert.deepStrictEqual([...new Set(channel.issues.map((i) => i.path.join(".")))], ["channel"])
      assert.deepStrictEqual(yield* Effect.flatten(Requests), [])
    }).pipe(provide()))

  it.effect("a wrong API key is InvalidCredentialsException for every Account operation", () =>
    Effect.gen(function*() {
      const account = yield* Account
      const errors = yield* Effect.all([
        Effect.flip(account.getAccountBalance()),
        Effect.flip(account.getChannelsStatus()),
        Effect.flip(account.getChannelPricing("sms", "transactional")),
        Effect.flip(account.getChannelPricingByCountryIso("sms", "transactional", "NL"))
      ])
      for (const error of errors) {
        assert.instanceOf(error, InvalidCredentialsException)
        assert.deepStrictEqual([error.status, error.type, error.code], [401, "invalid_api_key", 1001])
      }
    }).pipe(provide({ apiKey: "wrong" }, { apiKeys: ["right"] })))

  it.effect("rate limited (retry: false): RateLimitExcedeedException with limit, remaining and reset", () =>
    Effect.gen(function*() {
      const account = yield* Account
      yield* account.getAccountBalance()
      yield* account.getChannelsStatus()
      const error = yield* Effect.flip(account.getAccountBalance())
      assert.instanceOf(error, RateLimitExcedeedException)
      assert.deepStrictEqual(error.rateLimit, { limit: 2, remaining: 0, reset: 10 })
      assert.strictEqual(error.headers["x-rate-limit-reset"], "10")
    }).pipe(provide({ apiKey: API_KEY, retry: false }, { rateLimit: { limit: 2, windowSeconds: 10 } })))
})
