/**
 * JSON Schema to Effect Schema source: what `Generated.ts` and the operation entries are written
 * in, each call marked pure, each field documented with its description and constraints.
 */
import { type Json, key, lit, prose, refName } from "./spec.js"

const MAX_ENUM_IN_DOC = 12

/**
 * What a field's schema requires, in words, for its hover: `3 to 15 characters`, `pattern ...`,
 * `one of ...`, `format date-time`, ranges, item counts and what each item takes.
 */
export const constraintsOf = (s: Json): Array<string> => {
  if (s === null || typeof s !== "object" || s.$ref !== undefined) return []
  const out: Array<string> = []
  const code = (v: unknown) => `\`${typeof v === "string" ? v : JSON.stringify(v)}\``
  if (Array.isArray(s.enum)) {
    const shown = s.enum.slice(0, MAX_ENUM_IN_DOC).map(code).join(", ")
    out.push(`one of ${shown}${s.enum.length > MAX_ENUM_IN_DOC ? `, … (${s.enum.length} values)` : ""}`)
  }
  // what the SDK checks before sending (Formats.DateTime): the docs' form, or ISO 8601
  if (s.format === "date-time" && strictFormats) out.push("a date-time, `YYYY-MM-DD HH:MM:SS` or ISO 8601")
  else if (typeof s.format === "string" && s.format !== "binary") out.push(`format ${s.format}`)
  const range = (min: number | undefined, max: number | undefined, unit: string) => {
    if (min !== undefined && min === max) return `${min} ${unit}`
    if (min !== undefined && min > 0 && max !== undefined) return `${min} to ${max} ${unit}`
    if (max !== undefined) return `at most ${max} ${unit}`
    if (min !== undefined && min > 0) return `at least ${min} ${unit}`
    return undefined
  }
  const length = range(s.minLength, s.maxLength, "characters")
  if (length !== undefined) out.push(length)
  if (typeof s.pattern === "string") out.push(`pattern ${code(s.pattern)}`)
  if (s.minimum !== undefined && s.maximum !== undefined) out.push(`from ${s.minimum} to ${s.maximum}`)
  else if (s.minimum !== undefined) out.push(`at least ${s.minimum}`)
  else if (s.maximum !== undefined) out.push(`at most ${s.maximum}`)
  const items = range(s.minItems, s.maxItems, "items")
  if (items !== undefined) out.push(items)
  if (s.items !== undefined) {
    const each = constraintsOf(s.items)
    if (each.length > 0) out.push(`each ${each.join(", ")}`)
  }
  if (s.default !== undefined) out.push(`default ${code(s.default)}`)
  return out
}

/** A field's comment: its description, then what its schema requires. */
export const jsdoc = (description: unknown, schema?: Json): string => {
  const text = typeof description === "string" ? prose(description.trim()).replace(/\s*\n\s*/g, " ") : ""
  const constraints = schema === undefined ? [] : constraintsOf(schema)
  if (text === "" && constraints.length === 0) return ""
  if (constraints.length === 0) return `\n/** ${text} */\n`
  const rule = prose(`${constraints.join("; ")}.`)
  return `\n/**\n${text === "" ? "" : ` * ${text}\n *\n`} * ${rule.charAt(0).toUpperCase()}${rule.slice(1)}\n */\n`
}

const checks = (s: Json): Array<string> => {
  const out: Array<string> = []
  if (s.minLength !== undefined && s.minLength === s.maxLength) out.push(pure(`Schema.length(${s.minLength})`))
  else {
    if (s.minLength !== undefined && s.minLength > 0) out.push(pure(`Schema.minLength(${s.minLength})`))
    if (s.maxLength !== undefined) out.push(pure(`Schema.maxLength(${s.maxLength})`))
  }
  if (s.pattern !== undefined) out.push(pure(`Schema.pattern(${pure(`new RegExp(${lit(s.pattern)})`)})`))
  if (s.minimum !== undefined) out.push(pure(`Schema.greaterThanOrEqualTo(${s.minimum})`))
  if (s.maximum !== undefined) out.push(pure(`Schema.lessThanOrEqualTo(${s.maximum})`))
  if (s.minItems !== undefined && s.minItems > 0) out.push(pure(`Schema.minItems(${s.minItems})`))
  if (s.maxItems !== undefined) out.push(pure(`Schema.maxItems(${s.maxItems})`))
  return out
}

// Every call in generated code carries a pure annotation, arguments included: bundlers may then
// drop what a program does not reach (one operation's schemas rather than all 100)
export const pure = (call: string) => `/*#__PURE__*/ ${call}`
// a method called on a value that is itself a call: the parentheses keep each annotation on its call
export const chained = (base: string, method: string, args: string) =>
  pure(`${/\(/.test(base) ? `(${base})` : base}.${method}(${args})`)

const withChecks = (base: string, s: Json) => {
  const c = checks(s)
  return c.length ? chained(base, "pipe", c.join(", ")) : base
}

const scalar = (type: string, s: Json): string => {
  switch (type) {
    case "string":
      if (s.enum) {
        // answers accept values added after this release; requests send only known ones
        const open = !strictFormats && s.enum.every((v: unknown) => typeof v === "string")
        return pure(`${open ? "Formats.OpenLiteral" : "Schema.Literal"}(${s.enum.map(lit).join(", ")})`)
      }
      if (s.format === "binary") return "Schema.Uint8ArrayFromSelf"
      if (strictFormats && (s.format === "uri" || s.format === "date-time")) {
        return withChecks(s.format === "uri" ? "Formats.Uri" : "Formats.DateTime", s)
      }
      return withChecks("Schema.String", s)
    case "integer":
      if (s.enum) return pure(`Schema.Literal(${s.enum.map(lit).join(", ")})`)
      return withChecks("Schema.Int", s)
    case "number":
      // JSON has no NaN or Infinity
      return withChecks("Schema.Finite", s)
    case "boolean":
      return "Schema.Boolean"
    case "null":
      return "Schema.Null"
    case "array":
      return withChecks(pure(`Schema.Array(${toSchema(s.items ?? {})})`), s)
    case "object":
      return objectSchema(s)
    default:
      throw new Error(`unsupported type ${type} in ${lit(s).slice(0, 200)}`)
  }
}

export const objectSchema = (s: Json): string => {
  const props: Record<string, Json> = s.properties ?? {}
  const required = new Set<string>(s.required ?? [])
  // descriptions are JSDoc, shown on hover, rather than annotations: kept out of every bundle
  const fields = Object.entries(props).map(([name, p]) => {
    const inner = toSchema(p)
    const field = required.has(name) ? inner : pure(`Schema.optional(${inner})`)
    return `${jsdoc(p.description, p)}${key(name)}: ${field}`
  })
  const extra = s.additionalProperties
  const record = extra === undefined || extra === false
    ? undefined
    : pure(`Schema.Record({ key: Schema.String, value: ${extra === true ? "Schema.Unknown" : toSchema(extra)} })`)
  if (fields.length === 0) return record ?? pure("Schema.Record({ key: Schema.String, value: Schema.Unknown })")
  return pure(`Schema.Struct({ ${fields.join(", ")} }${record ? `, ${record}` : ""})`)
}

export function toSchema(s: Json): string {
  if (s === true || s === undefined || (typeof s === "object" && Object.keys(s).length === 0)) return "Schema.Unknown"
  if (s.$ref) return refName(s.$ref)
  if (s.anyOf || s.oneOf) {
    const members = (s.anyOf ?? s.oneOf).map(toSchema)
    return members.length === 1 ? members[0] : pure(`Schema.Union(${members.join(", ")})`)
  }
  if (s.allOf) {
    const members: Array<string> = s.allOf.map(toSchema)
    return members.reduce((acc, m) => pure(`Schema.extend(${acc}, ${m})`))
  }
  if (s.enum && s.type === undefined) return pure(`Schema.Literal(${s.enum.map(lit).join(", ")})`)
  if (Array.isArray(s.type)) {
    const nonNull = s.type.filter((t: string) => t !== "null")
    const inner = nonNull.length === 1
      ? scalar(nonNull[0], s)
      : pure(`Schema.Union(${nonNull.map((t: string) => scalar(t, s)).join(", ")})`)
    return s.type.includes("null") ? pure(`Schema.NullOr(${inner})`) : inner
  }
  if (s.type === undefined && s.properties) return objectSchema(s)
  return scalar(s.type, s)
}

/**
 * Formats are checked where the SDK sends them (request bodies and parameters), not in answers:
 * an answer's date in a form the docs did not foresee must not fail a send that was performed.
 */
let strictFormats = false

/** Whether formats are checked where the schema being written is used (requests). */
export const isStrict = (): boolean => strictFormats

/** Runs `f` with formats checked (request side) or not (answers). */
export const withFormats = <A>(strict: boolean, f: () => A): A => {
  const before = strictFormats
  strictFormats = strict
  try {
    return f()
  } finally {
    strictFormats = before
  }
}
