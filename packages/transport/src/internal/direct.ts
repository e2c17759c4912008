/**
 * Direct attempts: an attempt of an operation with a JSON answer (its input, if any, a path
 * parameter, a query or a JSON body) sent straight through the SDK's own client's `Exchange`, in
 * one `Effect.async`: no `HttpClientRequest` sent per call, no `HttpClientResponse`, no Effect
 * step per stage. The request is built by the general way's code (`Request.buildNow`), so that
 * an invalid input fails with the same error before anything is sent. An answer that fits as it
 * is (a 2xx the operation's guard accepts) is the attempt's value; any other outcome goes on the
 * general way from where it stands (`Continue`), so that its error is built by the same code as
 * it would be without this path.
 */
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type { RequestValidationError } from "@smscx/core/Errors"
import type * as Operation from "@smscx/core/Operation"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import type * as FiberRefs from "effect/FiberRefs"
import * as Redacted from "effect/Redacted"
import * as BufferedClient from "./bufferedClient.js"
import type * as Options from "./options.js"
import * as Request from "./request.js"
import * as Response from "./response.js"

/**
 * Where a call's direct attempts go, and what they send. A class, not a literal: see
 * `BufferedClient.Outgoing`.
 * @internal
 */
export class Route {
  constructor(
    readonly operation: Operation.Any,
    readonly target: BufferedClient.Target,
    /** The request as the general way builds it (before its headers): what an error says of it. */
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly body: string | undefined,
    /** The body's content type, a header the general way's clients add. */
    readonly contentType: string | undefined,
    /** Whether repeating it cannot perform it twice: a GET, a DELETE, or a body with an idempotency id. */
    readonly idempotent: boolean
  ) {}
}

/**
 * The route of one call, from its arguments: the error that stops it (an invalid input), or
 * undefined when this call goes the general way (a URL that does not parse, a body not a string).
 * @internal
 */
type Router = (args: ReadonlyArray<unknown>) => Route | RequestValidationError | undefined

const routeOf = (
  operation: Operation.Any,
  built: Request.Built,
  last: BufferedClient.LastTarget
): Route | undefined => {
  const { idempotencyId, request } = built
  const body = request.body
  if (body._tag !== "Empty" && (body._tag !== "Raw" || typeof body.body !== "string")) return undefined
  const target = BufferedClient.targetOf(last, request)
  if (target instanceof Error) return undefined
  return new Route(
    operation,
    target,
    request,
    body._tag === "Raw" ? body.body as string : undefined,
    body._tag === "Raw" ? body.contentType : undefined,
    operation.method === "GET" || operation.method === "DELETE" || idempotencyId !== undefined
  )
}

/**
 * The routers of a transport's operations, each made on first use; undefined for an operation
 * that authenticates with HTTP Basic (the token operation), sends a form, or answers with
 * anything but JSON. An operation without input has one route, made once.
 * @internal
 */
export const routes = (baseUrl: string): (operation: Operation.Any) => Router | undefined => {
  const made = new Map<Operation.Any, Router | undefined>()
  return (operation) => {
    let router = made.get(operation)
    if (router === undefined && !made.has(operation)) {
      const input = operation.input._tag
      if (input !== "Form" && operation.auth !== "basic" && operation.success._tag === "Json") {
        const last = BufferedClient.lastTarget()
        if (input === "None" && operation.pathParamNames.length === 0) {
          const route = routeOf(operation, Request.buildNow(operation, [], baseUrl) as Request.Built, last)
          router = () => route
        } else {
          router = (args) => {
            const built = Request.buildNow(operation, args, baseUrl)
            return "request" in built ? routeOf(operation, built, last) : built
          }
        }
      }
      made.set(operation, router)
    }
    return router
  }
}

/**
 * How an attempt's outcome that is not an answer that fits goes on: as the general way's attempt
 * would end (its error), then whatever the caller does after an attempt (count it, retry).
 * @internal
 */
export type Settle = (outcome: Effect.Effect<unknown, unknown>) => Effect.Effect<unknown, unknown>

/** An answer read as the general way reads it; a failure as the general way reports it. @internal */
export interface Outcomes {
  readonly answered: (
    operation: Operation.Any,
    response: HttpClientResponse.HttpClientResponse
  ) => Effect.Effect<unknown, unknown>
  readonly failed: (cause: unknown, request: HttpClientRequest.HttpClientRequest) => unknown
}

/**
 * Sends one attempt through the exchange, without a fiber: `fits` gets the data of an answer
 * that fits; `otherwise` the outcome of anything else, as an Effect (the general way's reading
 * of the answer, its failure, or what the client threw while starting: a defect, as the general
 * way has it). Gives the function that cancels the attempt. Never throws, neither here nor in
 * the client's callbacks (`Response.fitting` catches what the decoding throws).
 * @internal
 */
export const send = (
  exchange: BufferedClient.Exchange,
  route: Route,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number,
  limit: number,
  outcomes: Outcomes,
  fits: (data: unknown) => void,
  otherwise: (outcome: Effect.Effect<unknown, unknown>) => void
): () => void => {
  const { operation, request } = route
  try {
    return exchange(
      new BufferedClient.Outgoing(request.method, route.target, headers, route.body),
      timeoutMs,
      limit,
      (status, readHeaders, body) => {
        const data = Response.fitting(operation, status, body)
        if (data !== Response.unfit) return fits(data)
        otherwise(outcomes.answered(operation, new BufferedClient.BufferedResponse(request, status, readHeaders, body)))
      },
      (cause) => otherwise(Effect.fail(outcomes.failed(cause, request)))
    )
  } catch (defect) {
    otherwise(Effect.die(defect))
    return noCancel
  }
}

/** @internal */
export const noCancel = () => {}

/**
 * One attempt as an Effect: the data of an answer that fits, else `settle` of the outcome.
 * Interrupted, it cancels the request. Not `Effect.async` with a canceler: its `onInterrupt`
 * costs about as much as the rest of the attempt's Effect work; here the canceler runs on an
 * interruption only, in one match. The canceler is dropped as soon as the exchange ends: held
 * on, it kept the whole exchange (Node's request and answer, the route, the body) reachable
 * from the call's closure, which V8 then promoted to the old generation on every call once
 * calls overlap (4.7 KB a sendSms at 16 in flight), and collecting that cost more CPU than the
 * rest of the call.
 * @internal
 */
export const attempt = (
  exchange: BufferedClient.Exchange,
  route: Route,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number,
  limit: number,
  outcomes: Outcomes,
  settle: Settle
): Effect.Effect<unknown, unknown> =>
  Effect.uninterruptibleMask((restore) => {
    const canceling = new Canceling()
    return Effect.matchCauseEffect(
      restore(Effect.async<unknown, unknown>((resume) => {
        canceling.cancel = send(
          exchange,
          route,
          headers,
          timeoutMs,
          limit,
          outcomes,
          (data) => {
            canceling.cancel = noCancel
            resume(Effect.succeed(data))
          },
          (outcome) => {
            canceling.cancel = noCancel
            resume(settle(outcome))
          }
        )
      })),
      canceling
    )
  })

/**
 * An attempt's handlers: on an interruption, cancel its request. A class, not a literal (see
 * `BufferedClient.Outgoing`); its handlers are properties, as Effect calls them off its own
 * frame, not off this object.
 */
class Canceling {
  cancel: () => void = noCancel
  readonly onFailure = (cause: Cause.Cause<unknown>) => {
    if (Cause.isInterruptedOnly(cause)) this.cancel()
    return Effect.failCause(cause)
  }
  readonly onSuccess = Effect.succeed
}

/**
 * The headers of a direct attempt, in the order the general way sets them (the trace context,
 * the SDK's own, the credentials, then the body's content type); undefined for credentials that
 * change (an application's tokens) or none.
 * @internal
 */
export const headersOf = (
  credentials: Options.Credentials | undefined,
  userAgent: string
): ((traceparent: string | undefined, contentType: string | undefined) => Record<string, string>) | undefined => {
  // literals, not spreads: on Node 20 a spread followed by more properties takes V8's slow path
  switch (credentials?._tag) {
    case "ApiKey": {
      const apiKey = Redacted.value(credentials.apiKey)
      return (traceparent, contentType) =>
        withType(
          traceparent === undefined
            ? { "user-agent": userAgent, accept: "application/json", "x-api-key": apiKey }
            : { traceparent, "user-agent": userAgent, accept: "application/json", "x-api-key": apiKey },
          contentType
        )
    }
    case "AccessToken": {
      const authorization = `Bearer ${Redacted.value(credentials.accessToken)}`
      return (traceparent, contentType) =>
        withType(
          traceparent === undefined
            ? { "user-agent": userAgent, accept: "application/json", authorization }
            : { traceparent, "user-agent": userAgent, accept: "application/json", authorization },
          contentType
        )
    }
    default:
      return undefined
  }
}

const withType = (headers: Record<string, string>, contentType: string | undefined) => {
  if (contentType !== undefined) headers["content-type"] = contentType
  return headers
}

/**
 * The start of a direct call without a fiber, given the operation's own arguments (no call
 * options): `fits` gets the data of an answer that fits, `otherwise` the Effect that ends the
 * call (an invalid input's error, say) (to run on the caller's runtime). Gives the function
 * that cancels the call's request.
 * @internal
 */
export type Start = (
  args: ReadonlyArray<unknown>,
  fits: (data: unknown) => void,
  otherwise: (rest: Effect.Effect<unknown, unknown>) => void
) => () => void

/**
 * A transport's direct calls without a fiber, for a runtime with these fiber refs: undefined
 * when they would be seen (a tracer, a debug level) or the transport has none; else, per
 * operation, the start of a call, or undefined when its calls do not go direct.
 * @internal
 */
export type Fiberless = (refs: FiberRefs.FiberRefs) => ((operation: Operation.Any) => Start | undefined) | undefined

/** The key of a transport's `Fiberless`. @internal */
export const fiberlessKey: unique symbol = Symbol.for("@smscx/transport/Direct/fiberless")
