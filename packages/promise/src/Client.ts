/**
 * A Promise client of the API groups you choose, for bundles that carry only those groups'
 * operations and schemas (`SmsCx` is the same client with every group).
 *
 * @example
 * ```ts
 * import { createClient } from "@smscx/promise/Client"
 * import { Sms } from "@smscx/promise/Api"
 *
 * const client = createClient({ sms: Sms }, { apiKey: process.env.SMSCX_API_KEY! })
 * await client.sms.sendSms({ to: ["+31612469000"], from: "InfoText", text: "Hi" })
 * await client.close()
 * ```
 *
 * @since 0.1.0
 */
// Modules by path, not the packages' barrels: bundlers then keep only what a program reaches
import * as ApiService from "@smscx/client/ApiService"
import * as FetchClient from "@smscx/client/FetchClient"
import * as ClientLayers from "@smscx/client/SmsCx"
import * as Api from "@smscx/core/Api"
import { InvalidOptionsError } from "@smscx/core/Errors"
import type * as Models from "@smscx/core/Models"
import type * as Operation from "@smscx/core/Operation"
import * as Transport from "@smscx/transport/Transport"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as HashSet from "effect/HashSet"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import type * as Runtime from "effect/Runtime"
import * as Scope from "effect/Scope"
import { adaptService } from "./internal/adapt.js"
import { Calls } from "./internal/calls.js"
import { isLogger, loggerOf, logLevels } from "./internal/logging.js"
import type { CallOptions, FileStream, LogFunction, LoggerObject, LogLevelName, SpanTracer } from "./internal/models.js"
import { tracedTransport, withCallSpan } from "./internal/tracing.js"

export type { CallOptions, FileStream, LogFunction, LoggerObject, LogLevelName, SpanTracer } from "./internal/models.js"

/**
 * @since 0.1.0
 * @category models
 */
export type Options = (Transport.Credentials | {}) & Omit<Transport.Options, CredentialFields> & {
  /**
   * Send requests with this `fetch` instead of the runtime's default client (Node's `http` with
   * keep-alive on Node): a proxy-aware fetch, or the sandbox's in-process one in tests.
   */
  readonly fetch?: typeof globalThis.fetch
  /**
   * Log each request and response at this level and above (`"debug"` shows one line per
   * attempt: operation, method, path template, status, duration, request id; never a secret or
   * a body). Default: the `SMSCX_LOG` environment variable, else `"warn"`.
   */
  readonly log?: LogLevelName
  /**
   * Where log lines go. Default: standard error (never standard output, which may be your
   * program's data). A function `(level, message, fields) => void`, or an object with `debug`,
   * `info`, `warn` and `error` methods called as `(message, fields)`: `console`, winston's logger.
   * (pino takes the fields first: `logger: (level, message, fields) => pino[level](fields, message)`.)
   * `fields` repeat the message's facts as values (`operation`, `method`, `path`, `status`,
   * `durationMs`, `requestId`); never a secret, a body or a path parameter's value.
   */
  readonly logger?: LogFunction | LoggerObject
  /**
   * An OpenTelemetry tracer (`trace.getTracer("my-app")` from `@opentelemetry/api`): each call
   * is then a client span named after its operation (`Sms.sendSms`), a child of the span active
   * where the call was made, and the request's `traceparent` header joins that trace. Its
   * attributes are the operation, the method and the path template; a failure sets the status
   * to error with the error's tag, never its message.
   */
  readonly tracer?: SpanTracer
}

/** The credentials' field names, as the transport declares them. */
type CredentialFields = KeysOf<Transport.Credentials>

/** The Promise client's own options' names, beside the transport's: held to `Options` by the compiler. */
const ownOptionNames: ReadonlyArray<string> = Object.keys(
  { fetch: true, log: true, logger: true, tracer: true } as const satisfies Record<
    Exclude<KeysOf<Options>, KeysOf<Transport.Options>>,
    true
  >
)

/** Every key of every member of a union. */
type KeysOf<T> = T extends unknown ? keyof T : never

/** `process.env`, where there is one (not in browsers). */
const environment = (): Readonly<Record<string, string | undefined>> =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {}

/**
 * The options with what the environment gives for what they leave out, as openai-node does:
 * the transport's reading (the variables and checks of `Transport.config`: `SMSCX_API_KEY`, or
 * `SMSCX_ACCESS_TOKEN`, or `SMSCX_APPLICATION_ID` and `SMSCX_APPLICATION_SECRET` with
 * `SMSCX_SCOPE`; `SMSCX_BASE_URL`, `SMSCX_TIMEOUT`, `SMSCX_MAX_RETRIES`), and `SMSCX_LOG`.
 */
const withEnvironment = (options: Options): Options & { readonly log: LogLevelName } => {
  if (typeof options !== "object" || options === null) {
    throw new InvalidOptionsError({ option: "options", message: "smscx: options must be an object" })
  }
  const environ = environment()
  const filled = Transport.withEnvironment(options, (name) => environ[name], { log: "SMSCX_LOG" })
  if (Either.isLeft(filled)) throw filled.left
  // the option given, else SMSCX_LOG's value
  const log: unknown = filled.right.log ?? "warn"
  if (typeof log !== "string" || !Object.hasOwn(logLevels, log)) {
    const option = options.log === undefined ? "SMSCX_LOG" : "log"
    throw new InvalidOptionsError({
      option,
      message: `smscx: ${option === "log" ? "option log" : option} must be one of ${Object.keys(logLevels).join(", ")}`
    })
  }
  return { ...filled.right, log: log as LogLevelName }
}

type Args<S extends Operation.Signature> = [...S["args"], options?: CallOptions]

/** An item of a paged list's page (an element of its `data`). */
type ItemOf<S extends Operation.Signature> = S["response"] extends { readonly data: ReadonlyArray<infer A> } ? A : never

/**
 * The paginators of a cursor-paged list: async iterables that fetch a page only when the loop
 * gets to it, and stop fetching when the loop ends (`break`, `return`, a throw).
 * @since 0.1.0
 * @category models
 */
export interface Paginated<S extends Operation.Signature> {
  /** `for await (const page of client.reports.getAdvancedReport.pages({ ... }))` */
  readonly pages: (...args: Args<S>) => AsyncIterable<S["response"]>
  /** `for await (const row of client.reports.getAdvancedReport.all({ ... }))` */
  readonly all: (...args: Args<S>) => AsyncIterable<ItemOf<S>>
}

/**
 * The streaming variant of a file export.
 * @since 0.1.0
 * @category models
 */
export interface Streamed<S extends Operation.Signature> {
  /** `const file = await client.reports.exportAdvancedReportToCSV.stream({ ... })` */
  readonly stream: (...args: Args<S>) => Promise<FileStream>
}

/**
 * A method of the facade, from its operation's signature (`Method<SendSmsSignature>`): the
 * types read only the signature's written-out types, never the operation's schemas, so that
 * type-checking a program that uses the client stays fast.
 * @since 0.1.0
 * @category models
 */
export type Method<S extends Operation.Signature> =
  & ((...args: Args<S>) => Promise<S["response"]>)
  & {
    /** The result with the response's status, headers, request id, rate limit and idempotency id. */
    readonly withResponse: (...args: Args<S>) => Promise<Transport.WithResponse<S["response"]>>
  }
  & (S["paging"] extends true ? Paginated<S> : {})
  & (S["file"] extends true ? Streamed<S> : {})

/**
 * API groups by the name they take on the client: `{ sms: Sms, otp: Otp }` with the groups'
 * operation entries from `@smscx/promise/Api`.
 * @since 0.1.0
 * @category models
 */
export type Groups = Readonly<Record<string, ApiService.Operations>>

type Aliases = typeof Api.aliases
/** Every correctly spelled alias as `[alias, operationId]` (operation ids are unique across groups). */
type AliasPair = {
  [G in keyof Aliases]: { [A in keyof Aliases[G]]: [A, Aliases[G][A]] }[keyof Aliases[G]]
}[keyof Aliases]

/**
 * The signature of a group's method: by its key, an operationId (what `Api`'s groups are keyed
 * by), so that the operation's entry is never expanded; else by the entry's id.
 */
type SignatureAt<Ops extends ApiService.Operations, K extends keyof Ops> = K extends keyof Models.Named ?
  Models.Named[K]
  : Operation.SignatureOf<Ops[K]["id"]>

type GroupOf<Ops extends ApiService.Operations> =
  & { readonly [K in keyof Ops]: Method<SignatureAt<Ops, K>> }
  & { readonly [P in AliasPair as P[1] extends keyof Ops ? P[0] : never]: Method<SignatureAt<Ops, P[1] & keyof Ops>> }

/**
 * The key of a client's method that runs an effect on its runtime (for the SDK's own modules).
 * @internal
 */
export const runOnClient: unique symbol = Symbol.for("@smscx/promise/Client/runOnClient")

/**
 * A client of the given groups: `client.sms.sendSms(...)`, plus `close()`.
 * @since 0.1.0
 * @category models
 */
export type Client<G extends Groups> = ClientBase & { readonly [K in keyof G]: GroupOf<G[K]> }

/** Whether every value is a group's operation entries (what `@smscx/promise/Api` exports). */
const isGroups = (groups: unknown): groups is Groups =>
  typeof groups === "object" && groups !== null &&
  Object.values(groups).every((group) =>
    typeof group === "object" && group !== null &&
    Object.values(group).every((operation) =>
      typeof operation === "object" && operation !== null && typeof (operation as { path?: unknown }).path === "string"
    )
  )

/** The aliases of the operations given, as `[alias, operationId]`. */
const aliasesOf = (operations: ApiService.Operations): ReadonlyArray<readonly [string, string]> =>
  Object.values(Api.aliases as Readonly<Record<string, Readonly<Record<string, string>>>>)
    .flatMap((aliases) => Object.entries(aliases))
    .filter(([, id]) => Object.hasOwn(operations, id))

/**
 * A client of the SMS.CX API's given groups. Methods reject with the SDK's tagged errors
 * themselves (`err instanceof InvalidRequestException`, `err._tag === "InvalidRequestException"`),
 * never a wrapper. Close it (`await client.close()`, or `await using`) to release its connections.
 *
 * @throws InvalidOptionsError when an option cannot work (named in its message); nothing is sent.
 * @since 0.1.0
 * @category constructors
 */
export const createClient = <const G extends Groups>(groups: G, options: Options = {}): Client<G> =>
  new ClientBase(groups, options) as Client<G>

/**
 * What every client has, whatever its groups: `close()` and `await using`.
 * @since 0.1.0
 * @category clients
 */
export class ClientBase implements AsyncDisposable {
  /** The client's runtime, or why its layers could not be built (then the constructor throws it). */
  readonly #runtime: Exit.Exit<Runtime.Runtime<Transport.Transport>, InvalidOptionsError>
  /** Where the runtime's resources live (connections, token refreshes): `close()` closes it. */
  readonly #scope = Effect.runSync(Scope.make())
  readonly #tracer: SpanTracer | undefined
  /** The calls on the runtime: in flight, streaming, and whether the client is closed. */
  readonly #calls: Calls

  /** @throws InvalidOptionsError when an option cannot work (named in its message); nothing is sent. */
  constructor(groups: Groups, options: Options = {}) {
    if (!isGroups(groups)) {
      throw new InvalidOptionsError({
        option: "groups",
        message: "smscx: groups must be an object of API groups, e.g. { sms: Sms } from @smscx/promise/Api"
      })
    }
    const { fetch, log, logger, tracer, ...rest } = withEnvironment(options)
    const transport = rest as Transport.Options
    const invalid = Transport.validate(transport, ownOptionNames)
    if (Either.isLeft(invalid)) throw invalid.left
    if (fetch !== undefined && typeof fetch !== "function") {
      throw new InvalidOptionsError({ option: "fetch", message: "smscx: option fetch must be a function" })
    }
    if (logger !== undefined && !isLogger(logger)) {
      throw new InvalidOptionsError({
        option: "logger",
        message: "smscx: option logger must be a function (level, message, fields) or an object with " +
          "debug, info, warn and error methods"
      })
    }
    if (tracer !== undefined && typeof (tracer as Partial<SpanTracer>)?.startSpan !== "function") {
      throw new InvalidOptionsError({
        option: "tracer",
        message: "smscx: option tracer must be an OpenTelemetry Tracer (with a startSpan method)"
      })
    }
    this.#tracer = tracer
    // built now, not on the first call: every layer here is synchronous (an HTTP client, the
    // transport), and a Runtime with a Scope is all ManagedRuntime would add, in the bundle too
    // the runtime keeps the FiberRefs it was built with: the log level, and the client's logger
    // in the default one's place
    this.#runtime = Layer.toRuntime(
      fetch === undefined
        ? ClientLayers.layerTransport(transport)
        : ClientLayers.layerTransportWithoutHttpClient(transport).pipe(Layer.provide(FetchClient.layerWith(fetch)))
    ).pipe(
      Scope.extend(this.#scope),
      Effect.locally(FiberRef.currentMinimumLogLevel, logLevels[log]),
      Effect.locallyWith(FiberRef.currentLoggers, HashSet.remove(Logger.defaultLogger)),
      Effect.locallyWith(FiberRef.currentLoggers, HashSet.add(loggerOf(logger))),
      Effect.runSyncExit
    )
    const runtime = this.#runtime
    if (Exit.isFailure(runtime)) {
      Effect.runFork(Scope.close(this.#scope, runtime))
      throw Cause.squash(runtime.cause)
    }
    this.#calls = new Calls(runtime.value)
    // each group's Effect service, built once over the runtime's transport (each of its calls a
    // span of the user's tracer, if any), then adapted
    const runtimeTransport = Context.get(runtime.value.context, Transport.Transport)
    const servicesTransport = this.#tracer === undefined
      ? runtimeTransport
      : tracedTransport(runtimeTransport, this.#tracer)
    // calls that no tracer of the user's would see may go without a fiber (the same steps and
    // errors, at a fraction of the cost)
    const fiberless = this.#tracer === undefined
      ? Transport.fiberless(runtimeTransport, runtime.value.fiberRefs)
      : undefined
    const self = this as unknown as Record<string, unknown>
    for (const [name, operations] of Object.entries(groups)) {
      const service = Effect.runSync(
        Effect.provideService(ApiService.make(operations), Transport.Transport, servicesTransport)
      )
      self[name] = adaptService(this.#calls, operations, service, aliasesOf(operations), fiberless)
    }
  }

  /**
   * Runs an effect on this client's runtime, as its calls run (bulk sending uses it): `close()`
   * interrupts it.
   * @internal
   */
  [runOnClient]<A, E>(
    operation: Operation.Any,
    effect: Effect.Effect<A, E, Transport.Transport>
  ): Promise<A> {
    const tracer = this.#tracer
    return this.#calls.run(
      operation,
      tracer === undefined ? effect : withCallSpan(tracer, operation, effect),
      undefined
    )
  }

  /** Ends the calls in flight (they reject with a `TransportError`, reason `Closed`) and releases the connections; later calls reject the same way. */
  async close(): Promise<void> {
    if (this.#calls.isClosed) return
    await this.#calls.close()
    await Effect.runPromise(Scope.close(this.#scope, Exit.void))
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }
}
