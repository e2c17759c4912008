/**
 * The errors of the SDK: one tagged class per exception of the vendor's clients (the
 * `_tag` is the vendor's exception name, typos included), plus the SDK's own errors for
 * failures that have no API response behind them.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
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
 * Any non-2xx answer that no more specific rule matches; every API error has its fields.
 * @since 0.1.0
 * @category errors
 */
export class ApiException extends Schema.TaggedError<ApiException>()("ApiException", ApiErrorFields) {}
/**
 * 403 `access_denied`.
 * @since 0.1.0
 * @category errors
 */
export class AccessDeniedException
  extends Schema.TaggedError<AccessDeniedException>()("AccessDeniedException", ApiErrorFields)
{}
/**
 * 405: the method is not allowed on this resource.
 * @since 0.1.0
 * @category errors
 */
export class ApiMethodNotAllowedException
  extends Schema.TaggedError<ApiMethodNotAllowedException>()("ApiMethodNotAllowedException", ApiErrorFields)
{}
/**
 * 403 `access_denied` 1606/1608: the channel is not active on the account.
 * @since 0.1.0
 * @category errors
 */
export class ChannelNotActiveException
  extends Schema.TaggedError<ChannelNotActiveException>()("ChannelNotActiveException", ApiErrorFields)
{}
/**
 * 400 `duplicate_id`: e.g. a shortlink id that already exists.
 * @since 0.1.0
 * @category errors
 */
export class DuplicateIdException
  extends Schema.TaggedError<DuplicateIdException>()("DuplicateIdException", ApiErrorFields)
{}
/**
 * 400 `duplicate_value`.
 * @since 0.1.0
 * @category errors
 */
export class DuplicateValueException
  extends Schema.TaggedError<DuplicateValueException>()("DuplicateValueException", ApiErrorFields)
{}
/**
 * 400 `insufficient_credit`: the balance or the credit limit does not cover the cost.
 * @since 0.1.0
 * @category errors
 */
export class InsufficientBalanceException
  extends Schema.TaggedError<InsufficientBalanceException>()("InsufficientBalanceException", ApiErrorFields)
{}
/**
 * 403 `insufficient_scope` (or any other 403): the token's scopes do not cover the call.
 * @since 0.1.0
 * @category errors
 */
export class InsufficientScopeException
  extends Schema.TaggedError<InsufficientScopeException>()("InsufficientScopeException", ApiErrorFields)
{}
/**
 * 401: a missing, unknown or expired API key, token or application credential.
 * @since 0.1.0
 * @category errors
 */
export class InvalidCredentialsException
  extends Schema.TaggedError<InvalidCredentialsException>()("InvalidCredentialsException", ApiErrorFields)
{}
/**
 * 400 `invalid_param` 1207/1210: invalid phone numbers, listed in `invalid`.
 * @since 0.1.0
 * @category errors
 */
export class InvalidPhoneNumberException
  extends Schema.TaggedError<InvalidPhoneNumberException>()("InvalidPhoneNumberException", ApiErrorFields)
{}
/**
 * 400 `invalid_pin`: the OTP code does not match.
 * @since 0.1.0
 * @category errors
 */
export class InvalidPinException
  extends Schema.TaggedError<InvalidPinException>()("InvalidPinException", ApiErrorFields)
{}
/**
 * 400 `invalid_param` (and any other 400): the API rejected a parameter.
 * @since 0.1.0
 * @category errors
 */
export class InvalidRequestException
  extends Schema.TaggedError<InvalidRequestException>()("InvalidRequestException", ApiErrorFields)
{}
/**
 * 400 `invalid_scope`: an OAuth scope that is unknown or malformed.
 * @since 0.1.0
 * @category errors
 */
export class InvalidScopeException
  extends Schema.TaggedError<InvalidScopeException>()("InvalidScopeException", ApiErrorFields)
{}
/**
 * 403 `no_coverage`: the destination is not covered or is restricted.
 * @since 0.1.0
 * @category errors
 */
export class NoCoverageException
  extends Schema.TaggedError<NoCoverageException>()("NoCoverageException", ApiErrorFields)
{}
/**
 * 403 `access_denied` 2031: the OTP action is not allowed.
 * @since 0.1.0
 * @category errors
 */
export class OtpActionNotAllowedException
  extends Schema.TaggedError<OtpActionNotAllowedException>()("OtpActionNotAllowedException", ApiErrorFields)
{}
/**
 * 400 `otp_verified`.
 * @since 0.1.0
 * @category errors
 */
export class OtpAlreadyVerifiedException
  extends Schema.TaggedError<OtpAlreadyVerifiedException>()("OtpAlreadyVerifiedException", ApiErrorFields)
{}
/**
 * 400 `otp_cancelled`, or 403 `access_denied` 2030.
 * @since 0.1.0
 * @category errors
 */
export class OtpCancelledException
  extends Schema.TaggedError<OtpCancelledException>()("OtpCancelledException", ApiErrorFields)
{}
/**
 * 400 `otp_expired`.
 * @since 0.1.0
 * @category errors
 */
export class OtpExpiredException
  extends Schema.TaggedError<OtpExpiredException>()("OtpExpiredException", ApiErrorFields)
{}
/**
 * 400 `otp_failed`.
 * @since 0.1.0
 * @category errors
 */
export class OtpFailedException
  extends Schema.TaggedError<OtpFailedException>()("OtpFailedException", ApiErrorFields)
{}
/**
 * 429. The vendor's spelling; `RateLimitExceededException` is an alias. `retryAfter` is
 * `X-Rate-Limit-Reset` as a Duration, `retryAfterMs` in milliseconds.
 * @since 0.1.0
 * @category errors
 */
export class RateLimitExcedeedException
  extends Schema.TaggedError<RateLimitExcedeedException>()("RateLimitExcedeedException", ApiErrorFields)
{
  /** How long to wait before the window resets, from `X-Rate-Limit-Reset` (seconds). */
  get retryAfter(): Duration.Duration | undefined {
    const reset = this.rateLimit.reset
    return reset === undefined ? undefined : Duration.seconds(Math.max(0, reset))
  }
  /** The same wait in milliseconds, a plain number (the Promise client's unit). */
  get retryAfterMs(): number | undefined {
    const reset = this.rateLimit.reset
    return reset === undefined ? undefined : Math.max(0, reset) * 1000
  }
}
/**
 * The correctly spelled alias of {@link RateLimitExcedeedException} (same class, same `_tag`).
 * @since 0.1.0
 * @category errors
 */
export const RateLimitExceededException = RateLimitExcedeedException
/**
 * @since 0.1.0
 * @category errors
 */
export type RateLimitExceededException = RateLimitExcedeedException
/**
 * 404: the resource does not exist.
 * @since 0.1.0
 * @category errors
 */
export class ResourceNotFoundException
  extends Schema.TaggedError<ResourceNotFoundException>()("ResourceNotFoundException", ApiErrorFields)
{}
/**
 * 5xx, with a JSON body or not (a proxy's HTML page keeps its raw text in `body`).
 * @since 0.1.0
 * @category errors
 */
export class ServerErrorException
  extends Schema.TaggedError<ServerErrorException>()("ServerErrorException", ApiErrorFields)
{}
/**
 * 403 `access_denied` 1132/1133: the template is not approved.
 * @since 0.1.0
 * @category errors
 */
export class TemplateNotApprovedException
  extends Schema.TaggedError<TemplateNotApprovedException>()("TemplateNotApprovedException", ApiErrorFields)
{}

/**
 * Every API exception class, by tag.
 * @since 0.1.0
 * @category errors
 */
export const ApiExceptions = {
  AccessDeniedException,
  ApiException,
  ApiMethodNotAllowedException,
  ChannelNotActiveException,
  DuplicateIdException,
  DuplicateValueException,
  InsufficientBalanceException,
  InsufficientScopeException,
  InvalidCredentialsException,
  InvalidPhoneNumberException,
  InvalidPinException,
  InvalidRequestException,
  InvalidScopeException,
  NoCoverageException,
  OtpActionNotAllowedException,
  OtpAlreadyVerifiedException,
  OtpCancelledException,
  OtpExpiredException,
  OtpFailedException,
  RateLimitExcedeedException,
  ResourceNotFoundException,
  ServerErrorException,
  TemplateNotApprovedException
} as const

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
