/**
 * The client's options, checked once when it is built. A value that could only fail later (a
 * header Node refuses with a TypeError, a URL scheme no client speaks, a timeout `setTimeout`
 * overflows) fails here with an InvalidOptionsError that names the option, never a secret.
 */
import { InvalidOptionsError } from "@smscx/core/Errors"
import type * as Errors from "@smscx/core/Errors"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as HttpLimits from "../HttpLimits.js"
import type * as RetryPolicy from "../RetryPolicy.js"
import { isHeaderValue } from "./headerValue.js"
import { version } from "./version.js"

/** The longest deadline a timer can hold (`setTimeout` takes a 32-bit signed count of ms). */
const MAX_TIMER_MILLIS = 2 ** 31 - 1
/** More retries than this is a loop, not a policy. @internal */
const MAX_RETRIES = 100

/**
 * The client options' names, the one list of them: the options object's type is derived from it
 * here, the unknown-option check reads it, and `Transport.Options` is held to it by the compiler.
 * @internal
 */
const OPTION_NAMES = [
  "apiKey",
  "accessToken",
  "applicationId",
  "applicationSecret",
  "scope",
  "baseUrl",
  "timeout",
  "retry",
  "deadline",
  "userAgent",
  "maxResponseBytes",
  "tracePropagation"
] as const

/** @internal */
export type OptionName = typeof OPTION_NAMES[number]

/** The options as given, each checked before use. @internal */
export type Input = { readonly [Name in OptionName]?: unknown }

/** The call options' names, held to `Transport.CallOptions` as the client options' are. @internal */
const CALL_OPTION_NAMES = [
  "timeout",
  "retry",
  "deadline",
  "beforeAttempt",
  "afterAttempt",
  "headers",
  "extraBody",
  "extraQuery"
] as const

/** @internal */
export type CallOptionName = typeof CALL_OPTION_NAMES[number]

/** A call's options as given. @internal */
export type CallInput = { readonly [Name in CallOptionName]?: unknown }

/** @internal */
export const DEFAULT_BASE_URL = "https://api.sms.cx"

/** What an option left out is. @internal */
const defaults = {
  baseUrl: DEFAULT_BASE_URL,
  timeout: Duration.seconds(60),
  userAgent: `smscx-ts/${version}`,
  maxResponseBytes: HttpLimits.DEFAULT_MAX_RESPONSE_BYTES
}

/** The credentials a client is configured with. @internal */
export type Credentials =
  | { readonly _tag: "ApiKey"; readonly apiKey: Redacted.Redacted }
  | { readonly _tag: "AccessToken"; readonly accessToken: Redacted.Redacted }
  | {
    readonly _tag: "Application"
    readonly applicationId: string
    readonly applicationSecret: Redacted.Redacted
    readonly scope: string | undefined
  }

/** @internal */
interface Resolved {
  readonly credentials: Credentials | undefined
  readonly baseUrl: string
  readonly timeout: Duration.Duration
  readonly retry: RetryPolicy.Options | false
  readonly deadline: Duration.Duration | undefined
  readonly userAgent: string
  readonly maxResponseBytes: number
  readonly tracePropagation: boolean
}

class Invalid {
  constructor(readonly option: string, readonly problem: string) {}
}

const check = (condition: boolean, option: string, problem: string) => {
  if (!condition) throw new Invalid(option, problem)
}

/** A secret, as given or redacted, checked to be sendable; its value never appears in a message. */
const secret = (value: unknown, option: string): Redacted.Redacted => {
  const text = Redacted.isRedacted(value) ? Redacted.value(value) : value
  check(typeof text === "string", option, "must be a string or a Redacted string")
  check((text as string).length > 0, option, "must not be empty")
  check(
    isHeaderValue(text as string),
    option,
    "contains characters that cannot be sent in an HTTP header (a line break, a control character, or one outside Latin-1)"
  )
  return Redacted.isRedacted(value) ? value as Redacted.Redacted : Redacted.make(text as string)
}

const duration = (value: unknown, option: string, { max, min }: { readonly min: number; readonly max: number }) => {
  // Duration reads NaN as zero, and a negative number as zero: a number must be a real one first
  check(typeof value !== "number" || Number.isFinite(value), option, "must be a finite duration")
  check(typeof value !== "number" || value >= min, option, `must be between ${min} ms and ${max} ms`)
  const decoded = Duration.decodeUnknown(value)
  if (Option.isNone(decoded)) {
    throw new Invalid(option, "must be a duration (e.g. \"30 seconds\", or milliseconds as a number)")
  }
  const millis = Duration.toMillis(decoded.value)
  check(Number.isFinite(millis) && millis >= min && millis <= max, option, `must be between ${min} ms and ${max} ms`)
  return Duration.millis(millis)
}

const credentialsOf = (o: Input): Credentials | undefined => {
  if (o.apiKey !== undefined) return { _tag: "ApiKey", apiKey: secret(o.apiKey, "apiKey") }
  if (o.accessToken !== undefined) return { _tag: "AccessToken", accessToken: secret(o.accessToken, "accessToken") }
  if (o.applicationId === undefined && o.applicationSecret === undefined) return undefined
  check(typeof o.applicationId === "string" && o.applicationId !== "", "applicationId", "must be a non-empty string")
  const applicationId = o.applicationId as string
  // HTTP Basic: `id:secret`, so the id cannot hold a colon; btoa takes Latin-1 only
  check(
    !applicationId.includes(":") && isHeaderValue(applicationId),
    "applicationId",
    "must be Latin-1 text without ':' or line breaks"
  )
  check(o.applicationSecret !== undefined, "applicationSecret", "is required with applicationId")
  const applicationSecret = secret(o.applicationSecret, "applicationSecret")
  const scopes = o.scope === undefined ? undefined : typeof o.scope === "string" ? [o.scope] : o.scope
  check(
    scopes === undefined || (Array.isArray(scopes) && scopes.every((s) => typeof s === "string" && isHeaderValue(s))),
    "scope",
    "must be a string or an array of strings"
  )
  return {
    _tag: "Application",
    applicationId,
    applicationSecret,
    scope: scopes === undefined ? undefined : (scopes as Array<string>).join(" ")
  }
}

/** The base URL: http(s), nothing after the path, no credentials (they would be printed, and sent). */
const baseUrlOf = (value: unknown, fallback: string): string => {
  if (value === undefined) return fallback
  check(typeof value === "string", "baseUrl", "must be a string")
  let url: URL
  try {
    url = new URL(value as string)
  } catch {
    throw new Invalid("baseUrl", "is not an absolute URL")
  }
  check(
    url.protocol === "http:" || url.protocol === "https:",
    "baseUrl",
    `must be http: or https:, not ${url.protocol.slice(0, 20)}`
  )
  check(
    url.username === "" && url.password === "",
    "baseUrl",
    "must not carry credentials (user:password@); use apiKey, accessToken or an application"
  )
  check(url.search === "" && url.hash === "", "baseUrl", "must not have a query or a fragment")
  return url.href.replace(/\/+$/, "")
}

/** The retry options' names, held to `RetryPolicy.Options` by the compiler (none missing, none extra). */
const RETRY_NAMES = {
  maxRetries: true,
  maxRefusedRetries: true,
  baseDelay: true,
  maxDelay: true,
  maxElapsed: true,
  jitter: true,
  policy: true
} as const satisfies Record<keyof RetryPolicy.Options, true>

const RETRY_FIELDS: ReadonlyArray<string> = Object.keys(RETRY_NAMES)

/** Letters and digits only, in lower case: `api_key`, `APIKey` and `apiKey` are one name. */
const normal = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "")

/** Edits (insert, delete, substitute, swap two neighbours: `fecth`) from one name to the other. */
const distance = (a: string, b: string): number => {
  let before: Array<number> = []
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        current[j] = Math.min(current[j]!, before[j - 2]! + 1)
      }
    }
    before = previous
    previous = current
  }
  return previous[b.length]!
}

/**
 * How far a given name is from a known one, when it looks like a slip for it: the same name
 * spelt another way (0), one inside the other (`retries` in `maxRetries`, 1), or a few edits
 * away (a quarter of its letters at most). Undefined when it is another name altogether.
 */
const closeness = (given: string, known: string): number | undefined => {
  const [g, k] = [normal(given), normal(known)]
  if (g === k) return 0
  if (Math.min(g.length, k.length) >= 4 && (k.includes(g) || g.includes(k))) return 1
  const edits = distance(g, k)
  return edits <= Math.max(1, Math.floor(Math.max(g.length, k.length) / 4)) ? edits + 1 : undefined
}

/**
 * The known option a misspelt one most likely meant, as a path (`retry.maxRetries`), or
 * undefined when none is close. Nested names are compared by their last part.
 * @internal
 */
const suggestion = (given: string, known: Iterable<string>): string | undefined => {
  let best: { readonly name: string; readonly score: number } | undefined
  for (const name of known) {
    const score = closeness(given, name.slice(name.lastIndexOf(".") + 1))
    if (score !== undefined && (best === undefined || score < best.score)) best = { name, score }
  }
  return best?.name
}

/** How a message proposes a path: `retry.maxRetries` is written as the object it lives in. */
const proposed = (path: string): string => {
  const dot = path.indexOf(".")
  return dot === -1 ? path : `${path.slice(0, dot)}: { ${path.slice(dot + 1)} }`
}

/**
 * Refuses a name that is not an option (in plain JavaScript a misspelt option would be a setting
 * silently not applied), proposing the likeliest known one. `prefix` is where the object sits
 * (`retry.`); `also` are more names to propose (none of them accepted here).
 */
const checkKnown = (
  value: object,
  names: ReadonlyArray<string>,
  prefix: string,
  also: ReadonlyArray<string> = []
) => {
  const stray = Object.keys(value).find((name) => !names.includes(name))
  if (stray === undefined) return
  const shown = stray.length > 40 ? `${stray.slice(0, 40)}...` : stray
  const near = suggestion(stray, [...names.map((name) => prefix + name), ...also])
  throw new Invalid(
    `${prefix}${shown}`,
    near === undefined
      ? `is not ${prefix === "" ? "an" : "a retry"} option (they are ${names.join(", ")})`
      : `is not ${prefix === "" ? "an" : "a retry"} option: did you mean ${proposed(near)}?`
  )
}

/** The retry fields as paths, `retry.maxRetries`, for proposals at the top level. */
const RETRY_PATHS: ReadonlyArray<string> = RETRY_FIELDS.map((field) => `retry.${field}`)

const retryOf = (value: unknown): RetryPolicy.Options | false => {
  if (value === undefined) return {}
  if (value === false) return false
  check(
    typeof value === "object" && value !== null,
    "retry",
    `must be false or an object of ${RETRY_FIELDS.join(", ")}`
  )
  // a misspelt field would otherwise be a setting silently not applied
  checkKnown(value as object, RETRY_FIELDS, "retry.")
  const { baseDelay, jitter, maxDelay, maxElapsed, maxRefusedRetries, maxRetries, policy } = value as Record<
    string,
    unknown
  >
  for (const [name, count] of [["maxRetries", maxRetries], ["maxRefusedRetries", maxRefusedRetries]] as const) {
    check(
      count === undefined || (Number.isInteger(count) && (count as number) >= 0 && (count as number) <= MAX_RETRIES),
      `retry.${name}`,
      `must be a whole number from 0 to ${MAX_RETRIES}`
    )
  }
  check(jitter === undefined || typeof jitter === "boolean", "retry.jitter", "must be true or false")
  check(
    policy === undefined || typeof policy === "function",
    "retry.policy",
    "must be a function from the request to a Schedule"
  )
  return {
    ...(maxRetries === undefined ? {} : { maxRetries: maxRetries as number }),
    ...(maxRefusedRetries === undefined ? {} : { maxRefusedRetries: maxRefusedRetries as number }),
    ...(maxDelay === undefined
      ? {}
      : { maxDelay: duration(maxDelay, "retry.maxDelay", { min: 0, max: MAX_TIMER_MILLIS }) }),
    ...(baseDelay === undefined
      ? {}
      : { baseDelay: duration(baseDelay, "retry.baseDelay", { min: 1, max: MAX_TIMER_MILLIS }) }),
    ...(maxElapsed === undefined
      ? {}
      : { maxElapsed: duration(maxElapsed, "retry.maxElapsed", { min: 0, max: MAX_TIMER_MILLIS }) }),
    ...(jitter === undefined ? {} : { jitter: jitter as boolean }),
    ...(policy === undefined ? {} : { policy: policy as RetryPolicy.Policy })
  }
}

/** The overall deadline of a call, over all its attempts and the waits between them. */
const deadlineOf = (value: unknown): Duration.Duration | undefined =>
  value === undefined ? undefined : duration(value, "deadline", { min: 1, max: MAX_TIMER_MILLIS })

const tracePropagationOf = (value: unknown): boolean => {
  check(value === undefined || typeof value === "boolean", "tracePropagation", "must be true or false")
  return value !== false
}

/**
 * The options checked and resolved, or the first one at fault.
 * @internal
 */
export const resolve = (
  options: Input,
  also: ReadonlyArray<string> = []
): Either.Either<Resolved, InvalidOptionsError> => {
  try {
    check(typeof options === "object" && options !== null && !Array.isArray(options), "options", "must be an object")
    checkKnown(options, OPTION_NAMES, "", [...RETRY_PATHS, ...also])
    const userAgent = options.userAgent ?? defaults.userAgent
    check(
      typeof userAgent === "string" && isHeaderValue(userAgent),
      "userAgent",
      "must be Latin-1 text without line breaks"
    )
    const maxResponseBytes = options.maxResponseBytes ?? defaults.maxResponseBytes
    check(
      Number.isSafeInteger(maxResponseBytes) && (maxResponseBytes as number) > 0,
      "maxResponseBytes",
      "must be a positive whole number of bytes"
    )
    return Either.right({
      credentials: credentialsOf(options),
      baseUrl: baseUrlOf(options.baseUrl, defaults.baseUrl),
      timeout: options.timeout === undefined
        ? defaults.timeout
        : duration(options.timeout, "timeout", { min: 1, max: MAX_TIMER_MILLIS }),
      retry: retryOf(options.retry),
      deadline: deadlineOf(options.deadline),
      userAgent: userAgent as string,
      maxResponseBytes: maxResponseBytes as number,
      tracePropagation: tracePropagationOf(options.tracePropagation)
    })
  } catch (error) {
    const { option, problem } = error instanceof Invalid ? error : new Invalid("options", "cannot be read")
    return Either.left(new InvalidOptionsError({ option, message: `smscx: option ${option} ${problem}` }))
  }
}

/** A header name: an HTTP token. */
const isHeaderName = (name: string) => /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)

/** Headers the SDK owns: the body's framing and the connection are the client's business. */
const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  "content-length",
  "content-type",
  "transfer-encoding",
  "connection",
  "host"
])

/** What `afterAttempt` is told of an attempt that got an answer. @internal */
interface Answered {
  readonly status: number
  readonly rateLimit: Errors.RateLimit
}

/** Per-call settings, checked. @internal */
export interface ResolvedCall {
  readonly timeout: Duration.Duration | undefined
  readonly retry: RetryPolicy.Options | false | undefined
  readonly deadline: Duration.Duration | undefined
  readonly beforeAttempt: Effect.Effect<void, Errors.TransportError> | undefined
  readonly afterAttempt: ((answer: Answered) => Effect.Effect<void>) | undefined
  readonly headers: Readonly<Record<string, string>> | undefined
  /** The answer's body is streamed, not read (file exports). */
  readonly streamed: boolean
}

/**
 * A call's own settings (timeout, retry, deadline, hooks, extra headers), or the one at fault.
 * @internal
 */
export const resolveCall = (
  options: unknown,
  also: ReadonlyArray<string> = []
): Either.Either<ResolvedCall, { readonly option: string; readonly problem: string }> => {
  try {
    check(typeof options === "object" && options !== null && !Array.isArray(options), "options", "must be an object")
    checkKnown(options as object, CALL_OPTION_NAMES, "", [...RETRY_PATHS, ...also])
    const { afterAttempt, beforeAttempt, deadline, extraBody: _body, extraQuery: _query, headers, retry, timeout } =
      options as Record<string, unknown>
    check(beforeAttempt === undefined || Effect.isEffect(beforeAttempt), "beforeAttempt", "must be an Effect")
    check(afterAttempt === undefined || typeof afterAttempt === "function", "afterAttempt", "must be a function")
    let checked: Record<string, string> | undefined
    if (headers !== undefined) {
      check(typeof headers === "object" && headers !== null, "headers", "must be an object of header names to values")
      // no prototype: a header named `__proto__` is a field like any other, never a prototype
      checked = Object.create(null) as Record<string, string>
      for (const [name, value] of Object.entries(headers as object)) {
        check(isHeaderName(name), "headers", `has a name that is not an HTTP header name`)
        check(!RESERVED_HEADERS.has(name.toLowerCase()), "headers", `cannot set ${name.toLowerCase()}`)
        check(
          typeof value === "string" && isHeaderValue(value),
          `headers.${name}`,
          "must be Latin-1 text without line breaks"
        )
        checked[name.toLowerCase()] = value as string
      }
    }
    return Either.right({
      timeout: timeout === undefined ? undefined : duration(timeout, "timeout", { min: 1, max: MAX_TIMER_MILLIS }),
      retry: retry === undefined ? undefined : retryOf(retry),
      deadline: deadlineOf(deadline),
      beforeAttempt: beforeAttempt as Effect.Effect<void> | undefined,
      afterAttempt: afterAttempt as ((answer: Answered) => Effect.Effect<void>) | undefined,
      headers: checked,
      streamed: false
    })
  } catch (error) {
    return Either.left(error instanceof Invalid ? error : new Invalid("options", "cannot be read"))
  }
}
