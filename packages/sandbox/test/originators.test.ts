import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { call, failure, NOW, provide, sandbox, success } from "./utils.js"

const create = (originator: unknown) => call("POST", "/originators", { body: { originator } })
const created = (originator: string) =>
  Effect.flatMap(create(originator), (a) => success(Api.Originators.createOriginator, a))
const list = Effect.flatMap(call("GET", "/originators"), (a) => success(Api.Originators.getOriginatorsList, a))

describe("createOriginator", () => {
  it.effect("alphanumeric (3 to 11) and numeric (3 to 15) sender ids; each starts unapproved", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* created("InfoText"), { info: { id: 1, originator: "InfoText" } })
      assert.deepStrictEqual(yield* created("Abc"), { info: { id: 2, originator: "Abc" } })
      assert.deepStrictEqual(yield* created("ElevenChars"), { info: { id: 3, originator: "ElevenChars" } })
      assert.deepStrictEqual(yield* created("123"), { info: { id: 4, originator: "123" } })
      assert.deepStrictEqual(yield* created("312345678901234"), { info: { id: 5, originator: "312345678901234" } })
      const all = yield* list
      assert.deepStrictEqual(all.data.map((o) => [o.id, o.originator, o.approved, o.isDefault]), [
        [5, "312345678901234", false, false],
        [4, "123", false, false],
        [3, "ElevenChars", false, false],
        [2, "Abc", false, false],
        [1, "InfoText", false, false]
      ])
      assert.strictEqual(all.data[0]!.createdAt, new Date(NOW).toISOString())
    }).pipe(provide()))

  it.effect("1301: missing, null or empty", () =>
    Effect.gen(function*() {
      const missing = yield* failure(yield* call("POST", "/originators", { body: {} }), 400, "invalid_param", 1301)
      assert.strictEqual(missing.error.message, "The originator is empty or parameter `originator` not set")
      yield* failure(yield* create(null), 400, "invalid_param", 1301)
      yield* failure(yield* create(""), 400, "invalid_param", 1301)
      yield* failure(yield* create("   "), 400, "invalid_param", 1301)
    }).pipe(provide()))

  it.effect("1303: anything but ASCII letters and digits", () =>
    Effect.gen(function*() {
      for (const bad of ["Info Text", "Info-Text", "+31612345678", "Café", "a_b", 12345]) {
        yield* failure(yield* create(bad), 400, "invalid_param", 1303)
      }
    }).pipe(provide()))

  it.effect("1304: an alphanumeric one under 3 or over 11 characters; 1305: a numeric one under 3 or over 15 digits", () =>
    Effect.gen(function*() {
      yield* failure(yield* create("Ab"), 400, "invalid_param", 1304)
      yield* failure(yield* create("TwelveCharsX"), 400, "invalid_param", 1304)
      yield* failure(yield* create("A1234567890123456"), 400, "invalid_param", 1304)
      yield* failure(yield* create("12"), 400, "invalid_param", 1305)
      yield* failure(yield* create("3161234567890123"), 400, "invalid_param", 1305)
      assert.deepStrictEqual((yield* list).data, [])
    }).pipe(provide()))

  it.effect("1306: one that exists already, without regard to case", () =>
    Effect.gen(function*() {
      yield* created("InfoText")
      const error = yield* failure(yield* create("INFOTEXT"), 400, "duplicate_value", 1306)
      assert.strictEqual(error.error.message, "Originator already exists")
      yield* failure(yield* create("InfoText"), 400, "duplicate_value", 1306)
      assert.strictEqual((yield* list).data.length, 1)
    }).pipe(provide()))
})

describe("getOriginatorsList, deleteOriginator", () => {
  it.effect("most recent first; delete answers it, then 404 1300; ids are not reused, the name is free again", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* list, { data: [] })
      yield* created("First")
      yield* TestClock.adjust("1 hour")
      yield* created("Second")
      const both = yield* list
      assert.deepStrictEqual(both.data.map((o) => [o.originator, o.createdAt]), [
        ["Second", "2025-06-01T13:00:00.000Z"],
        ["First", "2025-06-01T12:00:00.000Z"]
      ])
      const deleted = yield* success(Api.Originators.deleteOriginator, yield* call("DELETE", "/originators/1"))
      assert.deepStrictEqual(deleted, { info: { id: 1, originator: "First" } })
      const error = yield* failure(yield* call("DELETE", "/originators/1"), 404, "not_found", 1300)
      assert.strictEqual(error.error.message, "Originator ID not found")
      yield* failure(yield* call("DELETE", "/originators/99"), 404, "not_found", 1300)
      assert.deepStrictEqual((yield* list).data.map((o) => o.id), [2])
      assert.deepStrictEqual(yield* created("First"), { info: { id: 3, originator: "First" } })
    }).pipe(provide()))

  it.effect("an originator id that is not an integer is the generic invalid parameter", () =>
    Effect.gen(function*() {
      yield* failure(yield* call("DELETE", "/originators/first"), 400, "invalid_param", 1000)
    }).pipe(provide()))
})

describe("approveOriginator (the control API's)", () => {
  it.effect("approves one originator; false for an unknown or deleted id", () =>
    Effect.gen(function*() {
      const state = yield* sandbox
      yield* created("InfoText")
      yield* created("Shop")
      assert.isTrue(yield* state.approveOriginator(2))
      assert.isFalse(yield* state.approveOriginator(3))
      assert.deepStrictEqual((yield* list).data.map((o) => [o.originator, o.approved]), [
        ["Shop", true],
        ["InfoText", false]
      ])
      yield* success(Api.Originators.deleteOriginator, yield* call("DELETE", "/originators/2"))
      assert.isFalse(yield* state.approveOriginator(2))
    }).pipe(provide()))
})
