/**
 * A fast yes/no check that a parsed JSON value fits a schema as it is, compiled once from the
 * schema's AST into plain closures.
 *
 * Why: `Schema.decodeUnknown` builds issues and results as it goes, which costs 6-12x
 * `JSON.parse` on a 25,000-message answer. The answers of this API have no transformations
 * (their type is their JSON), so a value this guard accepts is the decoded value; anything it
 * rejects goes through the full decode, for its error message. Being compiled from the same
 * AST, it cannot drift from the schema.
 *
 * @since 0.1.0
 */
import * as Option from "effect/Option"
import { isRecord } from "effect/Predicate"
import type * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

/**
 * @since 0.1.0
 * @category models
 */
export type Guard = (u: unknown) => boolean

const parseOptions: AST.ParseOptions = {}

class Unsupported {
  constructor(readonly tag: string) {}
}

const compile = (ast: AST.AST): Guard => {
  switch (ast._tag) {
    case "StringKeyword":
      return (u) => typeof u === "string"
    case "NumberKeyword":
      return (u) => typeof u === "number"
    case "BooleanKeyword":
      return (u) => typeof u === "boolean"
    case "UndefinedKeyword":
      return (u) => u === undefined
    case "UnknownKeyword":
    case "AnyKeyword":
      return () => true
    case "Literal": {
      const literal = ast.literal
      return (u) => u === literal
    }
    case "Union": {
      if (ast.types.every(AST.isLiteral)) {
        const literals = new Set(ast.types.map((t) => (t as AST.Literal).literal))
        return (u) => literals.has(u as AST.LiteralValue)
      }
      const members = ast.types.map(compile)
      return (u) => {
        for (const member of members) if (member(u)) return true
        return false
      }
    }
    case "Refinement": {
      const from = compile(ast.from)
      const filter = ast.filter
      return (u) => from(u) && Option.isNone(filter(u, parseOptions, ast))
    }
    case "TupleType": {
      if (ast.elements.length !== 0 || ast.rest.length !== 1) throw new Unsupported("TupleType")
      const item = compile(ast.rest[0]!.type)
      return (u) => {
        if (!Array.isArray(u)) return false
        for (let i = 0; i < u.length; i++) if (!item(u[i])) return false
        return true
      }
    }
    case "TypeLiteral": {
      const properties = ast.propertySignatures.map((ps) => {
        if (typeof ps.name !== "string") throw new Unsupported("symbol key")
        return { name: ps.name, optional: ps.isOptional, guard: compile(ps.type) }
      })
      const indexes = ast.indexSignatures.map((is) => {
        if (is.parameter._tag !== "StringKeyword") throw new Unsupported("index signature parameter")
        return compile(is.type)
      })
      return (u) => {
        if (!isRecord(u)) return false
        for (const p of properties) {
          const value = u[p.name]
          if (value === undefined ? !p.optional : !p.guard(value)) return false
        }
        // every key, named or not, meets the index signatures: never laxer than the decode
        if (indexes.length > 0) {
          for (const key in u) for (const index of indexes) if (!index(u[key])) return false
        }
        return true
      }
    }
    case "Suspend": {
      let guard: Guard | undefined
      return (u) => (guard ??= compile(ast.f()))(u)
    }
    default:
      // transformations and declarations change or need more than the JSON: decode instead
      throw new Unsupported(ast._tag)
  }
}

const guards = new WeakMap<AST.AST, Guard | undefined>()

/**
 * The guard of a schema whose type is plain JSON; `undefined` when the schema transforms its
 * input (then only a decode will do).
 *
 * @since 0.1.0
 * @category constructors
 */
export const of = (schema: Schema.Schema.AnyNoContext): Guard | undefined => {
  if (guards.has(schema.ast)) return guards.get(schema.ast)
  let guard: Guard | undefined
  try {
    guard = compile(schema.ast)
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e
  }
  guards.set(schema.ast, guard)
  return guard
}

// -------------------------------------------------------------------------------------------------
// `__proto__` keys
// -------------------------------------------------------------------------------------------------

const PROTO = "__proto__"

const hasOwnProto = (o: object): boolean => Object.hasOwn(o, PROTO)

/**
 * Whether a JSON value holds an own `__proto__` key at any level. Iterative: an answer nested
 * thousands deep must not overflow the stack here.
 */
const holdsProto = (value: unknown): boolean => {
  const stack: Array<unknown> = [value]
  while (stack.length > 0) {
    const u = stack.pop()
    if (typeof u !== "object" || u === null) continue
    if (Array.isArray(u)) {
      for (let i = 0; i < u.length; i++) stack.push(u[i])
      continue
    }
    if (hasOwnProto(u)) return true
    for (const key in u) stack.push((u as Record<string, unknown>)[key])
  }
  return false
}

/** A copy without `__proto__` keys, built with defined properties (never the `__proto__` setter). */
const copyWithoutProto = (u: unknown): unknown => {
  if (typeof u !== "object" || u === null) return u
  if (Array.isArray(u)) return u.map(copyWithoutProto)
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(u)) {
    if (key !== PROTO) out[key] = copyWithoutProto((u as Record<string, unknown>)[key])
  }
  return out
}

/**
 * A JSON value without any own `__proto__` key, at any level: the value itself when it has none
 * (the usual case), else a copy without them; the value given is never changed.
 *
 * Why: `JSON.parse` keeps `"__proto__"` as an own key, and anything that later copies the object
 * by assignment (a Schema decode that keeps unknown fields, `Object.assign`) calls the
 * `__proto__` setter with it: the sender would choose the decoded object's prototype, and every
 * optional field left out would be read from it, unvalidated.
 *
 * @since 0.1.0
 * @category decoding
 */
export const withoutProtoKeys = (value: unknown): unknown => holdsProto(value) ? copyWithoutProto(value) : value

/**
 * `JSON.parse`, without any `__proto__` key in the result (see {@link withoutProtoKeys}). The
 * check costs nothing on text that cannot hold such a key: written plainly, it contains
 * `__proto__`; escaped, it contains `\u`.
 *
 * @throws SyntaxError as `JSON.parse` does
 * @since 0.1.0
 * @category decoding
 */
export const parse = (text: string): unknown => {
  const json: unknown = JSON.parse(text)
  // a walk, not a reviver: JSON.parse recurses into a reviver, and deep answers would overflow
  return text.includes(PROTO) || text.includes("\\u") ? withoutProtoKeys(json) : json
}
