/**
 * Derives an Effect service from a group of operation entries: one method per operation, named
 * by its `operationId`, taking its path parameters positionally (in path order), then its input
 * object, then optional per-call settings. Each method also has `withResponse` (the result with
 * the response's metadata), a cursor-paged list has `pages` and `all` (Streams that follow
 * `paging.next` lazily), and a file export has `stream` (its body as a Stream of bytes).
 *
 * @since 0.1.0
 */
import type * as Operation from "@smscx/core/Operation"
import { Transport } from "@smscx/transport/Transport"
import type * as TransportModule from "@smscx/transport/Transport"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"

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
      // paging comes with the paged entries: a program without any does not bundle it
      const pagination = operation.pagination
      if (pagination !== undefined) {
        const listOf = (follow: Operation.Pagination["pages"]) => (...args: ReadonlyArray<unknown>) => {
          const [own, options] = splitArgs(operation, args)
          return follow(operation, own, (page) => transport.call(operation, page, options))
        }
        extras.pages = listOf(pagination.pages)
        extras.all = listOf(pagination.items)
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
