/**
 * Inputs carrying the keys prototype pollution goes through (`__proto__`, `constructor`,
 * `prototype`) as own data, at any depth, set the two ways such keys arrive: `JSON.parse` of
 * untrusted text, and `Object.defineProperty`. Plus a check that nothing global changed.
 */
import * as fc from "fast-check"

export const HOSTILE_KEYS = ["__proto__", "constructor", "prototype"] as const

/** What a hostile key carries: what would poison a prototype, or break `String(x)` if it did. */
export const payload = fc.constantFrom<unknown>(
  { polluted: "yes" },
  { polluted: "yes", toString: "polluted", valueOf: "polluted" },
  { prototype: { polluted: "yes" } },
  "polluted",
  ["polluted"]
)

/** The plain objects of a value (the value itself included), depth first. */
const objectsOf = (value: unknown, out: Array<Record<string, unknown>> = []) => {
  if (Array.isArray(value)) value.forEach((item) => objectsOf(item, out))
  else if (typeof value === "object" && value !== null) {
    out.push(value as Record<string, unknown>)
    Object.values(value).forEach((item) => objectsOf(item, out))
  }
  return out
}

const define = (target: object, key: string, value: unknown) =>
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })

/**
 * An own `key: value` field, set on one of the value's objects (chosen by `at`); through
 * `JSON.parse` when `viaJson`, else `Object.defineProperty`. The value is copied first.
 */
export const inject = (value: unknown, at: number, key: string, value_: unknown, viaJson: boolean): unknown => {
  const copy = JSON.parse(JSON.stringify(value ?? {})) as unknown
  const objects = objectsOf(copy)
  if (objects.length === 0) return copy
  define(objects[at % objects.length]!, key, value_)
  return viaJson ? JSON.parse(JSON.stringify(copy)) : copy
}

/** An object of hostile own keys, as `JSON.parse` gives it or as `Object.defineProperty` does. */
export const hostileRecord = fc.tuple(fc.subarray([...HOSTILE_KEYS], { minLength: 1 }), fc.boolean()).chain((
  [keys, viaJson]
) =>
  fc.tuple(...keys.map(() => fc.constantFrom("polluted", "x"))).map((values) => {
    const out: Record<string, unknown> = {}
    keys.forEach((k, i) => define(out, k, values[i]))
    return viaJson ? JSON.parse(JSON.stringify(out)) as Record<string, unknown> : out
  })
)

const builtins = [Object.prototype, Array.prototype, Function.prototype, String.prototype]
const snapshot = () => builtins.map((proto) => Object.getOwnPropertyNames(proto).sort().join(","))
const before = snapshot()

/** What changed on the built-in prototypes since this module loaded; empty when nothing did. */
export const pollution = (): Array<string> => {
  const now = snapshot()
  const changed = builtins.flatMap((proto, i) => now[i] === before[i] ? [] : [`${proto.constructor.name}.prototype`])
  const probe = {} as Record<string, unknown>
  return probe.polluted === undefined && probe.toString === Object.prototype.toString ? changed : [...changed, "{}"]
}
