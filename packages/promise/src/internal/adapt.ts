/**
 * The Promise client's methods, adapted from the Effect services' (`@smscx/client/ApiService`):
 * each method and `withResponse` as a function returning a Promise, `pages` and `all` (Streams)
 * as async iterables, and `stream` (a download) as a `FileStream`. Built once per client; a call
 * checks its options, calls the Effect method and runs what it gives.
 */
import * as ApiService from "@smscx/client/ApiService"
import type * as Operation from "@smscx/core/Operation"
import type * as Transport from "@smscx/transport/Transport"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { takeSignal } from "./callOptions.js"
import type { Calls } from "./calls.js"
import { fileStreamOf, nextChunk } from "./fileStream.js"

type Call = (...args: ReadonlyArray<unknown>) => Effect.Effect<unknown, unknown>

/** An Effect service's method, as `ApiService.make` builds it, seen whatever its operation. */
interface EffectMethod extends Call {
  readonly withResponse: Call
  readonly pages?: (...args: ReadonlyArray<unknown>) => Stream.Stream<unknown, unknown>
  readonly all?: (...args: ReadonlyArray<unknown>) => Stream.Stream<unknown, unknown>
  readonly stream?: (...args: ReadonlyArray<unknown>) => Effect.Effect<Transport.FileStream, unknown, Scope.Scope>
}

/**
 * A Stream as an async iterable: each step of the loop pulls the stream as one of the client's
 * calls (its signal, `close()`), and leaving the loop (`break`, `return`, a throw)
 * closes the stream, so that nothing further is fetched.
 */
const iterableOf = (
  calls: Calls,
  operation: Operation.Any,
  streamOf: (...args: ReadonlyArray<unknown>) => Stream.Stream<unknown, unknown>,
  given: ReadonlyArray<unknown>
): AsyncIterable<unknown> => ({
  async *[Symbol.asyncIterator]() {
    // a copy: each iteration of the same iterable takes its signal off its own arguments
    const args = [...given]
    const signal = takeSignal(operation, args)
    const scope = Effect.runSync(Scope.make())
    try {
      const next = nextChunk(Effect.runSync(Scope.extend(Stream.toPull(streamOf(...args)), scope)))
      while (true) {
        const chunk = await calls.run(operation, next, signal)
        if (chunk === undefined) return
        yield* Chunk.toReadonlyArray(chunk)
      }
    } finally {
      await Effect.runPromise(Scope.close(scope, Exit.void))
    }
  }
})

/**
 * An Effect function as a Promise one, run as one of the client's calls. Not an async function:
 * the call's Promise is the run's own, without one more wrapped around it; what throws before the
 * run (bad call options) rejects it all the same.
 */
const promised = (calls: Calls, operation: Operation.Any, call: Call, start?: Transport.FiberlessCall) =>
(
  ...args: Array<unknown>
) => {
  // a call without options of an operation that can go without a fiber
  if (start !== undefined && args.length <= ApiService.arityOf(operation)) {
    return calls.runFiberless(operation, start, args)
  }
  try {
    const signal = takeSignal(operation, args)
    return calls.run(operation, call(...args), signal)
  } catch (error) {
    return Promise.reject(error)
  }
}

/** One Effect method as the Promise client's, with its variants. */
const adaptMethod = (
  calls: Calls,
  operation: Operation.Any,
  method: EffectMethod,
  start: Transport.FiberlessCall | undefined
) => {
  const variants: Record<string, unknown> = { withResponse: promised(calls, operation, method.withResponse) }
  const { all, pages, stream } = method
  if (pages !== undefined) variants.pages = (...args: Array<unknown>) => iterableOf(calls, operation, pages, args)
  if (all !== undefined) variants.all = (...args: Array<unknown>) => iterableOf(calls, operation, all, args)
  if (stream !== undefined) {
    variants.stream = async (...args: Array<unknown>) => {
      const signal = takeSignal(operation, args)
      return fileStreamOf(calls, operation, stream(...args), signal)
    }
  }
  return Object.assign(promised(calls, operation, method, start), variants)
}

/**
 * A group's Promise methods from its Effect service, by operationId, and each alias as the same
 * method as the operation it names. With `fiberless`, a method of an operation that can go
 * without a fiber (see `Transport.fiberless`) does so when called without options.
 * @internal
 */
export const adaptService = (
  calls: Calls,
  operations: ApiService.Operations,
  service: ApiService.Of<ApiService.Operations>,
  aliases: ReadonlyArray<readonly [alias: string, id: string]>,
  fiberless: ((operation: Operation.Any) => Transport.FiberlessCall | undefined) | undefined
): Readonly<Record<string, unknown>> => {
  const methods: Record<string, unknown> = {}
  for (const [id, operation] of Object.entries(operations)) {
    methods[id] = adaptMethod(calls, operation, service[id] as unknown as EffectMethod, fiberless?.(operation))
  }
  for (const [alias, id] of aliases) methods[alias] = methods[id]
  return Object.freeze(methods)
}
