/**
 * Direct attempts: an attempt of an operation without input (no path parameter, no body, no
 * query) sent straight through the SDK's own client's `Exchange`, in one `Effect.async`: no
 * `HttpClientRequest` built per call, no `HttpClientResponse`, no Effect step per stage. An
 * answer that fits as it is (a 2xx the operation's guard accepts) is the attempt's value; any
 * other outcome goes on the general way from where it stands (`Continue`), so that its error is
 * built by the same code as it would be without this path.
 */
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type * as Operation from "@smscx/core/Operation"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as BufferedClient from "./bufferedClient.js"
import type * as Options from "./options.js"
import * as Response from "./response.js"

/** Where an operation's direct attempts go, made once per operation. @internal */
export interface Route {
  readonly operation: Operation.Any
  readonly target: BufferedClient.Target
  /** The request as the general way builds it (before its headers): what an error says of it. */
  readonly request: HttpClientRequest.HttpClientRequest
}

/**
 * The routes of a transport's operations, each made on first use; undefined for an operation
 * that takes input, authenticates with HTTP Basic (the token operation), or answers with
 * anything but JSON.
 * @internal
 */
export const routes = (baseUrl: string): (operation: Operation.Any) => Route | undefined => {
  const made = new Map<Operation.Any, Route | undefined>()
  return (operation) => {
    let route = made.get(operation)
    if (route === undefined && !made.has(operation)) {
      route = operation.input._tag === "None" && operation.pathParamNames.length === 0 &&
          operation.auth !== "basic" && operation.success._tag === "Json"
        ? {
          operation,
          target: { url: new URL(baseUrl + operation.path), prepared: undefined },
          request: HttpClientRequest.make(operation.method)(baseUrl + operation.path)
        }
        : undefined
      made.set(operation, route)
    }
    return route
  }
}

/** How an attempt goes on when its outcome is not an answer that fits: the general way's steps. @internal */
export interface Continue {
  /** An answer (any status), read as the general way reads it. */
  readonly answered: (
    operation: Operation.Any,
    response: HttpClientResponse.HttpClientResponse
  ) => Effect.Effect<unknown, unknown>
  /** The client's failure (no answer). */
  readonly failed: (
    operation: Operation.Any,
    cause: unknown,
    request: HttpClientRequest.HttpClientRequest
  ) => Effect.Effect<never, unknown>
  /** What the client threw while starting the request (a header Node refuses). */
  readonly thrown: (operation: Operation.Any, defect: unknown) => Effect.Effect<never, unknown>
}

/**
 * One attempt through the exchange. Never throws in the client's callbacks: the fit is checked
 * in `Response.fitting`, which catches what the decoding throws.
 * @internal
 */
export const attempt = (
  exchange: BufferedClient.Exchange,
  route: Route,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number,
  limit: number,
  go: Continue
): Effect.Effect<unknown, unknown> =>
  Effect.async<unknown, unknown>((resume) => {
    const { operation, request } = route
    let cancel: () => void
    try {
      cancel = exchange(
        { method: request.method, target: route.target, headers, body: undefined },
        timeoutMs,
        limit,
        (status, readHeaders, body) => {
          const data = Response.fitting(operation, status, body)
          resume(
            data !== Response.unfit
              ? Effect.succeed(data)
              : go.answered(operation, new BufferedClient.BufferedResponse(request, status, readHeaders, body))
          )
        },
        (cause) => resume(go.failed(operation, cause, request))
      )
    } catch (defect) {
      return resume(go.thrown(operation, defect))
    }
    return Effect.sync(cancel)
  })

/**
 * The headers of a direct attempt, in the order the general way sets them (the trace context,
 * the SDK's own, then the credentials); undefined for credentials that change (an application's
 * tokens) or none.
 * @internal
 */
export const headersOf = (
  credentials: Options.Credentials | undefined,
  userAgent: string
): ((traceparent: string | undefined) => Readonly<Record<string, string>>) | undefined => {
  // literals, not spreads: on Node 20 a spread followed by more properties takes V8's slow path
  switch (credentials?._tag) {
    case "ApiKey": {
      const apiKey = Redacted.value(credentials.apiKey)
      return (traceparent) =>
        traceparent === undefined
          ? { "user-agent": userAgent, accept: "application/json", "x-api-key": apiKey }
          : { traceparent, "user-agent": userAgent, accept: "application/json", "x-api-key": apiKey }
    }
    case "AccessToken": {
      const authorization = `Bearer ${Redacted.value(credentials.accessToken)}`
      return (traceparent) =>
        traceparent === undefined
          ? { "user-agent": userAgent, accept: "application/json", authorization }
          : { traceparent, "user-agent": userAgent, accept: "application/json", authorization }
    }
    default:
      return undefined
  }
}
