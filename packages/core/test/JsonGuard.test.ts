/**
 * The transport returns an answer the guard accepts without decoding it: the guard must never
 * accept what the decode rejects, and should accept what the decode accepts (else every answer
 * pays for the full decode).
 */
import { assert, describe, it } from "@effect/vitest"
import { Api, Generated } from "@smscx/core"
import * as JsonGuard from "@smscx/core/JsonGuard"
import type * as Operation from "@smscx/core/Operation"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import { propertyRuns } from "./propertyRuns.js"

const operations: ReadonlyArray<Operation.Any> = Object.values(Api.groups).flatMap((group) =>
  Object.values<Operation.Any>(group)
)

/** The JSON form of a value; `Schema.Number` also generates NaN and ±Infinity, which JSON has not. */
const toJson = (u: unknown): unknown =>
  JSON.parse(JSON.stringify(u, (_, v) => typeof v === "number" && !Number.isFinite(v) ? 0 : v))

type Path = ReadonlyArray<string | number>

const pathsOf = (u: unknown, at: Path = []): Array<Path> => {
  const here = at.length === 0 ? [] : [at]
  if (Array.isArray(u)) return [...here, ...u.flatMap((v, i) => pathsOf(v, [...at, i]))]
  if (typeof u === "object" && u !== null) {
    return [...here, ...Object.entries(u).flatMap(([k, v]) => pathsOf(v, [...at, k]))]
  }
  return here
}

/** A copy of `u` with the value at `path` replaced (or, for `undefined`, removed). */
const replaceAt = (u: unknown, path: Path, value: unknown): unknown => {
  if (path.length === 0) return value
  const [head, ...rest] = path
  if (Array.isArray(u)) return u.map((v, i) => i === head ? replaceAt(v, rest, value) : v)
  const copy: Record<string, unknown> = { ...(u as Record<string, unknown>) }
  if (rest.length === 0 && value === undefined) delete copy[head as string]
  else copy[head as string] = replaceAt(copy[head as string], rest, value)
  return copy
}

/** Valid answers, then one spot changed to any JSON value, or removed. */
const mutated = (schema: Schema.Schema.AnyNoContext) =>
  Arbitrary.make(schema).map(toJson).chain((valid) => {
    const paths = pathsOf(valid)
    if (paths.length === 0) return FastCheck.jsonValue().map((j) => toJson(j))
    return FastCheck.tuple(
      FastCheck.constantFrom(...paths),
      FastCheck.oneof(FastCheck.constant(undefined), FastCheck.jsonValue())
    ).map(([path, value]) => replaceAt(valid, path, value === undefined ? undefined : toJson(value)))
  })

/**
 * Plain synchronous properties (`it.prop`): `it.effect.prop` provides a fresh TestContext layer
 * to every sample, some 5 to 10 ms each, which was nearly all of this file's minute; the guard
 * and the decode of a sample take well under a millisecond.
 */
const RUNS = { fastCheck: { numRuns: propertyRuns(50) } }

describe("JsonGuard", () => {
  for (const operation of operations) {
    if (operation.success._tag !== "Json") continue
    const schema = operation.success.schema
    const guard = JsonGuard.of(schema)
    const decode = Schema.decodeUnknownEither(schema, { onExcessProperty: "preserve" })

    it(`${operation.spanName}: the answer schema compiles to a guard`, () => {
      assert.isFunction(guard)
    })
    if (guard === undefined) continue

    it.prop(
      `${operation.spanName}: accepts every valid answer`,
      [Arbitrary.make(schema).map(toJson)],
      ([json]) => {
        assert.isTrue(Either.isRight(decode(json)))
        assert.isTrue(guard(json), JSON.stringify(json))
      },
      RUNS
    )

    it.prop(
      `${operation.spanName}: accepts nothing the decode rejects`,
      [mutated(schema)],
      ([json]) => {
        const decoded = decode(json)
        if (guard(json)) {
          assert.isTrue(Either.isRight(decoded), `guard accepted what decode rejects: ${JSON.stringify(json)}`)
          // the same value either way; except that the decode turns an own "__proto__" key of
          // the JSON into the object's prototype, where the guard keeps the key (see the report)
          if (Either.isRight(decoded) && !JSON.stringify(json).includes("\"__proto__\"")) {
            assert.deepStrictEqual(decoded.right, json)
          }
        }
      },
      RUNS
    )
  }

  it("rejects the usual wrong answers", () => {
    const guard = JsonGuard.of(Generated.AccountBalance)!
    assert.isTrue(guard({ balance: 1, currency: "eur", billing: "prepaid" }))
    assert.isTrue(guard({ balance: 1, currency: "eur", billing: "prepaid", extra: true }))
    assert.isFalse(guard({ balance: "1", currency: "eur", billing: "prepaid" }))
    // an enum value added after this release is accepted (forward compatibility); a wrong type is not
    assert.isTrue(guard({ balance: 1, currency: "gbp", billing: "prepaid" }))
    assert.isFalse(guard({ balance: 1, currency: 978, billing: "prepaid" }))
    assert.isFalse(guard({ balance: 1, currency: "eur" }))
    assert.isFalse(guard(null))
    assert.isFalse(guard([]))
    assert.isFalse(guard("{}"))
  })

  it("gives no guard for a schema that transforms its input", () => {
    assert.isUndefined(JsonGuard.of(Schema.NumberFromString))
    assert.isUndefined(JsonGuard.of(Schema.Struct({ at: Schema.DateFromString })))
  })
})

describe("JsonGuard.parse / withoutProtoKeys", () => {
  const hasProtoKey = (u: unknown): boolean =>
    typeof u === "object" && u !== null &&
    (Object.hasOwn(u, "__proto__") || Object.values(u).some(hasProtoKey))

  it("drop own \"__proto__\" keys at every level, written plainly or with escapes", () => {
    for (
      const text of [
        `{"__proto__":{"a":1},"b":[{"__proto__":null,"c":2}],"d":{"e":{"__proto__":[]}}}`,
        `{"\\u005f\\u005fproto\\u005f\\u005f":{"a":1},"b":[{"__pr\\u006fto__":null,"c":2}]}`
      ]
    ) {
      assert.isTrue(hasProtoKey(JSON.parse(text)))
      const parsed = JsonGuard.parse(text) as Record<string, unknown>
      assert.isFalse(hasProtoKey(parsed))
      assert.strictEqual(Object.getPrototypeOf(parsed), Object.prototype)
      assert.deepStrictEqual((parsed.b as Array<unknown>)[0], { c: 2 })
      // what a later copy by assignment makes of it stays plain
      assert.isUndefined((Object.assign({}, parsed) as Record<string, unknown>).a)
    }
  })

  it("leave a value without such keys as it is, and never change the value given", () => {
    const clean = { a: [1, { b: "\\u0041" }] }
    assert.strictEqual(JsonGuard.withoutProtoKeys(clean), clean)
    const given = JSON.parse(`{"__proto__":{"x":1},"y":2}`)
    const copy = JsonGuard.withoutProtoKeys(given)
    assert.notStrictEqual(copy, given)
    assert.isTrue(Object.hasOwn(given, "__proto__"))
    assert.deepStrictEqual(copy, { y: 2 })
  })

  it("walk a value nested 100,000 deep without overflowing the stack", () => {
    // the `\u` makes parse walk the value
    const arrays = "[".repeat(100_000) + "\"\\u0041\"" + "]".repeat(100_000)
    const objects = "{\"a\":".repeat(100_000) + "\"\\u0041\"" + "}".repeat(100_000)
    assert.isArray(JsonGuard.parse(arrays))
    assert.isObject(JsonGuard.parse(objects))
  })
})
