/**
 * The Shortlinks group: tracked short links. Create, list, update and delete them; read their
 * hits page by page and export them to CSV or XLSX. The links, their codes and hits are the
 * tracked-links engine's (`engines/trackedLinks.ts`).
 */
import type * as Api from "@smscx/core/Api"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import {
  drawCode,
  forgetHits,
  formatDate,
  hitsPage,
  hitsTable,
  normalizeHitsQuery,
  type ShortlinkRecord,
  Shortlinks,
  shortUrlOf,
  TrackedCodes
} from "../engines/trackedLinks.js"
import { isIpv4 } from "../engines/visitors.js"
import { documented, fail } from "../kernel/errors.js"
import * as Exports from "../kernel/exports.js"
import type * as Fields from "../kernel/fields.js"
import type * as Router from "../kernel/router.js"
import type { Context } from "../state/context.js"

/** The documented errors of the group. @internal */
const ShortlinkErrors = {
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

const isIpLiteral = (host: string) => isIpv4(host) || /^\[[0-9a-f:.]+\]$/i.test(host)

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
