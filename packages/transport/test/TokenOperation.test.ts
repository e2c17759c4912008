/**
 * The token operation is given to the transport (Transport.TokenOperation), never imported by
 * it: without one, application credentials fail the transport's construction, typed and named.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Transport from "@smscx/transport/Transport"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { balance } from "./answers.js"
import * as FakeHttp from "./fakeHttp.js"

const application = { applicationId: "app-7731", applicationSecret: "app-SECRET-b81d6e02c4f9" } as const

/** The fake's client alone, without the token operation its `layer` also gives. */
const clientOnly = (fake: FakeHttp.Fake) => Layer.succeed(HttpClient.HttpClient, fake.client)

describe("Transport.TokenOperation", () => {
  it.effect("application credentials without it: an InvalidOptionsError naming applicationId, nothing sent", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, balance))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.scoped(Transport.make(application)))
      assert.strictEqual(error._tag, "InvalidOptionsError")
      assert.strictEqual(error.option, "applicationId")
      assert.include(error.message, "Transport.TokenOperation")
      assert.notInclude(error.message, application.applicationSecret)
      const layered = yield* Effect.flip(Layer.build(Transport.layer(application)).pipe(Effect.scoped))
      assert.strictEqual(layered._tag, "InvalidOptionsError")
      assert.strictEqual(fake.requests.length, 0)
    }).pipe(Effect.provide(clientOnly(fake)))
  })

  it.effect("an API key needs none", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, balance))
    return Effect.gen(function*() {
      const transport = yield* Transport.make({ apiKey: "k" })
      assert.deepStrictEqual(yield* transport.call(Api.Account.getAccountBalance, []), balance)
    }).pipe(Effect.scoped, Effect.provide(clientOnly(fake)))
  })

  it.effect("the tokens are fetched through the operation given", () => {
    const fake = FakeHttp.make((request) =>
      request.url.pathname === "/oauth/token"
        ? FakeHttp.json(200, { access_token: "at-1", expires_in: 3600, token_type: "Bearer", scope: "account" })
        : FakeHttp.json(200, balance)
    )
    return Effect.gen(function*() {
      const transport = yield* Transport.make(application)
      assert.deepStrictEqual(yield* transport.call(Api.Account.getAccountBalance, []), balance)
      assert.deepStrictEqual(fake.requests.map((r) => r.url.pathname), ["/oauth/token", "/account/balance"])
      assert.strictEqual(fake.requests[1]!.headers["authorization"], "Bearer at-1")
    }).pipe(
      Effect.scoped,
      Effect.provide(clientOnly(fake)),
      Effect.provideService(Transport.TokenOperation, Api.Oauth.getAccessToken)
    )
  })
})
