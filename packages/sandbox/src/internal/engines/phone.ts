/**
 * Phone number validation with libphonenumber-js's full metadata: E.164, or national format
 * with the request's `countryIso`.
 */
import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from "libphonenumber-js/max"

/** @internal */
export interface PhoneNumber {
  /** E.164, e.g. `+31612345678`. */
  readonly e164: string
  readonly countryIso: string
}

/** @internal */
export const isCountry = (iso: string): boolean => isSupportedCountry(iso.toUpperCase())

/**
 * How many numbers' results are remembered. A bulk send's numbers recur across its calls (and a
 * load test sends to the same few again and again): parsing one takes microseconds, a hit
 * nanoseconds. The least recently used is forgotten first, so memory stays bounded.
 */
const REMEMBERED = 10_000

// by country and text; `null` for a number that is not valid
const remembered = new Map<string, PhoneNumber | null>()

/**
 * The number in E.164 with its country, or undefined when it is not a valid number of a
 * country (non-geographic numbers cannot receive SMS here).
 * @internal
 */
export const validate = (raw: string, countryIso?: string): PhoneNumber | undefined => {
  const text = raw.trim()
  if (text === "") return undefined
  const upper = countryIso?.toUpperCase()
  const country = upper !== undefined && isSupportedCountry(upper) ? upper : undefined
  // a country is two letters: no key of one is a key without one
  const key = country === undefined ? `-${text}` : `${country}${text}`
  const known = remembered.get(key)
  if (known !== undefined) {
    // the most recently used last: the first in the map is the one forgotten
    remembered.delete(key)
    remembered.set(key, known)
    return known ?? undefined
  }
  const result = parse(text, country)
  if (remembered.size >= REMEMBERED) remembered.delete(remembered.keys().next().value!)
  remembered.set(key, result ?? null)
  return result
}

const parse = (text: string, country: CountryCode | undefined): PhoneNumber | undefined => {
  // digits without "+" and without a country are taken as international (MSISDN) form
  const candidate = country === undefined && /^\d/.test(text) ? `+${text}` : text
  const parsed = country === undefined
    ? parsePhoneNumberFromString(candidate)
    : parsePhoneNumberFromString(candidate, country)
  if (parsed === undefined || parsed.country === undefined || !parsed.isValid()) return undefined
  return { e164: parsed.number, countryIso: parsed.country }
}
