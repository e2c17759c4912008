import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as FastParse from "@smscx/core/FastParse"
import type * as Operation from "@smscx/core/Operation"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"

const ignoring = { errors: "all", onExcessProperty: "ignore" } as const
const refusing = { errors: "all", onExcessProperty: "error" } as const

const operations = Object.values(Api.groups).flatMap((group) =>
  Object.values(group as Readonly<Record<string, Operation.Any>>)
)

/** Every schema a request is built from (the SDK encodes it) or read with (the sandbox decodes it): path parameters and input. */
const schemas = operations.flatMap((operation) => [
  { name: `${operation.id} path`, schema: operation.pathSchema },
  ...(operation.input._tag === "None" ? [] : [{ name: `${operation.id} input`, schema: operation.input.schema }])
])

/** The same value, with its keys in the same order at every level. */
const sameAs = (actual: unknown, expected: unknown) => {
  assert.deepStrictEqual(actual, expected)
  assert.strictEqual(JSON.stringify(actual), JSON.stringify(expected))
}

/**
 * What the fast parse gives must be what the schema's parse gives; what it refuses, the schema
 * may refuse. Ignoring excess fields it stands in for the sandbox's decode; refusing them, for
 * the SDK's encode of a request (and, the type being its JSON, the decode too).
 */
const agrees = (
  schema: Schema.Schema.AnyNoContext,
  parse: FastParse.Parse,
  excess: FastParse.OnExcessProperty,
  value: unknown
) => {
  const fast = parse(value)
  if (fast === FastParse.Invalid) return
  const parsed = excess === "ignore"
    ? [Schema.decodeUnknownEither(schema, ignoring)(value)]
    : [Schema.encodeUnknownEither(schema, refusing)(value), Schema.decodeUnknownEither(schema, refusing)(value)]
  for (const result of parsed) {
    assert.isTrue(Either.isRight(result), "the fast parse accepted what the schema refuses")
    if (Either.isRight(result)) sameAs(fast, result.right)
  }
}

// a valid value, with fields no schema has and a field of the wrong type
const mutated = (value: unknown, extra: Readonly<Record<string, unknown>>): unknown =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? { ...extra, ...value, ...extra } : value

describe("FastParse", () => {
  it("the send requests have one, either way: the SDK's sends and a load test's skip the parse result", () => {
    for (const operation of [Api.Sms.sendSms, Api.Sms.sendSmsCampaign, Api.Sms.estimateSms]) {
      assert.isDefined(FastParse.of(operation.input.schema, "ignore"), operation.id)
      assert.isDefined(FastParse.of(operation.input.schema, "error"), operation.id)
    }
  })

  const schema = Api.Sms.sendSms.input.schema
  const valid = {
    idempotencyId: "3f1c2a4e-8b7d-4c6e-9a5f-1b2c3d4e5f60",
    text: "Hi",
    to: ["+31612469000"],
    from: "InfoText",
    transliteration: { alphabet: "NON_GSM", removeEmojis: true }
  }
  const invalids = [
    { ...valid, from: "ab" },
    { ...valid, to: "+31612469000" },
    { ...valid, to: [1] },
    { ...valid, idempotencyId: "not-a-uuid" },
    { ...valid, transliteration: { alphabet: "KLINGON" } },
    { ...valid, text: undefined },
    [valid],
    null
  ]

  it("ignoring excess fields, gives the schema's decode of a valid send: its fields only, in its order", () => {
    const parse = FastParse.of(schema, "ignore")!
    const withExcess = { ...valid, unknownField: 1, transliteration: { ...valid.transliteration, other: "x" } }
    const decoded = parse(withExcess)
    sameAs(decoded, Schema.decodeUnknownSync(schema, ignoring)(withExcess))
    assert.deepStrictEqual(Object.keys(decoded as object), ["to", "from", "text", "idempotencyId", "transliteration"])
    for (const invalid of invalids) {
      assert.strictEqual(parse(invalid), FastParse.Invalid)
      assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(schema, ignoring)(invalid)))
    }
  })

  it("refusing excess fields, gives the schema's encode of a valid send, and refuses one with a field too many", () => {
    const parse = FastParse.of(schema, "error")!
    const encoded = parse(valid)
    sameAs(encoded, Schema.encodeUnknownSync(schema, refusing)(valid))
    assert.deepStrictEqual(Object.keys(encoded as object), ["to", "from", "text", "idempotencyId", "transliteration"])
    // a copy: the caller's object is not what is sent on
    assert.notStrictEqual(encoded, valid)
    for (
      const invalid of [
        ...invalids,
        { ...valid, unknownField: 1 },
        { ...valid, transliteration: { ...valid.transliteration, other: "x" } },
        { ...valid, [Symbol("hidden")]: 1 }
      ]
    ) {
      assert.strictEqual(parse(invalid), FastParse.Invalid)
      assert.isTrue(Either.isLeft(Schema.encodeUnknownEither(schema, refusing)(invalid)))
    }
  })

  it("check gives a yes or no for the value as it is, never writing to it", () => {
    const check = FastParse.check(
      Schema.Struct({ to: Schema.Array(Schema.String), n: Schema.optional(Schema.Number) })
    )!
    assert.isTrue(check(Object.freeze({ to: Object.freeze(["+31612469000"]), extra: 1 })))
    assert.isTrue(check({ to: [], n: undefined }))
    assert.isFalse(check({ to: [1] }))
    assert.isFalse(check({ to: "+31612469000" }))
    assert.isFalse(check(null))
    const records = FastParse.check(Schema.Record({ key: Schema.String, value: Schema.Number }))!
    assert.isTrue(records({ a: 1, b: 2 }))
    assert.isFalse(records({ a: 1, b: "2" }))
    // the parse refuses what it cannot copy faithfully: index signatures
    assert.isUndefined(FastParse.of(Schema.Record({ key: Schema.String, value: Schema.Number }), "error"))
  })

  for (const excess of ["ignore", "error"] as const) {
    it(`agrees with the schema on every operation's path and input (excess fields: ${excess})`, () => {
      let checked = 0
      for (const { name, schema } of schemas) {
        const parse = FastParse.of(schema, excess)
        if (parse === undefined) continue
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
              // a valid value is parsed, not left to the schema
              assert.notStrictEqual(parse(value), FastParse.Invalid, `${name}: refused a valid value`)
              agrees(schema, parse, excess, value)
              agrees(schema, parse, excess, mutated(value, extra))
            }
          ),
          { numRuns: 15 }
        )
      }
      assert.isAbove(checked, 50)
    })
  }
})
