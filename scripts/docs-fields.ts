/**
 * The API reference's field tables: an operation's request and answer fields, their types and
 * constraints, read from its schemas as JSON Schema (what the SDK checks), and described from
 * `spec/smscx-openapi.json`; and the Markdown helpers the pages share.
 */
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

export const root = fileURLToPath(new URL("..", import.meta.url))

// the spec and JSON Schema documents are untyped JSON
export type Json = any

/** A JSON Schema node, as effect's `JSONSchema.make` writes it. */
export interface JsonSchema {
  readonly $ref?: string
  readonly $defs?: Record<string, JsonSchema>
  readonly type?: string | ReadonlyArray<string>
  readonly enum?: ReadonlyArray<unknown>
  readonly const?: unknown
  readonly anyOf?: ReadonlyArray<JsonSchema>
  readonly items?: JsonSchema | ReadonlyArray<JsonSchema>
  readonly properties?: Record<string, JsonSchema>
  readonly additionalProperties?: JsonSchema | boolean
  readonly required?: ReadonlyArray<string>
  readonly minLength?: number
  readonly maxLength?: number
  readonly minItems?: number
  readonly maxItems?: number
  readonly minimum?: number
  readonly maximum?: number
  readonly exclusiveMinimum?: number
  readonly exclusiveMaximum?: number
  readonly pattern?: string
  readonly format?: string
}

/**
 * effect's `JSONSchema`, as `@smscx/core` resolves it (the root has no `effect` of its own): the
 * same ESM module instance as the schemas' own.
 */
export const loadJsonSchema = async (): Promise<{ readonly make: (schema: unknown) => JsonSchema }> => {
  const requireFromCore = createRequire(join(root, "packages/core/package.json"))
  const effectDir = dirname(requireFromCore.resolve("effect/package.json"))
  return await import(pathToFileURL(join(effectDir, "dist/esm/JSONSchema.js")).href)
}

export const spec: Json = JSON.parse(readFileSync(join(root, "spec/smscx-openapi.json"), "utf8"))
export const errorMapping: Json = JSON.parse(readFileSync(join(root, "spec/error-mapping.json"), "utf8"))

/** The spec's operations by operationId. */
export const specOperations = new Map<string, Json>(
  Object.values(spec.paths as Record<string, Record<string, Json>>).flatMap((item) =>
    Object.values(item).filter((o) => typeof o === "object" && o !== null && "operationId" in o).map((
      o
    ) => [o.operationId as string, o])
  )
)

export const resolveSpec = (node: Json): Json => {
  let n = node
  while (n !== undefined && typeof n.$ref === "string") {
    n = (n.$ref as string).replace(/^#\//, "").split("/").reduce((at: Json, key) => at?.[key], spec)
  }
  return n
}

/** The spec's description of a nested field: follows properties, array items and compositions. */
const specChild = (node: Json, name: string): Json => {
  const n = resolveSpec(node)
  if (n === undefined) return undefined
  if (n.properties?.[name] !== undefined) return n.properties[name]
  for (const part of [...(n.allOf ?? []), ...(n.oneOf ?? []), ...(n.anyOf ?? [])]) {
    const found = specChild(part, name)
    if (found !== undefined) return found
  }
  if (n.items !== undefined) return specChild(n.items, name)
  return undefined
}

/**
 * Markdown from the spec, without its dead links: `[words](#)` and in-page anchors of the
 * vendor's site become the words alone.
 */
export const specMarkdown = (text: string): string =>
  text.replace(/\[([^\]]*)\]\(#[^)]*\)/g, "$1").replace(/[ \t]+\n/g, "\n").trim()

/** One line of text for a table cell. */
export const cell = (text: string): string =>
  specMarkdown(text).replace(/<br\s*\/?>|<\/?span>/g, " ").replace(/\s*\n+\s*/g, " ").replace(/\|/g, "\\|")
    // `<ID>` would be taken for an HTML tag, except in a code span, which shows `&lt;` as it is
    .split(/(`+[^`]*`+)/).map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, "&lt;"))).join("")
    .replace(/ {2,}/g, " ").trim()

/** An inline code span. */
export const code = (text: string): string => {
  const ticks = text.includes("`") ? "``" : "`"
  return `${ticks}${ticks === "``" ? " " : ""}${text}${ticks === "``" ? " " : ""}${ticks}`
}

/** An inline code span in a table cell, where `|` must be escaped (GFM), even in code. */
export const tableCode = (text: string): string => code(text).replace(/\|/g, "\\|")

export const pascal = (id: string): string => id.charAt(0).toUpperCase() + id.slice(1)
export const kebab = (id: string): string =>
  id.replace(/([a-z0-9])([A-Z])/g, "$1-$2").replace(/([A-Z])([A-Z][a-z])/g, "$1-$2").toLowerCase()

export const deref = (node: JsonSchema, defs: Record<string, JsonSchema>): JsonSchema => {
  let n = node
  for (let i = 0; i < 20 && n.$ref !== undefined; i++) {
    n = defs[n.$ref.replace(/^#\/\$defs\//, "")] ?? {}
  }
  return n
}

const literal = (value: unknown): string => JSON.stringify(value)

/** A TypeScript rendering of a schema node, one level deep (objects are spelled out as rows). */
export const typeOf = (node: JsonSchema, defs: Record<string, JsonSchema>): string => {
  const n = deref(node, defs)
  if (n.enum !== undefined) return n.enum.map(literal).join(" | ")
  if (n.const !== undefined) return literal(n.const)
  if (n.anyOf !== undefined) return [...new Set(n.anyOf.map((m) => typeOf(m, defs)))].join(" | ")
  if (Array.isArray(n.type)) return n.type.map((t) => (t === "integer" ? "number" : t)).join(" | ")
  switch (n.type) {
    case "string":
      return "string"
    case "integer":
    case "number":
      return "number"
    case "boolean":
      return "boolean"
    case "null":
      return "null"
    case "array": {
      if (Array.isArray(n.items)) return `[${n.items.map((i: JsonSchema) => typeOf(i, defs)).join(", ")}]`
      const item = n.items === undefined ? "unknown" : typeOf(n.items as JsonSchema, defs)
      return `Array<${item}>`
    }
    case "object":
      if (n.properties !== undefined && Object.keys(n.properties).length > 0) return "object"
      // a map: `{ "NL": { "KPN": { ... } } }`
      return typeof n.additionalProperties === "object"
        ? `Record<string, ${typeOf(n.additionalProperties, defs)}>`
        : "Record<string, unknown>"
    default:
      return "unknown"
  }
}

/** The constraints of a node, as a reader checks them (the items' own for an array). */
const constraintsOf = (node: JsonSchema, defs: Record<string, JsonSchema>): Array<string> => {
  const n = deref(node, defs)
  const out: Array<string> = []
  if (n.type === "integer") out.push("integer")
  if (n.minLength !== undefined && n.minLength === n.maxLength) out.push(`length ${n.minLength}`)
  else {
    if (n.minLength !== undefined) out.push(`min length ${n.minLength}`)
    if (n.maxLength !== undefined) out.push(`max length ${n.maxLength}`)
  }
  if (n.minItems !== undefined) out.push(`at least ${n.minItems} items`)
  if (n.maxItems !== undefined) out.push(`at most ${n.maxItems} items`)
  if (n.minimum !== undefined) out.push(`≥ ${n.minimum}`)
  if (n.exclusiveMinimum !== undefined) out.push(`> ${n.exclusiveMinimum}`)
  if (n.maximum !== undefined) out.push(`≤ ${n.maximum}`)
  if (n.exclusiveMaximum !== undefined) out.push(`< ${n.exclusiveMaximum}`)
  if (n.format !== undefined) out.push(`format ${n.format}`)
  if (n.pattern !== undefined) out.push(`pattern ${code(n.pattern)}`)
  if (n.type === "array" && n.items !== undefined && !Array.isArray(n.items)) {
    const each = constraintsOf(n.items as JsonSchema, defs)
    if (each.length > 0) out.push(`each: ${each.join(", ")}`)
  }
  if (n.anyOf !== undefined) {
    for (const member of n.anyOf) out.push(...constraintsOf(member, defs).filter((c) => !out.includes(c)))
  }
  return out
}

/** The object a node stands for (itself, its array's items, the object member of a union). */
export const objectOf = (node: JsonSchema, defs: Record<string, JsonSchema>): JsonSchema | undefined => {
  const n = deref(node, defs)
  if (n.properties !== undefined && Object.keys(n.properties).length > 0) return n
  if (n.type === "array" && n.items !== undefined && !Array.isArray(n.items)) {
    return objectOf(n.items as JsonSchema, defs)
  }
  for (const member of n.anyOf ?? []) {
    const o = objectOf(member, defs)
    if (o !== undefined) return o
  }
  return undefined
}

export interface Field {
  readonly name: string
  readonly type: string
  readonly required: string
  readonly constraints: string
  readonly description: string
}

/**
 * The rows of an object: one per field, nested fields as `parent.child` (`parent[].child` in
 * arrays), each described from the spec node at the same place.
 */
export const fieldsOf = (
  object: JsonSchema,
  defs: Record<string, JsonSchema>,
  specNode: Json,
  prefix = "",
  depth = 0,
  requiredNote: (name: string) => string = (name) => ((object.required ?? []).includes(name) ? "yes" : "no"),
  docs: ReadonlyMap<string, string> = new Map()
): Array<Field> =>
  Object.entries(object.properties ?? {}).flatMap(([name, node]) => {
    const specField = specChild(specNode, name)
    const described = resolveSpec(specField)
    const description = docs.get(name) ?? specField?.description ?? described?.description ?? ""
    const row: Field = {
      name: `${prefix}${name}`,
      type: typeOf(node, defs),
      required: requiredNote(name),
      constraints: constraintsOf(node, defs).join(", "),
      description
    }
    const inner = objectOf(node, defs)
    if (inner === undefined || depth >= 3) return [row]
    const isArray = deref(node, defs).type === "array"
    return [row, ...fieldsOf(inner, defs, specField, `${prefix}${name}${isArray ? "[]" : ""}.`, depth + 1)]
  })

export const fieldTable = (fields: ReadonlyArray<Field>, withRequired: boolean): string => {
  if (fields.length === 0) return ""
  const head = withRequired
    ? "| Field | Type | Required | Constraints | Description |\n| --- | --- | --- | --- | --- |"
    : "| Field | Type | Description |\n| --- | --- | --- |"
  const rows = fields.map((f) =>
    withRequired
      ? `| ${tableCode(f.name)} | ${tableCode(f.type)} | ${f.required} | ${cell(f.constraints)} | ${
        cell(f.description)
      } |`
      : `| ${tableCode(f.name)} | ${tableCode(f.type)} | ${cell(f.description)} |`
  )
  return `${head}\n${rows.join("\n")}\n`
}
