/**
 * Cursor paging, as every list of the API pages: `limit` (at most 500), and opaque `next` /
 * `previous` cursors; the answer's `paging` gives the cursors of the pages around (null at an
 * end) and the page's `size`.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Encoding from "effect/Encoding"
import { type ApiFailure, type ErrorSpec, fail, Generic } from "./errors.js"

/** The most a page holds, and what it holds when no `limit` is given. @internal */
export const MAX_LIMIT = 500

/** @internal */
export interface PageQuery {
  readonly limit?: number | undefined
  readonly next?: string | undefined
  readonly previous?: string | undefined
}

/** @internal */
interface Page<A> {
  readonly data: ReadonlyArray<A>
  readonly paging: { readonly next: string | null; readonly previous: string | null; readonly size: number }
}

/**
 * Cursors in the API's shape: the base64 of the id of the last item seen (`next`) or of the first
 * (`previous`), as the vendor's examples page (`next=NTM2NTA`: the id 53650). A list without ids
 * of its own numbers its items from 1, in its order. Base64 with or without padding, standard or
 * URL-safe alphabet, is read.
 */
const cursorOf = (id: string) => Encoding.encodeBase64(id).replace(/=+$/, "")

/** The id a cursor names, or undefined when it is not base64 of a printable id. */
const idOfCursor = (cursor: string): string | undefined => {
  if (cursor.length > 512 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(cursor)) return undefined
  const standard = cursor.replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/")
  const decoded = Encoding.decodeBase64String(standard.padEnd(Math.ceil(standard.length / 4) * 4, "="))
  if (Either.isLeft(decoded)) return undefined
  return /^[\x21-\x7e]{1,256}$/.test(decoded.right) ? decoded.right : undefined
}

/** Each item's id in a list, as its cursors name it. */
type IdOf<A> = (item: A, index: number) => string

const position: IdOf<unknown> = (_, index) => String(index + 1)

/**
 * Where the item a cursor names stands: its index, `past` for an id the list does not hold (a
 * well-formed cursor past its end: an empty page), undefined for a cursor that is not one.
 */
const indexOf = <A>(
  items: ReadonlyArray<A>,
  cursor: string,
  idOf: IdOf<A> | undefined
): number | "past" | undefined => {
  const id = idOfCursor(cursor)
  if (id === undefined) return undefined
  if (idOf === undefined) {
    if (!/^\d{1,15}$/.test(id)) return undefined
    const index = Number(id) - 1
    return index >= 0 && index < items.length ? index : "past"
  }
  const index = items.findIndex((item, i) => idOf(item, i) === id)
  return index === -1 ? "past" : index
}

/**
 * One page of `items` (in the list's order), after the item `next` names or before the one
 * `previous` names. A `limit` outside 1..500 or a cursor that is not base64 of an id is the
 * operation's invalid-parameter error (`invalid` when it documents one); a cursor naming an id the
 * list does not hold gives an empty page.
 * @internal
 */
export const page = <A>(
  items: ReadonlyArray<A>,
  query: PageQuery,
  options: {
    readonly idOf?: IdOf<A>
    readonly invalid?: (field: "limit" | "next" | "previous") => ErrorSpec
  } = {}
): Effect.Effect<Page<A>, ApiFailure> => {
  const invalid = options.invalid ?? Generic.invalidParam
  const limit = query.limit ?? MAX_LIMIT
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return fail(invalid("limit"))
  let start = 0
  let end = Math.min(items.length, limit)
  if (query.next !== undefined && query.next !== "") {
    const at = indexOf(items, query.next, options.idOf)
    if (at === undefined) return fail(invalid("next"))
    start = at === "past" ? items.length : at + 1
    end = Math.min(items.length, start + limit)
  } else if (query.previous !== undefined && query.previous !== "") {
    const at = indexOf(items, query.previous, options.idOf)
    if (at === undefined) return fail(invalid("previous"))
    end = at === "past" ? 0 : at
    start = Math.max(0, end - limit)
  }
  const data = items.slice(start, end)
  const idOf: IdOf<A> = options.idOf ?? position
  return Effect.succeed({
    data,
    paging: {
      next: end < items.length && data.length > 0 ? cursorOf(idOf(items[end - 1]!, end - 1)) : null,
      previous: start > 0 && data.length > 0 ? cursorOf(idOf(items[start]!, start)) : null,
      size: data.length
    }
  })
}
