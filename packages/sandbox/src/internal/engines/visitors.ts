/**
 * What a visit of a short URL tells of its visitor: the device, operating system and browser
 * from the user agent (`parseUserAgent`, a small deterministic parser of the common patterns),
 * the country from the IP address (`locate`, a tiny table), and the IP address anonymized as the
 * API shows it (`anonymizeIp`).
 */

// User agents

/** What a user agent tells of the visitor's device. @internal */
export interface UserAgentInfo {
  readonly device: "mobile" | "tablet" | "desktop" | null
  readonly os: string | null
  readonly osVersion: string | null
  readonly browser: string | null
  readonly browserVersion: string | null
  readonly brand: string | null
  readonly model: string | null
}

const windowsVersions: Readonly<Record<string, string>> = {
  "10.0": "10",
  "6.3": "8.1",
  "6.2": "8",
  "6.1": "7",
  "6.0": "Vista",
  "5.1": "XP"
}

/** Android model prefixes → brand (the few common ones; others give a null brand). */
const androidBrands: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(SM-|GT-|Galaxy)/i, "Samsung"],
  [/^Pixel/i, "Google"],
  [/^(HUAWEI|ELE-|VOG-|ANE-|MAR-)/i, "Huawei"],
  [/^(Redmi|Mi |MI |POCO|M2\d{3})/, "Xiaomi"],
  [/^(ONEPLUS|IN20|LE21|KB20)/i, "OnePlus"],
  [/^(moto|Moto|XT\d)/, "Motorola"],
  [/^Nokia/i, "Nokia"]
]

/** The browsers recognised, most specific first (Edge and Opera also say "Chrome"). */
const browsers: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bEdg(?:e|A|iOS)?\/([\d.]+)/, "Edge"],
  [/\b(?:OPR|Opera)\/([\d.]+)/, "Opera"],
  [/\bSamsungBrowser\/([\d.]+)/, "Samsung Internet"],
  [/\b(?:Firefox|FxiOS)\/([\d.]+)/, "Firefox"],
  [/\bCriOS\/([\d.]+)/, "Chrome"],
  [/\bChrome\/([\d.]+)/, "Chrome"],
  [/\bVersion\/([\d.]+).*\bSafari\//, "Safari"],
  [/\bcurl\/([\d.]+)/, "curl"]
]

/**
 * Device, operating system and browser from a user agent: a small deterministic parser of the
 * common patterns, not a full database.
 * - OS: `Windows NT 10.0` → Windows 10 (6.3 → 8.1, 6.2 → 8, 6.1 → 7); `iPhone OS 17_4` /
 *   `iPad; CPU OS 17_4` → iOS 17.4; `Android 14` → Android 14; `Mac OS X 10_15_7` → macOS
 *   10.15.7; `CrOS` → Chrome OS; `Linux` → Linux (no version).
 * - Browser (first match): Edge (`Edg/`), Opera (`OPR/`), Samsung Internet, Firefox
 *   (`Firefox/`, `FxiOS/`), Chrome (`CriOS/`, `Chrome/`), Safari (`Version/… Safari/`), curl.
 * - Device: iPad, `Tablet`, or Android without `Mobile` → tablet; iPhone, iPod, `Mobi`,
 *   Android → mobile; Windows, macOS, Chrome OS, Linux → desktop; otherwise null.
 * - Brand and model: iPhone / iPad → Apple; an Android model token (what precedes ` Build/` or
 *   `)` after `Android <version>;`) with its brand from a few prefixes (`SM-` Samsung, `Pixel`
 *   Google, ...).
 * An empty or unknown user agent gives nulls.
 * @internal
 */
export const parseUserAgent = (userAgent: string | undefined): UserAgentInfo => {
  const ua = userAgent ?? ""
  let os: string | null = null
  let osVersion: string | null = null
  let brand: string | null = null
  let model: string | null = null
  let match: RegExpExecArray | null
  const iPad = /\biPad\b/.test(ua)
  const iPhone = /\b(iPhone|iPod)\b/.test(ua)
  if ((match = /\b(?:iPhone OS|CPU OS|CPU iPhone OS) ([\d_]+)/.exec(ua)) !== null && (iPad || iPhone)) {
    os = "iOS"
    osVersion = match[1]!.replace(/_/g, ".")
  } else if ((match = /\bAndroid(?: ([\d.]+))?/.exec(ua)) !== null) {
    os = "Android"
    osVersion = match[1] ?? null
    const token = /\bAndroid[^;)]*; (?:[a-z]{2}[-_][A-Za-z]{2}; )?([^;)]+?)(?: Build\/[^;)]*)?\)/.exec(ua)
    const candidate = token?.[1]?.trim()
    if (candidate !== undefined && candidate !== "" && !/^(K|wv|Linux|U|Mobile)$/.test(candidate)) {
      model = candidate
      brand = androidBrands.find(([pattern]) => pattern.test(candidate))?.[1] ?? null
    }
  } else if ((match = /\bWindows NT ([\d.]+)/.exec(ua)) !== null) {
    os = "Windows"
    osVersion = windowsVersions[match[1]!] ?? match[1]!
  } else if ((match = /\bMac OS X ([\d_.]+)/.exec(ua)) !== null) {
    os = "macOS"
    osVersion = match[1]!.replace(/_/g, ".")
  } else if (/\bCrOS\b/.test(ua)) {
    os = "Chrome OS"
  } else if (/\bLinux\b/.test(ua)) {
    os = "Linux"
  }
  if (iPad || iPhone) {
    brand = "Apple"
    model = iPad ? "iPad" : /\biPod\b/.test(ua) ? "iPod" : "iPhone"
  }
  let browser: string | null = null
  let browserVersion: string | null = null
  for (const [pattern, name] of browsers) {
    const found = pattern.exec(ua)
    if (found !== null) {
      browser = name
      browserVersion = found[1] ?? null
      break
    }
  }
  const device = iPad || /\bTablet\b/i.test(ua) || (os === "Android" && !/\bMobile\b/.test(ua))
    ? "tablet"
    : iPhone || /\bMobi/.test(ua) || os === "Android"
    ? "mobile"
    : os === "Windows" || os === "macOS" || os === "Chrome OS" || os === "Linux"
    ? "desktop"
    : null
  return { device, os, osVersion, browser, browserVersion, brand, model }
}

// IP addresses

const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/

const octets = (ip: string): ReadonlyArray<number> | undefined => {
  const m = ipv4.exec(ip)
  if (m === null) return undefined
  const parts = m.slice(1, 5).map(Number)
  return parts.every((n) => n <= 255) ? parts : undefined
}

/** Whether a text is an IPv4 address (four bytes, dotted). @internal */
export const isIpv4 = (text: string): boolean => octets(text) !== undefined

/** An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) as IPv4; other addresses as given, trimmed. */
const plain = (ip: string): string => {
  const text = ip.trim().toLowerCase()
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text)
  return mapped === null ? text : mapped[1]!
}

/** The groups of an IPv6 address (8 of them), or undefined when it is not one. */
const ipv6Groups = (ip: string): ReadonlyArray<number> | undefined => {
  if (!/^[0-9a-f:]+$/.test(ip) || ip.split("::").length > 2) return undefined
  const [head = "", tail] = ip.split("::")
  const parse = (s: string) => s === "" ? [] : s.split(":")
  const left = parse(head)
  const right = tail === undefined ? [] : parse(tail)
  const missing = 8 - left.length - right.length
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined
  const all = [...left, ...Array.from({ length: tail === undefined ? 0 : missing }, () => "0"), ...right]
  if (all.some((g) => g.length === 0 || g.length > 4)) return undefined
  return all.map((g) => parseInt(g, 16))
}

/**
 * The address without its last byte, as the API shows it (`204.79.200.17` → `204.79.200.0`); an
 * IPv6 address keeps its first 48 bits (`2001:db8:85a3::`). Undefined when it is not an IP
 * address.
 * @internal
 */
export const anonymizeIp = (ip: string): string | undefined => {
  const text = plain(ip)
  const v4 = octets(text)
  if (v4 !== undefined) return `${v4[0]}.${v4[1]}.${v4[2]}.0`
  const v6 = ipv6Groups(text)
  if (v6 === undefined) return undefined
  return `${v6.slice(0, 3).map((g) => g.toString(16)).join(":")}::`
}

/**
 * Where loopback, private and link-local visitors are placed: the sandbox runs on your machine
 * or network, so the "visitor" is you; `NL` stands for the sandbox's home (its demo numbers are
 * Dutch). The city of such a visit is unknown (null).
 * @internal
 */
export const DEFAULT_COUNTRY = "NL"

/** A few public ranges the sandbox places, by IPv4 prefix. */
const places: ReadonlyArray<readonly [prefix: string, country: string, city: string]> = [
  // the documentation ranges (RFC 5737), for tests and examples
  ["192.0.2.", "DE", "Berlin"],
  ["198.51.100.", "FR", "Paris"],
  ["203.0.113.", "GB", "London"],
  // the example of the API's docs, and two well-known resolvers
  ["204.79.200.", "US", "Redmond"],
  ["8.8.8.", "US", "Mountain View"],
  ["1.1.1.", "AU", "Sydney"]
]

const isLocal = (text: string): boolean => {
  const v4 = octets(text)
  if (v4 !== undefined) {
    const [a, b] = v4 as [number, number]
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) ||
      (a === 169 && b === 254) || a === 0
  }
  const v6 = ipv6Groups(text)
  if (v6 === undefined) return false
  const first = v6[0]!
  return v6.every((g, i) => i === 7 ? g === 1 : g === 0) || (first & 0xfe00) === 0xfc00 ||
    (first & 0xffc0) === 0xfe80
}

/**
 * The visitor's country and city from an IP address: a tiny table, not a geolocation database.
 * Loopback, private and link-local addresses → `DEFAULT_COUNTRY` (city null); the RFC 5737
 * documentation ranges 192.0.2.0/24 → DE Berlin, 198.51.100.0/24 → FR Paris, 203.0.113.0/24 →
 * GB London; 204.79.200.0/24 → US Redmond (the docs' example), 8.8.8.0/24 → US Mountain View,
 * 1.1.1.0/24 → AU Sydney; any other address → unknown (nulls).
 * @internal
 */
export const locate = (
  ip: string | undefined
): { readonly countryIso: string | null; readonly city: string | null } => {
  if (ip === undefined) return { countryIso: null, city: null }
  const text = plain(ip)
  if (isLocal(text)) return { countryIso: DEFAULT_COUNTRY, city: null }
  if (octets(text) === undefined) return { countryIso: null, city: null }
  const place = places.find(([prefix]) => text.startsWith(prefix))
  return place === undefined ? { countryIso: null, city: null } : { countryIso: place[1], city: place[2] }
}
