/**
 * The Shortlinks group: tracked short links. Create, list, update and delete them; read their
 * hits page by page and export them to CSV or XLSX.
 *
 * Short URLs. A shortlink's id is its short code (5 characters of `[0-9A-Za-z]`, e.g. `bVc4x`)
 * and its `shortUrl` is `https://en.ax/<code>`, the short host the spec shows
 * (`{{shortlink:bVc}}` becomes `https://en.ax/bVc/r2N`). The code is the URL's first path
 * segment (`codeOfShortUrl`), so a route of the sandbox that serves visits (e.g.
 * `GET /s/{code}`) resolves it with `recordShortlinkHit` / `recordAttachmentHit`. Shortlinks and
 * attachments share the one namespace of codes (`TrackedCodes`), and a code is never given
 * again, even after its link is deleted: an old message's link never reaches a new target.
 *
 * Hits. The API records a hit when someone opens a short URL; nothing in the API creates one.
 * `recordShortlinkHit` records one from what a visit shows (user agent, IP address, ...): the
 * device, operating system and browser come from the user agent (`parseUserAgent`, a small
 * deterministic parser of the common patterns), the country from the IP address
 * (`locate`, a tiny table), the IP address is kept anonymized (`anonymizeIp`). Hits are listed
 * oldest first (new hits append at the end, so a cursor stays valid while hits arrive). The
 * sandbox keeps the last `maxMessages` hits of all links (`keepHit`), the oldest dropped first.
 *
 * The API also POSTs `shortlink_hit` callbacks to the account's webhook URL; that URL is set in
 * the vendor's web app, not through the API, so the sandbox has none to POST to.
 *
 * Dates (`dateCreated`, `datetime`) are in the API's documented form `YYYY-MM-DD HH:MM:SS`, UTC.
 */
import type * as Api from "@smscx/core/Api"
import type * as Generated from "@smscx/core/Generated"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Phone from "../engines/phone.js"
import type { Context } from "../state/context.js"
import { documented, fail } from "../kernel/errors.js"
import * as Exports from "../kernel/exports.js"
import type * as Fields from "../kernel/fields.js"
import * as Ids from "../kernel/ids.js"
import * as Paging from "../kernel/paging.js"
import type * as Router from "../kernel/router.js"
import * as Store from "../state/store.js"

// ---------------------------------------------------------------------------------------------
// Short codes and URLs
// ---------------------------------------------------------------------------------------------

/** The host of short URLs, as the spec shows it. @internal */
export const SHORT_URL_BASE = "https://en.ax"

/** The characters of a short code. @internal */
export const CODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

/** The length of the codes the sandbox draws. @internal */
export const CODE_LENGTH = 5

/** A code a client or the control API may choose: 3 to 32 code characters. @internal */
export const CODE_PATTERN = /^[0-9A-Za-z]{3,32}$/

/** @internal */
export const shortUrlOf = (code: string): string => `${SHORT_URL_BASE}/${code}`

/**
 * The code of a short URL (`https://en.ax/bVc4x` or, for a per-recipient tracked link,
 * `https://en.ax/bVc4x/r2N`): its first path segment; undefined when it is not one.
 * @internal
 */
export const codeOfShortUrl = (url: string): string | undefined => {
  if (!url.startsWith(`${SHORT_URL_BASE}/`)) return undefined
  const code = url.slice(SHORT_URL_BASE.length + 1).split(/[/?#]/)[0] ?? ""
  return CODE_PATTERN.test(code) ? code : undefined
}

/** What a code is (or was) the code of. @internal */
export type CodeOwner = "shortlink" | "attachment"

/**
 * Every code given so far, shortlinks' and attachments' alike, deleted ones included.
 * @internal
 */
export const TrackedCodes = Store.collection<string, CodeOwner>("trackedCodes")

/** A code drawn from the sandbox's `Random`; it may be taken already. @internal */
export const drawCode: Effect.Effect<string> = Ids.string(CODE_ALPHABET, CODE_LENGTH)

/** A code not taken yet (drawn again on a collision), now taken by `owner`. @internal */
export const freshCode = (store: Store.Store, owner: CodeOwner): Effect.Effect<string> =>
  Effect.flatMap(drawCode, (code) =>
    Effect.suspend(() => {
      const codes = store.records(TrackedCodes)
      if (codes.get(code) !== undefined) return freshCode(store, owner)
      codes.set(code, owner)
      return Effect.succeed(code)
    }))

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

/** `YYYY-MM-DD HH:MM:SS` in UTC, the API's documented date form. @internal */
export const formatDate = (millis: number): string => new Date(millis).toISOString().slice(0, 19).replace("T", " ")

// ---------------------------------------------------------------------------------------------
// User agents
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// IP addresses
// ---------------------------------------------------------------------------------------------

const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/

const octets = (ip: string): ReadonlyArray<number> | undefined => {
  const m = ipv4.exec(ip)
  if (m === null) return undefined
  const parts = m.slice(1, 5).map(Number)
  return parts.every((n) => n <= 255) ? parts : undefined
}

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

// ---------------------------------------------------------------------------------------------
// Hits
// ---------------------------------------------------------------------------------------------

/** What a visit to a short URL shows. @internal */
export interface Visitor {
  readonly userAgent?: string | undefined
  readonly ip?: string | undefined
  /** The `Accept-Language` header. */
  readonly acceptLanguage?: string | undefined
  /** The `Referer` header. */
  readonly referrer?: string | undefined
  /** E.g. `1080x2400`, when the page reported it. */
  readonly screenResolution?: string | undefined
  /**
   * For a link tracked per recipient (`{{shortlink:ID}}` in a message): who got it, from which
   * campaign and group. Absent for a plain visit.
   */
  readonly phoneNumber?: string | undefined
  readonly campaignId?: string | undefined
  readonly groupId?: string | undefined
}

/** A hit as the sandbox keeps it. @internal */
export interface HitRecord {
  readonly hitId: number
  readonly at: number
  readonly agent: UserAgentInfo
  readonly screenResolution: string | null
  readonly acceptLanguage: string | null
  readonly referrer: string | null
  readonly ipAddress: string | null
  readonly countryIso: string | null
  readonly city: string | null
  readonly phoneNumber: string | null
  readonly phoneNumberCountryIso: string | null
  readonly campaignId: string | null
  readonly groupId: string | null
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

const orNull = (value: string | undefined): string | null => value === undefined || value.trim() === "" ? null : value

/**
 * A hit of now (the Effect `Clock`), numbered from the one counter shortlinks and attachments
 * share. A phone number that does not parse is kept as given with a null country; a campaign id
 * that is not a lower-case UUID is dropped (the schema allows only those).
 * @internal
 */
export const makeHit = (store: Store.Store, visitor: Visitor): Effect.Effect<HitRecord> =>
  Effect.map(Clock.currentTimeMillis, (at) => {
    const ip = orNull(visitor.ip)
    const anonymized = ip === null ? undefined : anonymizeIp(ip)
    const place = anonymized === undefined ? { countryIso: null, city: null } : locate(ip ?? undefined)
    const phone = orNull(visitor.phoneNumber)
    const parsed = phone === null ? undefined : Phone.validate(phone)
    const campaignId = orNull(visitor.campaignId)
    return {
      hitId: store.nextId("trackedHits"),
      at,
      agent: parseUserAgent(visitor.userAgent),
      screenResolution: orNull(visitor.screenResolution),
      acceptLanguage: orNull(visitor.acceptLanguage),
      referrer: orNull(visitor.referrer),
      ipAddress: anonymized ?? null,
      countryIso: place.countryIso,
      city: place.city,
      phoneNumber: parsed?.e164 ?? phone,
      phoneNumberCountryIso: parsed?.countryIso ?? null,
      campaignId: campaignId !== null && uuid.test(campaignId) ? campaignId : null,
      groupId: orNull(visitor.groupId)
    }
  })

/**
 * Every hit of every shortlink and attachment (its id to its link's hits), oldest first: the
 * history keeps the last `maxMessages`.
 * @internal
 */
export const Hits = Store.collection<number, Array<HitRecord>>("trackedLinks.hits")

/**
 * Adds a hit to its link's hits within the history's bound (synchronous): the oldest hits of all
 * links go first.
 * @internal
 */
export const keepHit = (store: Store.Store, hits: Array<HitRecord>, hit: HitRecord): void => {
  hits.push(hit)
  for (const [gone, owner] of store.keep(Hits, hit.hitId, hits)) {
    // the oldest of all is its link's first
    const at = owner.findIndex((h) => h.hitId === gone)
    if (at !== -1) owner.splice(at, 1)
  }
}

/** Forgets the hits of a link deleted (synchronous). @internal */
export const forgetHits = (store: Store.Store, hits: ReadonlyArray<HitRecord>): void => {
  const all = store.records(Hits)
  for (const hit of hits) all.delete(hit.hitId)
}

/**
 * A hit on the wire. `short`: without the tracking fields (phone number, its country, campaign,
 * group), which the schema makes optional.
 * @internal
 */
export const hitData = (hit: HitRecord, short = false): Generated.DataShortlinkDetail => ({
  hitId: hit.hitId,
  device: hit.agent.device,
  browser: hit.agent.browser,
  browserVersion: hit.agent.browserVersion,
  os: hit.agent.os,
  osVersion: hit.agent.osVersion,
  brand: hit.agent.brand,
  model: hit.agent.model,
  screenResolution: hit.screenResolution,
  acceptLanguage: hit.acceptLanguage,
  referrer: hit.referrer,
  ipAddress: hit.ipAddress,
  countryIso: hit.countryIso,
  city: hit.city,
  datetime: formatDate(hit.at),
  ...(short ? {} : {
    phoneNumber: hit.phoneNumber,
    phoneNumberCountryIso: hit.phoneNumberCountryIso,
    campaignId: hit.campaignId,
    groupId: hit.groupId
  })
})

/** The columns of a hits export: the fields of a hit, in the schema's order. @internal */
export const HIT_COLUMNS = [
  "hitId",
  "datetime",
  "device",
  "browser",
  "browserVersion",
  "os",
  "osVersion",
  "brand",
  "model",
  "screenResolution",
  "acceptLanguage",
  "referrer",
  "ipAddress",
  "countryIso",
  "city",
  "phoneNumber",
  "phoneNumberCountryIso",
  "campaignId",
  "groupId"
] as const

/** Hits as an export table (a header row only when there are none). @internal */
export const hitsTable = (hits: ReadonlyArray<HitRecord>): Exports.Table => ({
  columns: HIT_COLUMNS,
  rows: hits.map((hit) => {
    const data = hitData(hit) as unknown as Record<string, string | number | null | undefined>
    return HIT_COLUMNS.map((column) => data[column] ?? null)
  })
})

/** The query of a hits page. @internal */
export interface HitsQuery extends Paging.PageQuery {
  readonly short_response?: boolean | undefined
}

/**
 * A hits query as its strings arrive: `limit` as a number, `short_response` as a boolean
 * (`true`/`false`, `1`/`0`); anything else is left to fail validation (400 `invalid_param`).
 * @internal
 */
export const normalizeHitsQuery = (raw: Record<string, unknown>): Record<string, unknown> => {
  const out = { ...raw }
  if (typeof out.limit === "string" && /^-?\d{1,9}$/.test(out.limit)) out.limit = Number(out.limit)
  const flag = out.short_response
  if (flag === "true" || flag === "1") out.short_response = true
  if (flag === "false" || flag === "0") out.short_response = false
  return out
}

/** A page of hits, oldest first. @internal */
export const hitsPage = (hits: ReadonlyArray<HitRecord>, query: HitsQuery) =>
  Effect.map(Paging.page(hits, query), (page) => ({
    data: page.data.map((hit) => hitData(hit, query.short_response === true)),
    paging: page.paging
  }))

// ---------------------------------------------------------------------------------------------
// Shortlinks
// ---------------------------------------------------------------------------------------------

/** A shortlink as the sandbox keeps it. @internal */
export interface ShortlinkRecord {
  /** Its short code: the `shortId` of the paths. */
  readonly id: string
  name: string
  url: string
  readonly createdAt: number
  /** Oldest first. */
  readonly hits: Array<HitRecord>
}

/** The shortlinks, by id, oldest first. @internal */
export const Shortlinks = Store.collection<string, ShortlinkRecord>("shortlinks")

/**
 * Records a visit of a shortlink's short URL (a route of the sandbox calls it, as the API does
 * when someone opens the link): the hit joins the shortlink's hits. Gives the URL to redirect
 * to, or undefined when the code is no (longer a) shortlink's.
 * @internal
 */
export const recordShortlinkHit = (
  store: Store.Store,
  shortCode: string,
  visitor: Visitor
): Effect.Effect<string | undefined> =>
  Effect.suspend(() => {
    const link = store.records(Shortlinks).get(shortCode)
    if (link === undefined) return Effect.succeed(undefined)
    return Effect.map(makeHit(store, visitor), (hit) => {
      keepHit(store, link.hits, hit)
      return link.url
    })
  })

/** The documented errors of the group. @internal */
export const ShortlinkErrors = {
  notFound: documented("deleteShortlink", 1400),
  createUrlMissing: documented("createShortlink", 1401),
  createUrlInvalid: documented("createShortlink", 1402),
  createNameInvalid: documented("createShortlink", 1404),
  duplicateId: documented("createShortlink", 1405),
  updateUrlMissing: documented("updateShortlink", 1401),
  updateUrlInvalid: documented("updateShortlink", 1402),
  updateNameInvalid: documented("updateShortlink", 1404),
  nothingToUpdate: documented("updateShortlink", 1406),
  duplicateName: documented("updateShortlink", 1407)
} as const

const E = ShortlinkErrors

const isIpLiteral = (host: string) => octets(host) !== undefined || /^\[[0-9a-f:.]+\]$/i.test(host)

/**
 * "A valid URL": absolute, `http` or `https`, with a host that is `localhost`, an IP address or
 * a dotted name ending in a label of letters (a TLD), and no spaces. Anything else is 1402.
 * @internal
 */
export const isValidUrl = (raw: string): boolean => {
  if (/\s/.test(raw)) return false
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false
  const host = url.hostname
  return host === "localhost" || isIpLiteral(host) || /^([a-z0-9-]+\.)+[a-z]{2,63}$/i.test(host)
}

/** Stands in for a URL that is not valid: fails validation, as 1402. */
const INVALID_URL = { invalidUrl: true } as const

/**
 * The URL and name as the API reads them, before validation: trimmed; a blank URL is a missing
 * one (1401) and an invalid one fails validation (1402), so that the fields are checked in the
 * API's order (URL, then name) whatever is wrong with each.
 */
const screen = (raw: Record<string, unknown>): Record<string, unknown> => {
  const out = { ...raw }
  if (typeof out.url === "string") {
    const url = out.url.trim()
    out.url = url === "" ? null : isValidUrl(url) ? url : INVALID_URL
  }
  if (typeof out.name === "string") out.name = out.name.trim()
  return out
}

/**
 * Stands in for a field of an update the client left out: the router validates the update
 * against its schema (which requires both fields, as the vendor clients send them), while the
 * API itself takes either one ("any parameters not provided will be left unchanged"). Three NUL
 * characters: a valid string for the schema, and never a name or URL anyone sends.
 */
const KEEP = "\u0000\u0000\u0000"

/** Stands in for both fields of an update without either: fails validation, as 1406. */
const NOTHING = { nothing: true } as const

const normalizeUpdate = (raw: Record<string, unknown>): Record<string, unknown> => {
  if (raw.name === undefined && raw.url === undefined) return { ...raw, name: NOTHING, url: NOTHING }
  const out = screen(raw)
  return { ...out, name: raw.name === undefined ? KEEP : out.name, url: raw.url === undefined ? KEEP : out.url }
}

// `url` before `name`: the API checks them in its table's order (1401, 1402, 1404); a null URL
// is "not set"
const createFields: Fields.Table = [
  ["url", { missing: E.createUrlMissing, invalid: (v) => v === null ? E.createUrlMissing : E.createUrlInvalid }],
  ["name", { invalid: E.createNameInvalid }]
]

const updateFields: Fields.Table = [
  [
    "url",
    {
      missing: E.updateUrlMissing,
      invalid: (v) => v === NOTHING ? E.nothingToUpdate : v === null ? E.updateUrlMissing : E.updateUrlInvalid
    }
  ],
  ["name", { invalid: (v) => v === NOTHING ? E.nothingToUpdate : E.updateNameInvalid }]
]

const infoOf = (link: ShortlinkRecord) => ({
  id: link.id,
  name: link.name,
  shortUrl: shortUrlOf(link.id),
  originalUrl: link.url,
  dateCreated: formatDate(link.createdAt),
  hits: link.hits.length
})

/** @internal */
export const handlers = ({ store }: Context): Router.Handlers<typeof Api.Shortlinks> => {
  const links = () => store.records(Shortlinks)
  const find = (shortId: string) =>
    Effect.suspend(() => {
      const link = links().get(shortId)
      return link === undefined ? fail(E.notFound) : Effect.succeed(link)
    })
  const fileName = (link: ShortlinkRecord, extension: string) => `shortlink-${link.id}-hits.${extension}`
  return {
    createShortlink: {
      fields: createFields,
      normalize: screen,
      handle: ({ input }) =>
        Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          // a drawn code already given is the documented 1405 (the API does not draw again)
          const code = yield* drawCode
          const codes = store.records(TrackedCodes)
          if (codes.get(code) !== undefined) return yield* fail(E.duplicateId)
          const link = yield* Effect.sync((): ShortlinkRecord => {
            codes.set(code, "shortlink")
            const record: ShortlinkRecord = {
              id: code,
              name: input.name ?? `Short link #${store.nextId("shortlinkNames")}`,
              url: input.url,
              createdAt: now,
              hits: []
            }
            links().set(code, record)
            return record
          })
          return {
            body: { info: { id: link.id, name: link.name, originalUrl: link.url, shortUrl: shortUrlOf(link.id) } }
          }
        })
    },
    getShortlinksList: {
      // most recent first; the operation takes no paging parameters
      handle: () => Effect.sync(() => ({ body: { data: links().values().slice().reverse().map(infoOf) } }))
    },
    deleteShortlink: {
      handle: ({ path }) =>
        Effect.flatMap(find(path.shortId), (link) =>
          Effect.sync(() => {
            // its hits go with it; its code stays given
            links().delete(link.id)
            forgetHits(store, link.hits)
            return { body: { info: { id: link.id } } }
          }))
    },
    getShortlinkHits: {
      normalize: normalizeHitsQuery,
      handle: ({ input, path }) =>
        Effect.gen(function*() {
          const link = yield* find(path.shortId)
          const page = yield* hitsPage(link.hits.slice(), input)
          return { body: { info: infoOf(link), ...page } }
        })
    },
    updateShortlink: {
      fields: updateFields,
      normalize: normalizeUpdate,
      handle: ({ input, path }) =>
        Effect.gen(function*() {
          const link = yield* find(path.shortId)
          const url = input.url === KEEP ? undefined : input.url
          const name = input.name === KEEP ? undefined : input.name
          if (name !== undefined && links().values().some((other) => other.id !== link.id && other.name === name)) {
            return yield* fail(E.duplicateName)
          }
          // the same data again: the API's 204 (no body)
          const changed = (url !== undefined && url !== link.url) || (name !== undefined && name !== link.name)
          yield* Effect.sync(() => {
            if (url !== undefined) link.url = url
            if (name !== undefined) link.name = name
          })
          return { body: changed ? { info: { id: link.id } } : undefined }
        })
    },
    exportShortlinkHitsToCSV: {
      handle: ({ path }) =>
        Effect.map(find(path.shortId), (link) => ({ body: Exports.csv(hitsTable(link.hits), fileName(link, "csv")) }))
    },
    exportShortlinkHitsToXLSX: {
      handle: ({ path }) =>
        Effect.flatMap(
          find(path.shortId),
          (link) =>
            Effect.map(Exports.xlsx(hitsTable(link.hits), fileName(link, "xlsx"), "Hits"), (file) => ({ body: file }))
        )
    }
  }
}
