/**
 * The one HTTP layer every API group uses: base URL, authentication (API key, bearer token or
 * OAuth client credentials), request validation and encoding, response and error decoding,
 * retries that are safe (see `RetryPolicy`), per-attempt timeouts and an overall deadline, and a
 * span per operation.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Api from "@smscx/core/Api"
import * as ErrorMapping from "@smscx/core/ErrorMapping"
import * as Errors from "@smscx/core/Errors"
import * as JsonGuard from "@smscx/core/JsonGuard"
import type * as Operation from "@smscx/core/Operation"
import * as Issues from "@smscx/core/ParseIssues"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleIntervals from "effect/ScheduleIntervals"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as Tracer from "effect/Tracer"
import * as HttpLimits from "./HttpLimits.js"
import * as HttpTimeout from "./HttpTimeout.js"
import * as Auth from "./internal/auth.js"
import * as CauseCode from "./internal/causeCode.js"
import * as ContentDisposition from "./internal/contentDisposition.js"
import * as ResolvedOptions from "./internal/options.js"
import * as Request from "./internal/request.js"
import { schemaMemo } from "./internal/schemaMemo.js"
import { version } from "./internal/version.js"
import * as RetryPolicy from "./RetryPolicy.js"

/**
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_BASE_URL = "https://api.sms.cx"

/**
 * @since 0.1.0
 * @category constants
 */
export const VERSION: string = version

/**
 * How the client authenticates: the account's API key, a bearer token you obtained, or an
 * OAuth application whose tokens the client fetches, caches and refreshes itself.
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
  /** Told after each attempt that got an answer (any status) its status and rate-limit headers. */
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

/** Every key of every member of a union (`keyof` of a union keeps only the shared ones). */
type KeysOf<T> = T extends unknown ? keyof T : never

/**
 * The client options' names, held to `Options` by the compiler (none missing, none extra): any
 * other name is refused, so that a misspelt option is not a setting silently not applied.
 */
const optionNames: ResolvedOptions.Known = {
  names: Object.keys(
    {
      apiKey: true,
      accessToken: true,
      applicationId: true,
      applicationSecret: true,
      scope: true,
      baseUrl: true,
      timeout: true,
      retry: true,
      deadline: true,
      userAgent: true,
      maxResponseBytes: true,
      tracePropagation: true
    } as const satisfies Record<KeysOf<Options>, true>
  )
}

/** The call options' names, held to `CallOptions` as the client options' are. */
const callOptionNames: ResolvedOptions.Known = {
  names: Object.keys(
    {
      timeout: true,
      retry: true,
      deadline: true,
      beforeAttempt: true,
      afterAttempt: true,
      headers: true,
      extraBody: true,
      extraQuery: true
    } as const satisfies Record<keyof CallOptions, true>
  )
}

/**
 * What came with a successful answer besides its body.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResponseMeta {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  /** The API's id of the request (`X-Request-Id`), to quote to its support. */
  readonly requestId: string | undefined
  /** `X-Rate-Limit-Limit`, `-Remaining` and `-Reset`, as numbers. */
  readonly rateLimit: Errors.RateLimit
  /** The idempotency id the request carried (the one you gave, or the one the SDK generated). */
  readonly idempotencyId: string | undefined
}

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
export interface FileStream {
  /** As the API sent it, e.g. `application/csv`. */
  readonly contentType: string
  /**
   * The server's suggested name, from `Content-Disposition`: a bare name that is safe to create
   * on Linux, macOS and Windows (no directories, no leading dot, no device name, no character
   * Windows refuses, at most 255 bytes); undefined when absent or when nothing safe is left.
   * Write it into a folder of your own, without overwriting.
   */
  readonly fileName: string | undefined
  /** `Content-Length`, when the API declares it. */
  readonly contentLength: number | undefined
  /**
   * Fails rather than end short of the file: reason `Closed` when the transport (its layer's
   * scope) or the download's scope closed while it arrived, `Transport` when the body ends
   * before its `Content-Length`.
   */
  readonly stream: Stream.Stream<Uint8Array, Errors.TransportError>
}

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

// unknown fields of an answer are kept (as the guard keeps them): the API may add fields before
// the SDK knows them
const decoderOf = schemaMemo((schema) => Schema.decodeUnknown(schema, { onExcessProperty: "preserve" }))

/** Fields of an answer whose values are credentials (the token endpoint's): never quoted. */
const SECRET_FIELDS: ReadonlySet<string> = new Set(["access_token", "refresh_token"])

/** The same fields in a body that is not JSON (a form-encoded token answer, say). */
const SECRET_TEXT = /((?:access|refresh)_token["']?\s*[:=]\s*["']?)[^"'&\s,}]+/g

/** Levels of an answer a DecodeError keeps; deeper parts are summarised (nothing real is that deep). */
const KEPT_DEPTH = 32

/**
 * A DecodeError keeps the answer that did not fit, for debugging, but never a credential in it
 * (whatever its type: a malformed token answer may carry a number), and never more levels than
 * any real answer has.
 */
const withoutSecrets = (json: unknown, depth = 0): unknown => {
  if (typeof json !== "object" || json === null) return json
  if (depth >= KEPT_DEPTH) return `<${Issues.excerpt(json)}, nested too deeply to keep>`
  if (Array.isArray(json)) return json.map((item) => withoutSecrets(item, depth + 1))
  return Object.fromEntries(
    Object.entries(json).map(([key, value]) =>
      SECRET_FIELDS.has(key) ? [key, "<redacted>"] : [key, withoutSecrets(value, depth + 1)]
    )
  )
}

const decodeError = (
  operation: Operation.Any,
  response: HttpClientResponse.HttpClientResponse,
  headline: string,
  issues: ReadonlyArray<Errors.Issue>,
  body: unknown
) =>
  new Errors.DecodeError({
    operation: operation.id,
    status: response.status,
    message: Issues.message(`${operation.id}: ${headline}`, issues),
    issues: [...issues],
    body
  })

const readSuccess = (
  operation: Operation.Any,
  response: HttpClientResponse.HttpClientResponse
): Effect.Effect<unknown, Errors.DecodeError | HttpClientError.ResponseError> => {
  const success = operation.success
  switch (success._tag) {
    case "Empty":
      return Effect.asVoid(response.text)
    case "File":
      return Effect.map(response.arrayBuffer, (buffer): Operation.ExportedFile => ({
        contentType: response.headers["content-type"] ?? success.contentType,
        fileName: ContentDisposition.fileNameOf(response.headers["content-disposition"]),
        bytes: new Uint8Array(buffer)
      }))
    case "Json":
      return Effect.flatMap(response.text, (text) => {
        // the documented 204 of some updates: no body, nothing to decode
        if (success.noContent === true && (response.status === 204 || text === "")) return Effect.succeed(undefined)
        let json: unknown
        try {
          // never a `__proto__` key: the decode below would make it the answer's prototype
          json = JsonGuard.parse(text)
        } catch {
          return Effect.fail(
            decodeError(operation, response, "the answer is not JSON", [], text.replace(SECRET_TEXT, "$1<redacted>"))
          )
        }
        // the guard accepts a fitting answer at a fraction of a full decode's cost
        if (JsonGuard.of(success.schema)?.(json) === true) return Effect.succeed(json)
        return Effect.mapError(
          decoderOf(success.schema)(json),
          (error) =>
            decodeError(
              operation,
              response,
              "the answer does not fit its schema",
              Issues.collect(error.issue, { redact: SECRET_FIELDS }).issues,
              withoutSecrets(json)
            )
        )
      }).pipe(
        // a stack overflow in the decode (an answer nested thousands deep) is still a DecodeError
        Effect.catchAllDefect((defect) =>
          Effect.fail(
            decodeError(operation, response, "the answer cannot be decoded", [{
              path: [],
              message: Issues.thrown(defect)
            }], undefined)
          )
        )
      )
  }
}

/**
 * Keeps an API error inside the operation's documented set; anything else keeps its fields as
 * an `ApiException`, so that a method's error type never lies. Applied to each answer by the
 * operation that got it: a failed token fetch keeps `getAccessToken`'s own errors.
 */
const narrow = (operation: Operation.Any, error: Errors.ApiError): Errors.ApiError => {
  if (operation.errorTags.has(error._tag)) return error
  // `message` is an own but non-enumerable property of an Error: the spread does not copy it
  const { _tag, ...fields } = error
  return new Errors.ApiException({ ...fields, message: error.message }, { disableValidation: true })
}

const deadlinePassed = (request: HttpClientRequest.HttpClientRequest, deadline: number, attempts: number) =>
  new Errors.TransportError({
    reason: "Timeout",
    method: request.method,
    url: request.url,
    message: `${request.method} ${request.url}: the deadline of ${Duration.format(deadline)} passed after ${attempts} ${
      attempts === 1 ? "attempt" : "attempts"
    }`,
    attempts
  })

const timedOut = (request: HttpClientRequest.HttpClientRequest, timeout: Duration.Duration) =>
  new Errors.TransportError({
    reason: "Timeout",
    method: request.method,
    url: request.url,
    message: `${request.method} ${request.url} timed out after ${Duration.format(timeout)}`
  })

const tooLarge = (request: HttpClientRequest.HttpClientRequest, limit: number) =>
  new Errors.TransportError({
    reason: "ResponseTooLarge",
    method: request.method,
    url: request.url,
    message: `${request.method} ${request.url}: the answer is larger than maxResponseBytes (${limit} bytes)`
  })

const toTransportError = (error: HttpClientError.HttpClientError) =>
  error.cause instanceof HttpTimeout.TimeoutCause
    ? timedOut(error.request, error.cause.duration)
    : error.cause instanceof HttpLimits.ResponseTooLargeCause
    ? tooLarge(error.request, error.cause.limit)
    : new Errors.TransportError({
      reason: error._tag === "RequestError" ? error.reason : "Transport",
      method: error.request.method,
      url: error.request.url,
      message: messageOf(error),
      cause: error.cause
    })

/**
 * What happened, said in the message: `GET http://127.0.0.1:4999/account/balance: the connection
 * was refused (ECONNREFUSED)`, the code read from the cause however the client wrapped it (fetch's
 * `TypeError: fetch failed` keeps it in its own cause). Without a code, the client's own message.
 */
const messageOf = (error: HttpClientError.HttpClientError): string => {
  const code = CauseCode.codeOf(error.cause)
  return code === undefined
    ? error.message
    : `${error.request.method} ${error.request.url}: ${CauseCode.describe(code)}`
}

const defaults = {
  baseUrl: DEFAULT_BASE_URL,
  timeout: Duration.seconds(60),
  userAgent: `smscx-ts/${VERSION}`,
  maxResponseBytes: HttpLimits.DEFAULT_MAX_RESPONSE_BYTES
}

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
  Effect.gen(function*() {
    const http = yield* HttpClient.HttpClient
    const resolved = yield* ResolvedOptions.resolve(options, defaults, optionNames)
    const { baseUrl, credentials, maxResponseBytes, timeout, tracePropagation, userAgent } = resolved
    const clientPolicy = RetryPolicy.make(resolved.retry)

    // files still streaming: closing the transport (its layer's scope) ends them, and their
    // streams fail with reason Closed rather than end as if the file were whole
    const open = new Set<() => void>()
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        for (const end of [...open]) end()
      })
    )

    const deadline = Option.some(timeout)
    const native = HttpTimeout.NativeTimeout in http
    const limited = maxResponseBytes === HttpLimits.DEFAULT_MAX_RESPONSE_BYTES
      ? (request: HttpClientRequest.HttpClientRequest) => http.execute(request)
      : (request: HttpClientRequest.HttpClientRequest) =>
        Effect.locally(http.execute(request), HttpLimits.maxResponseBytes, maxResponseBytes)
    const withDeadline = (request: HttpClientRequest.HttpClientRequest, own: Duration.Duration | undefined) =>
      native
        ? Effect.locally(limited(request), HttpTimeout.current, own === undefined ? deadline : Option.some(own))
        : Effect.timeoutFail(http.execute(request), {
          duration: own ?? timeout,
          onTimeout: () => timedOut(request, own ?? timeout)
        })

    /** One attempt: send, then read the answer as the operation's success or as its API error. */
    const send = (operation: Operation.Any, request: HttpClientRequest.HttpClientRequest, call: Call) =>
      told(
        call.streamed
          ? Effect.locally(withDeadline(request, call.timeout), HttpLimits.streamed, true)
          : withDeadline(request, call.timeout),
        call
      ).pipe(
        Effect.flatMap((
          response
        ): Effect.Effect<Answer, Errors.ApiError | Errors.DecodeError | HttpClientError.ResponseError> =>
          response.status >= 200 && response.status < 300
            ? call.streamed
              ? Effect.succeed({ data: undefined, response })
              : Effect.map(readSuccess(operation, response), (data) => ({ data, response }))
            : Effect.flatMap(
              response.text,
              (text) =>
                Effect.fail(narrow(operation, ErrorMapping.fromResponse(response.status, response.headers, text)))
            )
        ),
        Effect.mapError((error) =>
          error._tag === "RequestError" || error._tag === "ResponseError" ? toTransportError(error) : error
        ),
        logged(operation)
      )

    /** One attempt of a call: authorize, send; after a 401 on a cached OAuth token, a new token once. */
    const attempt = (operation: Operation.Any, request: HttpClientRequest.HttpClientRequest, call: Call) =>
      Effect.gen(function*() {
        const [authorized, token] = yield* authorizer.authorize(operation, request)
        const first = yield* Effect.either(send(operation, authorized, call))
        if (Either.isRight(first)) return first.right
        if (first.left._tag !== "InvalidCredentialsException" || !(yield* authorizer.invalidate(token))) {
          return yield* Effect.fail(first.left)
        }
        const [again] = yield* authorizer.authorize(operation, request)
        return yield* send(operation, again, call)
      })

    /** The first attempt, and one more for each step of the schedule the policy gives. */
    const attempts = (
      operation: Operation.Any,
      request: HttpClientRequest.HttpClientRequest,
      call: Call,
      policy: RetryPolicy.Policy | undefined,
      idempotent: boolean
    ): Effect.Effect<Answer, unknown> =>
      Effect.suspend(() => {
        let made = 0
        const once = Effect.suspend(() => {
          made++
          return attempt(operation, request, call)
        })
        const each = call.beforeAttempt === undefined ? once : Effect.zipRight(call.beforeAttempt, once)
        const deadline = call.deadline ?? resolved.deadline
        const counted = <A>(effect: Effect.Effect<A, unknown>) =>
          effect.pipe(
            Effect.mapError((error) => RetryPolicy.withAttempts(error, made)),
            // the call's own span (annotateCurrentSpan would bundle more to find the same one)
            Effect.onExit(() =>
              Effect.option(Effect.map(Effect.currentSpan, (span) => span.attribute("smscx.attempts", made)))
            )
          )
        // most calls: one attempt that succeeds, and neither a clock read nor a schedule
        if (policy === undefined && deadline === undefined) return counted(each)
        return Effect.gen(function*() {
          const startedAt = yield* Clock.currentTimeMillis
          const deadlineAt = deadline === undefined ? undefined : startedAt + Duration.toMillis(deadline)
          const retried = Effect.gen(function*() {
            // the schedule starts only once an attempt has failed
            let schedule: Schedule.Schedule<unknown, unknown> | undefined
            let state: unknown
            while (true) {
              const result = yield* Effect.either(each)
              if (Either.isRight(result)) return result.right
              const failure = result.left
              if (policy === undefined) return yield* Effect.fail(failure)
              if (schedule === undefined) {
                schedule = policy({ operation: operation.id, method: operation.method, idempotent, startedAt })
                state = schedule.initial
              }
              const now = yield* Clock.currentTimeMillis
              const [next, , decision] = yield* schedule.step(now, failure, state)
              if (ScheduleDecision.isDone(decision)) return yield* Effect.fail(failure)
              const wait = Math.max(0, ScheduleIntervals.start(decision.intervals) - now)
              // a wait that would end past the deadline is not started: the last failure stands
              if (deadlineAt !== undefined && now + wait >= deadlineAt) return yield* Effect.fail(failure)
              state = next
              yield* Effect.logDebug(
                `smscx ${operation.id}: ${operation.method} ${operation.path} retrying in ${
                  Duration.format(wait)
                } (attempt ${made + 1}) after ${outcomeOf(failure)}`
              ).pipe(Effect.annotateLogs({
                operation: operation.id,
                method: operation.method,
                path: operation.path,
                outcome: outcomeOf(failure),
                attempt: made + 1,
                waitMs: wait
              }))
              if (wait > 0) yield* Effect.sleep(wait)
            }
          })
          return yield* counted(
            deadlineAt === undefined ? retried : Effect.timeoutFail(retried, {
              duration: deadlineAt - startedAt,
              onTimeout: () => deadlinePassed(request, deadlineAt - startedAt, made)
            })
          )
        })
      })

    /**
     * A call: build the request once, then attempts under the retry policy (when `retrying`): the
     * same request, so the same idempotency id, on every attempt.
     * Whatever escapes as a defect (a header a client refuses, a stack overflow) becomes a
     * TransportError here: a method fails only with the errors it declares.
     */
    const perform = (
      operation: Operation.Any,
      args: ReadonlyArray<unknown>,
      retrying: boolean,
      options: CallOptions | undefined,
      streamed = false
    ): Effect.Effect<Answer & { readonly idempotencyId: string | undefined }, unknown> =>
      Effect.gen(function*() {
        if (credentials === undefined) return yield* missingCredentials(operation)
        const own = options === undefined ? noCallOptions : yield* callOptionsOf(operation, options)
        const call = streamed ? { ...own, streamed } : own
        const built = yield* Request.build(
          operation,
          args,
          baseUrl,
          options === undefined ? undefined : {
            body: options.extraBody,
            query: options.extraQuery
          }
        )
        const span = tracePropagation ? yield* Effect.option(Effect.currentSpan) : Option.none()
        const request = HttpClientRequest.setHeaders(built.request, {
          ...call.headers,
          ...(Option.isSome(span) ? { traceparent: traceparentOf(span.value) } : {}),
          "user-agent": userAgent,
          accept: "application/json"
        })
        const policy = !retrying
          ? undefined
          : call.retry === undefined
          ? clientPolicy
          : RetryPolicy.make(mergedRetry(resolved.retry, call.retry))
        // repeating it cannot perform it twice: a GET, a DELETE, or a body with an idempotency id
        const idempotent = operation.method === "GET" || operation.method === "DELETE" ||
          built.idempotencyId !== undefined
        const answer = yield* attempts(
          operation,
          request,
          call,
          policy === RetryPolicy.none ? undefined : policy,
          idempotent
        )
        return { ...answer, idempotencyId: built.idempotencyId }
      }).pipe(
        Effect.catchAllDefect((defect) =>
          Effect.fail(
            new Errors.TransportError({
              reason: "Transport",
              method: operation.method,
              url: baseUrl + operation.path,
              message: `${operation.method} ${baseUrl}${operation.path}: unexpected failure: ${Issues.thrown(defect)}`
            })
          )
        )
      )

    const spanned = (
      operation: Operation.Any,
      args: ReadonlyArray<unknown>,
      options: CallOptions | undefined,
      streamed = false
    ) =>
      perform(operation, args, true, options, streamed).pipe(
        Effect.withSpan(operation.spanName, {
          kind: "client",
          // a stack trace per call costs more than the rest of the span
          captureStackTrace: false,
          attributes: {
            "smscx.operation": operation.id,
            "http.request.method": operation.method,
            "url.template": operation.path
          }
        }),
        // a failure inside a span is a Proxy carrying the span; test runners' formatters (chai's
        // loupe) recurse on it without end: the caller gets the error itself
        Effect.mapError(Cause.originalError)
      )

    const call = <O extends Operation.Any>(operation: O, args: ReadonlyArray<unknown>, options?: CallOptions) =>
      Effect.map(spanned(operation, args, options), (answer) => answer.data) as Effect.Effect<
        Operation.SuccessOf<O>,
        Operation.FailureOf<O>
      >

    const callWithResponse = <O extends Operation.Any>(
      operation: O,
      args: ReadonlyArray<unknown>,
      options?: CallOptions
    ) =>
      Effect.map(spanned(operation, args, options), (answer) => ({
        data: answer.data,
        response: metaOf(answer.response, answer.idempotencyId)
      })) as Effect.Effect<WithResponse<Operation.SuccessOf<O>>, Operation.FailureOf<O>>

    const download = <O extends Operation.Any>(operation: O, args: ReadonlyArray<unknown>, options?: CallOptions) =>
      Effect.gen(function*() {
        if (operation.success._tag !== "File") {
          return yield* new Errors.RequestValidationError({
            operation: operation.id,
            message: `${operation.id} does not answer a file`,
            issues: []
          })
        }
        const fallbackType = operation.success.contentType
        /** Set once the download is ended from outside: its scope, or the transport's, closed. */
        let ended = false
        const { response } = yield* Effect.acquireRelease(
          spanned(operation, args, options, true),
          ({ response }) => Effect.sync(() => endDownload(response))
        )
        function endDownload(r: HttpClientResponse.HttpClientResponse) {
          ended = true
          open.delete(end)
          // a body left unread keeps its connection: end it with the scope
          if ("close" in r && typeof r.close === "function") r.close()
        }
        const end = () => endDownload(response)
        open.add(end)
        const headers = response.headers
        const length = Number(headers["content-length"])
        const declared = Number.isSafeInteger(length) && length >= 0 ? length : undefined
        const url = response.request.url
        let received = 0
        const failed = (reason: "Transport" | "Closed", why: string, cause?: unknown) =>
          new Errors.TransportError({
            reason,
            method: operation.method,
            url,
            message: `${operation.method} ${url}: ${why} (${received}${
              declared === undefined ? "" : ` of ${declared}`
            } bytes)`,
            ...(cause === undefined ? {} : { cause })
          })
        const closedEarly = () => failed("Closed", "the client was closed while the file was arriving")
        const file: FileStream = {
          contentType: headers["content-type"] ?? fallbackType,
          fileName: ContentDisposition.fileNameOf(headers["content-disposition"]),
          contentLength: declared,
          stream: response.stream.pipe(
            Stream.map((chunk) => {
              received += chunk.byteLength
              return chunk
            }),
            Stream.mapError((error) =>
              ended && received !== declared
                ? closedEarly()
                : failed("Transport", `the file stopped arriving: ${Issues.thrown(error.cause)}`, error)
            ),
            // an end that is not the file's: closed from outside, or short of its Content-Length
            Stream.concat(Stream.suspend(() =>
              declared !== undefined && received === declared
                ? Stream.empty
                : ended
                ? Stream.fail(closedEarly())
                : declared !== undefined && received < declared
                ? Stream.fail(failed("Transport", "the file ended before its Content-Length"))
                : Stream.empty
            ))
          )
        }
        return file
      }) as Effect.Effect<FileStream, Operation.FailureOf<O>, Scope.Scope>

    // One attempt: the call that needs the token retries as a whole (one retry budget per call,
    // and no retry nested inside another).
    const fetchToken: Auth.FetchToken = Effect.suspend(() =>
      perform(
        Api.Oauth.getAccessToken,
        [
          credentials?._tag === "Application" && credentials.scope !== undefined
            ? { grant_type: "client_credentials", scope: credentials.scope }
            : { grant_type: "client_credentials" }
        ],
        false,
        undefined
      ).pipe(
        Effect.map((answer) => answer.data),
        Effect.withSpan(Api.Oauth.getAccessToken.spanName, { kind: "client", captureStackTrace: false }),
        Effect.mapError(Cause.originalError)
      )
    ) as Auth.FetchToken
    // without credentials every call fails before it is authorized (missingCredentials)
    const authorizer = yield* Auth.make(
      credentials ?? { _tag: "AccessToken", accessToken: Redacted.make("") },
      fetchToken
    )

    return Transport.of({ baseUrl, retry: resolved.retry, call, callWithResponse, download })
  })

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
  Either.map(ResolvedOptions.resolve(options, defaults, { ...optionNames, also }), () => options)

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
  Either.map(ResolvedOptions.resolveCall(options, { ...callOptionNames, also }), () => options)

/**
 * Each attempt as one debug line: operation, method, path template, status (or error), duration
 * and the API's request id. Never a header, a body, or a path parameter's value (a phone number
 * is one). Shown when the log level is Debug (`Logger.minimumLogLevel(LogLevel.Debug)`; in the
 * Promise client `log: "debug"` or `SMSCX_LOG=debug`).
 */
const logged =
  (operation: Operation.Any) =>
  <A extends { readonly response: HttpClientResponse.HttpClientResponse }, E, R>(
    attempt: Effect.Effect<A, E, R>
  ): Effect.Effect<A, E, R> =>
    Effect.flatMap(FiberRef.get(FiberRef.currentMinimumLogLevel), (level) => {
      // most calls log nothing: skip the timing and the line altogether
      if (LogLevel.greaterThan(level, LogLevel.Debug)) return attempt
      const started = performance.now()
      return Effect.onExit(attempt, (exit) => {
        const ms = Math.round(performance.now() - started)
        const failure = Exit.isSuccess(exit)
          ? undefined
          : Option.getOrUndefined(Cause.failureOption(exit.cause)) as
            | {
              readonly _tag?: string
              readonly status?: number
              readonly reason?: string
              readonly requestId?: string
            }
            | undefined
        const outcome = Exit.isSuccess(exit)
          ? `${exit.value.response.status}`
          : failure === undefined
          ? Cause.isInterruptedOnly(exit.cause) ? "interrupted" : "failed"
          : outcomeOf(failure)
        const requestId = Exit.isSuccess(exit) ? exit.value.response.headers["x-request-id"] : failure?.requestId
        const status = Exit.isSuccess(exit) ? exit.value.response.status : failure?.status
        return Effect.logDebug(
          `smscx ${operation.id}: ${operation.method} ${operation.path} -> ${outcome} in ${ms} ms${
            requestId === undefined ? "" : ` (request id ${requestId})`
          }`
        ).pipe(Effect.annotateLogs({
          operation: operation.id,
          method: operation.method,
          path: operation.path,
          ...(status === undefined ? {} : { status }),
          outcome,
          durationMs: ms,
          ...(requestId === undefined ? {} : { requestId })
        }))
      })
    })

/** A failure as a log shows it: status, tag, reason; never a message, which may quote input. */
const outcomeOf = (failure: unknown): string => {
  const { _tag, cause, reason, status } = (typeof failure === "object" && failure !== null ? failure : {}) as {
    readonly _tag?: unknown
    readonly status?: unknown
    readonly reason?: unknown
    readonly cause?: unknown
  }
  // a failed connection's code says what happened (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED)
  const code = _tag === "TransportError" ? CauseCode.codeOf(cause) : undefined
  return [status, _tag, reason, code].filter((part) => part !== undefined).join(" ") || "a failure"
}

/** A call's retry options: its own, field by field over the client's. */
const mergedRetry = (
  client: RetryPolicy.Options | false,
  own: RetryPolicy.Options | false
): RetryPolicy.Options | false => own === false ? false : client === false ? own : { ...client, ...own }

/** Tells `afterAttempt`, when there is one, of each answer as it comes (before its body is read). */
const told = <E, R>(
  answered: Effect.Effect<HttpClientResponse.HttpClientResponse, E, R>,
  call: Call
): Effect.Effect<HttpClientResponse.HttpClientResponse, E, R> => {
  const after = call.afterAttempt
  return after === undefined
    ? answered
    : Effect.tap(
      answered,
      (response) => after({ status: response.status, rateLimit: ErrorMapping.rateLimitOf(response.headers) })
    )
}

/** The W3C trace context of a span: `00-<trace id>-<span id>-<flags>`. */
const traceparentOf = (span: Tracer.Span): string => `00-${span.traceId}-${span.spanId}-${span.sampled ? "01" : "00"}`

/** An attempt's answer: the decoded body, and the response it came in. */
interface Answer {
  readonly data: unknown
  readonly response: HttpClientResponse.HttpClientResponse
}

type Call = ResolvedOptions.ResolvedCall

const noCallOptions: Call = {
  timeout: undefined,
  retry: undefined,
  deadline: undefined,
  beforeAttempt: undefined,
  afterAttempt: undefined,
  headers: undefined,
  streamed: false
}

const callOptionsOf = (operation: Operation.Any, options: CallOptions) => {
  const resolved = ResolvedOptions.resolveCall(options, callOptionNames)
  return Either.isRight(resolved)
    ? Effect.succeed(resolved.right)
    : Effect.fail(
      new Errors.RequestValidationError({
        operation: operation.id,
        message: `${operation.id}: call option ${resolved.left.option} ${resolved.left.problem}`,
        issues: [{ path: ["options", ...resolved.left.option.split(".")], message: resolved.left.problem }]
      })
    )
}

const metaOf = (response: HttpClientResponse.HttpClientResponse, idempotencyId: string | undefined): ResponseMeta => {
  const headers = response.headers
  return {
    status: response.status,
    headers,
    requestId: headers["x-request-id"],
    rateLimit: ErrorMapping.rateLimitOf(headers),
    idempotencyId
  }
}

const missingCredentials = (operation: Operation.Any) =>
  new Errors.RequestValidationError({
    operation: operation.id,
    message: "no credentials: give apiKey, accessToken, or applicationId and applicationSecret",
    issues: []
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Transport, Errors.InvalidOptionsError, HttpClient.HttpClient> =>
  Layer.scoped(Transport, make(options))

/**
 * A variable that, when set, must hold something: an empty one is named as such
 * (`SMSCX_API_KEY is set but empty`), never read as a value that fails later under an option's
 * name, nor as missing.
 */
const filled = (name: string): Config.Config<string> =>
  Config.validate(Config.string(name), { message: `${name} is set but empty`, validation: (s) => s.trim() !== "" })

/** A filled variable read by `parse`, or invalid data naming the variable and what it expects. */
const parsed = <A>(name: string, expected: string, parse: (s: string) => Option.Option<A>): Config.Config<A> =>
  Config.mapOrFail(filled(name), (s) =>
    Option.match(parse(s.trim()), {
      onNone: () =>
        Either.left(
          ConfigError.InvalidData([name], `${name} must be ${expected}, not ${JSON.stringify(s.slice(0, 40))}`)
        ),
      onSome: Either.right
    }))

/** Falls back only when nothing is set: a variable set but wrong is an error, not a reason to look elsewhere. */
const orWhenMissing = <A, B>(config: Config.Config<A>, fallback: () => Config.Config<B>): Config.Config<A | B> =>
  Config.orElseIf(config, { if: ConfigError.isMissingDataOnly, orElse: fallback })

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
// built when first read: a program that never reads it does not bundle the Config module
export const config: Config.Config<Options> = /*#__PURE__*/ Config.suspend(() =>
  Config.all({
    credentials: orWhenMissing(
      Config.map(filled("SMSCX_API_KEY"), (apiKey): Credentials => ({ apiKey: Redacted.make(apiKey) })),
      () =>
        orWhenMissing(
          Config.map(
            filled("SMSCX_ACCESS_TOKEN"),
            (accessToken): Credentials => ({ accessToken: Redacted.make(accessToken) })
          ),
          () =>
            Config.map(
              Config.all({
                applicationId: filled("SMSCX_APPLICATION_ID"),
                applicationSecret: Config.map(filled("SMSCX_APPLICATION_SECRET"), Redacted.make),
                scope: Config.option(filled("SMSCX_SCOPE"))
              }),
              ({ scope, ...app }): Credentials => Option.isSome(scope) ? { ...app, scope: scope.value } : app
            )
        )
    ),
    baseUrl: Config.option(filled("SMSCX_BASE_URL")),
    timeout: Config.option(parsed("SMSCX_TIMEOUT", "a duration such as \"30 seconds\"", Duration.decodeUnknown)),
    maxRetries: Config.option(
      parsed("SMSCX_MAX_RETRIES", "a whole number", (s) => {
        const n = Number(s)
        return Number.isInteger(n) && n >= 0 ? Option.some(n) : Option.none()
      })
    )
  }).pipe(Config.map(({ baseUrl, credentials, maxRetries, timeout }): Options => ({
    ...credentials,
    ...(Option.isSome(baseUrl) ? { baseUrl: baseUrl.value } : {}),
    ...(Option.isSome(timeout) ? { timeout: timeout.value } : {}),
    ...(Option.isSome(maxRetries) ? { retry: maxRetries.value > 0 ? { maxRetries: maxRetries.value } : false } : {})
  })))
)
