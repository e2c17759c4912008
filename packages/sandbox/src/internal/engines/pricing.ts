/**
 * The sandbox's price list: a handful of countries with their networks, the SMS price per
 * message part by traffic type, and Viber/WhatsApp prices by message type (EUR, or the
 * account's currency taken at face value).
 *
 * Pricing answers use the clients' literal shape (spec README, "Channel pricing"): a property
 * literally named `countryCode`. Asked for one country, `countryCode` holds that country's
 * pricing. Asked for all of them, each country is also listed under its ISO code, and
 * `countryCode` holds what the literal shape can carry for all of them: for SMS every network
 * (network codes begin with the country's MCC, so nothing is lost), for Viber/WhatsApp the
 * highest price per message type.
 */
import type * as Generated from "@smscx/core/Generated"
import { toMicros } from "../kernel/money.js"

/** @internal */
type Channel = "sms" | "viber" | "whatsapp"
/** @internal */
type TrafficType = "transactional" | "promotional" | "2way"

interface Country {
  readonly iso: string
  readonly timeZone: string
  readonly networks: ReadonlyArray<readonly [code: string, name: string]>
  readonly sms: Readonly<Record<TrafficType, number>>
  readonly viber?: Generated.ViberWhatsappPricing
  readonly whatsapp?: Generated.ViberWhatsappPricing
}

const countries: ReadonlyArray<Country> = [
  {
    iso: "NL",
    timeZone: "Europe/Amsterdam",
    networks: [["20404", "Vodafone"], ["20408", "KPN"], ["20416", "Odido"]],
    sms: { transactional: 0.072, promotional: 0.072, "2way": 0.089 },
    viber: { TRANSACTIONAL: 0.028, PROMOTIONAL: 0.041 },
    whatsapp: { TRANSACTIONAL: 0.034, PROMOTIONAL: 0.071 }
  },
  {
    iso: "DE",
    timeZone: "Europe/Berlin",
    networks: [["26201", "Telekom"], ["26202", "Vodafone"], ["26203", "O2"]],
    sms: { transactional: 0.079, promotional: 0.079, "2way": 0.095 },
    viber: { TRANSACTIONAL: 0.031, PROMOTIONAL: 0.045 },
    whatsapp: { TRANSACTIONAL: 0.062, PROMOTIONAL: 0.118 }
  },
  {
    iso: "FR",
    timeZone: "Europe/Paris",
    networks: [["20801", "Orange"], ["20810", "SFR"], ["20815", "Free Mobile"], ["20820", "Bouygues Telecom"]],
    sms: { transactional: 0.068, promotional: 0.068, "2way": 0.083 },
    viber: { TRANSACTIONAL: 0.026, PROMOTIONAL: 0.038 },
    whatsapp: { TRANSACTIONAL: 0.065, PROMOTIONAL: 0.124 }
  },
  {
    iso: "GB",
    timeZone: "Europe/London",
    networks: [["23410", "O2"], ["23415", "Vodafone"], ["23420", "Three"], ["23430", "EE"]],
    sms: { transactional: 0.041, promotional: 0.041, "2way": 0.055 },
    viber: { TRANSACTIONAL: 0.022, PROMOTIONAL: 0.033 },
    whatsapp: { TRANSACTIONAL: 0.036, PROMOTIONAL: 0.062 }
  },
  {
    iso: "RO",
    timeZone: "Europe/Bucharest",
    networks: [["22601", "Vodafone"], ["22603", "Telekom"], ["22610", "Orange"]],
    sms: { transactional: 0.046, promotional: 0.046, "2way": 0.06 },
    viber: { TRANSACTIONAL: 0.012, PROMOTIONAL: 0.019 },
    whatsapp: { TRANSACTIONAL: 0.044, PROMOTIONAL: 0.081 }
  },
  {
    iso: "US",
    timeZone: "America/New_York",
    networks: [["310260", "T-Mobile"], ["310410", "AT&T"], ["311480", "Verizon"]],
    sms: { transactional: 0.009, promotional: 0.009, "2way": 0.012 },
    whatsapp: { TRANSACTIONAL: 0.011, PROMOTIONAL: 0.025 }
  }
]

const byIso = new Map(countries.map((c) => [c.iso, c]))

/** The SMS price per part (transactional) in micros, undefined without coverage. @internal */
export const smsPartPrice = (iso: string): number | undefined => {
  const country = byIso.get(iso)
  return country === undefined ? undefined : toMicros(country.sms.transactional)
}

/**
 * The price of one message (an SMS part, a Viber or WhatsApp message) on a channel, transactional
 * traffic, in micros; undefined without coverage.
 * @internal
 */
export const messagePrice = (channel: Channel, iso: string): number | undefined => {
  if (channel === "sms") return smsPartPrice(iso)
  const prices = byIso.get(iso)?.[channel]
  return prices === undefined ? undefined : toMicros(prices.TRANSACTIONAL)
}

/** @internal */
export const timeZone = (iso: string): string | undefined => byIso.get(iso)?.timeZone

type SmsNetworks = Generated.PricingSmsResponse["countryCode"]
type Body = Generated.GetChannelPricing200Response

const smsNetworks = (country: Country, trafficType: TrafficType): SmsNetworks =>
  Object.fromEntries(
    country.networks.map(([code, name]) => [code, { operatorName: { [name]: country.sms[trafficType] } }])
  )

const channelPricing = (country: Country, channel: Channel, trafficType: TrafficType) =>
  channel === "sms" ? smsNetworks(country, trafficType) : country[channel]

/**
 * The pricing body for one country or all; undefined when there is no coverage.
 * @internal
 */
export const body = (channel: Channel, trafficType: TrafficType, iso?: string): Body | undefined => {
  if (iso !== undefined) {
    const country = byIso.get(iso.toUpperCase())
    if (country === undefined) return undefined
    if (channel === "sms") return { countryCode: smsNetworks(country, trafficType) }
    const prices = country[channel]
    return prices === undefined ? undefined : { countryCode: prices }
  }
  const covered = countries.filter((c) => channelPricing(c, channel, trafficType) !== undefined)
  if (covered.length === 0) return undefined
  const perCountry = Object.fromEntries(covered.map((c) => [c.iso, channelPricing(c, channel, trafficType)]))
  if (channel === "sms") {
    const all: SmsNetworks = Object.assign({}, ...covered.map((c) => smsNetworks(c, trafficType)))
    return { ...perCountry, countryCode: all }
  }
  const prices = covered.flatMap((c) => c[channel] === undefined ? [] : [c[channel]])
  return {
    ...perCountry,
    countryCode: {
      TRANSACTIONAL: Math.max(...prices.map((p) => p.TRANSACTIONAL)),
      PROMOTIONAL: Math.max(...prices.map((p) => p.PROMOTIONAL))
    }
  }
}
