/**
 * The calls of one Promise client: each effect run as a fiber on the client's runtime and handed
 * back as a Promise, with the call's signal, and `close()` ending what is in flight.
 */
import { TransportError } from "@smscx/core/Errors"
import type * as Operation from "@smscx/core/Operation"
import type * as Transport from "@smscx/transport/Transport"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as Runtime from "effect/Runtime"
import { InFlight } from "./inFlight.js"

/** The failure of a call the client's closing ended, or that came after it. @internal */
export const closed = (operation: Operation.Any, why: string) =>
  new TransportError({
    reason: "Closed",
    method: operation.method,
    url: operation.path,
    message: `${operation.method} ${operation.path}: ${why}`
  })

/** A call in flight without a fiber. */
interface FiberlessInFlight {
  readonly operation: Operation.Any
  readonly reject: (error: unknown) => void
  cancel: () => void
}

const noCancel = () => {}

/** @internal */
export class Calls {
  /** Forks on the client's runtime, built once: a call then only forks its fiber. */
  readonly #fork: <A, E>(
    effect: Effect.Effect<A, E, Transport.Transport>
  ) => Fiber.RuntimeFiber<A, E>
  /** Calls in flight: `close()` interrupts them, so that none outlives the client. */
  readonly #inflight = new InFlight<Fiber.RuntimeFiber<unknown, unknown>>()
  /** Calls in flight without a fiber (see `runFiberless`): `close()` cancels and rejects them. */
  readonly #fiberless = new InFlight<FiberlessInFlight>()
  /** Streamed bodies not yet read to their end: `close()` stops them (they error). */
  readonly #streams = new Set<() => Promise<void>>()
  #closed = false

  constructor(runtime: Runtime.Runtime<Transport.Transport>) {
    this.#fork = Runtime.runFork(runtime)
  }

  get isClosed(): boolean {
    return this.#closed
  }

  /**
   * Runs the effect as one call. Rejects with the effect's error itself (not a FiberFailure, so
   * that instanceof and _tag work), with the signal's reason when it aborts, and with a
   * `TransportError` (reason `Closed`) when the client is or gets closed.
   */
  run<A, E>(
    operation: Operation.Any,
    effect: Effect.Effect<A, E, Transport.Transport>,
    signal: AbortSignal | undefined
  ): Promise<A> {
    if (this.#closed) return Promise.reject(closed(operation, "the client is closed"))
    if (signal?.aborted === true) return Promise.reject(signal.reason)
    // the fiber ends with the call's Exit as its value: a failed call is the Promise's rejection,
    // never also an "unhandled error" log line carrying the failure (and a body) at Debug
    const fiber = this.#fork(Effect.exit(effect))
    const inflight = this.#inflight.add(fiber)
    const abort = signal === undefined ? undefined : () => fiber.unsafeInterruptAsFork(fiber.id())
    if (abort !== undefined) signal!.addEventListener("abort", abort, { once: true })
    return new Promise<A>((resolve, reject) =>
      fiber.addObserver((outer) => {
        this.#inflight.delete(inflight)
        if (abort !== undefined) signal!.removeEventListener("abort", abort)
        const exit: Exit.Exit<A, E> = Exit.isSuccess(outer) ? outer.value : Exit.failCause(outer.cause)
        if (Exit.isSuccess(exit)) return resolve(exit.value)
        if (Cause.isInterruptedOnly(exit.cause)) {
          // an aborted call rejects with the signal's reason, as fetch does
          if (signal?.aborted === true) return reject(signal.reason)
          if (this.#closed) return reject(closed(operation, "the client was closed while the call was in flight"))
        }
        reject(Cause.squash(exit.cause))
      })
    )
  }

  /**
   * Runs a call started without a fiber (`Transport.fiberless`) with the operation's own
   * arguments (no call options): its data resolves the Promise;
   * anything else is the Effect that ends it, run as `run` runs a call. Rejects as `run` does
   * when the client is or gets closed.
   */
  runFiberless<A>(operation: Operation.Any, start: Transport.FiberlessCall, args: ReadonlyArray<unknown>): Promise<A> {
    if (this.#closed) return Promise.reject(closed(operation, "the client is closed"))
    return new Promise<A>((resolve, reject) => {
      // the canceler is dropped when the call ends: held, it keeps the whole exchange reachable
      // from the call, which V8 then promotes when calls overlap (see Direct.attempt)
      const call: FiberlessInFlight = { operation, reject, cancel: noCancel }
      const inflight = this.#fiberless.add(call)
      call.cancel = start(
        args,
        (data) => {
          this.#fiberless.delete(inflight)
          call.cancel = noCancel
          resolve(data as A)
        },
        (rest) => {
          this.#fiberless.delete(inflight)
          call.cancel = noCancel
          this.run(operation, rest as Effect.Effect<A, unknown, Transport.Transport>, undefined).then(resolve, reject)
        }
      )
    })
  }

  /** Has `close()` call `stop` (a streamed body's), until the returned function is called. */
  stopOnClose(stop: () => Promise<void>): () => void {
    this.#streams.add(stop)
    return () => void this.#streams.delete(stop)
  }

  /**
   * Ends the calls in flight (they reject with a `TransportError`, reason `Closed`) and errors
   * the bodies still streaming; later calls reject the same way.
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const call of this.#fiberless.values()) {
      call.cancel()
      call.reject(closed(call.operation, "the client was closed while the call was in flight"))
    }
    this.#fiberless.clear()
    // as an aborted call's fiber is: interrupted, then awaited (each call's own observer runs)
    await Promise.all(
      this.#inflight.values().map((fiber) => {
        fiber.unsafeInterruptAsFork(fiber.id())
        return new Promise((resolve) => fiber.addObserver(resolve))
      })
    )
    // a file still arriving errors (TransportError, reason Closed): never a cleanly ended, cut file
    const stopping = [...this.#streams].map((stop) => stop())
    this.#streams.clear()
    await Promise.all(stopping)
  }
}
