/**
 * The callbacks (webhooks) the SMS.CX API POSTs to your endpoints: the Effect Schema of each
 * payload, and `decode` / `decodeAny` to read a request body into a typed payload.
 *
 * Every callback is a JSON body `{ event, data: [...] }` (up to 200 items a request). The kinds
 * ({@link kinds}) are the spec's webhooks and the other event types the API names; their schemas
 * are generated from the spec (`internal/webhookPayloads.ts`) and exported here.
 *
 * Decoding never fails on what the API may add later: unknown fields are kept (at every level),
 * and an enum value the SDK does not know (a new delivery `status`, a new `device`) decodes as it
 * is (the fields are typed `"DELIVERED" | ... | (string & {})`). A `"__proto__"` key, at any level,
 * is dropped: a payload is a plain object, and a field left out reads as `undefined`, never as
 * what a sender put in a prototype. `event` stays closed: it says
 * which payload this is. Anything else that does not fit, a body that is not JSON or not an
 * object, or an unknown `event`, is a {@link WebhookDecodeError} whose message is a few lines
 * long whatever the body (paths and short excerpts, never whole values).
 *
 * **The API signs nothing**: there is no signature header to verify, so anyone who learns the
 * URL can POST to it. Protect the endpoint yourself:
 * - put a long random secret in the callback URL you give the API (a path segment:
 *   `https://example.com/webhooks/<secret>/dlr_update`), or in a header where something in front
 *   of your server adds one, and compare it with `crypto.timingSafeEqual`, not `===`;
 * - use HTTPS only, so that the secret is never seen on the way;
 * - cap the size of the body you read (200 items are far below 1 MiB);
 * - answer 2xx at once and process the payload afterwards (a queue, a forked fiber), so that the
 *   API is never kept waiting.
 *
 * @example
 * ```ts
 * import { Webhooks } from "@smscx/core"
 * import { Effect } from "effect"
 *
 * // POST /webhooks/<secret>/<kind>, once the secret is checked: `rawBody` is the body's text
 * const handle = (kind: Webhooks.Kind, rawBody: string) =>
 *   Webhooks.decode(kind, rawBody).pipe(
 *     Effect.tap((payload) => Effect.forkDaemon(Effect.log(`${payload.event}: ${payload.data.length} item(s)`))),
 *     Effect.as(200),
 *     Effect.catchTag("WebhookDecodeError", (e) => Effect.as(Effect.logWarning(e.message), 400))
 *   )
 * ```
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import { isRecord } from "effect/Predicate"
import * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"
import { Issue } from "./Errors.js"
import { type Payload, schemas } from "./internal/webhookPayloads.js"
import * as JsonGuard from "./JsonGuard.js"
import * as Issues from "./ParseIssues.js"

/** Issues kept on an error: a body with 200 bad items would otherwise give thousands. */
const ISSUES_KEPT = 100

/**
 * The payload schema of each kind of callback (`DlrUpdate`, `ReceiveSms`, ..., `OtpUpdate`), the
 * table of them by kind (`schemas`) and their union (`Payload`), generated from the spec.
 *
 * @since 0.1.0
 * @category schemas
 */
export * from "./internal/webhookPayloads.js"

// -------------------------------------------------------------------------------------------------
// kinds
// -------------------------------------------------------------------------------------------------

/**
 * A kind of callback: `"dlr_update"`, `"receive_sms"`, ..., `"otp_update"`.
 * @since 0.1.0
 * @category models
 */
export type Kind = keyof typeof schemas

/**
 * Every kind of callback.
 * @since 0.1.0
 * @category models
 */
export const kinds: ReadonlyArray<Kind> = Object.keys(schemas) as Array<Kind>

/**
 * Whether a string is a kind of callback.
 * @since 0.1.0
 * @category guards
 */
export const isKind = (u: unknown): u is Kind => typeof u === "string" && Object.hasOwn(schemas, u)

/**
 * The payload of one kind of callback.
 * @since 0.1.0
 * @category models
 */
export type PayloadOf<K extends Kind> = Schema.Schema.Type<(typeof schemas)[K]>

// -------------------------------------------------------------------------------------------------
// errors
// -------------------------------------------------------------------------------------------------

/**
 * A callback body that cannot be read as the payload of its kind: not JSON, not an object, an
 * unknown `event`, or a field that does not fit. `message` is a few lines (the first issues, each
 * with the path to the field and a short excerpt of its value); `issues` lists them (up to 100).
 *
 * @since 0.1.0
 * @category errors
 */
export class WebhookDecodeError extends Schema.TaggedError<WebhookDecodeError>()("WebhookDecodeError", {
  /** The kind decoded as; `"auto"` when no kind could be picked from the body's `event`. */
  kind: Schema.String,
  /** Short: the first few issues with their paths. */
  message: Schema.String,
  /** The issues found (up to 100), each with its path: `["data", 0, "msgId"]`. */
  issues: Schema.Array(Issue)
}) {}

// -------------------------------------------------------------------------------------------------
// decoding
// -------------------------------------------------------------------------------------------------

const parseOptions: AST.ParseOptions = { errors: "all", onExcessProperty: "preserve" }

// each kind's decoder, made the first time a body of that kind is decoded (its schema is built then)
const decoders: Partial<Record<Kind, (u: unknown) => Either.Either<unknown, ParseResult.ParseIssue>>> = {}
const decoderOf = (kind: Kind) =>
  decoders[kind] ??= ParseResult.decodeUnknownEither(schemas[kind] as Schema.Schema<unknown>, parseOptions)

const headline = (kind: string) => kind === "auto" ? "Invalid webhook body" : `Invalid ${kind} webhook body`

const fail = (kind: string, title: string, issues: ReadonlyArray<Issue>, total?: number) =>
  Either.left(new WebhookDecodeError({ kind, message: Issues.message(title, issues, total), issues: [...issues] }))

const utf8 = new TextDecoder("utf-8", { fatal: true })

/** The body as a JSON object: parsed when it is text (a string, or UTF-8 bytes). */
const readBody = (kind: string, body: unknown): Either.Either<Record<string, unknown>, WebhookDecodeError> => {
  let json = body
  if (body instanceof Uint8Array) {
    try {
      json = utf8.decode(body)
    } catch {
      return fail(kind, headline(kind), [{ path: [], message: "is not UTF-8 text" }])
    }
  }
  if (typeof json === "string") {
    try {
      json = JsonGuard.parse(json)
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e)
      return fail(kind, headline(kind), [{ path: [], message: `is not JSON (${Issues.clip(reason, 80)})` }])
    }
  }
  if (!isRecord(json)) {
    return fail(kind, headline(kind), [{
      path: [],
      message: `Expected a JSON object, actual ${Issues.excerpt(json)}`
    }])
  }
  // a `__proto__` key would become the decoded object's prototype (the decode keeps unknown
  // fields by assignment): the sender would choose what omitted fields read as
  return Either.right(JsonGuard.withoutProtoKeys(json) as Record<string, unknown>)
}

const decodeJson = (kind: Kind, json: Record<string, unknown>): Either.Either<Payload, WebhookDecodeError> => {
  const result = decoderOf(kind)(json)
  if (Either.isRight(result)) return Either.right(result.right as Payload)
  const { issues, total } = Issues.collect(result.left, { limit: ISSUES_KEPT })
  return fail(kind, headline(kind), issues, total)
}

const unreadable = (kind: string) =>
  fail(kind, headline(kind), [{ path: [], message: "cannot be read (a getter or a Proxy threw)" }])

const KNOWN_KINDS = kinds.join(", ")

const decodeEither = (kind: string, body: unknown): Either.Either<Payload, WebhookDecodeError> => {
  if (!isKind(kind)) {
    const shown = Issues.clip(String(kind), 60)
    return fail(shown, "Unknown webhook kind", [{
      path: [],
      message: `Expected one of ${KNOWN_KINDS}, actual ${Issues.excerpt(kind)}`
    }])
  }
  try {
    return Either.flatMap(readBody(kind, body), (json) => decodeJson(kind, json))
  } catch {
    return unreadable(kind)
  }
}

/** Items of a number lookup, not of an OTP request (both callbacks say `event: "otp_update"`). */
const isLookup = (data: unknown): boolean => {
  if (!Array.isArray(data)) return false
  const first: unknown = data.find(isRecord)
  return isRecord(first) && "lookupId" in first && !("otpId" in first)
}

/** The kind a body says it is, by its `event`. */
const kindOfBody = (json: Record<string, unknown>): Either.Either<Kind, WebhookDecodeError> => {
  const event = json.event
  if (event === undefined) {
    return fail("auto", "Cannot tell the webhook's kind", [{
      path: ["event"],
      message: "is missing: decode with the kind (the URL the callback came to) instead"
    }])
  }
  if (event === "otp_update") return Either.right(isLookup(json.data) ? "number_lookup" : "otp_update")
  if (isKind(event)) return Either.right(event)
  return fail("auto", "Unknown webhook event", [{
    path: ["event"],
    message: `Expected one of ${KNOWN_KINDS}, actual ${Issues.excerpt(event)}`
  }])
}

const decodeAnyEither = (body: unknown): Either.Either<Payload, WebhookDecodeError> => {
  try {
    return Either.flatMap(
      readBody("auto", body),
      (json) => Either.flatMap(kindOfBody(json), (kind) => decodeJson(kind, json))
    )
  } catch {
    return unreadable("auto")
  }
}

/**
 * Decodes a callback body as the payload of `kind` (known from the URL it came to). The body is
 * the request's raw text (a string or UTF-8 bytes) or its parsed JSON. Unknown fields are kept,
 * unknown enum values decode as they are; anything else that does not fit is a
 * {@link WebhookDecodeError}, never a throw.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode: <K extends Kind>(kind: K, body: unknown) => Effect.Effect<PayloadOf<K>, WebhookDecodeError> =
  Effect
    .fn("Webhooks.decode")(function*(kind: Kind, body: unknown) {
      return yield* decodeEither(kind, body)
    }) as <K extends Kind>(kind: K, body: unknown) => Effect.Effect<PayloadOf<K>, WebhookDecodeError>

/**
 * Decodes a callback body as the kind its `event` names. `event: "otp_update"` is an OTP update,
 * or a number lookup when its items are lookups (`lookupId`): the spec gives both the same
 * `event`. A body without `event`, or with one the SDK does not know, is a
 * {@link WebhookDecodeError} (of kind `"auto"`); so is anything {@link decode} rejects.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeAny: (body: unknown) => Effect.Effect<Payload, WebhookDecodeError> = Effect.fn(
  "Webhooks.decodeAny"
)(function*(body: unknown) {
  return yield* decodeAnyEither(body)
})
