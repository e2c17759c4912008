/**
 * A call's input as plain data, read once: own enumerable fields only, copied into objects
 * without a prototype. Nothing inherited reaches a request (a polluted `Object.prototype.from`
 * is not a sender, a polluted `idempotencyId` does not replace the generated one), a getter or
 * Proxy is read exactly once and its exception is caught here, and nesting is bounded before
 * any recursive code (validation, JSON) meets it.
 */
import * as ParseIssues from "@smscx/core/ParseIssues"

/** Deeper than any request of the API (its deepest is a few levels). @internal */
const MAX_DEPTH = 32

/** Why an input could not be read. @internal */
class UnreadableInput {
  readonly _tag = "Unreadable"
  constructor(readonly path: ReadonlyArray<string | number>, readonly reason: string) {}
}

const isPlainObject = (value: object) => {
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

const copy = (value: unknown, path: Array<string | number>): unknown => {
  if (typeof value !== "object" || value === null) return value
  if (path.length >= MAX_DEPTH) throw new UnreadableInput([...path], `is nested more than ${MAX_DEPTH} levels deep`)
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length)
    for (let i = 0; i < value.length; i++) {
      path.push(i)
      out[i] = copy(value[i], path)
      path.pop()
    }
    return out
  }
  // a Date, a Map, ...: kept as they are, for the schema to reject with its own message
  if (!isPlainObject(value)) return value
  const out: Record<string, unknown> = Object.create(null)
  for (const key of Object.keys(value)) {
    path.push(key)
    out[key] = copy((value as Record<string, unknown>)[key], path)
    path.pop()
  }
  return out
}

/**
 * The input as plain data, or why it cannot be read.
 * @internal
 */
export const read = (value: unknown): { readonly _tag: "Ok"; readonly value: unknown } | UnreadableInput => {
  const path: Array<string | number> = []
  try {
    return { _tag: "Ok", value: copy(value, path) }
  } catch (error) {
    if (error instanceof UnreadableInput) return error
    return new UnreadableInput([...path], `cannot be read (${ParseIssues.thrown(error)})`)
  }
}
