/**
 * Debug lines: one per attempt (operation, method, path template, status or error, duration,
 * the API's request id) and one per retry. Never a header, a body, or a path parameter's value
 * (a phone number is one). Shown when the log level is Debug (`Logger.minimumLogLevel(LogLevel.Debug)`;
 * in the Promise client `log: "debug"` or `SMSCX_LOG=debug`).
 */
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type * as Operation from "@smscx/core/Operation"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as CauseCode from "./causeCode.js"

/** A failure as a log shows it: status, tag, reason; never a message, which may quote input. @internal */
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

/** What a log line may say of a failure: none of its message. */
interface FailureFacts {
  readonly status?: number
  readonly requestId?: string
}

/** Logs the attempt as one debug line when it ends (when the level shows it). @internal */
export const logAttempt =
  (operation: Operation.Any) =>
  <A extends { readonly response: HttpClientResponse.HttpClientResponse }, E, R>(
    attempt: Effect.Effect<A, E, R>
  ): Effect.Effect<A, E, R> =>
    Effect.withFiberRuntime((fiber) => {
      // most calls log nothing: skip the timing and the line altogether
      if (LogLevel.greaterThan(fiber.getFiberRef(FiberRef.currentMinimumLogLevel), LogLevel.Debug)) return attempt
      const started = performance.now()
      return Effect.onExit(attempt, (exit) => {
        const ms = Math.round(performance.now() - started)
        const failure = Exit.isSuccess(exit)
          ? undefined
          : Option.getOrUndefined(Cause.failureOption(exit.cause)) as FailureFacts | undefined
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

/** The debug line of a retry about to wait: after what, how long, which attempt comes next. @internal */
export const logRetry = (operation: Operation.Any, failure: unknown, waitMs: number, nextAttempt: number) => {
  const outcome = outcomeOf(failure)
  return Effect.logDebug(
    `smscx ${operation.id}: ${operation.method} ${operation.path} retrying in ${
      Duration.format(waitMs)
    } (attempt ${nextAttempt}) after ${outcome}`
  ).pipe(Effect.annotateLogs({
    operation: operation.id,
    method: operation.method,
    path: operation.path,
    outcome,
    attempt: nextAttempt,
    waitMs
  }))
}
