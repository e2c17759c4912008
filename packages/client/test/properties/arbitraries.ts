/**
 * fast-check arbitraries from the reference document's JSON Schemas (as oracle.ts resolves
 * them), never from the SDK's own schemas: values meant to fit (`valid`), and values broken in
 * one place (`invalid`): a wrong type, a missing required field, a string over its maxLength,
 * a number out of range, a value outside its enum, an array over its maxItems, an unknown key.
 * Whether a value really fits is the oracle's call, not the arbitrary's.
 */
import * as fc from "fast-check"

// resolved JSON Schemas are untyped JSON
type Json = any

/** A few extra characters beyond a bound: enough to cross it, small enough to stay fast. */
const SLACK = 20

/** Kinds of JSON value, for wrong-type mutations (the oracle decides whether one still fits). */
const anyJsonType = fc.constantFrom<unknown>(null, true, 0, 1.5, -7, "x", "", [], {}, [1], { a: 1 })

const typesOf = (schema: Json): ReadonlyArray<string> =>
  Array.isArray(schema.type)
    ? schema.type
    : typeof schema.type === "string"
    ? [schema.type]
    : schema.properties !== undefined || schema.additionalProperties !== undefined
    ? ["object"]
    : []

/** Strings of printable characters, Unicode included (accents, CJK, emoji). */
const text = (minLength: number, maxLength: number) =>
  fc.oneof(
    fc.string({ unit: "grapheme-ascii", minLength, maxLength }),
    fc.string({ unit: "grapheme", minLength, maxLength })
  )

/** The date-times the API documents (`YYYY-MM-DD HH:MM:SS`) and ISO 8601 with an offset. */
const dateTime = fc.date({
  min: new Date("2000-01-01T00:00:00Z"),
  max: new Date("2099-12-31T23:59:59Z"),
  noInvalidDate: true
})
  .chain((d) =>
    fc.constantFrom(
      d.toISOString().slice(0, 19).replace("T", " "),
      d.toISOString(),
      d.toISOString().replace("Z", "+02:00")
    )
  )

/** Near misses of a date-time: no calendar day or hour like it, or not the form at all. */
const notDateTime = fc.oneof(
  fc.constantFrom(
    "2025-02-30 12:00:00",
    "2025-13-01 12:00:00",
    "2025-06-01 24:00:00",
    "2025-06-01 12:60:00",
    "2025/06/01 12:00:00",
    "01-06-2025 12:00:00",
    "2025-06-01",
    "tomorrow"
  ),
  fc.string({ maxLength: 12 })
)

/**
 * Strings that are not absolute URLs by either reading (no scheme): the WHATWG and RFC 3986
 * readings disagree only on absolute-looking edge cases (oracle.ts, DEVIATIONS.uriEdges).
 */
const notUri = fc.oneof(
  fc.domain(),
  fc.webPath().map((p) => `/${p}`),
  fc.string({ unit: "grapheme-ascii", maxLength: 12 }).filter((s) => !s.includes(":"))
)

/**
 * `fc.stringMatching` by pattern, built once: building one tokenizes fast-check's default string
 * slices against each character class, and the document repeats its UUID pattern on 108 schemas
 * (nearly two seconds of this suite when built for each).
 */
const matchingCache = new Map<string, fc.Arbitrary<string>>()
const matching = (pattern: string): fc.Arbitrary<string> => {
  const known = matchingCache.get(pattern)
  if (known !== undefined) return known
  const made = fc.stringMatching(new RegExp(pattern))
  matchingCache.set(pattern, made)
  return made
}

const stringArb = (schema: Json): fc.Arbitrary<string> => {
  const min: number = schema.minLength ?? 0
  const max: number = Math.min(schema.maxLength ?? min + SLACK, min + SLACK)
  if (schema.format === "date-time") return dateTime
  if (schema.format === "uri") return fc.webUrl()
  if (schema.pattern !== undefined) {
    return matching(schema.pattern).filter((s) => s.length >= min && s.length <= (schema.maxLength ?? Infinity))
  }
  return text(min, max)
}

const integerArb = (schema: Json) => fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 })

const numberArb = (schema: Json) =>
  fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true })

const objectArb = (schema: Json): fc.Arbitrary<Record<string, unknown>> => {
  const properties: Record<string, Json> = schema.properties ?? {}
  const required: ReadonlyArray<string> = schema.required ?? []
  const known = fc.record(
    Object.fromEntries(Object.entries(properties).map(([name, s]) => [name, valid(s)])),
    { requiredKeys: required.filter((name) => name in properties) }
  )
  const extra = schema.additionalProperties
  if (extra === undefined || extra === false) return known
  const values = extra === true ? fc.jsonValue({ maxDepth: 2 }) : valid(extra)
  const keys = fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !(k in properties) && k !== "__proto__")
  return fc.tuple(known, fc.dictionary(keys, values, { maxKeys: 3 })).map(([k, d]) => ({ ...d, ...k }))
}

const typedValid = (type: string, schema: Json): fc.Arbitrary<unknown> => {
  switch (type) {
    case "string":
      return stringArb(schema)
    case "integer":
      return integerArb(schema)
    case "number":
      return numberArb(schema)
    case "boolean":
      return fc.boolean()
    case "null":
      return fc.constant(null)
    case "array": {
      const min: number = schema.minItems ?? 0
      return fc.array(valid(schema.items ?? {}), {
        minLength: min,
        maxLength: Math.min(schema.maxItems ?? min + 3, min + 3)
      })
    }
    case "object":
      return objectArb(schema)
    default:
      return fc.jsonValue({ maxDepth: 2 })
  }
}

const cache = new WeakMap<object, { valid?: fc.Arbitrary<unknown>; invalid?: fc.Arbitrary<unknown> }>()
const memo = (schema: Json, kind: "valid" | "invalid", make: () => fc.Arbitrary<unknown>) => {
  if (typeof schema !== "object" || schema === null) return make()
  const entry = cache.get(schema) ?? {}
  cache.set(schema, entry)
  return entry[kind] ?? (entry[kind] = make())
}

/** Values meant to fit the schema (small: a few items per array, a few extra characters per string). */
export const valid = (schema: Json): fc.Arbitrary<unknown> =>
  memo(schema, "valid", () => {
    if (schema === true || schema === undefined || Object.keys(schema).length === 0) {
      return fc.jsonValue({ maxDepth: 2 })
    }
    if (schema.enum !== undefined) return fc.constantFrom(...(schema.enum as Array<unknown>))
    const members: Array<Json> | undefined = schema.anyOf ?? schema.oneOf
    if (members !== undefined) return fc.oneof(...members.map(valid))
    if (schema.allOf !== undefined) {
      return fc.tuple(...(schema.allOf as Array<Json>).map(valid), objectArb(schema)).map((parts) =>
        Object.assign({}, ...parts)
      )
    }
    const types = typesOf(schema)
    return types.length === 0 ? fc.jsonValue({ maxDepth: 2 }) : fc.oneof(...types.map((t) => typedValid(t, schema)))
  })

/** A valid object with one field replaced, or removed when `value` is `absent`. */
const absent = Symbol("absent")
const replaced = (object: unknown, name: string, value: unknown) => {
  const out: Record<string, unknown> = { ...(object as Record<string, unknown>) }
  if (value === absent) delete out[name]
  else out[name] = value
  return out
}

/** Breaks of the value itself, by its type's constraints. */
const selfBreaks = (schema: Json): Array<fc.Arbitrary<unknown>> => {
  const breaks: Array<fc.Arbitrary<unknown>> = [anyJsonType]
  if (schema.enum !== undefined) {
    const known = new Set<unknown>(schema.enum)
    breaks.push(fc.oneof(fc.string({ maxLength: 10 }), fc.integer()).filter((v) => !known.has(v)))
    breaks.push(
      fc.constantFrom(...(schema.enum as Array<unknown>)).map((v) => typeof v === "string" ? v.toUpperCase() + "_" : v)
    )
  }
  for (const type of typesOf(schema)) {
    switch (type) {
      case "string": {
        if (schema.maxLength !== undefined) {
          breaks.push(
            fc.string({ unit: "grapheme-ascii", minLength: schema.maxLength + 1, maxLength: schema.maxLength + 3 })
          )
        }
        if ((schema.minLength ?? 0) > 0) {
          breaks.push(fc.string({ unit: "grapheme-ascii", maxLength: schema.minLength - 1 }))
        }
        if (schema.pattern !== undefined) {
          // a fitting value with a character no pattern here allows, or upper-cased (the uuids are lower-case)
          breaks.push(
            stringArb(schema).chain((s) =>
              fc.constantFrom(`${s}-`, ` ${s}`, s.toUpperCase(), s.slice(1), `${s.slice(0, -1)}!`)
            )
          )
        }
        if (schema.format === "date-time") breaks.push(notDateTime)
        if (schema.format === "uri") breaks.push(notUri)
        break
      }
      case "integer":
      case "number": {
        if (schema.minimum !== undefined) breaks.push(fc.constantFrom(schema.minimum - 1, schema.minimum - 0.5))
        if (schema.maximum !== undefined) breaks.push(fc.constantFrom(schema.maximum + 1, schema.maximum + 0.5))
        if (type === "integer") breaks.push(integerArb(schema).map((n) => n + 0.5))
        breaks.push(fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY))
        breaks.push(integerArb(schema).map(String))
        break
      }
      case "array": {
        const items = valid(schema.items ?? {})
        if (schema.maxItems !== undefined) {
          breaks.push(items.map((item) => Array.from({ length: schema.maxItems + 1 }, () => item)))
        }
        if ((schema.minItems ?? 0) > 0) breaks.push(fc.array(items, { maxLength: schema.minItems - 1 }))
        break
      }
      case "object": {
        const properties: Record<string, Json> = schema.properties ?? {}
        const required: Array<string> = (schema.required ?? []).filter((name: string) => name in properties)
        if (required.length > 0) {
          breaks.push(
            fc.tuple(valid(schema), fc.constantFrom(...required)).map(([o, name]) => replaced(o, name, absent))
          )
        }
        const closed = schema.additionalProperties === false || schema.unevaluatedProperties === false
        if (closed) {
          const unknown = fc.oneof(
            fc.constantFrom("unknownField", "idempotencyID", "to ", "Text"),
            fc.string({ minLength: 1, maxLength: 8 })
          ).filter((k) => !(k in properties) && k !== "__proto__")
          breaks.push(
            fc.tuple(valid(schema), unknown, fc.jsonValue({ maxDepth: 1 })).map(([o, k, v]) => replaced(o, k, v))
          )
        }
        break
      }
    }
  }
  return breaks
}

/** Breaks one level down: one field, one item or one member, the rest fitting. */
const childBreaks = (schema: Json): Array<fc.Arbitrary<unknown>> => {
  const breaks: Array<fc.Arbitrary<unknown>> = []
  const properties: Record<string, Json> = schema.properties ?? {}
  const names = Object.keys(properties)
  if (names.length > 0) {
    breaks.push(
      fc.constantFrom(...names).chain((name) =>
        fc.tuple(valid(schema), invalid(properties[name])).map(([o, v]) => replaced(o, name, v))
      )
    )
  }
  const extra = schema.additionalProperties
  if (extra !== undefined && typeof extra === "object" && Object.keys(extra).length > 0) {
    breaks.push(fc.tuple(valid(schema), invalid(extra)).map(([o, v]) => replaced(o, "someField", v)))
  }
  if (schema.items !== undefined && typeof schema.items === "object" && Object.keys(schema.items).length > 0) {
    breaks.push(
      fc.tuple(fc.array(valid(schema.items), { maxLength: 3 }), invalid(schema.items), fc.nat()).map(
        ([items, bad, at]) => {
          const out = [...items]
          out.splice(at % (items.length + 1), 0, bad)
          return out
        }
      )
    )
  }
  const members: Array<Json> | undefined = schema.anyOf ?? schema.oneOf ?? schema.allOf
  if (members !== undefined) breaks.push(...members.map(invalid))
  return breaks
}

/** Values broken in (at least) one place. */
export const invalid = (schema: Json): fc.Arbitrary<unknown> =>
  memo(schema, "invalid", () => {
    if (schema === true || schema === undefined || Object.keys(schema).length === 0) return fc.constant(undefined)
    return fc.oneof(...selfBreaks(schema), ...childBreaks(schema))
  })
