import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as UrlParams from "@effect/platform/UrlParams"
import { RequestValidationError } from "@smscx/core/Errors"
import type * as Operation from "@smscx/core/Operation"
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { schemaMemo } from "./schemaMemo.js"

const parseOptions = { errors: "all", onExcessProperty: "error" } as const

const encoderOf = schemaMemo((schema) => Schema.encodeUnknown(schema, parseOptions))

/** @internal */
export const validationError = (operation: Operation.Any, error: ParseResult.ParseError) =>
  new RequestValidationError({
    operation: operation.id,
    message: `${operation.id}: invalid request\n${ParseResult.TreeFormatter.formatErrorSync(error)}`,
    issues: ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => ({
      path: issue.path.map((key) => typeof key === "symbol" ? String(key) : key),
      message: issue.message
    }))
  })

/** Checks a value against a schema and gives its wire form, or a typed validation error. */
const encode = (operation: Operation.Any, schema: Schema.Schema.AnyNoContext, value: unknown) =>
  Effect.mapError(encoderOf(schema)(value), (error) => validationError(operation, error))

const definedEntries = (value: unknown): Array<[string, string]> =>
  Object.entries(value as Record<string, unknown>).flatMap(([key, v]) =>
    v === undefined ? [] : Array.isArray(v) ? v.map((item): [string, string] => [key, String(item)]) : [[key, String(v)]]
  )

/**
 * Validates a call's arguments against its operation and builds the request, without
 * authentication. Runs once per call: an idempotency id generated here is reused by every retry.
 *
 * @internal
 */
export const build = (
  operation: Operation.Any,
  args: ReadonlyArray<unknown>,
  baseUrl: string
): Effect.Effect<HttpClientRequest.HttpClientRequest, RequestValidationError> =>
  Effect.gen(function*() {
    const names = operation.pathParamNames
    const path: Record<string, unknown> = {}
    for (let i = 0; i < names.length; i++) path[names[i]!] = args[i]
    if (names.length > 0) yield* encode(operation, operation.pathSchema, path)
    const url = baseUrl + operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(path[name])))
    const request = HttpClientRequest.make(operation.method)(url)
    const input = operation.input
    if (input._tag === "None") return request
    const raw = args[names.length] ?? {}
    const encoded = yield* encode(operation, input.schema, raw)
    switch (input._tag) {
      case "Query":
        return HttpClientRequest.setUrlParams(request, definedEntries(encoded))
      // bodies stay strings (Raw): encoding them to bytes here would be undone by every client,
      // and Node's fetch mishandles byte bodies when undici 7 is its global dispatcher
      case "Form":
        return HttpClientRequest.setBody(
          request,
          HttpBody.raw(UrlParams.toString(UrlParams.fromInput(definedEntries(encoded))), {
            contentType: "application/x-www-form-urlencoded"
          })
        )
      case "Json": {
        const key = operation.idempotencyKey
        const body = key !== undefined && (encoded as Record<string, unknown>)[key] === undefined
          ? { ...(encoded as object), [key]: crypto.randomUUID() }
          : encoded
        return HttpClientRequest.setBody(request, HttpBody.raw(JSON.stringify(body), { contentType: "application/json" }))
      }
    }
  })
