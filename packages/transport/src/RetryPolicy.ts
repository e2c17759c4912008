/**
 * When the SDK tries a request again: after a 429, waiting `X-Rate-Limit-Reset` seconds (or an
 * exponential backoff when the header is missing), a bounded number of times.
 *
 * @since 0.1.0
 */
import type { RateLimitExcedeedException } from "@smscx/core/Errors"
import * as Duration from "effect/Duration"
import * as Predicate from "effect/Predicate"
import * as Schedule from "effect/Schedule"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** How many times a rate-limited request is tried again. Default 3. */
  readonly maxRetries?: number
  /** The longest wait the SDK accepts; a longer `X-Rate-Limit-Reset` fails at once. Default 60 s. */
  readonly maxDelay?: Duration.DurationInput
  /** The first backoff when the API sends no reset header; it doubles each time. Default 500 ms. */
  readonly baseDelay?: Duration.DurationInput
}

/**
 * @since 0.1.0
 * @category defaults
 */
export const defaults = { maxRetries: 3, maxDelay: Duration.seconds(60), baseDelay: Duration.millis(500) } as const

/**
 * The shortest wait before a retry, whatever the server says: `X-Rate-Limit-Reset: 0` must not
 * turn retries into a burst.
 * @since 0.1.0
 * @category defaults
 */
export const minDelay: Duration.Duration = Duration.millis(100)

const isRateLimited = (e: unknown): e is RateLimitExcedeedException =>
  Predicate.isTagged(e, "RateLimitExcedeedException")

/**
 * The schedule the transport retries with; `false` turns retries off.
 *
 * @since 0.1.0
 * @category constructors
 */
export const rateLimit = (options: Options | false = {}): Schedule.Schedule<unknown, unknown> => {
  if (options === false) return Schedule.stop
  const maxRetries = options.maxRetries ?? defaults.maxRetries
  const maxDelay = Duration.decode(options.maxDelay ?? defaults.maxDelay)
  const waitFor = (e: RateLimitExcedeedException, backoff: Duration.Duration) => e.retryAfter ?? backoff
  return Schedule.exponential(options.baseDelay ?? defaults.baseDelay).pipe(
    Schedule.intersect(Schedule.recurs(maxRetries)),
    Schedule.intersect(Schedule.identity<unknown>()),
    Schedule.whileInput((e: unknown) =>
      isRateLimited(e) && Duration.lessThanOrEqualTo(waitFor(e, Duration.zero), maxDelay)
    ),
    Schedule.modifyDelay(([, e], backoff) => Duration.max(isRateLimited(e) ? waitFor(e, backoff) : backoff, minDelay))
  )
}
