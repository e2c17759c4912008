import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as UrlParams from "@effect/platform/UrlParams"
import { RequestValidationError } from "@smscx/core/Errors"
import type * as Operation from "@smscx/core/Operation"
import * as Issues from "@smscx/core/ParseIssues"
import * as Effect from "effect/Effect"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as PlainInput from "./plainInput.js"
import { schemaMemo } from "./schemaMemo.js"

const parseOptions = { errors: "all", onExcessProperty: "error" } as const

const encoderOf = schemaMemo((schema) => Schema.encodeUnknown(schema, parseOptions))

const invalid = (
  operation: Operation.Any,
  issues: ReadonlyArray<{ path: ReadonlyArray<string | number>; message: string }>
) =>
  new RequestValidationError({
    operation: operation.id,
    message: Issues.message(`${operation.id}: invalid request`, issues),
    issues: issues.map((issue) => ({ path: [...issue.path], message: issue.message }))
  })

/** @internal */
const validationError = (operation: Operation.Any, error: ParseResult.ParseError) =>
  invalid(operation, Issues.collect(error.issue).issues)

/**
 * Whatever went wrong while reading the input or building the request that is not a schema
 * issue (a stack overflow, a string too long to serialize): still a RequestValidationError,
 * nothing is sent.
 * @internal
 */
const unexpected = (operation: Operation.Any, defect: unknown) =>
  invalid(operation, [{ path: [], message: `cannot be sent: ${Issues.thrown(defect)}` }])

/** Checks a value against a schema and gives its wire form, or a typed validation error. */
const encode = (operation: Operation.Any, schema: Schema.Schema.AnyNoContext, value: unknown) =>
  Effect.mapError(encoderOf(schema)(value), (error) => validationError(operation, error))

/** Own, plain data (see PlainInput), or a typed validation error naming what could not be read. */
const plain = (operation: Operation.Any, path: ReadonlyArray<string | number>, value: unknown) => {
  const read = PlainInput.read(value)
  return read._tag === "Ok"
    ? Effect.succeed(read.value)
    : Effect.fail(invalid(operation, [{ path: [...path, ...read.path], message: read.reason }]))
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

const plainRecord = (operation: Operation.Any, option: string, value: unknown) =>
  Effect.flatMap(
    plain(operation, ["options", option], value),
    (read) =>
      typeof read === "object" && read !== null && !Array.isArray(read)
        ? Effect.succeed(read as Record<string, unknown>)
        : Effect.fail(
          invalid(operation, [{ path: ["options", option], message: "must be an object of field names to values" }])
        )
  )

const merged = (operation: Operation.Any, known: Record<string, unknown>, extra: Record<string, unknown>) => {
  const clash = Object.keys(extra).find((name) => Object.hasOwn(known, name))
  return clash === undefined
    ? Effect.succeed({ ...known, ...extra })
    : Effect.fail(
      invalid(operation, [{ path: ["options", "extraBody", clash], message: "is a known field: pass it in the input" }])
    )
}

/** A request built from a call's arguments. @internal */
interface Built {
  readonly request: HttpClientRequest.HttpClientRequest
  /** The idempotency id the body carries (the caller's or a generated one). */
  readonly idempotencyId: string | undefined
}

/**
 * Validates a call's arguments against its operation and builds the request, without
 * authentication. Runs once per call: an idempotency id generated here is reused by every retry.
 *
 * @internal
 */
export const build = (
  operation: Operation.Any,
  args: ReadonlyArray<unknown>,
  baseUrl: string,
  extra: Extra = noExtra
): Effect.Effect<Built, RequestValidationError> =>
  // an operation without input (the balance, a list of all): nothing to read or check
  extra.body === undefined && extra.query === undefined && operation.pathParamNames.length === 0 &&
    operation.input._tag === "None"
    ? Effect.succeed({
      request: HttpClientRequest.make(operation.method)(baseUrl + operation.path),
      idempotencyId: undefined
    })
    : buildChecked(operation, args, baseUrl, extra)

const buildChecked = (
  operation: Operation.Any,
  args: ReadonlyArray<unknown>,
  baseUrl: string,
  extra: Extra
): Effect.Effect<Built, RequestValidationError> =>
  Effect.gen(function*() {
    const extraBody = extra.body === undefined ? undefined : yield* plainRecord(operation, "extraBody", extra.body)
    const extraQuery = extra.query === undefined ? undefined : yield* plainRecord(operation, "extraQuery", extra.query)
    if (extraBody !== undefined && operation.input._tag !== "Json" && operation.input._tag !== "Form") {
      return yield* invalid(operation, [{ path: ["options", "extraBody"], message: `${operation.id} sends no body` }])
    }
    const names = operation.pathParamNames
    const path: Record<string, unknown> = {}
    let url = baseUrl + operation.path
    if (names.length > 0) {
      for (let i = 0; i < names.length; i++) path[names[i]!] = yield* plain(operation, [names[i]!], args[i])
      yield* encode(operation, operation.pathSchema, path)
      const segments: Record<string, string> = {}
      for (const name of names) {
        const encoded = segment(path[name])
        if (encoded === undefined) {
          return yield* invalid(operation, [{ path: [name], message: "must not be empty, \".\" or \"..\"" }])
        }
        segments[name] = encoded
      }
      url = baseUrl + operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => segments[name]!)
    }
    const request = HttpClientRequest.make(operation.method)(url)
    const withQuery = (request: HttpClientRequest.HttpClientRequest) =>
      extraQuery === undefined ? request : HttpClientRequest.appendUrlParams(request, definedEntries(extraQuery))
    const input = operation.input
    if (input._tag === "None") return { request: withQuery(request), idempotencyId: undefined }
    const raw = yield* plain(operation, [], args[names.length] ?? {})
    const known = yield* encode(operation, input.schema, raw)
    const encoded = extraBody === undefined
      ? known
      : yield* merged(operation, known as Record<string, unknown>, extraBody)
    switch (input._tag) {
      case "Query": {
        const params = definedEntries(encoded)
        const clash = extraQuery === undefined ? undefined : params.find(([name]) => Object.hasOwn(extraQuery, name))
        if (clash !== undefined) {
          return yield* invalid(operation, [{
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
  }).pipe(Effect.catchAllDefect((defect) => Effect.fail(unexpected(operation, defect))))
