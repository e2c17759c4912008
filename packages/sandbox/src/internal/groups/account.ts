/**
 * The Account group: balance, channel status and pricing.
 */
import { Api } from "@smscx/core"
import type * as Generated from "@smscx/core/Generated"
import * as Effect from "effect/Effect"
import { fromMicros } from "../engines/money.js"
import * as Phone from "../engines/phone.js"
import * as Pricing from "../engines/pricing.js"
import { fail, spec } from "../kernel/errors.js"
import type * as Fields from "../kernel/fields.js"
import * as Router from "../kernel/router.js"
import type * as State from "../store.js"

/** The documented errors of the pricing operations. @internal */
export const AccountErrors = {
  channelInvalid: spec(400, "invalid_param", 1521, "The channel requested is not valid"),
  countryIsoInvalid: spec(400, "invalid_param", 1522, "Invalid country iso"),
  noCoverage: spec(403, "no_coverage", 1523, "No coverage")
} as const

const E = AccountErrors

const pricingFields: Fields.Table = [
  ["channel", { missing: E.channelInvalid, invalid: E.channelInvalid }],
  ["countryIso", { missing: E.countryIsoInvalid, invalid: E.countryIsoInvalid }]
]

/** @internal */
export const routes = (store: State.Store, account: {
  readonly currency: Generated.AccountBalance["currency"]
  readonly channels: Generated.ChannelsStatus
}): ReadonlyArray<Router.Route> => [
  Router.make(Api.Account.getAccountBalance, {
    handle: () =>
      Effect.map(store.balanceMicros, (micros) => ({
        body: { balance: fromMicros(micros), currency: account.currency, billing: "prepaid" } as const
      }))
  }),
  Router.make(Api.Account.getChannelsStatus, {
    handle: () => Effect.succeed({ body: account.channels })
  }),
  Router.make(Api.Account.getChannelPricing, {
    fields: pricingFields,
    handle: ({ path }) => {
      const body = Pricing.body(path.channel, path.trafficType)
      return body === undefined ? fail(E.noCoverage) : Effect.succeed({ body })
    }
  }),
  Router.make(Api.Account.getChannelPricingByCountryIso, {
    fields: pricingFields,
    handle: ({ path }) => {
      if (!Phone.isCountry(path.countryIso)) return fail(E.countryIsoInvalid)
      const body = Pricing.body(path.channel, path.trafficType, path.countryIso)
      return body === undefined ? fail(E.noCoverage) : Effect.succeed({ body })
    }
  })
]
