/**
 * Derives an Effect service from a group of operation entries: one method per operation, named
 * by its `operationId`, taking its path parameters positionally (in path order), then its input
 * object, then optional per-call settings. Each method also has `withResponse` (the result with
 * the response's metadata), a cursor-paged list has `pages` and `all` (Streams that follow
 * `paging.next` lazily), and a file export has `stream` (its body as a Stream of bytes).
 *
 * @since 0.1.0
 */
import { DecodeError } from "@smscx/core/Errors"
import type * as Operation from "@smscx/core/Operation"
import { Transport } from "@smscx/transport/Transport"
import type * as TransportModule from "@smscx/transport/Transport"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"

/**
 * A group of operation entries, keyed by `operationId`.
 * @since 0.1.0
 * @category models
 */
export type Operations = { readonly [id: string]: Operation.Any }

/**
 * A method's arguments: the operation's own, then optional per-call settings.
 * @since 0.1.0
 * @category models
 */
export type ArgsWithOptions<O extends Operation.Any> = [...Operation.Args<O>, options?: TransportModule.CallOptions]

/**
 * A page of a cursor-paged list.
 * @since 0.1.0
 * @category models
 */
export type PageOf<O extends Operation.Any> = Operation.SuccessOf<O>

/**
 * An item of a cursor-paged list (an element of its `data`).
 * @since 0.1.0
 * @category models
 */
export type ItemOf<O extends Operation.Any> = Operation.SuccessOf<O> extends { readonly data: ReadonlyArray<infer A> } ?
  A
  : never

/**
 * The paginators of a cursor-paged list.
 * @since 0.1.0
 * @category models
 */
export interface Paginated<O extends Operation.Any> {
  /** Every page, from the one the arguments ask for, fetched one at a time as the stream is read. */
  readonly pages: (...args: ArgsWithOptions<O>) => Stream.Stream<PageOf<O>, Operation.FailureOf<O>>
  /** Every item of every page, fetched page by page as the stream is read. */
  readonly all: (...args: ArgsWithOptions<O>) => Stream.Stream<ItemOf<O>, Operation.FailureOf<O>>
}

/**
 * The streaming variant of a file export.
 * @since 0.1.0
 * @category models
 */
export interface Streamed<O extends Operation.Any> {
  /**
   * The file, its body read from the connection as the stream is consumed (never whole in
   * memory); the connection closes with the scope.
   */
  readonly stream: (
    ...args: ArgsWithOptions<O>
  ) => Effect.Effect<TransportModule.FileStream, Operation.FailureOf<O>, Scope.Scope>
}

/**
 * The method derived from one operation.
 * @since 0.1.0
 * @category models
 */
export type Method<O extends Operation.Any> =
  & ((...args: ArgsWithOptions<O>) => Effect.Effect<Operation.SuccessOf<O>, Operation.FailureOf<O>>)
  & {
    /** The result with the response's status, headers, request id, rate limit and idempotency id. */
    readonly withResponse: (
      ...args: ArgsWithOptions<O>
    ) => Effect.Effect<TransportModule.WithResponse<Operation.SuccessOf<O>>, Operation.FailureOf<O>>
  }
  & (O["paging"] extends true ? Paginated<O> : {})
  & (O["success"] extends { readonly _tag: "File" } ? Streamed<O> : {})

/**
 * The service derived from a group of operations.
 * @since 0.1.0
 * @category models
 */
export type Of<Ops extends Operations> = { readonly [K in keyof Ops]: Method<Ops[K]> }

/**
 * Correct spellings of misspelled operationIds: alias -> operationId.
 * @since 0.1.0
 * @category models
 */
export type Aliases<Ops extends Operations> = { readonly [alias: string]: keyof Ops & string }

/**
 * The service with its aliases: each alias is the same method as the operation it names.
 * @since 0.1.0
 * @category models
 */
export type WithAliases<Ops extends Operations, A extends Aliases<Ops>> =
  & Of<Ops>
  & {
    readonly [K in keyof A]: Method<Ops[A[K]]>
  }

/** How many arguments are the operation's own: its path parameters, then its input if it has one. @internal */
export const arityOf = (operation: Operation.Any): number =>
  operation.pathParamNames.length + (operation.input._tag === "None" ? 0 : 1)

/** The operation's own arguments and the call options, apart. @internal */
export const splitArgs = (
  operation: Operation.Any,
  args: ReadonlyArray<unknown>
): readonly [ReadonlyArray<unknown>, TransportModule.CallOptions | undefined] => {
  const arity = arityOf(operation)
  return args.length > arity
    ? [args.slice(0, arity), args[arity] as TransportModule.CallOptions | undefined]
    : [args, undefined]
}

type Page = { readonly paging?: { readonly next?: string | null } | null; readonly data?: ReadonlyArray<unknown> }

/**
 * The arguments that ask for the page after `cursor`: the cursor replaces the caller's own
 * `next`/`previous`, the other filters stay.
 * @internal
 */
export const argsForCursor = (operation: Operation.Any, args: ReadonlyArray<unknown>, cursor: string | undefined) => {
  if (cursor === undefined) return args
  const index = operation.pathParamNames.length
  const { next: _next, previous: _previous, ...rest } = (args[index] ?? {}) as Record<string, unknown>
  const out = [...args]
  out[index] = { ...rest, next: cursor }
  return out
}

/** The cursor of the page after this one, if any. @internal */
export const nextCursor = (page: unknown): string | undefined => {
  const next = (page as Page | undefined)?.paging?.next
  return typeof next === "string" && next !== "" ? next : undefined
}

/** The items of a page. @internal */
export const itemsOf = (page: unknown): ReadonlyArray<unknown> => (page as Page | undefined)?.data ?? []

/**
 * The failure of a list whose `paging.next` names a page already fetched in this iteration: the
 * pages would come round again without end. The cursor itself is left out (it can be long).
 * @internal
 */
export const repeatedCursor = (operation: Operation.Any, page: number): DecodeError =>
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
 * @internal
 */
export const cursorTrail = (operation: Operation.Any) => {
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
 * @internal
 */
export const pagesOf = <A, E>(
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
 * Builds the service of a group of operations on top of the `Transport`.
 * @since 0.1.0
 * @category constructors
 */
export const make = <Ops extends Operations, A extends Aliases<Ops> = {}>(
  operations: Ops,
  aliases?: A
): Effect.Effect<WithAliases<Ops, A>, never, Transport> =>
  Effect.map(Transport, (transport) => {
    const service: Record<string, unknown> = {}
    for (const [id, operation] of Object.entries(operations)) {
      const method = (...args: ReadonlyArray<unknown>) => {
        const [own, options] = splitArgs(operation, args)
        return transport.call(operation, own, options)
      }
      const withResponse = (...args: ReadonlyArray<unknown>) => {
        const [own, options] = splitArgs(operation, args)
        return transport.callWithResponse(operation, own, options)
      }
      const extras: Record<string, unknown> = { withResponse }
      if (operation.paging) {
        const pages = (...args: ReadonlyArray<unknown>) => {
          const [own, options] = splitArgs(operation, args)
          return pagesOf(operation, own, (page) => transport.call(operation, page, options))
        }
        extras.pages = pages
        extras.all = (...args: ReadonlyArray<unknown>) => Stream.flattenIterables(Stream.map(pages(...args), itemsOf))
      }
      if (operation.success._tag === "File") {
        extras.stream = (...args: ReadonlyArray<unknown>) => {
          const [own, options] = splitArgs(operation, args)
          return transport.download(operation, own, options)
        }
      }
      service[id] = Object.assign(method, extras)
    }
    for (const [alias, id] of Object.entries(aliases ?? {})) service[alias] = service[id]
    return service as WithAliases<Ops, A>
  })
