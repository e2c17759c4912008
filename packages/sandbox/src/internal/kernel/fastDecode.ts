/**
 * The decode of a request's path or input without building a parse result: compiled once from
 * the schema's AST into plain closures, it gives what `Schema.decodeUnknown` with
 * `onExcessProperty: "ignore"` gives for a valid input (the schema's fields only, in the
 * schema's order), and `Invalid` for anything it is not sure of; only then does the schema's own
 * decode run, for its issues. A schema it cannot compile (transformations, declarations, index
 * signatures, unions of several object shapes) has none. Compiled from the same AST, it cannot
 * drift from the schema.
 */
import * as Option from "effect/Option"
import { isRecord } from "effect/Predicate"
import type * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"

/** What a compiled decode gives for an input it does not accept. @internal */
export const Invalid: unique symbol = Symbol.for("@smscx/sandbox/FastDecode/Invalid")

/** @internal */
type Decode = (u: unknown) => unknown

class Unsupported {
  constructor(readonly tag: string) {}
}

// as the router decodes: the filters see the same options
const options: AST.ParseOptions = { errors: "all", onExcessProperty: "ignore" }

/** Whether a type's decode gives its input itself (a primitive), so that the order of a union's members is moot. */
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

const compile = (ast: AST.AST): Decode => {
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
      // `{}`, as the schema decodes it: any value but null and undefined, as it is
      if (ast.propertySignatures.length === 0) return (u) => u === null || u === undefined ? Invalid : u
      const properties = ast.propertySignatures.map((ps) => {
        if (typeof ps.name !== "string") throw new Unsupported("symbol key")
        return { name: ps.name, optional: ps.isOptional, decode: compile(ps.type) }
      })
      return (u) => {
        if (!isRecord(u)) return Invalid
        const out: Record<string, unknown> = {}
        for (const p of properties) {
          const present = Object.hasOwn(u, p.name)
          if (!present && p.optional) continue
          const value = p.decode(present ? u[p.name] : undefined)
          if (value === Invalid) return Invalid
          out[p.name] = value
        }
        return out
      }
    }
    case "Suspend": {
      let decode: Decode | undefined
      const compiled = (): Decode => {
        try {
          return compile(ast.f())
        } catch (e) {
          // compiled on first use: a part it cannot compile leaves every input to the full decode
          if (e instanceof Unsupported) return () => Invalid
          throw e
        }
      }
      return (u) => (decode ??= compiled())(u)
    }
    default:
      throw new Unsupported(ast._tag)
  }
}

/**
 * The compiled decode of a schema, or `undefined` when it has none.
 * @internal
 */
export const of = (schema: Schema.Schema.AnyNoContext): Decode | undefined => {
  try {
    return compile(schema.ast)
  } catch (e) {
    if (e instanceof Unsupported) return undefined
    throw e
  }
}
