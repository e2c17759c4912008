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
import { InvalidOptionsError, RequestValidationError, TransportError } from "@smscx/core/Errors"
import type * as Operation from "@smscx/core/Operation"
import * as Transport from "@smscx/transport/Transport"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as FiberRef from "effect/FiberRef"
import * as HashSet from "effect/HashSet"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Runtime from "effect/Runtime"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Tracer from "effect/Tracer"

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

/**
 * What the client needs of an OpenTelemetry `Tracer` (`@opentelemetry/api`'s fits as it is).
 * @since 0.3.0
 * @category models
 */
export interface SpanTracer {
  readonly startSpan: (
    name: string,
    options: { readonly kind: number; readonly attributes: Readonly<Record<string, string>> }
  ) => {
    readonly spanContext: () => { readonly traceId: string; readonly spanId: string; readonly traceFlags: number }
    readonly setAttribute: (key: string, value: number) => unknown
    readonly setStatus: (status: { readonly code: number; readonly message?: string }) => unknown
    readonly end: () => void
  }
}

/** OpenTelemetry's `SpanKind.CLIENT`, `SpanStatusCode.OK` and `.ERROR`. */
const SPAN_KIND_CLIENT = 2
const STATUS_OK = 1
const STATUS_ERROR = 2

/**
 * A log line: its level, its message, and the message's facts as fields.
 * @since 0.3.0
 * @category models
 */
export type LogFunction = (
  level: Exclude<LogLevelName, "none">,
  message: string,
  fields: Readonly<Record<string, unknown>>
) => void

/**
 * A logger object, as `console` and winston's loggers are.
 * @since 0.3.0
 * @category models
 */
export interface LoggerObject {
  readonly debug: (message: string, fields: Readonly<Record<string, unknown>>) => void
  readonly info: (message: string, fields: Readonly<Record<string, unknown>>) => void
  readonly warn: (message: string, fields: Readonly<Record<string, unknown>>) => void
  readonly error: (message: string, fields: Readonly<Record<string, unknown>>) => void
}

/** The credentials' field names, as the transport declares them. */
type CredentialFields = KeysOf<Transport.Credentials>

/**
 * @since 0.1.0
 * @category models
 */
export type LogLevelName = "debug" | "info" | "warn" | "error" | "none"

const logLevels: Record<LogLevelName, LogLevel.LogLevel> = {
  debug: LogLevel.Debug,
  info: LogLevel.Info,
  warn: LogLevel.Warning,
  error: LogLevel.Error,
  none: LogLevel.None
}

/** The Promise client's own options' names, beside the transport's: held to `Options` by the compiler. */
const ownOptionNames: ReadonlyArray<string> = Object.keys(
  { fetch: true, log: true, logger: true, tracer: true } as const satisfies Record<
    Exclude<KeysOf<Options>, KeysOf<Transport.Options>>,
    true
  >
)

/** Every key of every member of a union. */
type KeysOf<T> = T extends unknown ? keyof T : never

/** The per-call options the Promise client takes off before the transport sees them. */
const ownCallOptionNames: ReadonlyArray<string> = Object.keys(
  { signal: true } as const satisfies Record<Exclude<keyof CallOptions, keyof Transport.CallOptions>, true>
)

/** An Effect log level as the Promise client names it. */
const levelName = (level: LogLevel.LogLevel): Exclude<LogLevelName, "none"> =>
  LogLevel.lessThan(level, LogLevel.Info)
    ? "debug"
    : LogLevel.lessThan(level, LogLevel.Warning)
    ? "info"
    : LogLevel.lessThan(level, LogLevel.Error)
    ? "warn"
    : "error"

/** The default: one line to standard error (the console's matching method where there is no process). */
const toStandardError: LogFunction = (level, message) => {
  const stderr = (globalThis as { process?: { stderr?: { write?: (line: string) => unknown } } }).process?.stderr
  const line = `${new Date().toISOString()} ${level.toUpperCase()} ${message}`
  if (typeof stderr?.write === "function") stderr.write(`${line}\n`)
  else console[level](line)
}

/**
 * The client's logger: each Effect log line (message and annotations) handed to the user's
 * logger, or written to standard error. A logger that throws loses its line, never the call.
 */
const loggerOf = (logger: LogFunction | LoggerObject | undefined): Logger.Logger<unknown, void> => {
  const write: LogFunction = logger === undefined
    ? toStandardError
    : typeof logger === "function"
    ? logger
    : (level, message, fields) => logger[level](message, fields)
  return Logger.make(({ annotations, logLevel, message }) => {
    const text = (Array.isArray(message) ? message : [message]).map(String).join(" ")
    const fields: Record<string, unknown> = {}
    for (const [key, value] of annotations) fields[key] = value
    try {
      write(levelName(logLevel), text, fields)
    } catch {
      // a log line is not worth a failed call
    }
  })
}

/**
 * A step of the user's tracer: one that throws (or hands back no span context) costs the call its
 * span, never its answer or its declared error, as a logger that throws loses only its line.
 */
const tracing = <A>(step: () => A): A | undefined => {
  try {
    return step()
  } catch {
    return undefined
  }
}

const isLogger = (logger: unknown): logger is LogFunction | LoggerObject =>
  typeof logger === "function" ||
  (typeof logger === "object" && logger !== null &&
    (["debug", "info", "warn", "error"] as const).every((level) =>
      typeof (logger as Record<string, unknown>)[level] === "function"
    ))

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

/**
 * Per-call options, after a method's own arguments: the client's timeout, retry policy, overall
 * deadline and extra headers for this call (a number of milliseconds, or a duration such as
 * `"5 seconds"`), and a signal to abort it. (The Effect-only attempt hooks are left out.)
 * @since 0.1.0
 * @category models
 */
export interface CallOptions extends Omit<Transport.CallOptions, "beforeAttempt" | "afterAttempt"> {
  /** Aborting it interrupts the call; the Promise then rejects with the signal's reason. */
  readonly signal?: AbortSignal
}

type Args<O extends Operation.Any> = [...Operation.Args<O>, options?: CallOptions]

/**
 * The paginators of a cursor-paged list: async iterables that fetch a page only when the loop
 * gets to it, and stop fetching when the loop ends (`break`, `return`, a throw).
 * @since 0.1.0
 * @category models
 */
export interface Paginated<O extends Operation.Any> {
  /** `for await (const page of client.reports.getAdvancedReport.pages({ ... }))` */
  readonly pages: (...args: Args<O>) => AsyncIterable<ApiService.PageOf<O>>
  /** `for await (const row of client.reports.getAdvancedReport.all({ ... }))` */
  readonly all: (...args: Args<O>) => AsyncIterable<ApiService.ItemOf<O>>
}

/**
 * An exported file, streamed: `body` reads from the connection as it is consumed.
 * @since 0.1.0
 * @category models
 */
export interface FileStream {
  readonly contentType: string
  /**
   * The server's suggested name, from `Content-Disposition`: a bare name that is safe to create
   * on Linux, macOS and Windows (no directories, no leading dot, no device name, no character
   * Windows refuses, at most 255 bytes); undefined when absent or when nothing safe is left.
   * Write it into a folder of your own, without overwriting.
   */
  readonly fileName: string | undefined
  readonly contentLength: number | undefined
  /**
   * Read it to the end, or cancel it, to release the connection. It errors, never ends early:
   * with a `TransportError` (reason `Closed`) when the client closes while the file arrives, with
   * the signal's reason when the call's `signal` aborts.
   */
  readonly body: ReadableStream<Uint8Array>
}

/**
 * The streaming variant of a file export.
 * @since 0.1.0
 * @category models
 */
export interface Streamed<O extends Operation.Any> {
  /** `const file = await client.reports.exportAdvancedReportToCSV.stream({ ... })` */
  readonly stream: (...args: Args<O>) => Promise<FileStream>
}

/**
 * A method of the facade.
 * @since 0.1.0
 * @category models
 */
export type Method<O extends Operation.Any> =
  & ((...args: Args<O>) => Promise<Operation.SuccessOf<O>>)
  & {
    /** The result with the response's status, headers, request id, rate limit and idempotency id. */
    readonly withResponse: (...args: Args<O>) => Promise<Transport.WithResponse<Operation.SuccessOf<O>>>
  }
  & (O["paging"] extends true ? Paginated<O> : {})
  & (O["success"] extends { readonly _tag: "File" } ? Streamed<O> : {})

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

type GroupOf<Ops extends ApiService.Operations> =
  & { readonly [K in keyof Ops]: Method<Ops[K]> }
  & { readonly [P in AliasPair as P[1] extends keyof Ops ? P[0] : never]: Method<Ops[P[1] & keyof Ops]> }

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
  /** The client's runtime, or why its layers could not be built (then every call fails with it). */
  readonly #runtime: Exit.Exit<Runtime.Runtime<Transport.Transport>, InvalidOptionsError>
  /** Where the runtime's resources live (connections, token refreshes): `close()` closes it. */
  readonly #scope = Effect.runSync(Scope.make())
  readonly #tracer: SpanTracer | undefined
  /** Calls in flight: `close()` interrupts them, so that none outlives the client. */
  readonly #inflight = new Set<Fiber.RuntimeFiber<unknown, unknown>>()
  #closed = false
  /** Streamed files not yet read to their end: `close()` stops them (their body errors). */
  readonly #streams = new Set<() => Promise<void>>()

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
    const self = this as unknown as Record<string, unknown>
    for (const [name, operations] of Object.entries(groups)) {
      const methods: Record<string, unknown> = {}
      for (const [id, operation] of Object.entries(operations)) {
        // the call options, if any, come right after the operation's own arguments; anything but
        // an object there (a string, an array, a signal that is not one) is refused before sending
        const split = (args: ReadonlyArray<unknown>) => {
          const [own, options] = ApiService.splitArgs(operation, args)
          if (options === undefined) return { own, signal: undefined, transport: undefined }
          if (typeof options !== "object" || options === null || Array.isArray(options)) {
            throw invalidOptions(operation, [], "must be an object")
          }
          const { signal, ...transport } = options as CallOptions
          if (signal !== undefined && !(signal instanceof AbortSignal)) {
            throw invalidOptions(operation, ["signal"], "must be an AbortSignal")
          }
          // a name that is not a call option (`retries`, `sigal`) is refused before sending
          const checked = Transport.validateCall(transport, ownCallOptionNames)
          if (Either.isLeft(checked)) {
            throw invalidOptions(operation, checked.left.option.split("."), checked.left.problem)
          }
          return { own, signal, transport }
        }
        const run = <A>(
          signal: AbortSignal | undefined,
          f: (transport: Transport.Transport["Type"]) => Effect.Effect<A, unknown>
        ) => this.#run(operation, Effect.flatMap(Transport.Transport, f), signal)
        const method = async (...args: Array<unknown>) => {
          const { own, signal, transport } = split(args)
          return run(signal, (t) => t.call(operation, own, transport))
        }
        const withResponse = async (...args: Array<unknown>) => {
          const { own, signal, transport } = split(args)
          return run(signal, (t) => t.callWithResponse(operation, own, transport))
        }
        const extras: Record<string, unknown> = { withResponse }
        if (operation.paging) {
          const pages = (...args: Array<unknown>): AsyncIterable<unknown> => {
            return {
              async *[Symbol.asyncIterator]() {
                const { own, signal, transport } = split(args)
                // a cursor that comes back would repeat the pages without end
                const visit = ApiService.cursorTrail(operation)
                let cursor: string | undefined
                do {
                  const repeated = visit(cursor)
                  if (repeated !== undefined) throw repeated
                  const page = await run(
                    signal,
                    (t) => t.call(operation, ApiService.argsForCursor(operation, own, cursor), transport)
                  )
                  yield page
                  cursor = ApiService.nextCursor(page)
                } while (cursor !== undefined)
              }
            }
          }
          extras.pages = pages
          extras.all = (...args: Array<unknown>): AsyncIterable<unknown> => ({
            async *[Symbol.asyncIterator]() {
              for await (const page of pages(...args)) yield* ApiService.itemsOf(page)
            }
          })
        }
        if (operation.success._tag === "File") {
          extras.stream = async (...args: Array<unknown>): Promise<FileStream> => {
            const { own, signal, transport } = split(args)
            // the connection lives in a scope of its own, closed when the body ends, is cancelled,
            // is stopped (the client closes, the call's signal aborts)
            const scope = Effect.runSync(Scope.make())
            let controller: ReadableStreamDefaultController<Uint8Array> | undefined
            /** Why the body was stopped from outside: it errors with it, never ends as if whole. */
            let stopped: { readonly reason: unknown } | undefined
            // read through a function: TypeScript keeps the narrowing from before an await
            const stoppedNow = () => stopped
            const onAbort = () => void stop(signal!.reason)
            const release = () => {
              this.#streams.delete(onClose)
              signal?.removeEventListener("abort", onAbort)
              return Scope.close(scope, Exit.void)
            }
            const stop = (reason: unknown): Promise<void> => {
              if (stopped === undefined) {
                stopped = { reason }
                try {
                  controller?.error(reason)
                } catch {
                  // already closed or errored: nothing more to tell the reader
                }
              }
              return Effect.runPromise(release())
            }
            const onClose = () =>
              stop(closed(operation, "the client was closed while the file was arriving: the file is incomplete"))
            this.#streams.add(onClose)
            try {
              const file = await run(signal, (t) => Scope.extend(t.download(operation, own, transport), scope))
              // pulled chunk by chunk as the reader asks (a lean ReadableStream over the Stream's pull)
              const pull = await Effect.runPromise(Scope.extend(Stream.toPull(file.stream), scope))
              const body = new ReadableStream<Uint8Array>({
                start: (c) => {
                  controller = c
                },
                pull: async (controller) => {
                  if (stopped !== undefined) return controller.error(stopped.reason)
                  const exit = await Effect.runPromiseExit(pull)
                  // stopped while this read waited: what it gives is not the file's end
                  const stoppedMeanwhile = stoppedNow()
                  if (stoppedMeanwhile !== undefined) return controller.error(stoppedMeanwhile.reason)
                  if (Exit.isSuccess(exit)) {
                    for (const bytes of exit.value) controller.enqueue(bytes)
                    return
                  }
                  await Effect.runPromise(release())
                  // a failure of None is the end of the stream
                  const failure = Cause.failureOption(exit.cause)
                  if (failure._tag === "None") controller.error(Cause.squash(exit.cause))
                  else if (failure.value._tag === "None") controller.close()
                  else controller.error(failure.value.value)
                },
                cancel: () => Effect.runPromise(release())
              })
              // as fetch does: aborting the signal after the answer came errors its body
              if (signal !== undefined) {
                if (signal.aborted) await stop(signal.reason)
                else signal.addEventListener("abort", onAbort, { once: true })
              }
              return { contentType: file.contentType, fileName: file.fileName, contentLength: file.contentLength, body }
            } catch (error) {
              await Effect.runPromise(release())
              throw error
            }
          }
        }
        methods[id] = Object.assign(method, extras)
      }
      // a correctly spelled alias is the same method
      for (const [alias, id] of aliasesOf(operations)) methods[alias] = methods[id]
      self[name] = Object.freeze(methods)
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
    return this.#run(operation, effect, undefined)
  }

  async #run<A, E>(
    operation: Operation.Any,
    effect: Effect.Effect<A, E, Transport.Transport>,
    signal: AbortSignal | undefined
  ): Promise<A> {
    if (this.#closed) throw closed(operation, "the client is closed")
    if (signal?.aborted === true) throw signal.reason
    const tracer = this.#tracer
    const span = tracer === undefined ? undefined : tracing(() =>
      tracer.startSpan(operation.spanName, {
        kind: SPAN_KIND_CLIENT,
        attributes: {
          "smscx.operation": operation.id,
          "http.request.method": operation.method,
          "url.template": operation.path
        }
      })
    )
    const context = span === undefined ? undefined : tracing(() => {
      const { spanId, traceFlags, traceId } = span.spanContext()
      return typeof traceId === "string" && typeof spanId === "string" && typeof traceFlags === "number"
        ? { spanId, traceFlags, traceId }
        : undefined
    })
    // the SDK's own span, and the request's traceparent, are children of the user's
    const traced = context === undefined ? effect : Effect.withParentSpan(
      effect,
      Tracer.externalSpan({
        traceId: context.traceId,
        spanId: context.spanId,
        sampled: (context.traceFlags & 1) === 1
      })
    )
    // the fiber ends with the call's Exit as its value: a failed call is the Promise's rejection,
    // never also an "unhandled error" log line carrying the failure (and a body) at Debug
    const runtime = this.#runtime
    const fiber: Fiber.RuntimeFiber<Exit.Exit<A, E | InvalidOptionsError>> = Exit.isSuccess(runtime)
      ? Runtime.runFork(runtime.value)(Effect.exit(traced))
      : Effect.runFork(Effect.exit(Effect.failCause(runtime.cause)))
    this.#inflight.add(fiber)
    const abort = () => fiber.unsafeInterruptAsFork(fiber.id())
    signal?.addEventListener("abort", abort, { once: true })
    try {
      const outer = await new Promise<Exit.Exit<Exit.Exit<A, E | InvalidOptionsError>>>((resolve) =>
        fiber.addObserver(resolve)
      )
      const exit: Exit.Exit<A, E | InvalidOptionsError> = Exit.isSuccess(outer)
        ? outer.value
        : Exit.failCause(outer.cause)
      if (Exit.isSuccess(exit)) {
        if (span !== undefined) tracing(() => span.setStatus({ code: STATUS_OK }))
        return exit.value
      }
      if (span !== undefined) {
        // the tag only: a message may quote input (a phone number in a path)
        const failure = Cause.squash(exit.cause) as { readonly _tag?: unknown; readonly attempts?: unknown }
        tracing(() => {
          span.setStatus({ code: STATUS_ERROR, message: typeof failure?._tag === "string" ? failure._tag : "failed" })
          if (typeof failure?.attempts === "number") span.setAttribute("smscx.attempts", failure.attempts)
        })
      }
      if (Cause.isInterruptedOnly(exit.cause)) {
        // an aborted call rejects with the signal's reason, as fetch does
        if (isAborted(signal)) throw signal!.reason
        if (this.#closed) throw closed(operation, "the client was closed while the call was in flight")
      }
      // the error itself, not a FiberFailure, so that instanceof and _tag work
      throw Cause.squash(exit.cause)
    } finally {
      if (span !== undefined) tracing(() => span.end())
      this.#inflight.delete(fiber)
      signal?.removeEventListener("abort", abort)
    }
  }

  /** Ends the calls in flight (they reject with a `TransportError`, reason `Closed`) and releases the connections; later calls reject the same way. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    // as an aborted call's fiber is: interrupted, then awaited (each call's own finally runs)
    await Promise.all(
      [...this.#inflight].map((fiber) => {
        fiber.unsafeInterruptAsFork(fiber.id())
        return new Promise((resolve) => fiber.addObserver(resolve))
      })
    )
    // a file still arriving errors (TransportError, reason Closed): never a cleanly ended, cut file
    const stopping = [...this.#streams].map((stop) => stop())
    this.#streams.clear()
    await Promise.all(stopping)
    await Effect.runPromise(Scope.close(this.#scope, Exit.void))
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }
}

// a function, so that TypeScript does not keep the narrowing from before the await
const isAborted = (signal: AbortSignal | undefined) => signal?.aborted === true

const invalidOptions = (operation: Operation.Any, path: ReadonlyArray<string>, problem: string) =>
  new RequestValidationError({
    operation: operation.id,
    message: `${operation.id}: ${["options", ...path].join(".")} ${problem}`,
    issues: [{ path: ["options", ...path], message: problem }]
  })

const closed = (operation: Operation.Any, why: string) =>
  new TransportError({
    reason: "Closed",
    method: operation.method,
    url: operation.path,
    message: `${operation.method} ${operation.path}: ${why}`
  })
