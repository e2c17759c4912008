/**
 * The spec as the conformance suite reads it: its operations, and requests and answers generated
 * from its schemas (see Conformance.test.ts).
 */
import * as FastCheck from "effect/FastCheck"
import { readFileSync } from "node:fs"
import { fixPaths, fixSchemas, queryShapes } from "../../../../scripts/spec-fixes.js"

// the spec is untyped JSON
type Json = any

const readJson = (path: string): Json => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"))

const rawSpec = readJson("../../../../spec/smscx-openapi.json")
/** The spec as the SDK validates against it: with the fixes of scripts/spec-fixes.ts. */
export const spec = {
  ...rawSpec,
  paths: fixPaths(rawSpec.paths),
  components: { ...rawSpec.components, schemas: fixSchemas(rawSpec.components.schemas) }
}
const errorMapping = readJson("../../../../spec/error-mapping.json")

export const BASE_URL = "http://conformance.test"
export const API_KEY = "k"
export const APPLICATION = { applicationId: "conformance-app", applicationSecret: "conformance-secret" }

const METHODS = ["get", "post", "put", "patch", "delete"] as const

export interface SpecOperation {
  readonly tag: string
  readonly accessor: string
  readonly id: string
  readonly method: string
  readonly path: string
  readonly op: Json
}

export const accessorOf = (tag: string) => tag.charAt(0).toLowerCase() + tag.slice(1)

/** Every operation of the spec, in the order of its paths. */
export const operations: ReadonlyArray<SpecOperation> = Object.entries<Json>(spec.paths).flatMap(([path, item]) =>
  METHODS.flatMap((method) => {
    const op = item[method]
    return op?.operationId === undefined
      ? []
      : [{
        tag: op.tags[0],
        accessor: accessorOf(op.tags[0]),
        id: op.operationId,
        method: method.toUpperCase(),
        path,
        op
      }]
  })
)
export const tags: ReadonlyArray<string> = [...new Set(operations.map((o) => o.tag))]

export const PAGED = [
  "getGroupDetails",
  "getOptoutsList",
  "getAdvancedReport",
  "getCampaignsList",
  "getCampaignReport",
  "getShortlinkHits",
  "getAttachmentHits",
  "getBulkLookupCampaigns",
  "getBulkLookupStatus",
  "getInboundSms"
]

// ---------------------------------------------------------------------------
// Samples generated from the spec's schemas
// ---------------------------------------------------------------------------

/**
 * `required`: only the required properties of objects; `full`: every property and one entry of
 * each record; `nulls`: like `full`, with `null` wherever the schema allows it.
 */
type Mode = "required" | "full" | "nulls"

const schemaNamed = (ref: string): Json => {
  const name = ref.split("/").at(-1)!
  const schema = spec.components.schemas[name]
  if (schema === undefined) throw new Error(`unresolved ${ref}`)
  return schema
}

const resolve = (schema: Json): Json => {
  let s = schema
  while (typeof s === "object" && s !== null && typeof s.$ref === "string") s = schemaNamed(s.$ref)
  return s
}

const isNullSchema = (schema: Json) => resolve(schema)?.type === "null"

/** The members of a union schema, or undefined. */
const unionOf = (schema: Json): ReadonlyArray<Json> | undefined => {
  const s = resolve(schema)
  return s?.anyOf ?? s?.oneOf
}

const UUID = "0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11"
const DATE_TIME = "2030-01-01 10:00:00"
const URI = "https://example.com/x"
/** A path parameter the spec does not constrain gets characters that must be percent-encoded. */
const FREE_PATH_VALUE = "id 1/ü+?#"

const fit = (text: string, min: number, max: number) => text.padEnd(min, "x").slice(0, max)

const matched = new Map<string, string>()

/** A string matching `pattern` (FastCheck, fixed seed) within the length bounds. */
const matching = (pattern: string, min: number, max: number, at: string): string => {
  const key = `${min} ${max} ${pattern}`
  const known = matched.get(key)
  if (known !== undefined) return known
  const candidates = FastCheck.sample(FastCheck.stringMatching(new RegExp(pattern)), { seed: 42, numRuns: 200 })
  const found = candidates.find((s) => s.length >= min && s.length <= max)
  if (found === undefined) throw new Error(`${at}: no sample of /${pattern}/ with a length in [${min}, ${max}]`)
  matched.set(key, found)
  return found
}

const sampleString = (s: Json, at: string): string => {
  const min = s.minLength ?? 0
  const max = s.maxLength ?? Number.POSITIVE_INFINITY
  if (typeof s.pattern === "string") return matching(s.pattern, min, max, at)
  switch (s.format) {
    case "date-time":
      return DATE_TIME
    case "uri":
      return URI
    case "uuid":
      return UUID
  }
  return fit("sample", min, max)
}

const clamp = (value: number, s: Json) => Math.min(Math.max(value, s.minimum ?? value), s.maximum ?? value)

/** A value of `schema` in a mode (above); one item per array (or `minItems`). */
export const sample = (schema: Json, mode: Mode, at: string, depth = 0): unknown => {
  if (depth > 40) throw new Error(`${at}: nested too deeply`)
  const s = resolve(schema)
  if (s === true || s === undefined || (typeof s === "object" && Object.keys(s).length === 0)) return "value"
  if (s.const !== undefined) return s.const
  if (Array.isArray(s.enum)) return s.enum.find((v: unknown) => v !== null) ?? s.enum[0]
  if (Array.isArray(s.allOf)) {
    const own = s.properties !== undefined || s.additionalProperties !== undefined
      ? sampleObject(s, mode, at, depth) as object
      : {}
    return Object.assign({}, ...s.allOf.map((member: Json) => sample(member, mode, at, depth + 1)), own)
  }
  const union = unionOf(s)
  if (union !== undefined) {
    if (mode === "nulls" && union.some(isNullSchema)) return null
    return sample(union.find((member) => !isNullSchema(member)) ?? union[0], mode, at, depth + 1)
  }
  if (mode === "nulls" && Array.isArray(s.type) && s.type.includes("null")) return null
  const type = Array.isArray(s.type)
    ? (s.type.find((t: string) => t !== "null") ?? "null")
    : s.type ?? (s.properties !== undefined || s.additionalProperties !== undefined ? "object" : undefined)
  switch (type) {
    case "null":
      return null
    case "boolean":
      return true
    case "integer":
      return clamp(1, s)
    case "number":
      // not a whole number: an SDK schema that wants an integer where the spec says number bites
      return clamp(1.5, s)
    case "string":
      return sampleString(s, at)
    case "array":
      return Array.from(
        { length: Math.max(1, s.minItems ?? 0) },
        (_, i) => sample(s.items ?? {}, mode, `${at}[${i}]`, depth + 1)
      )
    case "object":
      return sampleObject(s, mode, at, depth)
  }
  throw new Error(`${at}: cannot sample ${JSON.stringify(s).slice(0, 200)}`)
}

const sampleObject = (s: Json, mode: Mode, at: string, depth: number): Record<string, unknown> => {
  const properties: Record<string, Json> = s.properties ?? {}
  const required: ReadonlyArray<string> = s.required ?? []
  const out: Record<string, unknown> = {}
  for (const [name, property] of Object.entries(properties)) {
    if (mode !== "required" || required.includes(name)) out[name] = sample(property, mode, `${at}.${name}`, depth + 1)
  }
  if (mode !== "required" && s.additionalProperties !== undefined && s.additionalProperties !== false) {
    out.key = s.additionalProperties === true ? "value" : sample(s.additionalProperties, mode, `${at}.key`, depth + 1)
  }
  return out
}

/** A path parameter's value: an unconstrained string is one that must be percent-encoded. */
const samplePathParam = (param: Json): unknown => {
  const s = resolve(param.schema)
  const constrained = Object.keys(s).some((k) => k !== "type" && k !== "description")
  return s.type === "string" && !constrained ? FREE_PATH_VALUE : sample(s, "required", param.name)
}

// ---------------------------------------------------------------------------
// What the spec says a call looks like
// ---------------------------------------------------------------------------

const paramsOf = (o: SpecOperation): ReadonlyArray<Json> => o.op.parameters ?? []
const pathParamNames = (o: SpecOperation) => Array.from(o.path.matchAll(/\{([^}]+)\}/g), (m) => m[1]!)
export const queryParams = (o: SpecOperation) => paramsOf(o).filter((p) => p.in === "query")

const bodyOf = (o: SpecOperation): { readonly contentType: string; readonly schema: Json } | undefined => {
  const content = o.op.requestBody?.content
  if (content === undefined) return undefined
  const [contentType, media] = Object.entries<Json>(content)[0]!
  return { contentType, schema: media.schema }
}

/** One request of an operation: its arguments, and what must go on the wire. */
export interface Case {
  readonly label: string
  readonly args: ReadonlyArray<unknown>
  readonly pathname: string
  readonly query: ReadonlyArray<readonly [string, string]>
  readonly body: { readonly contentType: string; readonly value: Record<string, unknown> } | undefined
}

const pathValuesOf = (o: SpecOperation): Record<string, unknown> =>
  Object.fromEntries(
    pathParamNames(o).map((name) => {
      const param = paramsOf(o).find((p) => p.in === "path" && p.name === name)
      if (param === undefined) throw new Error(`${o.id}: no parameter for {${name}}`)
      return [name, samplePathParam(param)]
    })
  )

const expectedPathname = (o: SpecOperation, values: Record<string, unknown>) =>
  o.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(values[name])))

/** The requests an operation is checked with: required fields only, and every field. */
export const casesOf = (o: SpecOperation): ReadonlyArray<Case> => {
  const values = pathValuesOf(o)
  const pathArgs = pathParamNames(o).map((name) => values[name])
  const pathname = expectedPathname(o, values)
  const body = bodyOf(o)
  const query = queryParams(o)
  if (body !== undefined) {
    // a body that is a union (addContactsToGroup): each of its shapes
    const members = unionOf(body.schema) ?? [body.schema]
    return members.flatMap((member, i) =>
      (["required", "full"] as const).map((mode): Case => {
        const value = sample(member, mode, "body") as Record<string, unknown>
        return {
          label: `${mode} body fields${members.length > 1 ? ` of anyOf member ${i} (${resolveName(member)})` : ""}`,
          args: [...pathArgs, value],
          pathname,
          query: [],
          body: { contentType: body.contentType, value }
        }
      })
    )
  }
  if (query.length > 0) {
    // a query with alternative groups (`period`, or `start_date` and `end_date`): each of its shapes
    return queryShapes(o.op).flatMap((shape) =>
      (["required", "full"] as const).map((mode): Case => {
        const input = Object.fromEntries(
          shape.params.filter((p) => mode === "full" || p.required === true).map((
            p
          ) => [p.name, sample(p.schema, mode, p.name)])
        )
        return {
          label: `${mode} query parameters${shape.name === undefined ? "" : ` (by ${shape.name})`}`,
          args: [...pathArgs, input],
          pathname,
          query: Object.entries(input).map(([name, v]) => [name, String(v)] as const),
          body: undefined
        }
      })
    )
  }
  return [{ label: "no input", args: pathArgs, pathname, query: [], body: undefined }]
}

/** The shapes of a JSON answer: each member of a union, else the one schema. */
export const answerShapes = (schema: Json): ReadonlyArray<Json> => {
  try {
    return unionOf(schema) ?? [schema]
  } catch {
    // an unresolvable $ref: the answer test fails on it, with its message
    return [schema]
  }
}

export const resolveName = (schema: Json) => typeof schema?.$ref === "string" ? schema.$ref.split("/").at(-1) : "inline"

export const usesBasicAuth = (o: SpecOperation) => (o.op.security as Array<object>).some((s) => "BasicAuth" in s)
export const apiKeyHeader = String(spec.components.securitySchemes.ApiKeyAuth.name).toLowerCase()

/** The body field carrying the idempotency UUID, when the spec's body has one. */
export const idempotencyField = (o: SpecOperation): string | undefined => {
  const body = bodyOf(o)
  return body !== undefined && resolve(body.schema)?.properties?.idempotencyId !== undefined
    ? "idempotencyId"
    : undefined
}

/** The success answer the spec documents: 200, else 201. */
export const successOf = (
  o: SpecOperation
): { readonly status: number; readonly contentType: string; readonly schema: Json } => {
  const status = "200" in o.op.responses ? 200 : 201
  const [contentType, media] = Object.entries<Json>(o.op.responses[String(status)].content)[0]!
  return { status, contentType, schema: media.schema }
}

/** The exception `spec/error-mapping.json` names for an answer: its rules, in order. */
export const mappedException = (status: number, type: string | undefined, code: number | undefined): string => {
  for (const rule of errorMapping.rules) {
    if (rule.otherwise === true) return rule.exception
    if (rule.status !== undefined && rule.status !== status) continue
    if (rule.statusRange !== undefined && (status < rule.statusRange[0] || status > rule.statusRange[1])) continue
    if (rule.type !== undefined && rule.type !== type) continue
    if (rule.codes !== undefined && (code === undefined || !rule.codes.includes(code))) continue
    return rule.exception
  }
  throw new Error(`no rule for ${status} ${type} ${code}`)
}
