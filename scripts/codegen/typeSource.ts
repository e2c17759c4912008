/**
 * JSON Schema to TypeScript type source: the explicit, field-by-field types of `Shapes.ts` and
 * `Models.ts`, each the type its Effect Schema (`schemaSource.ts`) decodes to, written out so that
 * declarations and editors need not compute `Schema.Type` of a schema (the drift check,
 * `packages/core/test/ModelsDrift.check.ts`, holds the two equal).
 */
import { constraintsOf, isStrict } from "./schemaSource.js"
import { type Json, key, lit, prose, refName, resolved } from "./spec.js"

/** A field's comment as lines, indented: its description, then what its schema requires. */
export const docLines = (description: unknown, schema: Json | undefined, indent: string): Array<string> => {
  const text = typeof description === "string" ? prose(description.trim()).replace(/\s*\n\s*/g, " ") : ""
  const constraints = schema === undefined ? [] : constraintsOf(schema)
  if (text === "" && constraints.length === 0) return []
  if (constraints.length === 0) return [`${indent}/** ${text} */`]
  const rule = prose(`${constraints.join("; ")}.`)
  return [
    `${indent}/**`,
    ...(text === "" ? [] : [`${indent} * ${text}`, `${indent} *`]),
    `${indent} * ${rule.charAt(0).toUpperCase()}${rule.slice(1)}`,
    `${indent} */`
  ]
}

/** How a `$ref` is written where the type is used: `Name` inside `Shapes.ts`, `Shapes.Name` outside. */
let refPrefix = ""

/** Runs `f` with component references written as `prefix + Name`. */
export const withRefPrefix = <A>(prefix: string, f: () => A): A => {
  const before = refPrefix
  refPrefix = prefix
  try {
    return f()
  } finally {
    refPrefix = before
  }
}

const union = (members: ReadonlyArray<string>) => {
  const unique = [...new Set(members)]
  return unique.length === 1 ? unique[0]! : unique.join(" | ")
}

const scalarType = (type: string, s: Json, indent: string): string => {
  switch (type) {
    case "string":
      if (s.enum) {
        // as `Formats.OpenLiteral`: answers keep values added after this release
        const open = !isStrict() && s.enum.every((v: unknown) => typeof v === "string")
        return union([...s.enum.map(lit), ...(open ? ["(string & {})"] : [])])
      }
      return s.format === "binary" ? "Uint8Array" : "string"
    case "integer":
    case "number":
      return s.enum ? union(s.enum.map(lit)) : "number"
    case "boolean":
      return "boolean"
    case "null":
      return "null"
    case "array": {
      const item = toType(s.items ?? {}, indent)
      return `ReadonlyArray<${item}>`
    }
    case "object":
      return objectType(s, indent)
    default:
      throw new Error(`unsupported type ${type} in ${lit(s).slice(0, 200)}`)
  }
}

/** An object's members, one a line with its comment; its record part as an index signature. */
export const objectMembers = (s: Json, indent: string): Array<string> => {
  const props: Record<string, Json> = s.properties ?? {}
  const required = new Set<string>(s.required ?? [])
  const members = Object.entries(props).flatMap(([name, p]) => [
    ...docLines(p.description, p, indent),
    // `Schema.optional` types an absent field as `?: A | undefined`
    `${indent}readonly ${key(name)}${
      required.has(name) ? `: ${toType(p, indent)}` : `?: ${toType(p, indent)} | undefined`
    }`
  ])
  const extra = s.additionalProperties
  if (extra !== undefined && extra !== false) {
    members.push(`${indent}readonly [key: string]: ${extra === true ? "unknown" : toType(extra, indent)}`)
  } else if (members.length === 0) members.push(`${indent}readonly [key: string]: unknown`)
  return members
}

const objectType = (s: Json, indent: string): string => `{\n${objectMembers(s, `${indent}  `).join("\n")}\n${indent}}`

/** The type a schema's Effect Schema decodes to, as TypeScript source. */
export function toType(s: Json, indent = ""): string {
  if (s === true || s === undefined || (typeof s === "object" && Object.keys(s).length === 0)) return "unknown"
  if (s.$ref) return `${refPrefix}${refName(s.$ref)}`
  if (s.anyOf || s.oneOf) return union((s.anyOf ?? s.oneOf).map((m: Json) => toType(m, indent)))
  if (s.allOf) return s.allOf.map((m: Json) => toType(m, indent)).join(" & ")
  if (s.enum && s.type === undefined) return union(s.enum.map(lit))
  if (Array.isArray(s.type)) {
    const nonNull = s.type.filter((t: string) => t !== "null")
    const inner = union(nonNull.map((t: string) => scalarType(t, s, indent)))
    return s.type.includes("null") ? `${inner} | null` : inner
  }
  if (s.type === undefined && s.properties) return objectType(s, indent)
  return scalarType(s.type, s, indent)
}

/**
 * Whether a schema is one object type written out (an interface can declare it): an object with
 * properties, or an `allOf` of such and of references.
 */
export const isPlainObject = (s: Json): boolean =>
  s !== undefined && typeof s === "object" && s.$ref === undefined && !s.anyOf && !s.oneOf && !s.allOf &&
  (s.type === "object" || (s.type === undefined && s.properties !== undefined))

/** Whether `interfaceOf` declares a schema's type as an interface (which another can extend). */
const isInterface = (s: Json): boolean =>
  s?.$ref ? isInterface(resolved(s)) : isPlainObject(s) ||
    (s?.allOf !== undefined && s.allOf.every((m: Json) => (m.$ref && isInterface(resolved(m))) || isPlainObject(m)))

/**
 * An interface declaring a schema's type: fields written out for an object, `extends` for a
 * reference or an `allOf` of references and objects; undefined when the type is no object (a
 * union, an array, a scalar: a type alias then).
 */
export const interfaceOf = (name: string, s: Json): string | undefined => {
  if (s?.$ref) return isInterface(resolved(s)) ? `export interface ${name} extends ${toType(s)} {}` : undefined
  if (isPlainObject(s)) return `export interface ${name} {\n${objectMembers(s, "  ").join("\n")}\n}`
  if (isInterface(s)) {
    const bases = s.allOf.filter((m: Json) => m.$ref).map((m: Json) => toType(m))
    const own = s.allOf.filter((m: Json) => !m.$ref).flatMap((m: Json) => objectMembers(m, "  "))
    return `export interface ${name}${bases.length ? ` extends ${bases.join(", ")}` : ""} {\n${own.join("\n")}\n}`
  }
  return undefined
}
