import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpApp from "@effect/platform/HttpApp"
import { assert, describe, it } from "@effect/vitest"
import {
  DuplicateValueException,
  InsufficientScopeException,
  InvalidRequestException,
  Originators,
  RequestValidationError,
  ResourceNotFoundException,
  SmsCx
} from "@smscx/client"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
// the sandbox's own modules: its store, and the approval the control API makes
import { approveOriginator } from "../../sandbox/src/internal/groups/originators.js"
import * as App from "../../sandbox/src/internal/kernel/app.js"
import { DEFAULT_MAX_BODY_BYTES } from "../../sandbox/src/internal/kernel/body.js"
import * as Callbacks from "../../sandbox/src/internal/kernel/callbacks.js"
import type * as State from "../../sandbox/src/internal/store.js"
import { API_KEY, NOW, provide, Requests, Sandbox, sentTo } from "./utils.js"

class TestStore extends Context.Tag("test/ClientOriginatorsStore")<TestStore, State.Store>() {}

/** The SDK over an in-process sandbox whose store the test holds too (to approve originators). */
const withStore = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.zipRight(TestClock.setTime(NOW), effect).pipe(
    Effect.provide(Layer.unwrapEffect(Effect.gen(function*() {
      const instance = yield* App.make({
        apiKeys: [API_KEY],
        applications: [],
        balanceMicros: 100_000_000,
        currency: "eur",
        rateLimit: { limit: 1000, windowSeconds: 1 },
        tokenLifetimeSeconds: 86_400,
        channels: { sms: true, viber: true, whatsapp: true, multichannel: true },
        groups: Sandbox.defaultGroups,
        maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
        seed: undefined,
        callbacks: Callbacks.defaults
      })
      const runtime = yield* Effect.runtime<never>()
      const handler = HttpApp.toWebHandlerRuntime(runtime)(instance.app)
      const fetch: typeof globalThis.fetch = (input, init) =>
        handler(input instanceof Request ? input : new Request(new URL(String(input), Sandbox.baseUrl), init))
      const http = FetchHttpClient.layer.pipe(Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch)))
      return Layer.merge(
        SmsCx.layerWithoutHttpClient({ baseUrl: Sandbox.baseUrl, apiKey: API_KEY }).pipe(Layer.provide(http)),
        Layer.succeed(TestStore, instance.store)
      )
    })))
  )

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

  it.effect("approved through the control API, the list shows it approved", () =>
    Effect.gen(function*() {
      const originators = yield* Originators
      const store = yield* TestStore
      const { info } = yield* originators.createOriginator({ originator: "InfoText" })
      yield* originators.createOriginator({ originator: "Other" })
      assert.isTrue(yield* approveOriginator(store, info.id))
      assert.isFalse(yield* approveOriginator(store, 42))
      const list = yield* originators.getOriginatorsList()
      assert.deepStrictEqual(list.data.map((o) => [o.originator, o.approved]), [["Other", false], ["InfoText", true]])
    }).pipe(withStore))
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
