/**
 * A schema's parse without a parse result, for schemas whose type is their own JSON: compiled
 * once from the schema's AST into plain closures, it gives what `Schema.decodeUnknown` (or
 * `encodeUnknown`: without transformations they are the same) gives for a valid input (the
 * schema's fields only, in the schema's order), and `Invalid` for anything it is not sure of.
 * Only then does the schema's own parse run, for its issues.
 *
 * Why: the parse result machinery costs several times the check itself on every request the
 * SDK builds (its input is encoded before it is sent) and every request the sandbox reads. A
 * schema it cannot compile (transformations, declarations, index signatures, unions of several
 * object shapes) has none. Compiled from the same AST, it cannot drift from the schema.
 *
 * @since 0.3.0
 */
import * as Option from "effect/Option"
import { isRecord } from "effect/Predicate"
import type * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"

/**
 * What a compiled parse gives for an input it does not accept.
 * @since 0.3.0
 * @category models
 */
export const Invalid: unique symbol = Symbol.for("@smscx/core/FastParse/Invalid")

/**
 * A compiled parse: the parsed value, or `Invalid`.
 * @since 0.3.0
 * @category models
 */
export type Parse = (u: unknown) => unknown

/**
 * What the parse does with an object's fields that its schema does not have, as the parse
 * option of that name: `"ignore"` leaves them out of the result, `"error"` refuses the input
 * (`Invalid`: the schema's parse then names them).
 * @since 0.3.0
 * @category models
 */
export type OnExcessProperty = "ignore" | "error"

class Unsupported {
  constructor(readonly tag: string) {}
}

/** Whether a type's parse gives its input itself (a primitive), so that the order of a union's members is moot. */
const isIdentity = (ast: AST.AST): boolean => {
  switch (ast._tag) {
    case "StringKeyword":
    case "NumberKeyword":
    case "BooleanKeyword":
    case "UndefinedKeyword":
    case "Literal":
      return true
    case "Refinement":
      return isIdentity(ast.from)
    case "Union":
      return ast.types.every(isIdentity)
    default:
      return false
  }
}

/** Whether an object has a key, own and enumerable or a symbol, that is not one of `names`. */
const hasExcess = (u: Record<PropertyKey, unknown>, names: ReadonlySet<string>): boolean => {
  const keys = Object.keys(u)
  if (keys.length > names.size) return true
  for (let i = 0; i < keys.length; i++) if (!names.has(keys[i]!)) return true
  return Object.getOwnPropertySymbols(u).length > 0
}

const compiler = (onExcessProperty: OnExcessProperty) => {
  // the filters see the options of the parse this one stands in for
  const options: AST.ParseOptions = { errors: "all", onExcessProperty }
  const compile = (ast: AST.AST): Parse => {
    switch (ast._tag) {
      case "StringKeyword":
        return (u) => typeof u === "string" ? u : Invalid
      case "NumberKeyword":
        return (u) => typeof u === "number" ? u : Invalid
      case "BooleanKeyword":
        return (u) => typeof u === "boolean" ? u : Invalid
      case "UndefinedKeyword":
        return (u) => u === undefined ? u : Invalid
      case "Literal": {
        const literal = ast.literal
        return (u) => u === literal ? u : Invalid
      }
      case "Union": {
        // the first member that accepts: only one of them may give something else than its input
        if (ast.types.filter((t) => !isIdentity(t)).length > 1) throw new Unsupported("Union")
        const members = ast.types.map(compile)
        return (u) => {
          for (const member of members) {
            const out = member(u)
            if (out !== Invalid) return out
          }
          return Invalid
        }
      }
      case "Refinement": {
        const from = compile(ast.from)
        const filter = ast.filter
        return (u) => {
          const out = from(u)
          return out === Invalid || Option.isSome(filter(out, options, ast)) ? Invalid : out
        }
      }
      case "TupleType": {
        if (ast.elements.length !== 0 || ast.rest.length !== 1) throw new Unsupported("TupleType")
        const item = compile(ast.rest[0]!.type)
        return (u) => {
          if (!Array.isArray(u)) return Invalid
          const out = new Array<unknown>(u.length)
          for (let i = 0; i < u.length; i++) {
            const value = item(u[i])
            if (value === Invalid) return Invalid
            out[i] = value
          }
          return out
        }
      }
      case "TypeLiteral": {
        if (ast.indexSignatures.length > 0) throw new Unsupported("index signature")
        // `{}`, as the schema parses it whatever the option: any value but null and undefined, as it is
        if (ast.propertySignatures.length === 0) return (u) => u === null || u === undefined ? Invalid : u
        const properties = ast.propertySignatures.map((ps) => {
          if (typeof ps.name !== "string") throw new Unsupported("symbol key")
          return { name: ps.name, optional: ps.isOptional, parse: compile(ps.type) }
        })
        const names: ReadonlySet<string> | undefined = onExcessProperty === "error"
          ? new Set(properties.map((p) => p.name))
          : undefined
        return (u) => {
          if (!isRecord(u) || (names !== undefined && hasExcess(u, names))) return Invalid
          const out: Record<string, unknown> = {}
          for (const p of properties) {
            const present = Object.hasOwn(u, p.name)
            if (!present && p.optional) continue
            const value = p.parse(present ? u[p.name] : undefined)
            if (value === Invalid) return Invalid
            out[p.name] = value
          }
          return out
        }
      }
      case "Suspend": {
        let parse: Parse | undefined
        const compiled = (): Parse => {
          try {
            return compile(ast.f())
          } catch (e) {
            // compiled on first use: a part it cannot compile leaves every input to the full parse
            if (e instanceof Unsupported) return () => Invalid
            throw e
          }
        }
        return (u) => (parse ??= compiled())(u)
      }
      default:
        throw new Unsupported(ast._tag)
    }
  }
  return compile
}

const compilers = { ignore: compiler("ignore"), error: compiler("error") }

/**
 * The compiled parse of a schema, with the parse options `{ errors: "all", onExcessProperty }`,
 * or `undefined` when it has none.
 * @since 0.3.0
 * @category constructors
 */
export const of = (schema: Schema.Schema.AnyNoContext, onExcessProperty: OnExcessProperty): Parse | undefined => {
  try {
    return compilers[onExcessProperty](schema.ast)
  } catch (e) {
    if (e instanceof Unsupported) return undefined
    throw e
  }
}
