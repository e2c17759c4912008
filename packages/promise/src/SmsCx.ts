/**
 * The Promise facade, for code that does not use Effect: the same operations, methods and
 * errors as `@smscx/client`, each method returning a Promise.
 *
 * @example
 * ```ts
 * import { InvalidPhoneNumberException, SmsCx } from "@smscx/promise"
 *
 * await using client = new SmsCx({ apiKey: process.env.SMSCX_API_KEY! })
 * try {
 *   await client.sms.sendSms({ to: ["+31612469000"], from: "InfoText", text: "Hi" })
 * } catch (err) {
 *   if (err instanceof InvalidPhoneNumberException) console.log(err.invalid)
 * }
 * ```
 *
 * @since 0.1.0
 */
import { FetchClient, InvalidOptionsError, SmsCx as Client, TransportError } from "@smscx/client"
import type * as Operation from "@smscx/core/Operation"
import * as Transport from "@smscx/transport/Transport"
import * as Cause from "effect/Cause"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"

/**
 * @since 0.1.0
 * @category models
 */
export type Options = Transport.Options & {
  /**
   * Send requests with this `fetch` instead of the runtime's default client (Node's `http` with
   * keep-alive on Node): a proxy-aware fetch, or the sandbox's in-process one in tests.
   */
  readonly fetch?: typeof globalThis.fetch
}

/**
 * Per-call options, after a method's own arguments.
 * @since 0.1.0
 * @category models
 */
export interface CallOptions {
  /** Aborting it interrupts the call; the Promise then rejects. */
  readonly signal?: AbortSignal
}

type Promisified<S> = {
  readonly [K in keyof S]: S[K] extends (...args: infer A) => Effect.Effect<infer R, infer _E, infer _R>
    ? (...args: [...A, options?: CallOptions]) => Promise<R>
    : never
}

type Groups = typeof Client.groups

/**
 * The groups of the facade: `client.sms`, `client.account`, `client.oauth`, ...
 * @since 0.1.0
 * @category models
 */
export type GroupsOf = { readonly [K in keyof Groups]: Promisified<Context.Tag.Service<Groups[K]>> }

/**
 * @since 0.1.0
 * @category models
 */
export interface SmsCx extends GroupsOf {}

/**
 * A client of the SMS.CX API. Methods reject with the SDK's tagged errors themselves
 * (`err instanceof InvalidRequestException`, `err._tag === "InvalidRequestException"`), never a
 * wrapper. Close it (`await client.close()`, or `await using`) to release its connections.
 *
 * @since 0.1.0
 * @category clients
 */
export class SmsCx implements AsyncDisposable {
  readonly #runtime: ManagedRuntime.ManagedRuntime<Client.Services, InvalidOptionsError>
  /** Calls in flight: `close()` interrupts them, so that none outlives the client. */
  readonly #inflight = new Set<Fiber.RuntimeFiber<unknown, unknown>>()
  #closed = false

  /** @throws InvalidOptionsError when an option cannot work (named in its message); nothing is sent. */
  constructor(options: Options) {
    const { fetch, ...transport } = options
    const invalid = Transport.validate(transport)
    if (Either.isLeft(invalid)) throw invalid.left
    if (fetch !== undefined && typeof fetch !== "function") {
      throw new InvalidOptionsError({ option: "fetch", message: "smscx: option fetch must be a function" })
    }
    this.#runtime = ManagedRuntime.make(
      fetch === undefined
        ? Client.layer(transport)
        : Client.layerWithoutHttpClient(transport).pipe(Layer.provide(FetchClient.layerWith(fetch)))
    )
    const self = this as unknown as Record<string, unknown>
    for (const [name, tag] of Object.entries(Client.groups)) {
      const methods: Record<string, (...args: Array<unknown>) => Promise<unknown>> = {}
      for (const [id, operation] of Object.entries(tag.operations)) {
        // the call options, if any, come right after the operation's own arguments
        const arity = operation.pathParamNames.length + (operation.input._tag === "None" ? 0 : 1)
        methods[id] = (...args) => {
          const callOptions = args[arity] as CallOptions | undefined
          const call = Effect.flatMap(
            tag as unknown as Context.Tag<Client.Services, Record<string, (...a: Array<unknown>) => Effect.Effect<unknown, unknown>>>,
            (service) => service[id]!(...args.slice(0, arity))
          )
          return this.#run(operation, call, callOptions?.signal)
        }
      }
      // a correctly spelled alias is the same method
      for (const [alias, id] of Object.entries(tag.aliases as Record<string, string>)) methods[alias] = methods[id]!
      self[name] = Object.freeze(methods)
    }
  }

  async #run<A, E>(
    operation: Operation.Any,
    effect: Effect.Effect<A, E, Client.Services>,
    signal: AbortSignal | undefined
  ): Promise<A> {
    if (this.#closed) throw closed(operation, "the client is closed")
    if (signal?.aborted === true) throw signal.reason
    const fiber = this.#runtime.runFork(effect)
    this.#inflight.add(fiber)
    const abort = () => fiber.unsafeInterruptAsFork(fiber.id())
    signal?.addEventListener("abort", abort, { once: true })
    try {
      const exit = await new Promise<Exit.Exit<A, E | InvalidOptionsError>>((resolve) => fiber.addObserver(resolve))
      if (Exit.isSuccess(exit)) return exit.value
      if (Cause.isInterruptedOnly(exit.cause)) {
        // an aborted call rejects with the signal's reason, as fetch does
        if (isAborted(signal)) throw signal!.reason
        if (this.#closed) throw closed(operation, "the client was closed while the call was in flight")
      }
      // the error itself, not a FiberFailure, so that instanceof and _tag work
      throw Cause.squash(exit.cause)
    } finally {
      this.#inflight.delete(fiber)
      signal?.removeEventListener("abort", abort)
    }
  }

  /** Ends the calls in flight (they reject with a `TransportError`, reason `Closed`) and releases the connections; later calls reject the same way. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await Effect.runPromise(Fiber.interruptAll(this.#inflight))
    await this.#runtime.dispose()
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }
}

// a function, so that TypeScript does not keep the narrowing from before the await
const isAborted = (signal: AbortSignal | undefined) => signal?.aborted === true

const closed = (operation: Operation.Any, why: string) =>
  new TransportError({
    reason: "Closed",
    method: operation.method,
    url: operation.path,
    message: `${operation.method} ${operation.path}: ${why}`
  })
