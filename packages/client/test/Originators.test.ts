import { assert, describe, it } from "@effect/vitest"
import {
  DuplicateValueException,
  InsufficientScopeException,
  InvalidRequestException,
  Originators,
  RequestValidationError,
  ResourceNotFoundException
} from "@smscx/client"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { provide, Requests, sentTo } from "./utils.js"

describe("Originators: create, list, delete", () => {
  it.effect("create two, list them most recent first (pending approval), delete one, then ResourceNotFoundException", () =>
    Effect.gen(function*() {
      const originators = yield* Originators
      assert.deepStrictEqual(yield* originators.getOriginatorsList(), { data: [] })
      const info = yield* originators.createOriginator({ originator: "MyShop" })
      assert.deepStrictEqual(info, { info: { id: 1, originator: "MyShop" } })
      const sent = yield* sentTo("/originators")
      assert.deepStrictEqual(sent.map((r) => r.method), ["GET", "POST"])
      assert.deepStrictEqual(JSON.parse(sent[1]!.body), { originator: "MyShop" })
      yield* TestClock.adjust("2 hours")
      yield* originators.createOriginator({ originator: "31612345678" })

      const list = yield* originators.getOriginatorsList()
      assert.deepStrictEqual(list.data, [
        { id: 2, originator: "31612345678", isDefault: false, approved: false, createdAt: "2025-06-01T14:00:00.000Z" },
        { id: 1, originator: "MyShop", isDefault: false, approved: false, createdAt: "2025-06-01T12:00:00.000Z" }
      ])

      assert.deepStrictEqual(yield* originators.deleteOriginator(1), { info: { id: 1, originator: "MyShop" } })
      assert.deepStrictEqual((yield* sentTo("/originators/1")).map((r) => r.method), ["DELETE"])
      const gone = yield* Effect.flip(originators.deleteOriginator(1))
      assert.instanceOf(gone, ResourceNotFoundException)
      assert.deepStrictEqual([gone.status, gone.type, gone.code], [404, "not_found", 1300])
      assert.deepStrictEqual((yield* originators.getOriginatorsList()).data.map((o) => o.originator), ["31612345678"])
    }).pipe(provide()))
})

describe("Originators: errors", () => {
  it.effect("the API's checks: an alphanumeric id over 11 characters (1304), one that exists (1306)", () =>
    Effect.gen(function*() {
      const originators = yield* Originators
      const long = yield* Effect.flip(originators.createOriginator({ originator: "TwelveLetter" }))
      assert.instanceOf(long, InvalidRequestException)
      assert.deepStrictEqual([long.status, long.type, long.code], [400, "invalid_param", 1304])
      // fifteen digits are a valid numeric sender id
      yield* originators.createOriginator({ originator: "447400123456789" })
      yield* originators.createOriginator({ originator: "MyShop" })
      const duplicate = yield* Effect.flip(originators.createOriginator({ originator: "myshop" }))
      assert.instanceOf(duplicate, DuplicateValueException)
      assert.deepStrictEqual([duplicate.status, duplicate.type, duplicate.code], [400, "duplicate_value", 1306])
      assert.strictEqual((yield* originators.getOriginatorsList()).data.length, 2)
    }).pipe(provide()))

  it.effect("what the request schema refuses is RequestValidationError, and nothing is sent", () =>
    Effect.gen(function*() {
      const originators = yield* Originators
      for (const originator of ["ab", "Info Text", "1234567890123456"]) {
        const error = yield* Effect.flip(originators.createOriginator({ originator }))
        assert.instanceOf(error, RequestValidationError)
      }
      assert.deepStrictEqual(yield* Effect.flatten(Requests), [])
    }).pipe(provide()))

  it.effect("a token without the originators scope gets InsufficientScopeException", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip((yield* Originators).getOriginatorsList())
      assert.instanceOf(error, InsufficientScopeException)
      assert.deepStrictEqual([error.status, error.type], [403, "insufficient_scope"])
    }).pipe(provide(
      { applicationId: "app", applicationSecret: "app-Secret-1" },
      { applications: [{ applicationId: "app", applicationSecret: "app-Secret-1", scopes: ["sms", "templates"] }] }
    )))
})
