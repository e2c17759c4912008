/**
 * Reading an answer: a 2xx as the operation's success (decoded, with credentials kept out of a
 * DecodeError), anything else as the operation's API error (narrowed to its documented set).
 */
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as ErrorMapping from "@smscx/core/ErrorMapping"
import * as Errors from "@smscx/core/Errors"
import * as JsonGuard from "@smscx/core/JsonGuard"
import type * as Operation from "@smscx/core/Operation"
import * as Issues from "@smscx/core/ParseIssues"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { schemaMemo } from "./schemaMemo.js"

/**
 * What came with a successful answer besides its body.
 * @internal
 */
export interface ResponseMeta {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  /** The API's id of the request (`X-Request-Id`), to quote to its support. */
  readonly requestId: string | undefined
  /** `X-Rate-Limit-Limit`, `-Remaining` and `-Reset`, as numbers. */
  readonly rateLimit: Errors.RateLimit
  /** The idempotency id the request carried (the one you gave, or the one the SDK generated). */
  readonly idempotencyId: string | undefined
}

/** An attempt's answer: the decoded body, and the response it came in. @internal */
export interface DecodedAnswer {
  readonly data: unknown
  readonly response: HttpClientResponse.HttpClientResponse
}

/** @internal */
export const metaOf = (
  response: HttpClientResponse.HttpClientResponse,
  idempotencyId: string | undefined
): ResponseMeta => {
  const headers = response.headers
  return {
    status: response.status,
    headers,
    requestId: headers["x-request-id"],
    rateLimit: ErrorMapping.rateLimitOf(headers),
    idempotencyId
  }
}

// unknown fields of an answer are kept (as the guard keeps them): the API may add fields before
// the SDK knows them
const decoderOf = schemaMemo((schema) => Schema.decodeUnknown(schema, { onExcessProperty: "preserve" }))

/** Fields of an answer whose values are credentials (the token endpoint's): never quoted. */
const SECRET_FIELDS: ReadonlySet<string> = new Set(["access_token", "refresh_token"])

/** The same fields in a body that is not JSON (a form-encoded token answer, say). */
const SECRET_TEXT = /((?:access|refresh)_token["']?\s*[:=]\s*["']?)[^"'&\s,}]+/g

/** Levels of an answer a DecodeError keeps; deeper parts are summarised (nothing real is that deep). */
const KEPT_DEPTH = 32

/**
 * A DecodeError keeps the answer that did not fit, for debugging, but never a credential in it
 * (whatever its type: a malformed token answer may carry a number), and never more levels than
 * any real answer has.
 */
const withoutSecrets = (json: unknown, depth = 0): unknown => {
  if (typeof json !== "object" || json === null) return json
  if (depth >= KEPT_DEPTH) return `<${Issues.excerpt(json)}, nested too deeply to keep>`
  if (Array.isArray(json)) return json.map((item) => withoutSecrets(item, depth + 1))
  return Object.fromEntries(
    Object.entries(json).map(([key, value]) =>
      SECRET_FIELDS.has(key) ? [key, "<redacted>"] : [key, withoutSecrets(value, depth + 1)]
    )
  )
}

const decodeError = (
  operation: Operation.Any,
  response: HttpClientResponse.HttpClientResponse,
  headline: string,
  issues: ReadonlyArray<Errors.Issue>,
  body: unknown
) =>
  new Errors.DecodeError({
    operation: operation.id,
    status: response.status,
    message: Issues.message(`${operation.id}: ${headline}`, issues),
    issues: [...issues],
    body
  })

const readJson = (
  operation: Operation.Any,
  response: HttpClientResponse.HttpClientResponse,
  success: Extract<Operation.Success, { readonly _tag: "Json" }>
): Effect.Effect<unknown, Errors.DecodeError | HttpClientError.ResponseError> =>
  Effect.flatMap(response.text, (text) => {
    // the documented 204 of some updates: no body, nothing to decode
    if (success.noContent === true && (response.status === 204 || text === "")) return Effect.succeed(undefined)
    let json: unknown
    try {
      // never a `__proto__` key: the decode below would make it the answer's prototype
      json = JsonGuard.parse(text)
    } catch {
      return Effect.fail(
        decodeError(operation, response, "the answer is not JSON", [], text.replace(SECRET_TEXT, "$1<redacted>"))
      )
    }
    // the guard accepts a fitting answer at a fraction of a full decode's cost
    if (JsonGuard.of(success.schema)?.(json) === true) return Effect.succeed(json)
    return Effect.mapError(
      decoderOf(success.schema)(json),
      (error) =>
        decodeError(
          operation,
          response,
          "the answer does not fit its schema",
          Issues.collect(error.issue, { redact: SECRET_FIELDS }).issues,
          withoutSecrets(json)
        )
    )
  }).pipe(
    // a stack overflow in the decode (an answer nested thousands deep) is still a DecodeError
    Effect.catchAllDefect((defect) =>
      Effect.fail(
        decodeError(operation, response, "the answer cannot be decoded", [{
          path: [],
          message: Issues.thrown(defect)
        }], undefined)
      )
    )
  )

const readSuccess = (
  operation: Operation.Any,
  response: HttpClientResponse.HttpClientResponse
): Effect.Effect<unknown, Errors.DecodeError | HttpClientError.ResponseError> => {
  const success = operation.success
  switch (success._tag) {
    case "Empty":
      return Effect.asVoid(response.text)
    case "File":
      return Effect.map(response.arrayBuffer, (buffer): Operation.ExportedFile => ({
        contentType: response.headers["content-type"] ?? success.contentType,
        fileName: success.fileNameOf(response.headers["content-disposition"]),
        bytes: new Uint8Array(buffer)
      }))
    case "Json":
      return readJson(operation, response, success)
  }
}

/** What `fitting` gives for an answer that does not fit as it is. @internal */
export const unfit: unique symbol = Symbol.for("@smscx/transport/Response/unfit")

const decoder = new TextDecoder()

/**
 * The success of an answer that fits as it is, read as `read` reads it (the same decoding, the
 * same guard), without an Effect: a 2xx whose JSON the operation's guard accepts. `unfit` for
 * anything else (another status, an empty 204, a body that needs a decode or does not fit), which
 * `read` then reads, for its error.
 * @internal
 */
export const fitting = (operation: Operation.Any, status: number, body: Uint8Array): unknown => {
  const success = operation.success
  if (status < 200 || status >= 300 || success._tag !== "Json" || success.noContent === true) return unfit
  const guard = JsonGuard.of(success.schema)
  if (guard === undefined) return unfit
  try {
    const json = JsonGuard.parse(decoder.decode(body))
    return guard(json) ? json : unfit
  } catch {
    return unfit
  }
}

/**
 * Keeps an API error inside the operation's documented set; anything else keeps its fields as
 * an `ApiException`, so that a method's error type never lies. Applied to each answer by the
 * operation that got it: a failed token fetch keeps the token operation's own errors.
 */
const narrow = (operation: Operation.Any, error: Errors.ApiError): Errors.ApiError => {
  if (operation.errorTags.has(error._tag)) return error
  // `message` is an own but non-enumerable property of an Error: the spread does not copy it
  const { _tag, ...fields } = error
  return new Errors.ApiException({ ...fields, message: error.message }, { disableValidation: true })
}

/**
 * An answer as the operation's success, or its API error. A streamed answer's body is left
 * unread: the caller streams it.
 * @internal
 */
export const read = (
  operation: Operation.Any,
  response: HttpClientResponse.HttpClientResponse,
  streamed: boolean
): Effect.Effect<DecodedAnswer, Errors.ApiError | Errors.DecodeError | HttpClientError.ResponseError> =>
  response.status >= 200 && response.status < 300
    ? streamed
      ? Effect.succeed({ data: undefined, response })
      : Effect.map(readSuccess(operation, response), (data) => ({ data, response }))
    : Effect.flatMap(
      response.text,
      (text) => Effect.fail(narrow(operation, ErrorMapping.fromResponse(response.status, response.headers, text)))
    )
