/**
 * Whether a call's arguments fit the reference document (spec/smscx-openapi.json, with the
 * documented fixes of scripts/spec-fixes.ts), decided by ajv: a validator independent of the
 * SDK's Effect Schemas. For each operation: its path parameters, and its request body or query
 * parameters, as JSON Schemas with every `$ref` inlined.
 *
 * Where the SDK deliberately reads the document differently, the oracle reads it the same way,
 * and says why here (DEVIATIONS); nothing else is adjusted.
 */
import * as Api from "@smscx/core/Api"
import type * as Operation from "@smscx/core/Operation"
import addFormatsModule from "ajv-formats"
import { fullFormats } from "ajv-formats/dist/formats.js"
import Ajv2020Module from "ajv/dist/2020.js"
import { readFileSync } from "node:fs"
import { fixPaths, fixSchemas, queryShapes } from "../../../../scripts/spec-fixes.js"

// ajv and ajv-formats are CommonJS modules whose default export is `exports.default`
const Ajv2020 = Ajv2020Module.default
const addFormats = addFormatsModule.default

// the spec is untyped JSON
type Json = any

const rawSpec = JSON.parse(readFileSync(new URL("../../../../spec/smscx-openapi.json", import.meta.url), "utf8"))
const components: Record<string, Json> = fixSchemas(rawSpec.components.schemas)
const paths: Record<string, Json> = fixPaths(rawSpec.paths)

/**
 * The SDK's deliberate readings of the document, each one a place where plain JSON Schema
 * semantics and the SDK differ on purpose. The oracle applies them; every other rule is the
 * document's, as ajv reads it.
 */
export const DEVIATIONS = {
  /**
   * A request object names all its fields: an unknown one is a typo the SDK refuses before
   * sending (the schemas decode with `onExcessProperty: "error"`); fields the API added after
   * the release go through `CallOptions.extraBody` / `extraQuery`. JSON Schema leaves objects
   * open unless `additionalProperties` says otherwise, so the oracle closes each object that
   * lists properties and says nothing about others (`unevaluatedProperties: false`, so that
   * `allOf` members still see each other's fields).
   */
  closedObjects: true,
  /**
   * `date-time`: spec/README.md documents `YYYY-MM-DD HH:MM:SS` (UTC unless `isUtc: false`)
   * while the Python client sends ISO 8601 with an offset, "a server should accept both". JSON
   * Schema's `date-time` (RFC 3339) refuses the documented form; the oracle takes both forms,
   * with a real calendar date and time.
   */
  dateTime: true,
  /**
   * `uri`: the API refuses a callback URL it cannot call (error 1109); the SDK checks an absolute
   * URL as WHATWG `URL` parses it, ajv-formats by RFC 3986. They differ at the edges (a space in a
   * path, a backslash, a non-ASCII host): the generated values stay where the two agree (absolute
   * http(s) URLs; strings without a scheme), see arbitraries.ts.
   */
  uriEdges: true,
  /**
   * Path parameters become URL segments: an empty one, `.` or `..` would be dropped or resolved
   * by URL parsing and name another resource, so the SDK refuses them even where the document's
   * schema (a bare string: attachmentId, shortId, phoneNumber, applicationId) allows them.
   */
  dotSegments: true,
  /**
   * An input left out, `undefined` or `null` reads as no input (`{}`): the trailing input
   * argument is optional when no field of it is required (Operation.InputArgs).
   */
  absentInput: true,
  /**
   * KNOWN DEFECT, reported, pinned by an `it.fails` in Properties.test.ts: the SDK counts
   * `minLength`/`maxLength` in UTF-16 code units (Effect's `Schema.maxLength`), JSON Schema in
   * code points; a 15-character sender with an emoji in it is refused before it is sent. The
   * oracle counts as the SDK does (`unicode: false`) so that the rest of the property holds.
   */
  lengthInCodeUnits: true
} as const

/** A date and time that exist: month 1-12, the day within its month, hour < 24 and so on. */
const realDateTime = (y: string, mo: string, d: string, h: string, mi: string, s: string) => {
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number
  ]
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60
}

const DOCUMENTED_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/
const rfc3339 = (fullFormats["date-time"] as { validate: (s: string) => boolean }).validate

/** `YYYY-MM-DD HH:MM:SS` (the docs) or RFC 3339 (the Python client). */
export const isDateTime = (s: string): boolean => {
  const m = DOCUMENTED_DATE_TIME.exec(s)
  return m !== null ? realDateTime(m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, m[6]!) : rfc3339(s)
}

// JSON has no NaN or Infinity (`strictNumbers`); lengths per DEVIATIONS.lengthInCodeUnits
const ajv = new Ajv2020({ strict: false, allErrors: true, strictNumbers: true, unicode: false })
addFormats(ajv)
ajv.addFormat("date-time", { type: "string", validate: isDateTime })

const refName = (ref: string) => ref.replace("#/components/schemas/", "")

/**
 * The schema with every `$ref` inlined (request schemas are not recursive), and, per
 * `DEVIATIONS.closedObjects`, each object that lists properties closed: at the `allOf` that
 * composes it rather than inside each member.
 */
export const resolve = (schema: Json, inAllOf = false): Json => {
  if (schema === true || schema === false || schema === null || typeof schema !== "object") return schema
  if (Array.isArray(schema)) return schema.map((s) => resolve(s))
  if (typeof schema.$ref === "string") return resolve(components[refName(schema.$ref)], inAllOf)
  const out: Json = {}
  for (const [key, value] of Object.entries<Json>(schema)) {
    if (key === "description" || key.startsWith("x-")) continue
    if (key === "allOf") out.allOf = value.map((member: Json) => resolve(member, true))
    else if (key === "properties") {
      out.properties = Object.fromEntries(Object.entries<Json>(value).map(([name, s]) => [name, resolve(s)]))
    } else if (key === "items" || key === "additionalProperties") out[key] = resolve(value)
    else if (key === "anyOf" || key === "oneOf") out[key] = value.map((member: Json) => resolve(member, inAllOf))
    else out[key] = value
  }
  const lists = out.properties !== undefined || out.allOf !== undefined
  if (!inAllOf && lists && out.additionalProperties === undefined) out.unevaluatedProperties = false
  return out
}

/** What an operation takes, as JSON Schemas. */
export interface Shape {
  readonly operation: Operation.Any
  /** In path order. */
  readonly pathParams: ReadonlyArray<{ readonly name: string; readonly schema: Json }>
  /** The body or the query parameters as one object; undefined when the operation takes neither. */
  readonly input: Json | undefined
}

const specOperation = (operation: Operation.Any): Json => paths[operation.path][operation.method.toLowerCase()]

/** The operation's path parameters and input, from the document (never from the SDK's schemas). */
export const shapeOf = (operation: Operation.Any): Shape => {
  const op = specOperation(operation)
  const parameters: Array<Json> = op.parameters ?? []
  const byName = new Map(parameters.filter((p) => p.in === "path").map((p) => [p.name as string, p]))
  const pathParams = operation.pathParamNames.map((name) => ({ name, schema: resolve(byName.get(name)!.schema) }))
  const content = op.requestBody?.content as Record<string, { schema: Json }> | undefined
  const query = parameters.filter((p) => p.in === "query")
  // a query with alternative groups (`period`, or `start_date` and `end_date`) fits one of its shapes
  const shapes = queryShapes(op).map(({ params }) => ({
    type: "object",
    properties: Object.fromEntries(params.map((p) => [p.name, resolve(p.schema)])),
    required: params.filter((p) => p.required === true).map((p) => p.name),
    // the document lists every parameter: an unknown one is refused (DEVIATIONS.closedObjects)
    additionalProperties: false
  }))
  const input = content !== undefined
    ? resolve(Object.values(content)[0]!.schema)
    : query.length > 0
    ? shapes.length === 1 ? shapes[0] : { anyOf: shapes }
    : undefined
  return { operation, pathParams, input }
}

/** Every operation, from the generated list (never typed by hand). */
export const operations: ReadonlyArray<Operation.Any> = Object.values(Api.groups).flatMap((group) =>
  Object.values<Operation.Any>(group)
)

const compiled = new Map<Json, (value: unknown) => boolean>()
const validator = (schema: Json) => {
  let validate = compiled.get(schema)
  if (validate === undefined) {
    const v = ajv.compile(schema)
    validate = (value) => v(value) as boolean
    compiled.set(schema, validate)
  }
  return validate
}

/** A path segment URL parsing would drop or resolve (DEVIATIONS.dotSegments). */
const unsendableSegment = (value: unknown) => {
  const encoded = encodeURIComponent(String(value))
  return encoded === "" || encoded === "." || encoded === ".."
}

/** Whether the call's arguments (path parameters in path order, then the input) fit the document. */
export const accepts = (shape: Shape, args: ReadonlyArray<unknown>): boolean => {
  for (const [i, { schema }] of shape.pathParams.entries()) {
    if (!validator(schema)(args[i]) || unsendableSegment(args[i])) return false
  }
  if (shape.input === undefined) return true
  // DEVIATIONS.absentInput
  const input = args[shape.pathParams.length] ?? {}
  return validator(shape.input)(input)
}
