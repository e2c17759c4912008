/**
 * When the SDK tries a call again, and how long it waits first. One policy, a `Schedule` fed
 * with each failure, replaceable as a whole:
 *
 * - a 429 (which the API did not perform) is retried for any method, after `X-Rate-Limit-Reset`;
 * - a failure after which the request may have reached the server (5xx, 408, a reset connection,
 *   a lost answer, a timeout) is retried only when repeating it is safe: a GET or a DELETE, or a
 *   body carrying an idempotency id (the same id on every attempt);
 * - a connection refused, or a name the DNS could not look up for now (`EAI_AGAIN`): the request
 *   certainly never left, so it is retried for any method, but once only by default
 *   (`maxRefusedRetries`): nothing listening there rarely changes within seconds;
 * - a host name that does not resolve (`ENOTFOUND`), a TLS certificate refused
 *   (`CERT_HAS_EXPIRED`, `DEPTH_ZERO_SELF_SIGNED_CERT`, ...) and a TLS handshake that failed
 *   (`EPROTO`, `ERR_SSL_WRONG_VERSION_NUMBER`, ...) are final: trying again gets the same;
 * - anything else (an invalid request, a 4xx, an answer that does not decode) is final.
 *
 * Waits back off exponentially with jitter, bounded by `maxRetries` and by `maxElapsed`.
 *
 * @since 0.1.0
 */
import * as Errors from "@smscx/core/Errors"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleInterval from "effect/ScheduleInterval"
import * as CauseCode from "./internal/causeCode.js"

/**
 * The call a policy decides about.
 *
 * @since 0.1.0
 * @category models
 */
export interface Request {
  /** The operation's id, e.g. `sendSms`. */
  readonly operation: string
  /** `GET`, `POST`, `PATCH`, `PUT` or `DELETE`. */
  readonly method: string
  /**
   * Whether repeating the request cannot perform it twice: a GET or a DELETE, or a body carrying
   * an idempotency id (the API performs and bills one request per id).
   */
  readonly idempotent: boolean
  /** When the call started, in epoch milliseconds of the Effect `Clock`: `maxElapsed` counts from here. */
  readonly startedAt: number
}

/**
 * A retry policy: for each call, a `Schedule` whose input is the failure of the attempt just
 * made; when it is done, the call fails with that failure. The transport makes the first
 * attempt, then one more for each step the schedule continues, after its delay.
 *
 * @since 0.1.0
 * @category models
 */
export type Policy = (request: Request) => Schedule.Schedule<unknown, unknown>

/**
 * Durations are Effect `DurationInput`s: a number is milliseconds, or e.g. `"2 seconds"`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** How many times a call is tried again (after its first attempt). Default 3; 0 turns retries off. */
  readonly maxRetries?: number
  /**
   * How many of those retries a refused connection (or a DNS lookup that failed for now) may
   * take: nothing listens at the address, which rarely changes within seconds. Default 1.
   */
  readonly maxRefusedRetries?: number
  /** The first backoff; it doubles each time. Default 500 ms. */
  readonly baseDelay?: Duration.DurationInput
  /**
   * The longest single wait: a backoff stops growing there, and a longer `X-Rate-Limit-Reset`
   * fails at once. Default 60 s.
   */
  readonly maxDelay?: Duration.DurationInput
  /**
   * The longest a call goes on retrying, from its start: no retry starts whose wait would end
   * past it. Default 2 minutes.
   */
  readonly maxElapsed?: Duration.DurationInput
  /** Spread the waits at random (from the Effect `Random` service), so clients do not retry in step. Default true. */
  readonly jitter?: boolean
  /** Replaces the whole policy (the other fields are then ignored); `classify` keeps its safety rules at hand. */
  readonly policy?: Policy
}

/**
 * @since 0.1.0
 * @category defaults
 */
export const defaults = {
  maxRetries: 3,
  maxRefusedRetries: 1,
  baseDelay: Duration.millis(500),
  maxDelay: Duration.seconds(60),
  maxElapsed: Duration.minutes(2),
  jitter: true
} as const

/**
 * The shortest wait before a retry, whatever the server says: `X-Rate-Limit-Reset: 0` must not
 * turn retries into a burst.
 * @since 0.1.0
 * @category defaults
 */
export const minDelay: Duration.Duration = Duration.millis(100)

/**
 * What a failure allows:
 *
 * - `rateLimited`: a 429; retry after `X-Rate-Limit-Reset`;
 * - `transient`: a failure worth trying again, and safe to try again for this request;
 * - `never`: final (the request was wrong, or repeating it could perform it twice).
 *
 * @since 0.1.0
 * @category models
 */
export type Classification = "rateLimited" | "transient" | "never"

/** Causes are followed this deep at most: a cycle or an absurd chain ends the search. */
const CAUSE_DEPTH = 8

/**
 * Whether a cause chain says the connection was refused: the request never left, so repeating it
 * cannot perform it twice. Node puts the code on the error (an `AggregateError` of refusals when
 * it tried several addresses); other clients keep only the message.
 */
const refused = (u: unknown, depth = 0): boolean => {
  if (depth > CAUSE_DEPTH || typeof u !== "object" || u === null) return false
  try {
    const error = u as { readonly code?: unknown; readonly message?: unknown; readonly errors?: unknown }
    if (error.code === "ECONNREFUSED") return true
    if (typeof error.message === "string" && /\bconnect ECONNREFUSED\b/.test(error.message)) return true
    const errors = error.errors
    if (Array.isArray(errors) && errors.length > 0 && errors.every((e) => refused(e, depth + 1))) return true
    return refused((u as { readonly cause?: unknown }).cause, depth + 1)
  } catch {
    // a cause whose properties throw says nothing about the connection
    return false
  }
}

/**
 * Codes after which trying again gets the same answer: a name that does not resolve, a
 * certificate refused, a TLS handshake that failed.
 */
const isFinalCode = (code: string | undefined): boolean =>
  code !== undefined && (code === "ENOTFOUND" || CauseCode.isCertificateCode(code) || CauseCode.isHandshakeCode(code))

/**
 * Whether a failure is a refused connection (or a DNS lookup that failed for now): the request
 * never left, and `maxRefusedRetries` bounds its retries.
 *
 * @since 0.3.0
 * @category classification
 */
export const isRefused = (error: unknown): boolean => {
  if (!Predicate.isTagged(error, "TransportError")) return false
  const { cause, reason } = error as unknown as Errors.TransportError
  return reason === "Transport" && (refused(cause) || CauseCode.codeOf(cause) === "EAI_AGAIN")
}

/**
 * Classifies a failure of an attempt, with the safety rules of the default policy, for a custom
 * policy to reuse.
 *
 * @since 0.1.0
 * @category classification
 */
export const classify = (error: unknown, request: Request): Classification => {
  if (Errors.isApiError(error)) {
    if (error.status === 429) return "rateLimited"
    return (error.status >= 500 || error.status === 408) && request.idempotent ? "transient" : "never"
  }
  if (Predicate.isTagged(error, "TransportError")) {
    const { cause, reason } = error as unknown as Errors.TransportError
    if (reason !== "Transport" && reason !== "Timeout") return "never"
    if (reason === "Transport" && isFinalCode(CauseCode.codeOf(cause))) return "never"
    return request.idempotent || isRefused(error) ? "transient" : "never"
  }
  return "never"
}

/**
 * `X-Rate-Limit-Reset` of a 429, when it is a usable number of seconds (a negative one is not:
 * the header is then as good as missing).
 */
const resetOf = (error: unknown): number | undefined => {
  if (!Errors.isApiError(error) || error.status !== 429) return undefined
  const reset = error.rateLimit.reset
  return reset === undefined || !Number.isFinite(reset) || reset < 0 ? undefined : reset * 1000
}

/** The share of a rate-limit wait added at random on top of it (never taken off). */
const RESET_JITTER = 0.1

/** The step of a schedule that is done. */
const stopped = Effect.succeed([0, Duration.zero, ScheduleDecision.done] as const)

/**
 * A policy that never retries.
 *
 * @since 0.1.0
 * @category constructors
 */
export const none: Policy = () => Schedule.makeWithState(0, () => stopped)

/**
 * The default policy with these options (see the module's description); `false` never retries.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options | false = {}): Policy => {
  if (options === false) return none
  if (options.policy !== undefined) return options.policy
  const maxRetries = options.maxRetries ?? defaults.maxRetries
  if (maxRetries <= 0) return none
  const maxRefusedRetries = options.maxRefusedRetries ?? defaults.maxRefusedRetries
  // in milliseconds: Duration's arithmetic would bundle more for the same numbers
  const baseDelay = Duration.toMillis(options.baseDelay ?? defaults.baseDelay)
  const maxDelay = Duration.toMillis(options.maxDelay ?? defaults.maxDelay)
  const maxElapsed = Duration.toMillis(options.maxElapsed ?? defaults.maxElapsed)
  const jitter = options.jitter ?? defaults.jitter
  const floor = (millis: number) => Math.max(millis, Duration.toMillis(minDelay))
  // one step function rather than a pipeline of combinators: the same schedule, in a fraction of
  // the bundle (every program that sends a request carries it)
  return (request) =>
    Schedule.makeWithState<number, unknown, Duration.Duration>(0, (now, error, retries) => {
      if (retries >= maxRetries || classify(error, request) === "never") return stopped
      if (retries >= maxRefusedRetries && isRefused(error)) return stopped
      const reset = resetOf(error)
      if (reset !== undefined && reset > maxDelay) return stopped
      return Effect.gen(function*() {
        // exponential from baseDelay, spread over [0.8, 1.2) of itself (as Schedule.jittered does)
        const backoff = baseDelay * 2 ** retries * (jitter ? 0.8 + 0.4 * (yield* Random.next) : 1)
        let delay: number
        if (reset === undefined) delay = floor(Math.min(backoff, maxDelay))
        else {
          const wait = floor(reset)
          // on top of the reset, never below it, and past maxDelay only as far as the reset itself is
          delay = jitter ? Math.max(wait, Math.min(wait * (1 + RESET_JITTER * (yield* Random.next)), maxDelay)) : wait
        }
        const at = now + delay
        return at > request.startedAt + maxElapsed
          ? [retries, Duration.millis(delay), ScheduleDecision.done] as const
          : [retries + 1, Duration.millis(delay), ScheduleDecision.continueWith(ScheduleInterval.after(at))] as const
      })
    })
}

/** The errors that carry an `attempts` field. */
const carriesAttempts = (error: unknown): error is Errors.ApiError | Errors.TransportError | Errors.DecodeError =>
  Errors.isApiError(error) || Predicate.isTagged(error, "TransportError") || Predicate.isTagged(error, "DecodeError")

/**
 * The error with `attempts` set: a copy of the same class (errors may be shared, e.g. one failed
 * token fetch by every call that waited for it), keeping its stack. Any other value is returned
 * as it is.
 *
 * @since 0.1.0
 * @category utils
 */
export const withAttempts = <E>(error: E, attempts: number): E => {
  if (!carriesAttempts(error) || error.attempts === attempts) return error
  const Class = error.constructor as new(fields: object, options: { readonly disableValidation: boolean }) => E
  // `message` and `cause` are own but non-enumerable properties of an Error: the spread skips them
  const { ...fields } = error
  const cause = (error as { readonly cause?: unknown }).cause
  const copy = new Class(
    { ...fields, message: error.message, ...(cause === undefined ? {} : { cause }), attempts },
    { disableValidation: true }
  )
  Object.defineProperty(copy, "stack", { value: error.stack, writable: true, configurable: true, enumerable: false })
  return copy
}
