/**
 * Derives an Effect service from a group of operation entries: one method per operation, named
 * by its `operationId`, taking its path parameters positionally (in path order) and then its
 * input object.
 *
 * @since 0.1.0
 */
import type * as Operation from "@smscx/core/Operation"
import { Transport } from "@smscx/transport/Transport"
import * as Effect from "effect/Effect"

/**
 * A group of operation entries, keyed by `operationId`.
 * @since 0.1.0
 * @category models
 */
export type Operations = { readonly [id: string]: Operation.Any }

/**
 * The method derived from one operation.
 * @since 0.1.0
 * @category models
 */
export type Method<O extends Operation.Any> = (
  ...args: Operation.Args<O>
) => Effect.Effect<Operation.SuccessOf<O>, Operation.FailureOf<O>>

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
export type WithAliases<Ops extends Operations, A extends Aliases<Ops>> = Of<Ops> & {
  readonly [K in keyof A]: Method<Ops[A[K]]>
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
    const service: Record<string, (...args: ReadonlyArray<unknown>) => Effect.Effect<unknown, unknown>> = {}
    for (const [id, operation] of Object.entries(operations)) {
      service[id] = (...args) => transport.call(operation, args)
    }
    for (const [alias, id] of Object.entries(aliases ?? {})) service[alias] = service[id]!
    return service as WithAliases<Ops, A>
  })
