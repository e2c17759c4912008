/**
 * A fast yes/no check that a parsed JSON value fits a schema as it is, compiled once from the
 * schema's AST into plain closures.
 *
 * Why: `Schema.decodeUnknown` builds issues and results as it goes, which costs 6-12x
 * `JSON.parse` on a 25,000-message answer. The answers of this API have no transformations
 * (their type is their JSON), so a value this guard accepts is the decoded value; anything it
 * rejects goes through the full decode, for its error message. Being compiled from the same
 * AST, it cannot drift from the schema. The compiled check is `FastParse`'s, which the SDK's
 * requests are encoded with too.
 *
 * @since 0.1.0
 */
import type * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"
import * as FastParse from "./FastParse.js"

/**
 * @since 0.1.0
 * @category models
 */
export type Guard = (u: unknown) => boolean

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
  const guard = FastParse.check(schema)
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
