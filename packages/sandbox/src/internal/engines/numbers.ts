/**
 * The sandbox's telephone-number knowledge: carriers by number prefix, lookup results and
 * prices, and the numbers it offers for rent, for a handful of countries (those the price list
 * covers: NL, DE, FR, GB, RO, US).
 *
 * Carriers: libphonenumber-js knows no carriers, so a small table of national prefixes gives
 * the network a number was first allocated to. It is the sandbox's own table, not a statement
 * about real allocations (numbers are portable anyway); where it knows nothing (US numbers,
 * prefixes not listed) the answers say so: `networkOperator: "Unknown"`, null network fields.
 *
 * Lookup prices (EUR, or the account's currency at face value), per looked-up number:
 * NL 0.008, DE 0.009, FR 0.008, GB 0.006, RO 0.005, US 0.004. Another country: no coverage.
 *
 * Lookup results are deterministic, by the number's last two digits (so tests and users can
 * pick an outcome):
 * - a number that is not a mobile one (landline, VoIP, toll-free...): `FAILED` (no HLR to ask);
 * - last digit 0: `ABSENT`; 1: `UNKNOWN`; 2: `BARRED`; any other: `ACTIVE`;
 * - an `ACTIVE` number whose second-to-last digit is 7 or 8 is ported (to the country's next
 *   network in the table), 9 is roaming (in the next country of the table, on its first network).
 *
 * Rent prices (formula per country, rounded to the cent): with B the country's base
 * (NL 8, DE 7, FR 7.5, GB 5, RO 4, US 2), a mobile number costs 0.1·B for 1 day, 0.4·B for 7
 * days, B for 30 days, with a setup fee of 0.25·B; a landline costs 0.75 of that, with a setup
 * fee of 0.5·B. Receiving SMS is free (`inboundSmsCost` 0); sending from a number with the
 * outbound feature costs the country's SMS price per part.
 */
import { parsePhoneNumberFromString } from "libphonenumber-js/max"
import { fromMicros, toMicros } from "../kernel/money.js"
import * as Pricing from "./pricing.js"

/** @internal */
export type RentPeriod = 1 | 7 | 30

/** @internal */
const RENT_PERIODS: ReadonlyArray<RentPeriod> = [1, 7, 30]

/** @internal */
interface Network {
  readonly mnc: string
  readonly name: string
}

interface Country {
  readonly iso: string
  readonly name: string
  readonly localName: string
  readonly mcc: string
  /** National significant number prefix → the network it was allocated to. */
  readonly prefixes: ReadonlyArray<readonly [prefix: string, mnc: string, name: string]>
  readonly lookupPrice: number
  readonly rentBase: number
  /** The numbers offered for rent start with this (then two digits). */
  readonly mobileBase: string
  readonly landline: string
  /** Who runs the sandbox's rental numbers where the prefix table knows nothing. */
  readonly operator: string
}

const countries: ReadonlyArray<Country> = [
  {
    iso: "NL",
    name: "Netherlands",
    localName: "Nederland",
    mcc: "204",
    prefixes: [
      ["61", "08", "KPN"],
      ["62", "04", "Vodafone"],
      ["63", "16", "Odido"],
      ["64", "08", "KPN"],
      ["65", "16", "Odido"]
    ],
    lookupPrice: 0.008,
    rentBase: 8,
    mobileBase: "+316400001",
    landline: "+31201234567",
    operator: "KPN"
  },
  {
    iso: "DE",
    name: "Germany",
    localName: "Deutschland",
    mcc: "262",
    prefixes: [
      ...["151", "160", "170", "171", "175"].map((p) => [p, "01", "Telekom"] as const),
      ...["152", "162", "172", "173", "174"].map((p) => [p, "02", "Vodafone"] as const),
      ...["157", "159", "163", "176", "177", "178", "179"].map((p) => [p, "03", "O2"] as const)
    ],
    lookupPrice: 0.009,
    rentBase: 7,
    mobileBase: "+49151000001",
    landline: "+493012345601",
    operator: "Telekom"
  },
  {
    iso: "FR",
    name: "France",
    localName: "France",
    mcc: "208",
    prefixes: [
      ...["60", "61", "62", "63"].map((p) => [p, "01", "Orange"] as const),
      ...["64", "65", "66"].map((p) => [p, "10", "SFR"] as const),
      ...["67", "68"].map((p) => [p, "20", "Bouygues Telecom"] as const),
      ["69", "15", "Free Mobile"]
    ],
    lookupPrice: 0.008,
    rentBase: 7.5,
    mobileBase: "+336400001",
    landline: "+33140000101",
    operator: "Orange"
  },
  {
    iso: "GB",
    name: "United Kingdom",
    localName: "United Kingdom",
    mcc: "234",
    prefixes: [
      ["73", "30", "EE"],
      ["74", "10", "O2"],
      ["75", "20", "Three"],
      ["77", "15", "Vodafone"],
      ["78", "15", "Vodafone"],
      ["79", "30", "EE"]
    ],
    lookupPrice: 0.006,
    rentBase: 5,
    mobileBase: "+4474000001",
    landline: "+442079460101",
    operator: "O2"
  },
  {
    iso: "RO",
    name: "Romania",
    localName: "România",
    mcc: "226",
    prefixes: [
      ["72", "01", "Vodafone"],
      ["73", "01", "Vodafone"],
      ["74", "10", "Orange"],
      ["75", "10", "Orange"],
      ["76", "03", "Telekom"]
    ],
    lookupPrice: 0.005,
    rentBase: 4,
    mobileBase: "+407200001",
    landline: "+40213000101",
    operator: "Vodafone"
  },
  {
    iso: "US",
    name: "United States",
    localName: "United States",
    mcc: "310",
    // geographic, portable numbers: no prefix tells the carrier
    prefixes: [],
    lookupPrice: 0.004,
    rentBase: 2,
    mobileBase: "+120155501",
    landline: "+12125550101",
    operator: "T-Mobile"
  }
]

const byIso = new Map(countries.map((c) => [c.iso, c]))

/** What libphonenumber-js says a number is; E.164 in. @internal */
const typeOf = (e164: string): string | undefined => parsePhoneNumberFromString(e164)?.getType()

/** A number an operator's HLR can be asked about. @internal */
export const isMobile = (e164: string): boolean => {
  const type = typeOf(e164)
  return type === "MOBILE" || type === "FIXED_LINE_OR_MOBILE"
}

const carrierOfNational = (national: string, iso: string): Network | undefined => {
  const found = byIso.get(iso)?.prefixes.find(([prefix]) => national.startsWith(prefix))
  return found === undefined ? undefined : { mnc: found[1], name: found[2] }
}

/** The network a number was allocated to, when the table knows it. @internal */
const carrierOf = (e164: string, iso: string): Network | undefined =>
  carrierOfNational(parsePhoneNumberFromString(e164)?.nationalNumber ?? "", iso)

/** The operator name `validateNumber` gives: the table's, or "Unknown". @internal */
export const operatorName = (e164: string, iso: string): string => carrierOf(e164, iso)?.name ?? "Unknown"

const zoneNames = (iso: string): ReadonlyArray<string> => {
  try {
    // Intl Locale Info (V8): the zones of a region
    const zones = (new Intl.Locale(`und-${iso}`) as unknown as { timeZones?: ReadonlyArray<string> }).timeZones
    return zones ?? []
  } catch {
    return []
  }
}

/** The country's time zone: the price list's, else the first one ICU lists, else UTC. @internal */
export const timeZoneOf = (iso: string): string => Pricing.timeZone(iso) ?? zoneNames(iso)[0] ?? "UTC"

/** The price of looking up a number of the country, in micros; undefined without coverage. @internal */
export const lookupPriceMicros = (iso: string): number | undefined => {
  const country = byIso.get(iso)
  return country === undefined ? undefined : toMicros(country.lookupPrice)
}

/** @internal */
type LookupStatus = "ACTIVE" | "ABSENT" | "BARRED" | "UNKNOWN" | "FAILED"

/** @internal */
const statusDescriptions: Readonly<Record<LookupStatus, string>> = {
  ACTIVE: "Phone number is reachable",
  ABSENT: "Phone number is not reachable",
  BARRED: "Phone number has a block from their operator",
  UNKNOWN: "Unknown subscriber. Phone number is not reachable",
  FAILED: "Lookup for this phone number failed"
}

/** What a lookup finds, without ids, cost and time. @internal */
export interface LookupResult {
  readonly mcc: string
  readonly mccmnc: string
  readonly countryIso: string
  readonly countryName: string
  readonly countryNameLocale: string
  readonly status: LookupStatus
  readonly statusDescription: string
  readonly ported: boolean
  readonly roaming: boolean
  readonly originalNetwork: { readonly name: string | null; readonly mnc: string | null }
  readonly portedNetwork: { readonly name: string | null; readonly mnc: string | null }
  readonly roamingNetwork: {
    readonly countryIso: string | null
    readonly countryName: string | null
    readonly mcc: string | null
    readonly mnc: string | null
    readonly name: string | null
  }
}

const noNetwork = { name: null, mnc: null } as const
const noRoaming = { countryIso: null, countryName: null, mcc: null, mnc: null, name: null } as const

/** The networks of a country's table, each once, in order. */
const networksOf = (country: Country): ReadonlyArray<Network> => {
  const seen = new Map<string, Network>()
  for (const [, mnc, name] of country.prefixes) if (!seen.has(mnc)) seen.set(mnc, { mnc, name })
  return [...seen.values()]
}

/** The lookup of a valid number of a covered country (see the rules above). @internal */
export const lookup = (e164: string, iso: string): LookupResult => {
  const country = byIso.get(iso)!
  const base = {
    mcc: country.mcc,
    countryIso: iso,
    countryName: country.name,
    countryNameLocale: country.localName
  }
  // parsed once: a bulk lookup takes up to 40,000 numbers
  const parsed = parsePhoneNumberFromString(e164)
  const type = parsed?.getType()
  const original = carrierOfNational(parsed?.nationalNumber ?? "", iso)
  const originalNetwork = original === undefined ? noNetwork : { name: original.name, mnc: original.mnc }
  const mccmncOf = (network: Network | undefined) => network === undefined ? country.mcc : country.mcc + network.mnc
  const outcome = (status: LookupStatus) => ({ status, statusDescription: statusDescriptions[status] })
  if (type !== "MOBILE" && type !== "FIXED_LINE_OR_MOBILE") {
    return {
      ...base,
      mccmnc: country.mcc,
      ...outcome("FAILED"),
      ported: false,
      roaming: false,
      originalNetwork: noNetwork,
      portedNetwork: noNetwork,
      roamingNetwork: noRoaming
    }
  }
  const last = e164.at(-1)
  const previous = e164.at(-2)
  const status: LookupStatus = last === "0" ? "ABSENT" : last === "1" ? "UNKNOWN" : last === "2" ? "BARRED" : "ACTIVE"
  const active = status === "ACTIVE"
  const networks = networksOf(country)
  const portedTo = active && original !== undefined && (previous === "7" || previous === "8") && networks.length > 1
    ? networks[(networks.findIndex((n) => n.mnc === original.mnc) + 1) % networks.length]
    : undefined
  const roaming = active && previous === "9"
  const abroad = countries[(countries.indexOf(country) + 1) % countries.length]!
  const abroadNetwork = networksOf(abroad)[0]
  return {
    ...base,
    mccmnc: mccmncOf(portedTo ?? original),
    ...outcome(status),
    ported: portedTo !== undefined,
    roaming,
    originalNetwork,
    portedNetwork: portedTo === undefined ? noNetwork : { name: portedTo.name, mnc: portedTo.mnc },
    roamingNetwork: roaming
      ? {
        countryIso: abroad.iso,
        countryName: abroad.name,
        mcc: abroad.mcc,
        mnc: abroadNetwork?.mnc ?? null,
        name: abroadNetwork?.name ?? null
      }
      : noRoaming
  }
}

/** A number offered for rent, as the country's inventory defines it (ids come from the store). @internal */
export interface Offer {
  /** E.164; null: one of a pool, picked at rent time (`poolNumbers`). */
  readonly phoneNumber: string | null
  readonly countryIso: string
  readonly networkOperator: string
  /** 1 inbound SMS, 2 outbound SMS (sum). */
  readonly features: number
  readonly numberType: "mobile" | "landline"
  readonly minRent: RentPeriod
  readonly setupTime: "instant" | "delayed"
  readonly registration: boolean
  readonly inboundSmsSender: boolean
  readonly setupMicros: number
  /** Rent per period, for the periods at or above `minRent`. */
  readonly rentMicros: Readonly<Partial<Record<RentPeriod, number>>>
  readonly inboundSmsMicros: number
  /** Null without the outbound feature. */
  readonly outboundSmsMicros: number | null
}

const cents = (amount: number) => toMicros(Math.round(amount * 100) / 100)

const prices = (country: Country, type: "mobile" | "landline", minRent: RentPeriod) => {
  const factor = type === "mobile" ? 1 : 0.75
  const all: Record<RentPeriod, number> = {
    1: cents(0.1 * country.rentBase * factor),
    7: cents(0.4 * country.rentBase * factor),
    30: cents(country.rentBase * factor)
  }
  const rentMicros: Partial<Record<RentPeriod, number>> = {}
  for (const period of RENT_PERIODS) if (period >= minRent) rentMicros[period] = all[period]
  return {
    setupMicros: cents((type === "mobile" ? 0.25 : 0.5) * country.rentBase),
    rentMicros
  }
}

/**
 * The numbers a country offers for rent, always the same five: three mobile numbers (the first
 * two send and receive, rentable by the day; the third only receives, 7 days at least), a
 * landline that only receives (30 days at least), and a mobile number picked from a pool at
 * rent time, which needs registration details and is set up with a delay.
 * @internal
 */
export const offers = (iso: string): ReadonlyArray<Offer> => {
  const country = byIso.get(iso)
  if (country === undefined) return []
  const sms = Pricing.smsPartPrice(iso) ?? null
  const offer = (
    phoneNumber: string | null,
    numberType: "mobile" | "landline",
    features: number,
    minRent: RentPeriod,
    more: { setupTime?: "delayed"; registration?: true; inboundSmsSender: boolean }
  ): Offer => ({
    phoneNumber,
    countryIso: iso,
    networkOperator: (phoneNumber === null ? undefined : carrierOf(phoneNumber, iso)?.name) ?? country.operator,
    features,
    numberType,
    minRent,
    setupTime: more.setupTime ?? "instant",
    registration: more.registration ?? false,
    inboundSmsSender: more.inboundSmsSender,
    ...prices(country, numberType, minRent),
    inboundSmsMicros: 0,
    outboundSmsMicros: (features & 2) === 2 ? sms : null
  })
  return [
    offer(`${country.mobileBase}01`, "mobile", 3, 1, { inboundSmsSender: true }),
    offer(`${country.mobileBase}02`, "mobile", 3, 1, { inboundSmsSender: false }),
    offer(`${country.mobileBase}03`, "mobile", 1, 7, { inboundSmsSender: true }),
    offer(country.landline, "landline", 1, 30, { inboundSmsSender: false }),
    offer(null, "mobile", 3, 1, { setupTime: "delayed", registration: true, inboundSmsSender: true })
  ]
}

/** The pool an offer without a number picks from at rent time, in order. @internal */
export const poolNumbers = (iso: string): ReadonlyArray<string> => {
  const country = byIso.get(iso)
  return country === undefined ? [] : Array.from({ length: 10 }, (_, i) => `${country.mobileBase}9${i}`)
}

/** A rent price list on the wire. @internal */
export const rentCosts = (
  rentMicros: Readonly<Partial<Record<RentPeriod, number>>>
): Array<{ days: RentPeriod; cost: number }> =>
  RENT_PERIODS.flatMap((days) => {
    const micros = rentMicros[days]
    return micros === undefined ? [] : [{ days, cost: fromMicros(micros) }]
  })
