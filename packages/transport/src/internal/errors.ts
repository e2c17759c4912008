/**
 * The transport's own failures, said plainly: a deadline or a timeout that passed, an answer too
 * large, a failed connection (with the code its cause carries), a call without credentials, a
 * defect turned into a declared error.
 */
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Errors from "@smscx/core/Errors"
import type * as Operation from "@smscx/core/Operation"
import * as Issues from "@smscx/core/ParseIssues"
import * as Duration from "effect/Duration"
import * as HttpLimits from "../HttpLimits.js"
import * as HttpTimeout from "../HttpTimeout.js"
import * as CauseCode from "./causeCode.js"

/** What a transport error says of the request: its method and URL. @internal */
export interface Sent {
  readonly method: string
  readonly url: string
}

/** The call's overall deadline passed (over all its attempts and the waits between them). @internal */
export const deadlinePassed = (request: Sent, deadline: number, attempts: number) =>
  new Errors.TransportError({
    reason: "Timeout",
    method: request.method,
    url: request.url,
    message: `${request.method} ${request.url}: the deadline of ${Duration.format(deadline)} passed after ${attempts} ${
      attempts === 1 ? "attempt" : "attempts"
    }`,
    attempts
  })

/** One attempt took longer than its timeout. @internal */
export const timedOut = (request: HttpClientRequest.HttpClientRequest, timeout: Duration.Duration) =>
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

/** An HTTP client's failure as the SDK reports it. @internal */
export const fromHttpClientError = (error: HttpClientError.HttpClientError) =>
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

/** A call on a transport built without credentials: nothing is sent. @internal */
export const missingCredentials = (operation: Operation.Any) =>
  new Errors.RequestValidationError({
    operation: operation.id,
    message: "no credentials: give apiKey, accessToken, or applicationId and applicationSecret",
    issues: []
  })

/**
 * Whatever escaped a call as a defect (a header a client refuses, a stack overflow), as the
 * declared error it becomes: a method fails only with the errors it declares.
 * @internal
 */
export const unexpectedFailure = (operation: Operation.Any, baseUrl: string, defect: unknown) =>
  new Errors.TransportError({
    reason: "Transport",
    method: operation.method,
    url: baseUrl + operation.path,
    message: `${operation.method} ${baseUrl}${operation.path}: unexpected failure: ${Issues.thrown(defect)}`
  })
