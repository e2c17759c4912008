/**
 * The one HTTP layer every API group uses: base URL, authentication (API key, bearer token or
 * OAuth client credentials), request validation and encoding, response and error decoding,
 * retries that are safe (see `RetryPolicy`), per-attempt timeouts and an overall deadline, and a
 * span per operation. The steps live in `internal/`, one concern a module.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Errors from "@smscx/core/Errors"
import type * as Operation from "@smscx/core/Operation"
import type * as Config from "effect/Config"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as FiberRefs from "effect/FiberRefs"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import type * as Auth from "./internal/auth.js"
import * as Direct from "./internal/direct.js"
import type * as Download from "./internal/download.js"
import * as Environment from "./internal/environment.js"
import * as ResolvedOptions from "./internal/options.js"
import type * as Response from "./internal/response.js"
import * as Internal from "./internal/transport.js"
import { version } from "./internal/version.js"
import type * as RetryPolicy from "./RetryPolicy.js"

/**
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_BASE_URL: "https://api.sms.cx" = ResolvedOptions.DEFAULT_BASE_URL

/**
 * @since 0.1.0
 * @category constants
 */
export const VERSION: string = version

/**
 * How the client authenticates: the account's API key, a bearer token you obtained, or an
 * OAuth application whose tokens the client fetches, caches and refreshes itself (through the
 * `TokenOperation` it is given).
 *
 * @since 0.1.0
 * @category models
 */
export type Credentials =
  | { readonly apiKey: Redacted.Redacted | string }
  | { readonly accessToken: Redacted.Redacted | string }
  | {
    readonly applicationId: string
    readonly applicationSecret: Redacted.Redacted | string
    /** The scopes to ask for, e.g. `"sms account"`; all of the application's scopes when absent. */
    readonly scope?: string | ReadonlyArray<string>
  }

/**
 * @since 0.1.0
 * @category models
 */
export type Options = Credentials & {
  /** Default `https://api.sms.cx`; point it at a sandbox in tests. */
  readonly baseUrl?: string
  /** Per attempt, from sending the request to reading the whole answer. Default 60 s. */
  readonly timeout?: Duration.DurationInput
  /**
   * When calls are tried again (see `RetryPolicy`): after a 429 (honouring `X-Rate-Limit-Reset`),
   * and after a 5xx, a 408, a failed connection or a timeout when repeating the request is safe.
   * `false` turns retries off.
   */
  readonly retry?: RetryPolicy.Options | false
  /**
   * The longest a call may take, over all its attempts and the waits between them (`timeout` is
   * per attempt). When it passes the call fails with a `TransportError` (reason `Timeout`); a
   * retry whose wait would end past it is not started. Default none.
   */
  readonly deadline?: Duration.DurationInput
  /** Sent as `User-Agent`. Default `smscx-ts/<version>`. */
  readonly userAgent?: string
  /**
   * The largest answer accepted, in bytes; reading stops there and the call fails with a
   * `TransportError` (reason `ResponseTooLarge`). Default 128 MiB.
   */
  readonly maxResponseBytes?: number
  /**
   * Send the current span as a W3C `traceparent` header, so that a tracing proxy or the API's
   * side can join the trace, as `@effect/platform`'s clients do. Default `true`.
   */
  readonly tracePropagation?: boolean
}

/**
 * Settings of one call, over the client's own.
 *
 * @since 0.1.0
 * @category models
 */
export interface CallOptions {
  /** This call's per-attempt deadline (a number is milliseconds). */
  readonly timeout?: Duration.DurationInput
  /**
   * This call's retries, field by field over the client's (`policy` replaces the whole policy);
   * `false` turns them off.
   */
  readonly retry?: RetryPolicy.Options | false
  /** This call's overall deadline, over all its attempts and the waits between them. */
  readonly deadline?: Duration.DurationInput
  /**
   * Awaited before each attempt, the first and every retry (bulk sending's pacing). Its failure
   * is the attempt's, retried as a transport failure is.
   */
  readonly beforeAttempt?: Effect.Effect<void, Errors.TransportError>
  /** Given, after each attempt that got an answer (any status), its status and rate-limit headers. */
  readonly afterAttempt?: (
    answer: { readonly status: number; readonly rateLimit: Errors.RateLimit }
  ) => Effect.Effect<void>
  /**
   * Extra headers for this call (e.g. a tracing header your proxy wants). The SDK's own win:
   * authentication, `content-type`, `content-length`.
   */
  readonly headers?: Readonly<Record<string, string>>
  /**
   * Body fields the SDK does not know yet (the API added them after this release), sent as
   * given, unchecked. Known fields belong in the input, where they are checked (and typos in
   * them caught by TypeScript); giving one here is a `RequestValidationError`.
   */
  readonly extraBody?: Readonly<Record<string, unknown>>
  /** Query parameters the SDK does not know yet, sent as given (the same rules as `extraBody`). */
  readonly extraQuery?: Readonly<Record<string, string | number | boolean>>
}

type KeysOf<T> = T extends unknown ? keyof T : never
type SameNames<A, B> = [A] extends [B] ? [B] extends [A] ? true : false : false
// the names the option checks accept (internal/options.ts) are exactly these types' keys
true satisfies SameNames<KeysOf<Options>, ResolvedOptions.OptionName>
true satisfies SameNames<keyof CallOptions, ResolvedOptions.CallOptionName>

/**
 * What came with a successful answer besides its body.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResponseMeta extends Response.ResponseMeta {}

/**
 * A successful result with what came with it.
 *
 * @since 0.1.0
 * @category models
 */
export interface WithResponse<A> {
  readonly data: A
  readonly response: ResponseMeta
}

/**
 * An exported file, streamed: its body is read from the connection as the stream is consumed,
 * never held whole in memory. The connection closes with the scope the download ran in.
 *
 * @since 0.1.0
 * @category models
 */
export interface FileStream extends Download.FileStream {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly baseUrl: string
  /** The client's retry options, as resolved (`false`: retries off); a call's own go over them. */
  readonly retry: RetryPolicy.Options | false
  /**
   * Performs one operation: `args` are its path parameters in path order, then its input object.
   */
  readonly call: <O extends Operation.Any>(
    operation: O,
    args: ReadonlyArray<unknown>,
    options?: CallOptions
  ) => Effect.Effect<Operation.SuccessOf<O>, Operation.FailureOf<O>>
  /** Like `call`, with the response's status, headers, request id, rate limit and idempotency id. */
  readonly callWithResponse: <O extends Operation.Any>(
    operation: O,
    args: ReadonlyArray<unknown>,
    options?: CallOptions
  ) => Effect.Effect<WithResponse<Operation.SuccessOf<O>>, Operation.FailureOf<O>>
  /**
   * Performs a file export (an operation answering a file), streaming its body. Retries and
   * deadlines apply until the answer's headers are in; the scope closes the connection.
   */
  readonly download: <O extends Operation.Any>(
    operation: O,
    args: ReadonlyArray<unknown>,
    options?: CallOptions
  ) => Effect.Effect<FileStream, Operation.FailureOf<O>, Scope.Scope>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Transport extends Context.Tag("@smscx/transport/Transport")<Transport, Service>() {}

/**
 * The operation that fetches an OAuth application's tokens (`POST /oauth/token`), given by
 * whoever builds the transport: `@smscx/client`'s `SmsCx` layers and the Promise client provide
 * `Api.Oauth.getAccessToken` of `@smscx/core`. Needed only with application credentials; `make`
 * without it then fails with an `InvalidOptionsError`. Yours, when you build `layer` yourself:
 * `Layer.provide(Layer.succeed(Transport.TokenOperation, Api.Oauth.getAccessToken))`.
 *
 * @since 0.4.0
 * @category tags
 */
export class TokenOperation
  extends Context.Tag("@smscx/transport/Transport/TokenOperation")<TokenOperation, Auth.TokenOperation>()
{}

/**
 * The transport, once its options are checked (an `InvalidOptionsError` names the first one at
 * fault). Token fetches run in its scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options
): Effect.Effect<Service, Errors.InvalidOptionsError, HttpClient.HttpClient | Scope.Scope> =>
  Effect.flatMap(
    Effect.serviceOption(TokenOperation),
    (tokenOperation) => Internal.make(options, tokenOperation)
  ) as Effect.Effect<Service, Errors.InvalidOptionsError, HttpClient.HttpClient | Scope.Scope>

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Transport, Errors.InvalidOptionsError, HttpClient.HttpClient> =>
  Layer.scoped(Transport, make(options))

/**
 * Checks options as `make` does, without building anything: for constructors that must throw
 * at once (the Promise client's). A name that is not an option is refused, with the likeliest
 * one it meant (`retries`: did you mean `retry: { maxRetries }`?); `also` are a facade's own
 * option names, taken off before, to propose as well.
 *
 * @since 0.1.0
 * @category constructors
 */
export const validate = (
  options: Options,
  also?: ReadonlyArray<string>
): Either.Either<Options, Errors.InvalidOptionsError> =>
  Either.map(ResolvedOptions.resolve(options, also), () => options)

/**
 * Checks a call's options (`timeout`, `retry`, `deadline`, hooks, `headers`) as every call does,
 * without making one: for callers that take call options to use later (bulk sends) and must
 * refuse bad ones before anything is sent. Left: the option at fault and what is wrong with it.
 *
 * @since 0.2.0
 * @category constructors
 */
export const validateCall = (
  options: CallOptions,
  also?: ReadonlyArray<string>
): Either.Either<CallOptions, { readonly option: string; readonly problem: string }> =>
  Either.map(ResolvedOptions.resolveCall(options, also), () => options)

/**
 * A call started without a fiber (see `fiberless`), given the operation's own arguments (no call
 * options): `fits` gets its data, or `otherwise` the Effect that ends it (an invalid input's
 * error, say); gives the function that cancels its request.
 *
 * @since 0.4.0
 * @category models
 */
export type FiberlessCall = Direct.Start

/**
 * Calls without a fiber, for a facade that runs each call on a runtime of its own (the Promise
 * client): for the runtime's fiber refs, per operation, a function that starts a call, when the
 * call can go straight through the SDK's own HTTP client (no span or debug line would see it, an
 * operation answering JSON whose input, if any, is a path parameter, a query or a JSON body, an
 * API key or a token, no deadline). A call started so hands its
 * data to `fits`, or the Effect that ends it (the same steps and errors as `call`'s, after its
 * first attempt) to `otherwise`, which the facade runs on its runtime. Undefined when none can.
 *
 * @since 0.4.0
 * @category constructors
 */
export const fiberless = (
  transport: Service,
  refs: FiberRefs.FiberRefs
): ((operation: Operation.Any) => FiberlessCall | undefined) | undefined =>
  (transport as Partial<Record<typeof Direct.fiberlessKey, Direct.Fiberless>>)[Direct.fiberlessKey]?.(refs)

/**
 * The options from `SMSCX_*` environment variables (through `Config`): `SMSCX_API_KEY`, or
 * `SMSCX_ACCESS_TOKEN`, or `SMSCX_APPLICATION_ID` + `SMSCX_APPLICATION_SECRET` (+ `SMSCX_SCOPE`);
 * and optionally `SMSCX_BASE_URL`, `SMSCX_TIMEOUT` (a duration, e.g. `30 seconds`) and
 * `SMSCX_MAX_RETRIES` (0 turns retries off). A variable set but empty is a `ConfigError` naming
 * it (`SMSCX_API_KEY is set but empty`).
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<Options> = Environment.config

/**
 * The options with what the `SMSCX_*` variables (`lookup`: `process.env`'s, say) give for those
 * they leave out, by the rules of `config`: credentials when none are given, any other variable
 * when its option is left out; `extra` maps a facade's own fields to variables (`{ log:
 * "SMSCX_LOG" }`). No credentials anywhere, or a variable set but empty or unparsable, is an
 * `InvalidOptionsError` naming it. For facades that read the environment (the Promise client).
 *
 * @since 0.4.0
 * @category config
 */
export const withEnvironment = <O extends object, const E extends Readonly<Record<string, string>> = {}>(
  options: O,
  lookup: (variable: string) => string | undefined,
  extra?: E
): Either.Either<O & Options & { readonly [Field in keyof E]?: string }, Errors.InvalidOptionsError> =>
  // typed by the reader's rules, which the compiler cannot follow
  Environment.withEnvironment(options, lookup, extra) as Either.Either<never, Errors.InvalidOptionsError>
