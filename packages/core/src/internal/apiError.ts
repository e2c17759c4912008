/**
 * What the generated exception classes (`internal/exceptions.ts`) are built from: the fields
 * every API error carries, the rate-limit headers, and the shape of a mapping rule. Written by
 * hand: none of it is a list the spec restates.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"

/**
 * The rate-limit headers of a response: `X-Rate-Limit-Limit`, `X-Rate-Limit-Remaining` and,
 * on a 429, `X-Rate-Limit-Reset` (seconds until the window resets).
 *
 * @since 0.1.0
 * @category models
 */
export const RateLimit = Schema.Struct({
  limit: Schema.optional(Schema.Number),
  remaining: Schema.optional(Schema.Number),
  reset: Schema.optional(Schema.Number)
}).annotations({ identifier: "@smscx/core/RateLimit" })

/**
 * @since 0.1.0
 * @category models
 */
export type RateLimit = typeof RateLimit.Type

/**
 * What every API error carries: the HTTP status, the body's `error.type`, `error.code`,
 * `error.message` and `error.uri`, the invalid phone numbers where the body lists them, the
 * parsed body itself (or its raw text when it was not JSON), the response headers and the
 * rate-limit headers.
 *
 * @since 0.1.0
 * @category models
 */
export const ApiErrorFields = {
  status: Schema.Number,
  type: Schema.optional(Schema.String),
  code: Schema.optional(Schema.Number),
  message: Schema.String,
  uri: Schema.optional(Schema.String),
  invalid: Schema.optional(Schema.Array(Schema.String)),
  body: Schema.Unknown,
  headers: Schema.Record({ key: Schema.String, value: Schema.String }),
  /** The API's id of the request (`X-Request-Id`), to quote to its support. */
  requestId: Schema.optional(Schema.String),
  rateLimit: RateLimit,
  /**
   * How many attempts the call made, this failure the last (1: it was not retried). Set by the
   * transport on the error a call finally fails with.
   */
  attempts: Schema.optional(Schema.Number)
}

/**
 * The same fields as one Struct, which every generated exception class is built from: a class
 * made from bare fields builds a Struct of its own, and with some 25 classes that was most of
 * what they cost at import. Unannotated, so each class's schema is the one its fields would make.
 * @internal
 */
export const ApiErrorStruct = Schema.Struct(ApiErrorFields)

/**
 * How long to wait before the rate-limit window resets, from `X-Rate-Limit-Reset` (seconds).
 * @internal
 */
export const retryAfter = (rateLimit: RateLimit): Duration.Duration | undefined =>
  rateLimit.reset === undefined ? undefined : Duration.seconds(Math.max(0, rateLimit.reset))

/**
 * The same wait in milliseconds, a plain number (the Promise client's unit).
 * @internal
 */
export const retryAfterMs = (rateLimit: RateLimit): number | undefined =>
  rateLimit.reset === undefined ? undefined : Math.max(0, rateLimit.reset) * 1000

/**
 * One mapping rule of `spec/error-mapping.json`: a status (or status range) and optionally the
 * body's `error.type` and `error.code`s it applies to, and the exception it makes.
 *
 * @since 0.1.0
 * @category models
 */
export interface Rule<Tag extends string = string> {
  readonly status?: number
  readonly statusRange?: readonly [number, number]
  readonly type?: string
  readonly codes?: ReadonlyArray<number>
  readonly exception: Tag
}
