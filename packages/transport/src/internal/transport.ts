/**
 * The transport's pipeline, one named step each: `perform` (check the call's options, build the
 * request once, choose the retry policy) runs `Attempts.run` over `attempt` (authorize, `send`;
 * after a 401 on a cached token, a new token once), and `send` sends one request within its
 * timeout and reads the answer (`Response.read`). `call`, `callWithResponse` and `download` are
 * `perform` in a span.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as ErrorMapping from "@smscx/core/ErrorMapping"
import * as Errors from "@smscx/core/Errors"
import type * as Operation from "@smscx/core/Operation"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Fiber from "effect/Fiber"
import * as FiberRef from "effect/FiberRef"
import * as FiberRefs from "effect/FiberRefs"
import { identity } from "effect/Function"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as Tracer from "effect/Tracer"
import * as HttpLimits from "../HttpLimits.js"
import * as HttpTimeout from "../HttpTimeout.js"
import * as RetryPolicy from "../RetryPolicy.js"
import * as Attempts from "./attempts.js"
import * as Auth from "./auth.js"
import * as BufferedClient from "./bufferedClient.js"
import * as Direct from "./direct.js"
import * as Download from "./download.js"
import * as TransportErrors from "./errors.js"
import * as Logging from "./logging.js"
import * as Options from "./options.js"
import * as Request from "./request.js"
import * as Response from "./response.js"

/** The transport's methods, typed loosely here; `Transport.ts` gives them their public types. @internal */
interface Methods {
  readonly baseUrl: string
  readonly retry: RetryPolicy.Options | false
  readonly call: (
    operation: Operation.Any,
    args: ReadonlyArray<unknown>,
    options?: object
  ) => Effect.Effect<unknown, unknown>
  readonly callWithResponse: (
    operation: Operation.Any,
    args: ReadonlyArray<unknown>,
    options?: object
  ) => Effect.Effect<{ readonly data: unknown; readonly response: Response.ResponseMeta }, unknown>
  readonly download: (
    operation: Operation.Any,
    args: ReadonlyArray<unknown>,
    options?: object
  ) => Effect.Effect<Download.FileStream, unknown, Scope.Scope>
  readonly [Direct.fiberlessKey]: Direct.Fiberless
}

type Call = Options.ResolvedCall

const noCallOptions: Call = {
  timeout: undefined,
  retry: undefined,
  deadline: undefined,
  beforeAttempt: undefined,
  afterAttempt: undefined,
  headers: undefined,
  streamed: false
}

const callOptionsOf = (operation: Operation.Any, options: object) => {
  const resolved = Options.resolveCall(options)
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

/** Hands `afterAttempt`, when there is one, each answer as it comes (before its body is read). */
const reportingAnswer = <E, R>(
  answered: Effect.Effect<HttpClientResponse.HttpClientResponse, E, R>,
  call: Call
): Effect.Effect<HttpClientResponse.HttpClientResponse, E, R> => {
  const afterAttempt = call.afterAttempt
  return afterAttempt === undefined
    ? answered
    : Effect.tap(
      answered,
      (response) => afterAttempt({ status: response.status, rateLimit: ErrorMapping.rateLimitOf(response.headers) })
    )
}

/** An HTTP client's failure as a TransportError; the API's and the decoding's errors as they are. */
const transportErrorOf = <E extends { readonly _tag: string }>(error: E) =>
  error._tag === "RequestError" || error._tag === "ResponseError"
    ? TransportErrors.fromHttpClientError(error as unknown as HttpClientError.HttpClientError)
    : error

/** The W3C trace context of a span: `00-<trace id>-<span id>-<flags>`. */
const traceparentOf = (span: Tracer.Span): string => `00-${span.traceId}-${span.spanId}-${span.sampled ? "01" : "00"}`

/**
 * Effect's own tracer, in place when the program installs none: its spans are kept nowhere. Taken
 * from the fiber ref's initial services (one for the whole process), not this copy of Effect's
 * own: with two copies of Effect loaded, each would have its own.
 */
const nativeTracer = Context.get(
  FiberRefs.getOrDefault(FiberRefs.empty(), DefaultServices.currentServices),
  Tracer.Tracer
)

const hexOfByte = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"))

/** Random bytes for 128 pairs of ids, drawn at once: one draw per call costs more than the ids. */
const idBytes = new Uint8Array(24 * 128)
let idOffset = idBytes.length

/**
 * The trace context a root span of Effect's own tracer would send (a new random trace id and
 * span id, sampled), made without the span: see `spanned`.
 */
const rootTraceparent = (): string => {
  if (idOffset === idBytes.length) {
    crypto.getRandomValues(idBytes)
    idOffset = 0
  }
  // by a table: toString(16) per byte costs five times as much
  let ids = ""
  for (let i = idOffset; i < idOffset + 24; i++) ids += hexOfByte[idBytes[i]!]
  idOffset += 24
  return `00-${ids.slice(0, 32)}-${ids.slice(32)}-01`
}

/** @internal */
export const make = (
  options: Options.Input,
  tokenOperation: Option.Option<Auth.TokenOperation>
): Effect.Effect<Methods, Errors.InvalidOptionsError, HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function*() {
    const http = yield* HttpClient.HttpClient
    const resolved = yield* Options.resolve(options)
    const { baseUrl, credentials, maxResponseBytes, timeout, tracePropagation, userAgent } = resolved
    const clientPolicy = RetryPolicy.make(resolved.retry)
    const sdkHeaders = { "user-agent": userAgent, accept: "application/json" }

    // files still streaming: closing the transport (its layer's scope) ends them
    const downloads = new Set<() => void>()
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        for (const end of [...downloads]) end()
      })
    )

    // the SDK's own clients enforce the timeout and the size limit themselves (see HttpTimeout)
    const enforcesTimeout = HttpTimeout.NativeTimeout in http
    const defaultTimeout = Option.some(timeout)
    const sized = maxResponseBytes === HttpLimits.DEFAULT_MAX_RESPONSE_BYTES
      ? (request: HttpClientRequest.HttpClientRequest) => http.execute(request)
      : (request: HttpClientRequest.HttpClientRequest) =>
        Effect.locally(http.execute(request), HttpLimits.maxResponseBytes, maxResponseBytes)
    const withinTimeout = (request: HttpClientRequest.HttpClientRequest, callTimeout: Duration.Duration | undefined) =>
      enforcesTimeout
        ? Effect.locally(
          sized(request),
          HttpTimeout.current,
          callTimeout === undefined ? defaultTimeout : Option.some(callTimeout)
        )
        : Effect.timeoutFail(http.execute(request), {
          duration: callTimeout ?? timeout,
          onTimeout: () => TransportErrors.timedOut(request, callTimeout ?? timeout)
        })

    // the SDK's own clients are handed the deadline, limit and mode directly: three fiber refs set
    // around `execute` cost more than the rest of the attempt's Effect work
    const direct = BufferedClient.directSendOf(http)
    const sendDirect = direct === undefined ?
      undefined :
      (request: HttpClientRequest.HttpClientRequest, call: Call) =>
        Effect.withFiberRuntime<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>((fiber) =>
          direct(
            request,
            call.timeout === undefined ? defaultTimeout : Option.some(call.timeout),
            maxResponseBytes === HttpLimits.DEFAULT_MAX_RESPONSE_BYTES
              ? fiber.getFiberRef(HttpLimits.maxResponseBytes)
              : maxResponseBytes,
            call.streamed || fiber.getFiberRef(HttpLimits.streamed)
          )
        )

    /** One request, sent and its answer read as the operation's success or as its API error. */
    const send = (operation: Operation.Any, request: HttpClientRequest.HttpClientRequest, call: Call) =>
      reportingAnswer(
        sendDirect !== undefined
          ? sendDirect(request, call)
          : call.streamed
          ? Effect.locally(withinTimeout(request, call.timeout), HttpLimits.streamed, true)
          : withinTimeout(request, call.timeout),
        call
      ).pipe(
        Effect.flatMap((response) => Response.read(operation, response, call.streamed)),
        Effect.mapError(transportErrorOf),
        Logging.logAttempt(operation)
      )

    // Direct attempts (see direct.ts): an answer that does not fit read as `send` reads it, a
    // failure reported as `send` reports it
    const outcomes: Direct.Outcomes = {
      answered: (operation, response) =>
        Effect.map(
          Effect.mapError(Response.read(operation, response, false), transportErrorOf),
          (answer) => answer.data
        ),
      failed: (cause, request) =>
        TransportErrors.fromHttpClientError(BufferedClient.requestError(request, "Transport", cause))
    }

    /** One attempt of a call: authorize, send; after a 401 on a cached OAuth token, a new token once. */
    const attempt = (operation: Operation.Any, request: HttpClientRequest.HttpClientRequest, call: Call) =>
      Effect.flatMap(authorizer.authorize(operation, request), ([authorized, token]) =>
        Effect.catchAll(
          send(operation, authorized, call),
          (error): Effect.Effect<Response.DecodedAnswer, unknown> =>
            (error as { readonly _tag?: unknown })._tag !== "InvalidCredentialsException"
              ? Effect.fail(error)
              : Effect.flatMap(
                authorizer.invalidate(token),
                (invalidated) =>
                  invalidated
                    ? Effect.flatMap(
                      authorizer.authorize(operation, request),
                      ([replayed]) => send(operation, replayed, call)
                    )
                    : Effect.fail(error)
              )
        ))

    /**
     * The traceparent header of the call's span, when propagation is on; a root one when the call
     * has no span (see `spanned`).
     */
    const traceHeaders = (fiber: Fiber.RuntimeFiber<unknown, unknown>): Record<string, string> | undefined => {
      if (!tracePropagation) return undefined
      const span = fiber.currentSpan
      if (span === undefined) return { traceparent: rootTraceparent() }
      return span._tag === "Span" ? { traceparent: traceparentOf(span) } : undefined
    }

    /**
     * A call: the request built once, then its attempts under the retry policy (when `retrying`):
     * the same request, so the same idempotency id, on every attempt. Whatever escapes as a
     * defect becomes a TransportError here. Plain flatMaps rather than a generator: this runs for
     * every call.
     */
    const perform = (
      operation: Operation.Any,
      args: ReadonlyArray<unknown>,
      retrying: boolean,
      options: Options.CallInput | undefined,
      streamed = false
    ): Effect.Effect<Response.DecodedAnswer & { readonly idempotencyId: string | undefined }, unknown> =>
      Effect.withFiberRuntime<Response.DecodedAnswer & { readonly idempotencyId: string | undefined }, unknown>(
        (fiber) => {
          if (credentials === undefined) return Effect.fail(TransportErrors.missingCredentials(operation))
          const given = options === undefined ? Effect.succeed(noCallOptions) : callOptionsOf(operation, options)
          return Effect.flatMap(given, (given) => {
            const call = streamed ? { ...given, streamed } : given
            return Effect.flatMap(
              Request.build(
                operation,
                args,
                baseUrl,
                options === undefined ? undefined : { body: options.extraBody, query: options.extraQuery }
              ),
              (built) => {
                const trace = traceHeaders(fiber)
                // the call's headers first: the SDK's own win. Spelled out when the call has none:
                // on Node 20 spreads followed by more properties take V8's slow path (~2 us)
                const request = HttpClientRequest.setHeaders(
                  built.request,
                  call.headers === undefined
                    ? trace === undefined
                      ? sdkHeaders
                      : { traceparent: trace.traceparent, "user-agent": userAgent, accept: "application/json" }
                    : { ...call.headers, ...trace, ...sdkHeaders }
                )
                const policy = !retrying
                  ? RetryPolicy.none
                  : call.retry === undefined
                  ? clientPolicy
                  : RetryPolicy.make(Attempts.mergedRetry(resolved.retry, call.retry))
                return Effect.map(
                  Attempts.run({
                    operation,
                    request,
                    beforeAttempt: call.beforeAttempt,
                    policy: policy === RetryPolicy.none ? undefined : policy,
                    // repeating it cannot perform it twice: a GET, a DELETE, or a body with an idempotency id
                    idempotent: operation.method === "GET" || operation.method === "DELETE" ||
                      built.idempotencyId !== undefined,
                    deadline: call.deadline ?? resolved.deadline
                  }, attempt(operation, request, call)),
                  (answer) => ({ data: answer.data, response: answer.response, idempotencyId: built.idempotencyId })
                )
              }
            )
          })
        }
      ).pipe(
        Effect.catchAllDefect((defect) => Effect.fail(TransportErrors.unexpectedFailure(operation, baseUrl, defect)))
      )

    /**
     * A call in its span. Without a tracer installed and outside any span, a span would be kept
     * nowhere and seen by nothing, yet cost a fifth of the call (its ids, and a copy of the
     * fiber's whole context to make it the current one): the call then runs without, and its
     * traceparent is the root one such a span would have sent.
     */
    const spanned = (
      operation: Operation.Any,
      args: ReadonlyArray<unknown>,
      options: Options.CallInput | undefined,
      streamed = false
    ) =>
      Effect.withFiberRuntime<Response.DecodedAnswer & { readonly idempotencyId: string | undefined }, unknown>(
        (fiber) =>
          fiber.currentTracer === nativeTracer && fiber.currentSpan === undefined &&
            fiber.getFiberRef(FiberRef.currentTracerEnabled)
            ? perform(operation, args, true, options, streamed)
            : inSpan(operation, perform(operation, args, true, options, streamed))
      )

    const inSpan = <A>(operation: Operation.Any, call: Effect.Effect<A, unknown>) =>
      call.pipe(
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

    // One attempt: the call that needs the token retries as a whole (one retry budget per call,
    // and no retry nested inside another).
    const fetchToken = (operation: Auth.TokenOperation): Auth.FetchToken =>
      Effect.suspend(() =>
        perform(
          operation,
          [
            credentials?._tag === "Application" && credentials.scope !== undefined
              ? { grant_type: "client_credentials", scope: credentials.scope }
              : { grant_type: "client_credentials" }
          ],
          false,
          undefined
        ).pipe(
          Effect.map((answer) => answer.data as Auth.TokenAnswer),
          Effect.withSpan(operation.spanName, { kind: "client", captureStackTrace: false }),
          Effect.mapError((error) => Cause.originalError(error) as Auth.TokenFailure)
        )
      )
    // without credentials every call fails before it is authorized (missingCredentials)
    const authorizer = yield* Auth.make(
      credentials ?? { _tag: "AccessToken", accessToken: Redacted.make("") },
      Option.map(tokenOperation, (operation) => ({ fetch: fetchToken(operation), operationId: operation.id }))
    )

    // Direct calls (see direct.ts): a call without options, of an operation with a JSON answer,
    // through one of the SDK's own clients, with an API key or a token, without a deadline over
    // its attempts, when nothing would see a span or a debug line and the answer is not
    // streamed. The same steps otherwise: the request built by `Request.buildNow`, the attempts
    // under the client's retry policy, a defect as a TransportError, the same errors.
    const exchange = BufferedClient.exchangeOf(http)
    const directHeaders = Direct.headersOf(credentials, userAgent)
    const routerOf = exchange === undefined || directHeaders === undefined || resolved.deadline !== undefined
      ? undefined
      : Direct.routes(baseUrl)
    const timeoutMillis = Duration.toMillis(timeout)
    const policy = clientPolicy === RetryPolicy.none ? undefined : clientPolicy
    /** Whether nothing would see the call's span or debug line, reading fiber refs with `get`. */
    const unobserved = (get: <A>(ref: FiberRef.FiberRef<A>) => A, tracer: Tracer.Tracer, span: unknown) =>
      tracer === nativeTracer && span === undefined && get(FiberRef.currentTracerEnabled) &&
      LogLevel.greaterThan(get(FiberRef.currentMinimumLogLevel), LogLevel.Debug) && !get(HttpLimits.streamed)
    const limitOf = (fromRef: number) =>
      maxResponseBytes === HttpLimits.DEFAULT_MAX_RESPONSE_BYTES ? fromRef : maxResponseBytes
    // No named function is made per call below: the test and benchmark runs (tsx) name each one
    // with a defineProperty, which costs more than the call's own work around it.
    const unexpectedOf = (operation: Operation.Any) => (defect: unknown) =>
      Effect.fail(TransportErrors.unexpectedFailure(operation, baseUrl, defect))
    /** Without retries: a failure says it came of one attempt; made once per operation. */
    const singles = new Map<Operation.Any, Direct.Settle>()
    const singleOf = (operation: Operation.Any): Direct.Settle => {
      let settle = singles.get(operation)
      if (settle === undefined) {
        const unexpected = unexpectedOf(operation)
        settle = (outcome) =>
          Effect.catchAllDefect(Effect.mapError(outcome, (error) => RetryPolicy.withAttempts(error, 1)), unexpected)
        singles.set(operation, settle)
      }
      return settle
    }
    /**
     * How a direct call goes on after its first attempt did not end with an answer that fits:
     * as `Attempts.run` would after that attempt, with a defect as `perform` has it.
     */
    const settleOf = (
      route: Direct.Route,
      headers: Record<string, string>,
      limit: number,
      startedAt: number
    ): Direct.Settle => {
      if (policy === undefined) return singleOf(route.operation)
      // what only a failed first attempt needs is made then
      return (outcome) =>
        Effect.catchAllDefect(
          Effect.catchAll(outcome, (failure) =>
            Attempts.after(
              {
                operation: route.operation,
                request: route.request,
                beforeAttempt: undefined,
                policy,
                idempotent: route.idempotent,
                deadline: undefined
              },
              Direct.attempt(exchange!, route, headers, timeoutMillis, limit, outcomes, identity),
              failure,
              startedAt
            )),
          unexpectedOf(route.operation)
        )
    }
    /** The general way of a call without options: for a call whose route is none. */
    const generally = (operation: Operation.Any, args: ReadonlyArray<unknown>) =>
      Effect.map(spanned(operation, args, undefined), (answer) => answer.data)
    const directly = (
      operation: Operation.Any,
      args: ReadonlyArray<unknown>,
      route: Direct.Route | Errors.RequestValidationError | undefined,
      fiber: Fiber.RuntimeFiber<unknown, unknown>
    ): Effect.Effect<unknown, unknown> => {
      if (route === undefined) return generally(operation, args)
      if (route instanceof Errors.RequestValidationError) return Effect.fail(route)
      const limit = limitOf(fiber.getFiberRef(HttpLimits.maxResponseBytes))
      const headers = directHeaders!(tracePropagation ? rootTraceparent() : undefined, route.contentType)
      const startedAt = policy === undefined
        ? 0
        : Context.get(fiber.currentDefaultServices, Clock.Clock).unsafeCurrentTimeMillis()
      return Direct.attempt(
        exchange!,
        route,
        headers,
        timeoutMillis,
        limit,
        outcomes,
        settleOf(route, headers, limit, startedAt)
      )
    }

    /**
     * Direct calls without a fiber, for a runtime whose fiber refs and services are `refs` (the
     * Promise client's: it runs each call as a fiber of its own, so these are each call's):
     * undefined when its calls are seen (a tracer, a debug level); else, per operation, the
     * start of a call, or undefined when the operation's calls do not go direct. A call's
     * `fits` gets its data; `otherwise` the Effect that ends it, run on the runtime.
     */
    const fiberless: Direct.Fiberless = (refs) => {
      const get = <A>(ref: FiberRef.FiberRef<A>) => FiberRefs.getOrDefault(refs, ref)
      const services = get(DefaultServices.currentServices)
      if (routerOf === undefined || !unobserved(get, Context.get(services, Tracer.Tracer), undefined)) return undefined
      const limit = limitOf(get(HttpLimits.maxResponseBytes))
      const clock = Context.get(services, Clock.Clock)
      return (operation) => {
        const router = routerOf(operation)
        if (router === undefined) return undefined
        return (args, fits, otherwise) => {
          const route = router(args)
          if (route === undefined || route instanceof Errors.RequestValidationError) {
            otherwise(route === undefined ? generally(operation, args) : Effect.fail(route))
            return Direct.noCancel
          }
          const headers = directHeaders!(tracePropagation ? rootTraceparent() : undefined, route.contentType)
          const settle = settleOf(route, headers, limit, policy === undefined ? 0 : clock.unsafeCurrentTimeMillis())
          return Direct.send(
            exchange!,
            route,
            headers,
            timeoutMillis,
            limit,
            outcomes,
            fits,
            (outcome) => otherwise(settle(outcome))
          )
        }
      }
    }

    return {
      baseUrl,
      retry: resolved.retry,
      call: (operation, args, options) => {
        const router = options === undefined && routerOf !== undefined ? routerOf(operation) : undefined
        return router === undefined
          ? Effect.map(spanned(operation, args, options), (answer) => answer.data)
          : Effect.withFiberRuntime((fiber) =>
            unobserved((ref) => fiber.getFiberRef(ref), fiber.currentTracer, fiber.currentSpan)
              ? directly(operation, args, router(args), fiber)
              : generally(operation, args)
          )
      },
      callWithResponse: (operation, args, options) =>
        Effect.map(spanned(operation, args, options), (answer) => ({
          data: answer.data,
          response: Response.metaOf(answer.response, answer.idempotencyId)
        })),
      [Direct.fiberlessKey]: fiberless,
      download: (operation, args, options) => {
        const success = operation.success
        return success._tag === "File"
          ? success.download(operation, spanned(operation, args, options, true), downloads)
          : Effect.fail(Download.notAFile(operation))
      }
    } satisfies Methods
  })
