/**
 * The API's error answers: `{"error": {"type", "code", "message", "uri"}}`, plus a top-level
 * `invalid` list of phone numbers for 1207/1210.
 */
import * as ErrorCatalogue from "@smscx/core/ErrorCatalogue"
import type * as Generated from "@smscx/core/Generated"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

/** @internal */
type ErrorType = Generated.Error["type"]

/** One documented error: what the API answers for it. @internal */
export interface ErrorSpec {
  readonly status: number
  readonly type: ErrorType
  readonly code: number
  readonly message: string
}

/** @internal */
export const spec = (status: number, type: ErrorType, code: number, message: string): ErrorSpec => ({
  status,
  type,
  code,
  message
})

/** An operation's id in the catalogue. @internal */
type OperationId = keyof typeof ErrorCatalogue.errors

/** The codes an operation documents. @internal */
type CodeOf<Id extends OperationId> = Extract<
  (typeof ErrorCatalogue.errors)[Id][number],
  { code: number }
>["code"]

/**
 * A documented error of an operation, as its table in the spec gives it (status, type, code,
 * message): read from the catalogue codegen extracts, never retyped. Where several rows share a
 * code (the token endpoint's 1600), `type` or a fragment of the message picks one.
 * @internal
 */
export const documented = <Id extends OperationId>(
  operationId: Id,
  code: CodeOf<Id>,
  pick: { readonly type?: ErrorType; readonly message?: string } = {}
): ErrorSpec => {
  const rows: ReadonlyArray<ErrorCatalogue.Entry> = ErrorCatalogue.errors[operationId]
  const row = rows.find((r) =>
    r.code === code && (pick.type === undefined || r.type === pick.type) &&
    (pick.message === undefined || r.message.includes(pick.message))
  )
  // the types above make this unreachable for the codes a module names; a pick that matches no
  // row is a sandbox bug, found by the first test that reaches it
  if (row === undefined) throw new Error(`${operationId} documents no error ${code} ${JSON.stringify(pick)}`)
  return spec(row.status, row.type as ErrorType, code, row.message)
}

/** A request the sandbox answers with an API error. @internal */
export class ApiFailure extends Schema.TaggedError<ApiFailure>()("ApiFailure", {
  status: Schema.Int,
  type: Schema.String,
  code: Schema.Int,
  message: Schema.String,
  invalid: Schema.optional(Schema.Array(Schema.String)),
  headers: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String }))
}) {}

/** @internal */
export const failure = (
  error: ErrorSpec,
  extra: { readonly invalid?: ReadonlyArray<string>; readonly headers?: Record<string, string> } = {}
): ApiFailure => new ApiFailure({ ...error, ...extra })

/** @internal */
export const fail = (
  error: ErrorSpec,
  extra?: { readonly invalid?: ReadonlyArray<string>; readonly headers?: Record<string, string> }
): Effect.Effect<never, ApiFailure> => Effect.fail(failure(error, extra))

/** The error body on the wire. @internal */
export const body = (error: ApiFailure): Record<string, unknown> => ({
  error: {
    type: error.type,
    code: error.code,
    message: error.message,
    uri: "https://docs.sms.cx/#error-codes"
  },
  ...(error.invalid === undefined ? {} : { invalid: error.invalid })
})

/**
 * Errors every operation can meet. The spec documents their status and type but no code, so
 * the sandbox numbers them itself, below the documented 11xx range.
 * @internal
 */
export const Generic = {
  invalidParam: (field: string): ErrorSpec =>
    spec(400, "invalid_param", 1000, `The parameter \`${field}\` is not valid`),
  missingApiKey: spec(401, "invalid_api_key", 1001, "No API key or access token provided"),
  invalidApiKey: spec(401, "invalid_api_key", 1001, "The API key provided is not valid"),
  invalidToken: spec(401, "invalid_api_key", 1002, "The access token provided is not valid or has expired"),
  insufficientScope: (scope: string): ErrorSpec =>
    spec(403, "insufficient_scope", 1003, `The access token does not have the scope \`${scope}\``),
  notFound: spec(404, "not_found", 1004, "The requested resource does not exist"),
  invalidMethod: (method: string): ErrorSpec =>
    spec(405, "invalid_method", 1005, `The method ${method} is not allowed for this resource`),
  rateLimit: spec(429, "rate_limit", 1006, "Too many requests"),
  invalidBody: spec(400, "invalid_body", 1007, "The request body is not valid JSON"),
  // a value so deep that looking at it overflows the stack: the input's fault, not a 500
  bodyTooDeep: spec(400, "invalid_body", 1007, "The request body is nested too deeply"),
  serverError: spec(500, "server_error", 1008, "Internal server error"),
  // the spec's `Error.type` has no "too large": the body is what is refused, so `invalid_body`
  payloadTooLarge: (maxBytes: number): ErrorSpec =>
    spec(413, "invalid_body", 1009, `The request body is too large (max. ${maxBytes} bytes)`),
  // the spec documents no error for a reused id (1111 is a malformed one): the generic one
  idempotencyIdReused: spec(
    400,
    "invalid_param",
    1000,
    "The parameter `idempotencyId` was already used with a different request"
  )
} as const
