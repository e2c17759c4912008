/**
 * The Account group: balance, channel status and pricing. Which channels are active starts from
 * the sandbox's `channels` option and can be changed through the control API (`setChannels`);
 * Viber, WhatsApp and multichannel sends on an inactive channel are refused.
 */
import type * as Api from "@smscx/core/Api"
import * as Effect from "effect/Effect"
import { channelsOf } from "../engines/channels.js"
import * as Phone from "../engines/phone.js"
import * as Pricing from "../engines/pricing.js"
import { documented, fail } from "../kernel/errors.js"
import type * as Fields from "../kernel/fields.js"
import { fromMicros } from "../kernel/money.js"
import type * as Router from "../kernel/router.js"
import type { Context } from "../state/context.js"

/** The documented errors of the pricing operations. @internal */
const AccountErrors = {
  channelInvalid: documented("getChannelPricingByCountryIso", 1521),
  countryIsoInvalid: documented("getChannelPricingByCountryIso", 1522),
  noCoverage: documented("getChannelPricingByCountryIso", 1523)
} as const

const E = AccountErrors

const pricingFields: Fields.Table = [
  ["channel", { missing: E.channelInvalid, invalid: E.channelInvalid }],
  ["countryIso", { missing: E.countryIsoInvalid, invalid: E.countryIsoInvalid }]
]

/** @internal */
export const handlers = ({ config, store }: Context): Router.Handlers<typeof Api.Account> => ({
  getAccountBalance: {
    handle: () =>
      Effect.map(store.balanceMicros, (micros) => ({
        body: { balance: fromMicros(micros), currency: config.currency, billing: "prepaid" } as const
      }))
  },
  getChannelsStatus: {
    handle: () => Effect.sync(() => ({ body: channelsOf(store, config) }))
  },
  getChannelPricing: {
    fields: pricingFields,
    handle: ({ path }) => {
      const body = Pricing.body(path.channel, path.trafficType)
      return body === undefined ? fail(E.noCoverage) : Effect.succeed({ body })
    }
  },
  getChannelPricingByCountryIso: {
    fields: pricingFields,
    handle: ({ path }) => {
      if (!Phone.isCountry(path.countryIso)) return fail(E.countryIsoInvalid)
      const body = Pricing.body(path.channel, path.trafficType, path.countryIso)
      return body === undefined ? fail(E.noCoverage) : Effect.succeed({ body })
    }
  }
})
