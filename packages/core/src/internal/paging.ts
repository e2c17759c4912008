/**
 * Cursor paging, carried by the entries of the paged lists (`Operation.Pagination`): the
 * services follow a list's `paging.next` through it, and a program whose operations page
 * nothing does not bundle it.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { DecodeError } from "../Errors.js"
import type * as Operation from "../Operation.js"

type Page = { readonly paging?: { readonly next?: string | null } | null; readonly data?: ReadonlyArray<unknown> }

/**
 * The arguments that ask for the page after `cursor`: the cursor replaces the caller's own
 * `next`/`previous`, the other filters stay.
 */
const argsForCursor = (operation: Operation.Any, args: ReadonlyArray<unknown>, cursor: string | undefined) => {
  if (cursor === undefined) return args
  const index = operation.pathParamNames.length
  const { next: _next, previous: _previous, ...rest } = (args[index] ?? {}) as Record<string, unknown>
  const out = [...args]
  out[index] = { ...rest, next: cursor }
  return out
}

/** The cursor of the page after this one, if any. */
const nextCursor = (page: unknown): string | undefined => {
  const next = (page as Page | undefined)?.paging?.next
  return typeof next === "string" && next !== "" ? next : undefined
}

/** The items of a page. */
const itemsOf = (page: unknown): ReadonlyArray<unknown> => (page as Page | undefined)?.data ?? []

/**
 * The failure of a list whose `paging.next` names a page already fetched in this iteration: the
 * pages would come round again without end. The cursor itself is left out (it can be long).
 */
const repeatedCursor = (operation: Operation.Any, page: number): DecodeError =>
  new DecodeError({
    operation: operation.id,
    status: operation.successStatus,
    message:
      `${operation.id}: page ${page}'s paging.next is the cursor of an earlier page of this list: paging stopped, or it would never end`,
    issues: [{ path: ["paging", "next"], message: "repeats a cursor already followed" }],
    body: undefined
  })

/**
 * The cursors a list has followed, one trail per iteration: `visit` is called before each page
 * is fetched (`undefined` for the first) and gives the failure when a cursor comes back.
 */
const cursorTrail = (operation: Operation.Any) => {
  const seen = new Set<string>()
  return (cursor: string | undefined): DecodeError | undefined => {
    if (cursor === undefined) return undefined
    if (seen.has(cursor)) return repeatedCursor(operation, seen.size + 1)
    seen.add(cursor)
    return undefined
  }
}

/**
 * The pages of a list: the first as asked, then `next: <cursor>` until the cursor is null. A
 * cursor that comes back ends the list with a DecodeError, after the page that named it.
 */
const pagesOf = <A, E>(
  operation: Operation.Any,
  args: ReadonlyArray<unknown>,
  fetch: (args: ReadonlyArray<unknown>) => Effect.Effect<A, E>
): Stream.Stream<A, E | DecodeError> =>
  Stream.suspend(() => {
    const visit = cursorTrail(operation)
    return Stream.paginateEffect(undefined as string | undefined, (
      cursor
    ): Effect.Effect<readonly [A, Option.Option<string>], E | DecodeError> => {
      const repeated = visit(cursor)
      return repeated !== undefined ? Effect.fail(repeated) : Effect.map(
        fetch(argsForCursor(operation, args, cursor)),
        (page) => {
          const next = nextCursor(page)
          return [page, next === undefined ? Option.none() : Option.some(next)] as const
        }
      )
    })
  })

/**
 * Cursor paging: the pages of a list, and the items of its pages.
 * @internal
 */
export const cursor: Operation.Pagination = {
  pages: pagesOf,
  items: (operation, args, fetch) => Stream.flattenIterables(Stream.map(pagesOf(operation, args, fetch), itemsOf))
}
