/**
 * Phone number validation with libphonenumber-js's full metadata: E.164, or national format
 * with the request's `countryIso`.
 */
import { isSupportedCountry, parsePhoneNumberFromString } from "libphonenumber-js/max"

/** @internal */
export interface PhoneNumber {
  /** E.164, e.g. `+31612345678`. */
  readonly e164: string
  readonly countryIso: string
}

/** @internal */
export const isCountry = (iso: string): boolean => isSupportedCountry(iso.toUpperCase())

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
  // digits without "+" and without a country are taken as international (MSISDN) form
  const candidate = country === undefined && /^\d/.test(text) ? `+${text}` : text
  const parsed = country === undefined
    ? parsePhoneNumberFromString(candidate)
    : parsePhoneNumberFromString(candidate, country)
  if (parsed === undefined || parsed.country === undefined || !parsed.isValid()) return undefined
  return { e164: parsed.number, countryIso: parsed.country }
}
