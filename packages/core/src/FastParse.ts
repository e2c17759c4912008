/**
 * A schema's parse without a parse result, for schemas whose type is their own JSON: compiled
 * once from the schema's AST into plain closures, it gives what `Schema.decodeUnknown` (or
 * `encodeUnknown`: without transformations they are the same) gives for a valid input (the
 * schema's fields only, in the schema's order), and `Invalid` for anything it is not sure of.
 * Only then does the schema's own parse run, for its issues. `check` is the same compiled as a
 * yes/no check of a value as it is (`JsonGuard` checks the API's answers with it).
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
import * as AST from "effect/SchemaAST"

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

/**
 * What a compiled function does: parse, giving a new value (fields it does not know ignored, or
 * refused), or `check`, giving the input itself when it fits, excess fields and all (then index
 * signatures and unions of any members can be checked too).
 */
type Mode = OnExcessProperty | "check"

const compiler = (mode: Mode) => {
  // the filters see the options of the parse this one stands in for (a check: the defaults)
  const options: AST.ParseOptions = mode === "check" ? {} : { errors: "all", onExcessProperty: mode }
  const copies = mode !== "check"
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
      case "UnknownKeyword":
      case "AnyKeyword":
        return (u) => u
      case "Literal": {
        const literal = ast.literal
        return (u) => u === literal ? u : Invalid
      }
      case "Union": {
        if (!copies && ast.types.every(AST.isLiteral)) {
          const literals = new Set(ast.types.map((t) => (t as AST.Literal).literal))
          return (u) => literals.has(u as AST.LiteralValue) ? u : Invalid
        }
        // the first member that accepts: only one of them may give something else than its input
        if (copies && ast.types.filter((t) => !isIdentity(t)).length > 1) throw new Unsupported("Union")
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
          // a check gives the array itself, never written to
          const out = copies ? new Array<unknown>(u.length) : undefined
          for (let i = 0; i < u.length; i++) {
            const value = item(u[i])
            if (value === Invalid) return Invalid
            if (out !== undefined) out[i] = value
          }
          return out ?? u
        }
      }
      case "TypeLiteral":
        return copies ? copyOf(ast) : checkOf(ast)
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
        // transformations and declarations change or need more than the JSON: parse instead
        throw new Unsupported(ast._tag)
    }
  }
  const fieldsOf = (ast: AST.TypeLiteral) =>
    ast.propertySignatures.map((ps) => {
      if (typeof ps.name !== "string") throw new Unsupported("symbol key")
      return { name: ps.name, optional: ps.isOptional, parse: compile(ps.type) }
    })
  /** An object parsed into a new one: the schema's fields, in its order. */
  const copyOf = (ast: AST.TypeLiteral): Parse => {
    if (ast.indexSignatures.length > 0) throw new Unsupported("index signature")
    // `{}`, as the schema parses it whatever the option: any value but null and undefined, as it is
    if (ast.propertySignatures.length === 0) return (u) => u === null || u === undefined ? Invalid : u
    const fields = fieldsOf(ast)
    const names: ReadonlySet<string> | undefined = mode === "error" ? new Set(fields.map((f) => f.name)) : undefined
    return (u) => {
      if (!isRecord(u) || (names !== undefined && hasExcess(u, names))) return Invalid
      const out: Record<string, unknown> = {}
      for (const f of fields) {
        const present = Object.hasOwn(u, f.name)
        if (!present && f.optional) continue
        const value = f.parse(present ? u[f.name] : undefined)
        if (value === Invalid) return Invalid
        out[f.name] = value
      }
      return out
    }
  }
  /** An object checked as it is: a field left undefined must be optional; every key meets the index signatures. */
  const checkOf = (ast: AST.TypeLiteral): Parse => {
    const fields = fieldsOf(ast)
    const indexes = ast.indexSignatures.map((is) => {
      if (is.parameter._tag !== "StringKeyword") throw new Unsupported("index signature parameter")
      return compile(is.type)
    })
    return (u) => {
      if (!isRecord(u)) return Invalid
      for (const f of fields) {
        const value = u[f.name]
        if (value === undefined ? !f.optional : f.parse(value) === Invalid) return Invalid
      }
      // every key, named or not, meets the index signatures: never laxer than the decode
      if (indexes.length > 0) {
        for (const key in u) for (const index of indexes) if (index(u[key]) === Invalid) return Invalid
      }
      return u
    }
  }
  return compile
}

const compilers = { ignore: compiler("ignore"), error: compiler("error"), check: compiler("check") }

const compiled = (schema: Schema.Schema.AnyNoContext, mode: Mode): Parse | undefined => {
  try {
    return compilers[mode](schema.ast)
  } catch (e) {
    if (e instanceof Unsupported) return undefined
    throw e
  }
}

/**
 * The compiled parse of a schema, with the parse options `{ errors: "all", onExcessProperty }`,
 * or `undefined` when it has none.
 * @since 0.3.0
 * @category constructors
 */
export const of = (schema: Schema.Schema.AnyNoContext, onExcessProperty: OnExcessProperty): Parse | undefined =>
  compiled(schema, onExcessProperty)

/**
 * A yes/no check that a value fits a schema as it is, fields it does not know and all (the
 * default parse options); `undefined` when the schema has none. A value it accepts is what the
 * schema decodes it to, but for the fields it does not know (the decode leaves them out): see
 * `JsonGuard`, which answers are checked with.
 * @since 0.3.0
 * @category constructors
 */
export const check = (schema: Schema.Schema.AnyNoContext): ((u: unknown) => boolean) | undefined => {
  const parse = compiled(schema, "check")
  return parse === undefined ? undefined : (u) => parse(u) !== Invalid
}
