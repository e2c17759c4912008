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

// a cursor is the offset of a page's first item, in a form clients treat as opaque
const cursorOf = (offset: number) => Encoding.encodeBase64Url(`o:${offset}`)

const offsetOf = (cursor: string): number | undefined => {
  const decoded = Encoding.decodeBase64UrlString(cursor)
  if (Either.isLeft(decoded)) return undefined
  const match = /^o:(\d{1,9})$/.exec(decoded.right)
  return match === null ? undefined : Number(match[1])
}

/**
 * One page of `items` (in the list's order). A `limit` outside 1..500 or a cursor this sandbox
 * did not give is the operation's invalid-parameter error (`invalid` when it documents one).
 * @internal
 */
export const page = <A>(
  items: ReadonlyArray<A>,
  query: PageQuery,
  invalid: (field: "limit" | "next" | "previous") => ErrorSpec = Generic.invalidParam
): Effect.Effect<Page<A>, ApiFailure> => {
  const limit = query.limit ?? MAX_LIMIT
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return fail(invalid("limit"))
  let start = 0
  if (query.next !== undefined && query.next !== "") {
    const offset = offsetOf(query.next)
    if (offset === undefined) return fail(invalid("next"))
    start = offset
  } else if (query.previous !== undefined && query.previous !== "") {
    const offset = offsetOf(query.previous)
    if (offset === undefined) return fail(invalid("previous"))
    start = offset
  }
  const data = items.slice(start, start + limit)
  const end = start + data.length
  return Effect.succeed({
    data,
    paging: {
      next: end < items.length ? cursorOf(end) : null,
      previous: start > 0 ? cursorOf(Math.max(0, start - limit)) : null,
      size: data.length
    }
  })
}
