/**
 * The errors of the SDK: one tagged class per exception of the vendor's clients (the
 * `_tag` is the vendor's exception name, typos included), plus the SDK's own errors for
 * failures that have no API response behind them.
 *
 * The API's exceptions and their `ApiExceptions` map are generated from
 * `spec/error-mapping.json` (`internal/exceptions.ts`, exported here as they are); this module
 * adds what is not a list: the fields they share, the guards, and the SDK's own errors.
 *
 * @since 0.1.0
 */
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import { ApiExceptions } from "./internal/exceptions.js"

export {
  /**
   * @since 0.1.0
   * @category models
   */
  ApiErrorFields,
  /**
   * @since 0.1.0
   * @category models
   */
  RateLimit
} from "./internal/apiError.js"

/**
 * The API's exceptions, one class per exception of `spec/error-mapping.json`
 * (`RateLimitExcedeedException`, ..., with `RateLimitExceededException` as an alias), and
 * `ApiExceptions`, every class by tag.
 *
 * @since 0.1.0
 * @category errors
 */
export * from "./internal/exceptions.js"

/**
 * The tag of an API exception (the vendor's exception name).
 * @since 0.1.0
 * @category errors
 */
export type ApiExceptionTag = keyof typeof ApiExceptions

/**
 * Any API exception class.
 * @since 0.1.0
 * @category errors
 */
export type ApiExceptionClass = (typeof ApiExceptions)[ApiExceptionTag]

/**
 * Any error answered by the API.
 * @since 0.1.0
 * @category errors
 */
export type ApiError = InstanceType<ApiExceptionClass>

const apiTags: ReadonlySet<string> = new Set(Object.keys(ApiExceptions))

/**
 * Whether a value is an error answered by the API (the vendor's `ApiException` family).
 * @since 0.1.0
 * @category guards
 */
export const isApiError = (u: unknown): u is ApiError =>
  Predicate.hasProperty(u, "_tag") && typeof u._tag === "string" && apiTags.has(u._tag)

/**
 * One problem with a value: where it is (`["data", 0, "msgId"]`) and what is wrong, with at most
 * a short excerpt of the offending value (an error message never embeds a whole value).
 *
 * @since 0.1.0
 * @category models
 */
export const Issue = Schema.Struct({
  path: Schema.Array(Schema.Union(Schema.String, Schema.Number)),
  message: Schema.String
}).annotations({ identifier: "@smscx/core/Issue" })

/**
 * @since 0.1.0
 * @category models
 */
export type Issue = typeof Issue.Type

/**
 * A request that breaks the operation's schema (too long `from`, a bad UUID, more than 25,000
 * recipients, a missing required field, ...). Raised before anything is sent; the vendor's
 * clients call these `ApiValueError` / `ApiTypeError`.
 *
 * @since 0.1.0
 * @category errors
 */
export class RequestValidationError extends Schema.TaggedError<RequestValidationError>()("RequestValidationError", {
  operation: Schema.String,
  message: Schema.String,
  issues: Schema.Array(Issue)
}) {}

/**
 * No usable answer came back: the connection failed, or the request timed out. It carries
 * the method and URL (never a header, so never a credential).
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportError extends Schema.TaggedError<TransportError>()("TransportError", {
  /**
   * `Transport`: the connection failed; `Timeout`: the deadline passed; `ResponseTooLarge`: the
   * answer passed `maxResponseBytes` (reading stopped there); `Closed`: the client was closed
   * while the call was in flight, or before it started; `InvalidUrl`, `Encode`: the request could
   * not be sent as built.
   */
  reason: Schema.Literal("Transport", "Timeout", "ResponseTooLarge", "Closed", "InvalidUrl", "Encode"),
  method: Schema.String,
  url: Schema.String,
  message: Schema.String,
  cause: Schema.optional(Schema.Defect),
  /**
   * How many attempts the call made, this failure the last (1: it was not retried). Set by the
   * transport on the error a call finally fails with.
   */
  attempts: Schema.optional(Schema.Number)
}) {}

/**
 * A 2xx answer whose body does not fit the operation's response schema.
 *
 * @since 0.1.0
 * @category errors
 */
export class DecodeError extends Schema.TaggedError<DecodeError>()("DecodeError", {
  operation: Schema.String,
  status: Schema.Number,
  /** Short: the first few issues with their paths. */
  message: Schema.String,
  // what `Schema.optionalWith(..., { default: () => [] })` builds, written out: optionalWith
  // brings all its variants into every bundle (~0.6 KB gzipped)
  /** Every issue found, each with its path. */
  issues: Schema.optionalToRequired(Schema.UndefinedOr(Schema.Array(Issue)), Schema.Array(Issue), {
    decode: (issues) => Option.getOrElse(Option.filter(issues, Predicate.isNotUndefined), () => []),
    encode: Option.some
  }).pipe(Schema.withConstructorDefault(() => [])),
  /** The answer as received (credentials in it replaced by `<redacted>`). */
  body: Schema.Unknown,
  /**
   * How many attempts the call made, this failure the last (1: it was not retried). Set by the
   * transport on the error a call finally fails with.
   */
  attempts: Schema.optional(Schema.Number)
}) {}

/**
 * Options a client was built with that cannot work: a `baseUrl` that is not an http(s) URL, a
 * credential or user agent that cannot be sent as an HTTP header (CR/LF, characters outside
 * Latin-1), a timeout or retry setting that is not a finite, bounded number. Raised when the
 * client is built (the layer fails, the Promise client's constructor throws); nothing is sent.
 * The message names the option, never a secret's value.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidOptionsError extends Schema.TaggedError<InvalidOptionsError>()("InvalidOptionsError", {
  /** The option at fault, e.g. `baseUrl`, `retry.maxRetries`. */
  option: Schema.String,
  message: Schema.String
}) {}

/**
 * The SDK's own errors, which have no API answer behind them.
 * @since 0.1.0
 * @category errors
 */
export type ClientError = RequestValidationError | TransportError | DecodeError

/**
 * Every error the SDK raises: the API's exceptions, its own client-side errors, and an
 * `InvalidOptionsError` from a constructor.
 *
 * @since 0.1.0
 * @category errors
 */
export type SmsCxError = ApiError | ClientError | InvalidOptionsError

const clientTags: ReadonlySet<string> = new Set([
  ...[RequestValidationError, TransportError, DecodeError, InvalidOptionsError].map((error) => error._tag),
  // raised by Webhooks.decode (kept there, next to the payloads it checks; it imports this module)
  "WebhookDecodeError"
])

/**
 * Whether a value is an error the SDK raised.
 * @since 0.1.0
 * @category guards
 */
export const isSmsCxError = (u: unknown): u is SmsCxError =>
  u instanceof Error && Predicate.hasProperty(u, "_tag") && typeof u._tag === "string" &&
  (apiTags.has(u._tag) || clientTags.has(u._tag))

/**
 * One base for `instanceof`: `err instanceof SmsCxError` is true for every API exception and
 * every client-side error (then narrow by `_tag`), the way `err instanceof Stripe.errors.StripeError`
 * is. The classes stay separate `Schema.TaggedError`s; this checks their tags.
 *
 * @since 0.1.0
 * @category errors
 */
export const SmsCxError: { readonly [Symbol.hasInstance]: (u: unknown) => u is SmsCxError } = {
  [Symbol.hasInstance]: isSmsCxError
}
