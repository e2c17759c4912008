/**
 * A lazy schema is built on first use and is then indistinguishable from the schema it stands
 * for: decoding, encoding, its fields, pipes, annotations, nesting, reflection and inspection.
 */
import { assert, describe, it } from "@effect/vitest"
import { Api, Generated } from "@smscx/core"
import * as Either from "effect/Either"
import * as JSONSchema from "effect/JSONSchema"
import * as Schema from "effect/Schema"
import { inspect } from "node:util"
import { lazySchema } from "../src/internal/lazySchema.js"

const make = () =>
  Schema.Struct({ name: Schema.String, count: Schema.optional(Schema.NumberFromString) }).annotations({
    identifier: "Counted"
  })

const counted = () => {
  let built = 0
  let real: ReturnType<typeof make> | undefined
  const schema = lazySchema(() => {
    built++
    return real = make()
  })
  return { schema, built: () => built, real: () => real! }
}

describe("lazySchema", () => {
  it("builds nothing until the schema is read, then builds it once", () => {
    const { built, schema } = counted()
    assert.strictEqual(built(), 0)
    assert.isTrue(Schema.isSchema(schema))
    assert.strictEqual(built(), 1)
    void schema.ast
    void schema.fields
    assert.strictEqual(built(), 1)
  })

  it("decodes, encodes and fails as the schema it stands for", () => {
    const { schema } = counted()
    assert.deepStrictEqual(Schema.decodeUnknownSync(schema)({ name: "a", count: "2" }), { name: "a", count: 2 })
    assert.deepStrictEqual(Schema.encodeSync(schema)({ name: "a", count: 2 }), { name: "a", count: "2" })
    const failed = Schema.decodeUnknownEither(schema)({ name: 1 })
    assert.isTrue(Either.isLeft(failed))
    assert.match(String(Either.isLeft(failed) && failed.left), /Counted/)
  })

  it("gives its fields, pipes, annotations and nests in other schemas", () => {
    const { schema } = counted()
    assert.deepStrictEqual(Object.keys(schema.fields), ["name", "count"])
    const picked = schema.pipe(Schema.pick("name"))
    assert.deepStrictEqual(Schema.decodeUnknownSync(picked)({ name: "b", count: "x" }), { name: "b" })
    const titled = schema.annotations({ title: "titled" })
    assert.strictEqual(titled.ast.annotations[Symbol.for("effect/annotation/Title")], "titled")
    const outer = Schema.Struct({ inner: schema, list: Schema.Array(schema) })
    assert.deepStrictEqual(
      Schema.decodeUnknownSync(outer)({ inner: { name: "c" }, list: [{ name: "d", count: "3" }] }),
      {
        inner: { name: "c" },
        list: [{ name: "d", count: 3 }]
      }
    )
    assert.deepStrictEqual(JSONSchema.make(schema), JSONSchema.make(make()))
  })

  it("reflects as the schema: keys, descriptors, prototype, inspection", () => {
    const { real, schema } = counted()
    assert.deepStrictEqual(Reflect.ownKeys(schema), Reflect.ownKeys(real()))
    // a class's `prototype` is non-configurable and read-only: the stand-in must report it so
    const prototype = Object.getOwnPropertyDescriptor(schema, "prototype")
    assert.strictEqual(prototype?.configurable, false)
    assert.strictEqual(prototype?.writable, false)
    assert.strictEqual(schema.prototype, real().prototype)
    assert.strictEqual(Object.getPrototypeOf(schema), Object.getPrototypeOf(real()))
    assert.strictEqual(typeof schema, "function")
    assert.strictEqual(String(schema), "Counted")
    assert.strictEqual(inspect(schema), inspect(real()))
  })

  it("constructs as a class schema does, its instances of both the stand-in and the class", () => {
    class Person extends Schema.Class<Person>("Person")({ name: Schema.String }) {}
    const Lazy = lazySchema(() => Person)
    const person = new Lazy({ name: "Ada" })
    assert.instanceOf(person, Person)
    assert.instanceOf(person, Lazy)
    assert.strictEqual(person.name, "Ada")
    assert.throws(() => new Lazy({ name: 1 as unknown as string }))
    assert.instanceOf(Schema.decodeUnknownSync(Lazy)({ name: "Grace" }), Person)
    // the class's own AST (a class schema caches it by `this`), not a second one
    assert.strictEqual(Lazy.ast, Person.ast)
  })

  it("refuses to be frozen rather than freezing a stand-in only", () => {
    const { schema } = counted()
    assert.throws(() => Object.preventExtensions(schema), TypeError)
  })

  it("is how the generated schemas and entries are built: usable as any schema", () => {
    const request = Api.Sms.sendSms.input._tag === "Json" ? Api.Sms.sendSms.input.schema : undefined
    assert.strictEqual(request, Generated.SendSmsMessageRequest)
    assert.isTrue(Schema.isSchema(Generated.SendSmsMessageRequest))
    assert.include(Object.keys(Generated.SendSmsMessageRequest.fields), "to")
    const path = Schema.decodeUnknownSync(Api.Account.getChannelPricing.pathSchema)({
      channel: "sms",
      trafficType: "promotional"
    })
    assert.deepStrictEqual(path, { channel: "sms", trafficType: "promotional" })
    assert.isTrue(Either.isLeft(
      Schema.decodeUnknownEither(Api.Account.getChannelPricing.pathSchema)({
        channel: "fax",
        trafficType: "promotional"
      })
    ))
  })
})
