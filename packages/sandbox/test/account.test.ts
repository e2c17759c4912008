import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Effect from "effect/Effect"
import { call, failure, provide, success } from "./utils.js"

describe("account", () => {
  it.effect("getAccountBalance answers the configured balance and currency", () =>
    Effect.gen(function*() {
      const body = yield* success(Api.Account.getAccountBalance, yield* call("GET", "/account/balance"))
      assert.deepStrictEqual(body, { balance: 42.5, currency: "usd", billing: "prepaid" })
    }).pipe(provide({ balance: 42.5, currency: "usd" })))

  it.effect("getChannelsStatus answers the configured channels", () =>
    Effect.gen(function*() {
      const body = yield* success(Api.Account.getChannelsStatus, yield* call("GET", "/account/channels/status"))
      assert.deepStrictEqual(body, { sms: true, viber: false, whatsapp: true, multichannel: true })
    }).pipe(provide({ channels: { viber: false } })))
})

describe("pricing", () => {
  it.effect("SMS for one country: networks under the literal `countryCode` key", () =>
    Effect.gen(function*() {
      const body = yield* success(
        Api.Account.getChannelPricingByCountryIso,
        yield* call("GET", "/account/pricing/sms/transactional/NL")
      )
      assert.deepStrictEqual(body, {
        countryCode: {
          "20404": { operatorName: { Vodafone: 0.072 } },
          "20408": { operatorName: { KPN: 0.072 } },
          "20416": { operatorName: { Odido: 0.072 } }
        }
      })
      const twoWay = yield* success(
        Api.Account.getChannelPricingByCountryIso,
        yield* call("GET", "/account/pricing/sms/2way/nl")
      )
      assert.deepStrictEqual((twoWay as { countryCode: Record<string, unknown> }).countryCode["20408"], {
        operatorName: { KPN: 0.089 }
      })
    }).pipe(provide()))

  it.effect("Viber and WhatsApp for one country: prices by message type", () =>
    Effect.gen(function*() {
      const viber = yield* success(
        Api.Account.getChannelPricingByCountryIso,
        yield* call("GET", "/account/pricing/viber/promotional/DE")
      )
      assert.deepStrictEqual(viber, { countryCode: { TRANSACTIONAL: 0.031, PROMOTIONAL: 0.045 } })
      const whatsapp = yield* success(
        Api.Account.getChannelPricingByCountryIso,
        yield* call("GET", "/account/pricing/whatsapp/transactional/US")
      )
      assert.deepStrictEqual(whatsapp, { countryCode: { TRANSACTIONAL: 0.011, PROMOTIONAL: 0.025 } })
    }).pipe(provide()))

  it.effect("all countries: each under its ISO code, and `countryCode` holding every network", () =>
    Effect.gen(function*() {
      const answer = yield* call("GET", "/account/pricing/sms/transactional")
      const body = yield* success(Api.Account.getChannelPricing, answer, "ignore")
      const json = answer.json as Record<string, Record<string, unknown>>
      assert.includeMembers(Object.keys(json), ["countryCode", "NL", "DE", "FR", "GB", "RO", "US"])
      assert.deepStrictEqual(json.GB!["23430"], { operatorName: { EE: 0.041 } })
      assert.deepStrictEqual((body as { countryCode: Record<string, unknown> }).countryCode["23430"], {
        operatorName: { EE: 0.041 }
      })
      assert.deepStrictEqual(json.NL!["20408"], { operatorName: { KPN: 0.072 } })
      // every country's networks are in countryCode
      for (const iso of ["NL", "DE", "FR", "GB", "RO", "US"]) {
        for (const [network, prices] of Object.entries(json[iso]!)) {
          assert.deepStrictEqual(json.countryCode![network], prices, `${iso} ${network}`)
        }
      }
      const viber = (yield* call("GET", "/account/pricing/viber/transactional")).json as Record<string, unknown>
      // no Viber coverage in the US; `countryCode` holds the highest prices
      assert.isUndefined(viber.US)
      assert.deepStrictEqual(viber.RO, { TRANSACTIONAL: 0.012, PROMOTIONAL: 0.019 })
      assert.deepStrictEqual(viber.countryCode, { TRANSACTIONAL: 0.031, PROMOTIONAL: 0.045 })
    }).pipe(provide()))

  it.effect("bad channel 400 1521, bad country 400 1522, no coverage 403 1523", () =>
    Effect.gen(function*() {
      yield* failure(yield* call("GET", "/account/pricing/telegram/transactional"), 400, "invalid_param", 1521)
      yield* failure(yield* call("GET", "/account/pricing/fax/transactional/NL"), 400, "invalid_param", 1521)
      yield* failure(yield* call("GET", "/account/pricing/sms/transactional/NLD"), 400, "invalid_param", 1522)
      yield* failure(yield* call("GET", "/account/pricing/sms/transactional/ZZ"), 400, "invalid_param", 1522)
      yield* failure(yield* call("GET", "/account/pricing/sms/transactional/JP"), 403, "no_coverage", 1523)
      yield* failure(yield* call("GET", "/account/pricing/viber/transactional/US"), 403, "no_coverage", 1523)
      // trafficType has no documented code: the generic one
      yield* failure(yield* call("GET", "/account/pricing/sms/bulk/NL"), 400, "invalid_param", 1000)
    }).pipe(provide()))
})
