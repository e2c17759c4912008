/**
 * How a non-2xx answer of the API becomes an exception: the rules of `spec/error-mapping.json`
 * (the vendor clients' own decision), tried in order.
 *
 * @since 0.1.0
 */
import { isRecord } from "effect/Predicate"
import * as Errors from "./Errors.js"
import type * as ApiError from "./internal/apiError.js"
import * as MappingRules from "./internal/mappingRules.js"
import * as JsonGuard from "./JsonGuard.js"

/**
 * One mapping rule: a status (or status range) and optionally the body's `error.type` and
 * `error.code`s it applies to.
 *
 * @since 0.1.0
 * @category models
 */
export interface Rule extends ApiError.Rule<Errors.ApiExceptionTag> {}

/**
 * The rules, in the order they are tried (generated from `spec/error-mapping.json`); anything no
 * rule matches is an `ApiException`.
 *
 * @since 0.1.0
 * @category rules
 */
export const rules: ReadonlyArray<Rule> = MappingRules.rules

/**
 * The exception tag for a status and the body's `error.type` / `error.code`.
 *
 * @since 0.1.0
 * @category mapping
 */
export const exceptionTag = (status: number, type?: string, code?: number): Errors.ApiExceptionTag => {
  for (const rule of rules) {
    if (rule.status !== undefined && rule.status !== status) continue
    if (rule.statusRange !== undefined && (status < rule.statusRange[0] || status > rule.statusRange[1])) continue
    if (rule.type !== undefined && rule.type !== type) continue
    if (rule.codes !== undefined && (code === undefined || !rule.codes.includes(code))) continue
    return rule.exception
  }
  return "ApiException"
}

const MESSAGE_LENGTH = 500

const clip = (text: string) => text.length <= MESSAGE_LENGTH ? text : `${text.slice(0, MESSAGE_LENGTH)}…`

const intHeader = (headers: Readonly<Record<string, string>>, name: string): number | undefined => {
  const raw = headers[name]
  if (raw === undefined || raw.trim() === "") return undefined
  const n = Number(raw)
  return Number.isFinite(n) ? n : undefined
}

/**
 * Reads `X-Rate-Limit-Limit`, `X-Rate-Limit-Remaining` and `X-Rate-Limit-Reset` from
 * lower-cased response headers.
 *
 * @since 0.1.0
 * @category mapping
 */
export const rateLimitOf = (headers: Readonly<Record<string, string>>): Errors.RateLimit => {
  const limit = intHeader(headers, "x-rate-limit-limit")
  const remaining = intHeader(headers, "x-rate-limit-remaining")
  const reset = intHeader(headers, "x-rate-limit-reset")
  return {
    ...(limit === undefined ? {} : { limit }),
    ...(remaining === undefined ? {} : { remaining }),
    ...(reset === undefined ? {} : { reset })
  }
}

/**
 * Builds the exception for a non-2xx answer from its status, lower-cased headers and raw body
 * text. A body that is not the API's JSON envelope (say, a proxy's HTML 502) is still mapped
 * by status, and its raw text is kept in `body`.
 *
 * @since 0.1.0
 * @category mapping
 */
export const fromResponse = (
  status: number,
  headers: Readonly<Record<string, string>>,
  text: string
): Errors.ApiError => {
  let body: unknown = text
  try {
    // the error keeps the body: never with a `__proto__` key a later copy could turn into a prototype
    body = text === "" ? text : JsonGuard.parse(text)
  } catch {
    // not JSON: keep the raw text
  }
  const envelope = isRecord(body) && isRecord(body.error) ? body.error : undefined
  const type = typeof envelope?.type === "string" ? envelope.type : undefined
  const code = typeof envelope?.code === "number" ? envelope.code : undefined
  const uri = typeof envelope?.uri === "string" ? envelope.uri : undefined
  const invalid = isRecord(body) && Array.isArray(body.invalid)
    ? body.invalid.filter((n): n is string => typeof n === "string")
    : undefined
  // the message stays short whatever the server sends; the whole answer is in `body`
  const message = typeof envelope?.message === "string" && envelope.message !== ""
    ? clip(envelope.message)
    : `HTTP ${status}${typeof body === "string" && body !== "" ? `: ${clip(body)}` : ""}`
  const Exception = Errors.ApiExceptions[exceptionTag(status, type, code)]
  return new Exception({
    status,
    message,
    body,
    headers: { ...headers },
    rateLimit: rateLimitOf(headers),
    ...(headers["x-request-id"] === undefined ? {} : { requestId: headers["x-request-id"] }),
    ...(type === undefined ? {} : { type }),
    ...(code === undefined ? {} : { code }),
    ...(uri === undefined ? {} : { uri }),
    ...(invalid === undefined ? {} : { invalid })
  }, { disableValidation: true })
}
