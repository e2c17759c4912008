/**
 * What a call's arguments should look like on the wire, as the spec's conventions put them
 * (spec/README.md): path parameters as percent-encoded segments, query parameters by their
 * snake_case names, JSON bodies as given (plus a generated `idempotencyId` where the operation
 * takes one and the caller gave none), form bodies URL-encoded. Compared as data, key order
 * aside, with every own key (`__proto__` included) kept.
 */
import type * as Operation from "@smscx/core/Operation"
import type { Recorded } from "./recorder.js"

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** JSON with object keys sorted; own keys only, read with Object.keys (so an own `__proto__` counts). */
export const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value).sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`
  }
  // NaN and the infinities print as themselves (JSON.stringify would say null)
  return typeof value === "number" && !Number.isFinite(value) ? String(value) : JSON.stringify(value) ?? "undefined"
}

/** The input as JSON carries it: undefined fields dropped, -0 as 0 (JSON.parse keeps an own `__proto__`). */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? {}))

/** Name/value pairs as the query or a form carries them, sorted. */
const pairs = (value: unknown): Array<string> =>
  Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
    v === undefined ? [] : Array.isArray(v) ? v.map((item) => `${k}=${String(item)}`) : [`${k}=${String(v)}`]
  ).sort()

/** Why the recorded request is not the call's wire form; undefined when it is. */
export const mismatch = (
  operation: Operation.Any,
  args: ReadonlyArray<unknown>,
  request: Recorded,
  extraBody?: Record<string, unknown>
): string | undefined => {
  const names = operation.pathParamNames
  const path = operation.path.replace(
    /\{([^}]+)\}/g,
    (_, name: string) => encodeURIComponent(String(args[names.indexOf(name)]))
  )
  if (request.method !== operation.method) return `method ${request.method}, expected ${operation.method}`
  if (request.url.pathname !== path) return `path ${request.url.pathname}, expected ${path}`
  const input = args[names.length] ?? {}
  const query = [...request.url.searchParams].map(([k, v]) => `${k}=${v}`).sort()
  switch (operation.input._tag) {
    case "None":
    case "Json":
    case "Form":
      if (query.length > 0) return `an unexpected query ${request.url.search}`
      break
    case "Query": {
      const expected = pairs(input)
      if (canonical(query) !== canonical(expected)) return `query ${canonical(query)}, expected ${canonical(expected)}`
    }
  }
  switch (operation.input._tag) {
    case "None":
    case "Query":
      return request.body === undefined ? undefined : `an unexpected body ${request.body}`
    case "Form": {
      const form = [...new URLSearchParams(request.body ?? "")].map(([k, v]) => `${k}=${v}`).sort()
      const expected = pairs({ ...(input as object), ...extraBody })
      return canonical(form) === canonical(expected)
        ? undefined
        : `form ${canonical(form)}, expected ${canonical(expected)}`
    }
    case "Json": {
      const body = JSON.parse(request.body ?? "null") as Record<string, unknown>
      const expected = asJson(input) as Record<string, unknown>
      // defined, not assigned: an extra `__proto__` is a field like any other
      for (const [k, v] of Object.entries(asJson(extraBody) as Record<string, unknown>)) {
        Object.defineProperty(expected, k, { value: v, enumerable: true, writable: true, configurable: true })
      }
      const key = operation.idempotencyKey
      if (key !== undefined && !Object.hasOwn(expected, key)) {
        if (typeof body[key] !== "string" || !UUID.test(body[key] as string)) {
          return `no generated ${key} in ${request.body}`
        }
        expected[key] = body[key]
      }
      return canonical(body) === canonical(expected)
        ? undefined
        : `body ${canonical(body)}, expected ${canonical(expected)}`
    }
  }
}
