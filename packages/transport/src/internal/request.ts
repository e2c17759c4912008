import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as UrlParams from "@effect/platform/UrlParams"
import { RequestValidationError } from "@smscx/core/Errors"
import * as FastParse from "@smscx/core/FastParse"
import type * as Operation from "@smscx/core/Operation"
import * as Issues from "@smscx/core/ParseIssues"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as PlainInput from "./plainInput.js"
import { schemaMemo } from "./schemaMemo.js"

const parseOptions = { errors: "all", onExcessProperty: "error" } as const

// Either, not Effect: a call's request is built synchronously, so that the direct calls (see
// direct.ts) build it with the very same code, without a fiber. A valid input is encoded by its
// compiled parse (FastParse: no parse result); the schema's encode runs for anything it is unsure
// of, so that the issues are the schema's.
const encoderOf = schemaMemo((schema) => {
  const full = Schema.encodeUnknownEither(schema, parseOptions)
  const fast = FastParse.of(schema, parseOptions.onExcessProperty)
  return fast === undefined ? full : (value: unknown) => {
    const encoded = fast(value)
    return encoded === FastParse.Invalid ? full(value) : Either.right(encoded)
  }
})

const invalid = (
  operation: Operation.Any,
  issues: ReadonlyArray<{ path: ReadonlyArray<string | number>; message: string }>
) =>
  new RequestValidationError({
    operation: operation.id,
    message: Issues.message(`${operation.id}: invalid request`, issues),
    issues: issues.map((issue) => ({ path: [...issue.path], message: issue.message }))
  })

/**
 * Whatever went wrong while reading the input or building the request that is not a schema
 * issue (a stack overflow, a string too long to serialize): still a RequestValidationError,
 * nothing is sent.
 */
const unexpected = (operation: Operation.Any, defect: unknown) =>
  invalid(operation, [{ path: [], message: `cannot be sent: ${Issues.thrown(defect)}` }])

/** Thrown inside `buildChecked` to stop with a typed error; caught at its end. */
const stop = (operation: Operation.Any, issues: Parameters<typeof invalid>[1]): never => {
  throw invalid(operation, issues)
}

/** Checks a value against a schema and gives its wire form, or stops with a typed validation error. */
const encode = (operation: Operation.Any, schema: Schema.Schema.AnyNoContext, value: unknown): unknown => {
  const encoded = encoderOf(schema)(value)
  return Either.isRight(encoded) ? encoded.right : stop(operation, Issues.collect(encoded.left.issue).issues)
}

/** Own, plain data (see PlainInput), or a typed validation error naming what could not be read. */
const plain = (operation: Operation.Any, path: ReadonlyArray<string | number>, value: unknown): unknown => {
  const read = PlainInput.read(value)
  return read._tag === "Ok" ? read.value : stop(operation, [{ path: [...path, ...read.path], message: read.reason }])
}

const definedEntries = (value: unknown): Array<[string, string]> =>
  Object.entries(value as Record<string, unknown>).flatMap(([key, v]) =>
    v === undefined
      ? []
      : Array.isArray(v)
      ? v.map((item): [string, string] => [key, String(item)])
      : [[key, String(v)]]
  )

/**
 * A path segment that cannot change the path: percent-encoded, and never empty or a dot
 * segment, which URL parsing would drop or resolve (`/pricing/sms/..` is another resource).
 */
const segment = (value: unknown): string | undefined => {
  const encoded = encodeURIComponent(String(value))
  return encoded === "" || encoded === "." || encoded === ".." ? undefined : encoded
}

/**
 * Fields the SDK does not know yet (the API added them after this release), sent as they are:
 * the escape hatch of `CallOptions.extraBody` / `extraQuery`. A known field must go in the
 * input, where it is checked.
 * @internal
 */
interface Extra {
  readonly body?: unknown
  readonly query?: unknown
}

const noExtra: Extra = {}

const plainRecord = (operation: Operation.Any, option: string, value: unknown) => {
  const read = plain(operation, ["options", option], value)
  return typeof read === "object" && read !== null && !Array.isArray(read)
    ? read as Record<string, unknown>
    : stop(operation, [{ path: ["options", option], message: "must be an object of field names to values" }])
}

const merged = (operation: Operation.Any, known: Record<string, unknown>, extra: Record<string, unknown>) => {
  const clash = Object.keys(extra).find((name) => Object.hasOwn(known, name))
  return clash === undefined
    ? { ...known, ...extra }
    : stop(operation, [{ path: ["options", "extraBody", clash], message: "is a known field: pass it in the input" }])
}

/** A request built from a call's arguments. @internal */
export interface Built {
  readonly request: HttpClientRequest.HttpClientRequest
  /** The idempotency id the body carries (the caller's or a generated one). */
  readonly idempotencyId: string | undefined
}

/**
 * Validates a call's arguments against its operation and builds the request, without
 * authentication, or gives the typed error that stops it. Runs once per call: an idempotency id
 * generated here is reused by every retry.
 *
 * @internal
 */
export const buildNow = (
  operation: Operation.Any,
  args: ReadonlyArray<unknown>,
  baseUrl: string,
  extra: Extra = noExtra
): Built | RequestValidationError =>
  // an operation without input (the balance, a list of all): nothing to read or check
  extra.body === undefined && extra.query === undefined && operation.pathParamNames.length === 0 &&
    operation.input._tag === "None"
    ? {
      request: HttpClientRequest.make(operation.method)(baseUrl + operation.path),
      idempotencyId: undefined
    }
    : buildChecked(operation, args, baseUrl, extra)

/** `buildNow` as an Effect. @internal */
export const build = (
  operation: Operation.Any,
  args: ReadonlyArray<unknown>,
  baseUrl: string,
  extra: Extra = noExtra
): Effect.Effect<Built, RequestValidationError> =>
  Effect.suspend(() => {
    const built = buildNow(operation, args, baseUrl, extra)
    return built instanceof RequestValidationError ? Effect.fail(built) : Effect.succeed(built)
  })

const buildChecked = (
  operation: Operation.Any,
  args: ReadonlyArray<unknown>,
  baseUrl: string,
  extra: Extra
): Built | RequestValidationError => {
  try {
    const extraBody = extra.body === undefined ? undefined : plainRecord(operation, "extraBody", extra.body)
    const extraQuery = extra.query === undefined ? undefined : plainRecord(operation, "extraQuery", extra.query)
    if (extraBody !== undefined && operation.input._tag !== "Json" && operation.input._tag !== "Form") {
      stop(operation, [{ path: ["options", "extraBody"], message: `${operation.id} sends no body` }])
    }
    const names = operation.pathParamNames
    const path: Record<string, unknown> = {}
    let url = baseUrl + operation.path
    if (names.length > 0) {
      for (let i = 0; i < names.length; i++) path[names[i]!] = plain(operation, [names[i]!], args[i])
      encode(operation, operation.pathSchema, path)
      const segments: Record<string, string> = {}
      for (const name of names) {
        const encoded = segment(path[name])
        if (encoded === undefined) stop(operation, [{ path: [name], message: "must not be empty, \".\" or \"..\"" }])
        segments[name] = encoded!
      }
      url = baseUrl + operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => segments[name]!)
    }
    const request = HttpClientRequest.make(operation.method)(url)
    const withQuery = (request: HttpClientRequest.HttpClientRequest) =>
      extraQuery === undefined ? request : HttpClientRequest.appendUrlParams(request, definedEntries(extraQuery))
    const input = operation.input
    if (input._tag === "None") return { request: withQuery(request), idempotencyId: undefined }
    const raw = plain(operation, [], args[names.length] ?? {})
    const known = encode(operation, input.schema, raw)
    const encoded = extraBody === undefined ? known : merged(operation, known as Record<string, unknown>, extraBody)
    switch (input._tag) {
      case "Query": {
        const params = definedEntries(encoded)
        const clash = extraQuery === undefined ? undefined : params.find(([name]) => Object.hasOwn(extraQuery, name))
        if (clash !== undefined) {
          stop(operation, [{
            path: ["options", "extraQuery", clash[0]],
            message: "is a known parameter: pass it in the input"
          }])
        }
        return { request: withQuery(HttpClientRequest.setUrlParams(request, params)), idempotencyId: undefined }
      }
      // bodies stay strings (Raw): encoding them to bytes here would be undone by every client,
      // and Node's fetch mishandles byte bodies when undici 7 is its global dispatcher
      case "Form":
        return {
          request: HttpClientRequest.setBody(
            withQuery(request),
            HttpBody.raw(UrlParams.toString(UrlParams.fromInput(definedEntries(encoded))), {
              contentType: "application/x-www-form-urlencoded"
            })
          ),
          idempotencyId: undefined
        }
      case "Json": {
        const key = operation.idempotencyKey
        // own fields only: an inherited value is not the caller's
        const body = key !== undefined &&
            (!Object.hasOwn(encoded as object, key) || (encoded as Record<string, unknown>)[key] === undefined)
          // a spread, not Object.assign: assigning a hostile `__proto__` field would set the prototype
          ? { ...(encoded as object), [key]: crypto.randomUUID() }
          : encoded as Record<string, unknown>
        return {
          request: HttpClientRequest.setBody(
            withQuery(request),
            HttpBody.raw(JSON.stringify(body), { contentType: "application/json" })
          ),
          idempotencyId: key === undefined ? undefined : body[key] as string
        }
      }
    }
  } catch (thrown) {
    // nothing but `stop` throws a RequestValidationError here
    return thrown instanceof RequestValidationError ? thrown : unexpected(operation, thrown)
  }
}
