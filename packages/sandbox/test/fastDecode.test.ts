import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import type * as Operation from "@smscx/core/Operation"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import * as FastDecode from "../src/internal/kernel/fastDecode.js"

const options = { errors: "all", onExcessProperty: "ignore" } as const

const operations = Object.values(Api.groups).flatMap((group) =>
  Object.values(group as Readonly<Record<string, Operation.Any>>)
)

/** Every schema a route decodes requests with: path parameters and input. */
const schemas = operations.flatMap((operation) => [
  { name: `${operation.id} path`, schema: operation.pathSchema },
  ...(operation.input._tag === "None" ? [] : [{ name: `${operation.id} input`, schema: operation.input.schema }])
])

/** The same value, with its keys in the same order at every level. */
const sameAs = (actual: unknown, expected: unknown) => {
  assert.deepStrictEqual(actual, expected)
  assert.strictEqual(JSON.stringify(actual), JSON.stringify(expected))
}

/** What the fast decode gives must be what the schema's decode gives; what it refuses, the decode may refuse. */
const agrees = (schema: Schema.Schema.AnyNoContext, decode: (u: unknown) => unknown, value: unknown) => {
  const fast = decode(value)
  if (fast === FastDecode.Invalid) return
  const decoded = Schema.decodeUnknownEither(schema, options)(value)
  assert.isTrue(Either.isRight(decoded), "the fast decode accepted what the schema refuses")
  if (Either.isRight(decoded)) sameAs(fast, decoded.right)
}

// a valid value, with fields no schema has and a field of the wrong type
const mutated = (value: unknown, extra: Readonly<Record<string, unknown>>): unknown =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? { ...extra, ...value, ...extra } : value

describe("fast decode", () => {
  it("the send requests have one: a load test's sends skip the parse result", () => {
    for (const operation of [Api.Sms.sendSms, Api.Sms.sendSmsCampaign, Api.Sms.estimateSms]) {
      assert.isDefined(FastDecode.of(operation.input.schema), operation.id)
    }
  })

  it("gives the schema's decode for valid sends, and refuses invalid ones", () => {
    const schema = Api.Sms.sendSms.input.schema
    const decode = FastDecode.of(schema)
    if (decode === undefined) throw new Error("sendSms has no fast decode")
    const valid = {
      idempotencyId: "3f1c2a4e-8b7d-4c6e-9a5f-1b2c3d4e5f60",
      text: "Hi",
      unknownField: 1,
      to: ["+31612469000"],
      from: "InfoText",
      transliteration: { alphabet: "NON_GSM", removeEmojis: true, other: "x" }
    }
    const decoded = decode(valid)
    sameAs(decoded, Schema.decodeUnknownSync(schema, options)(valid))
    // the schema's fields only, in its order
    assert.deepStrictEqual(Object.keys(decoded as object), ["to", "from", "text", "idempotencyId", "transliteration"])
    for (
      const invalid of [
        { ...valid, from: "ab" },
        { ...valid, to: "+31612469000" },
        { ...valid, to: [1] },
        { ...valid, idempotencyId: "not-a-uuid" },
        { ...valid, transliteration: { alphabet: "KLINGON" } },
        { ...valid, text: undefined },
        [valid],
        null
      ]
    ) {
      assert.strictEqual(decode(invalid), FastDecode.Invalid)
      assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(schema, options)(invalid)))
    }
  })

  it("agrees with the schema's decode on every operation's path and input", () => {
    let checked = 0
    for (const { name, schema } of schemas) {
      const decode = FastDecode.of(schema)
      if (decode === undefined) continue
      let arbitrary: FastCheck.Arbitrary<unknown>
      try {
        arbitrary = Arbitrary.make(schema) as FastCheck.Arbitrary<unknown>
      } catch {
        continue
      }
      checked++
      FastCheck.assert(
        FastCheck.property(
          arbitrary,
          FastCheck.dictionary(FastCheck.string(), FastCheck.jsonValue()),
          (value, extra) => {
            const fast = decode(value)
            // a valid value is decoded, not left to the schema
            assert.notStrictEqual(fast, FastDecode.Invalid, `${name}: refused a valid value`)
            agrees(schema, decode, value)
            agrees(schema, decode, mutated(value, extra))
          }
        ),
        { numRuns: 15 }
      )
    }
    assert.isAbove(checked, 50)
  })
})
