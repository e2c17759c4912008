/**
 * Tracked links: shortlinks and attachments, whose short URLs record a hit when visited.
 *
 * Short URLs. A link's id is its short code (5 characters of `[0-9A-Za-z]`, e.g. `bVc4x`) and its
 * `shortUrl` is `https://en.ax/<code>`, the short host the spec shows (`{{shortlink:bVc}}` becomes
 * `https://en.ax/bVc/r2N`). The code is the URL's first path segment (`codeOfShortUrl`), so a
 * route of the sandbox that serves visits (e.g. `GET /s/{code}`) resolves it with
 * `recordShortlinkHit` / `recordAttachmentHit` (`attachments.ts`). Shortlinks and attachments
 * share the one namespace of codes (`TrackedCodes`), and a code is never given again, even after
 * its link is deleted: an old message's link never reaches a new target.
 *
 * Hits. The API records a hit when someone opens a short URL; nothing in the API creates one.
 * `makeHit` records one from what a visit shows (user agent, IP address, ...: `visitors.ts`).
 * Hits are listed oldest first (new hits append at the end, so a cursor stays valid while hits
 * arrive). The sandbox keeps the last `maxMessages` hits of all links (`keepHit`), the oldest
 * dropped first.
 *
 * The API also POSTs `shortlink_hit` callbacks to the account's webhook URL; that URL is set in
 * the vendor's web app, not through the API, so the sandbox has none to POST to.
 *
 * Dates (`dateCreated`, `datetime`) are in the API's documented form `YYYY-MM-DD HH:MM:SS`, UTC.
 */
import type * as Generated from "@smscx/core/Generated"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type * as Exports from "../kernel/exports.js"
import { booleanOf } from "../kernel/fields.js"
import * as Ids from "../kernel/ids.js"
import * as Paging from "../kernel/paging.js"
import * as Store from "../state/store.js"
import * as Phone from "./phone.js"
import { anonymizeIp, locate, parseUserAgent, type UserAgentInfo } from "./visitors.js"

// Short codes and URLs

/** The host of short URLs, as the spec shows it. @internal */
export const SHORT_URL_BASE = "https://en.ax"

/** The characters of a short code. @internal */
export const CODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

/** The length of the codes the sandbox draws. @internal */
const CODE_LENGTH = 5

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
type CodeOwner = "shortlink" | "attachment"

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

/** `YYYY-MM-DD HH:MM:SS` in UTC, the API's documented date form. @internal */
export const formatDate = (millis: number): string => new Date(millis).toISOString().slice(0, 19).replace("T", " ")

// Hits

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
const hitData = (hit: HitRecord, short = false): Generated.DataShortlinkDetail => ({
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
const HIT_COLUMNS = [
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
interface HitsQuery extends Paging.PageQuery {
  readonly short_response?: boolean | undefined
}

/**
 * A hits query as its strings arrive: `limit` as a number, `short_response` as a boolean
 * (`booleanOf`: `true`/`false` in any case, `1`/`0`); anything else is left to fail validation (400 `invalid_param`).
 * @internal
 */
export const normalizeHitsQuery = (raw: Record<string, unknown>): Record<string, unknown> => {
  const out = { ...raw }
  if (typeof out.limit === "string" && /^-?\d{1,9}$/.test(out.limit)) out.limit = Number(out.limit)
  const flag = typeof out.short_response === "string" ? booleanOf(out.short_response) : undefined
  if (flag !== undefined) out.short_response = flag
  return out
}

/** A page of hits, oldest first. @internal */
export const hitsPage = (hits: ReadonlyArray<HitRecord>, query: HitsQuery) =>
  Effect.map(Paging.page(hits, query), (page) => ({
    data: page.data.map((hit) => hitData(hit, query.short_response === true)),
    paging: page.paging
  }))

// Shortlinks

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
