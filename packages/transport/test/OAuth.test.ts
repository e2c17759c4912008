/**
 * OAuth client credentials: one token for concurrent calls, refreshes, the 401 replay, token errors.
 */
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Errors from "@smscx/core/Errors"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { balance, sms } from "./answers.js"
import * as FakeHttp from "./fakeHttp.js"
import { API_KEY, APP_ID, APP_SECRET, application, call, isToken, oauthApi, withTransport } from "./fixtures.js"

describe("OAuth client credentials", () => {
  it.effect("one token request serves ten concurrent calls, and later calls", () => {
    const fake = oauthApi()
    return withTransport(application, fake, (t) =>
      Effect.gen(function*() {
        const answers = yield* Effect.all(
          Array.from({ length: 10 }, () => t.call(Api.Account.getAccountBalance, [])),
          { concurrency: "unbounded" }
        )
        assert.strictEqual(answers.length, 10)
        for (const answer of answers) assert.deepStrictEqual(answer, balance)
        assert.strictEqual(fake.requests.filter(isToken).length, 1)
        yield* t.call(Api.Account.getChannelsStatus, []).pipe(Effect.ignore)
        yield* t.call(Api.Account.getAccountBalance, [])
        assert.strictEqual(fake.requests.filter(isToken).length, 1, "the token is cached")
        const calls = fake.requests.filter((r) => !isToken(r))
        assert.strictEqual(calls.length, 12)
        for (const r of calls) {
          assert.strictEqual(r.headers["authorization"], "Bearer tok-1")
          assert.isUndefined(r.headers["x-api-key"])
        }
        const tokenRequest = fake.requests.find(isToken)!
        assert.strictEqual(tokenRequest.method, "POST")
        assert.deepStrictEqual(
          Object.fromEntries(new URLSearchParams(tokenRequest.body!)),
          { grant_type: "client_credentials", scope: "sms account" }
        )
      }))
  })

  it.effect("a scope list is sent space-separated; no scope asks for the application's scopes", () =>
    Effect.gen(function*() {
      const listed = oauthApi()
      yield* withTransport(
        { applicationId: APP_ID, applicationSecret: APP_SECRET, scope: ["sms", "account"] },
        listed,
        call(Api.Account.getAccountBalance)
      )
      assert.strictEqual(new URLSearchParams(listed.requests[0]!.body!).get("scope"), "sms account")
      const unscoped = oauthApi()
      yield* withTransport(
        { applicationId: APP_ID, applicationSecret: APP_SECRET },
        unscoped,
        call(Api.Account.getAccountBalance)
      )
      assert.deepStrictEqual(Object.fromEntries(new URLSearchParams(unscoped.requests[0]!.body!)), {
        grant_type: "client_credentials"
      })
    }))

  it.effect("the token is refreshed before expires_in runs out", () => {
    const fake = oauthApi({ expiresIn: 3600 })
    return withTransport(application, fake, (t) =>
      Effect.gen(function*() {
        yield* t.call(Api.Account.getAccountBalance, [])
        assert.strictEqual(fake.requests.filter(isToken).length, 1)
        yield* TestClock.adjust("3539 seconds")
        yield* t.call(Api.Account.getAccountBalance, [])
        assert.strictEqual(fake.requests.filter(isToken).length, 1, "still fresh after 3539 s")
        yield* TestClock.adjust("2 seconds")
        yield* t.call(Api.Account.getAccountBalance, [])
        assert.strictEqual(fake.requests.filter(isToken).length, 2, "refreshed before the hour is out")
        assert.strictEqual(fake.requests.at(-1)!.headers["authorization"], "Bearer tok-2")
        yield* t.call(Api.Account.getAccountBalance, [])
        assert.strictEqual(fake.requests.filter(isToken).length, 2)
      }))
  })

  it.effect("after a 401 the token is fetched again once, and the call succeeds", () => {
    const fake = oauthApi({ accept: (token) => token !== "tok-1" })
    return withTransport(application, fake, (t) =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* t.call(Api.Account.getAccountBalance, []), balance)
        assert.deepStrictEqual(
          fake.requests.map((r) => isToken(r) ? "token" : r.headers["authorization"]),
          ["token", "Bearer tok-1", "token", "Bearer tok-2"]
        )
        yield* t.call(Api.Account.getAccountBalance, [])
        assert.strictEqual(fake.requests.filter(isToken).length, 2, "the new token is cached")
      }))
  })

  it.effect("a second 401 fails with InvalidCredentialsException (no loop)", () => {
    const fake = oauthApi({ accept: () => false })
    return withTransport(application, fake, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(t.call(Api.Account.getAccountBalance, []))
        assert.instanceOf(error, Errors.InvalidCredentialsException)
        assert.strictEqual(error._tag, "InvalidCredentialsException")
        if (error._tag === "InvalidCredentialsException") assert.strictEqual(error.status, 401)
        assert.deepStrictEqual(
          fake.requests.map((r) => isToken(r) ? "token" : r.headers["authorization"]),
          ["token", "Bearer tok-1", "token", "Bearer tok-2"]
        )
      }))
  })

  it.effect("a 401 with an API key is not retried", () => {
    const apiKeyFake = FakeHttp.always(() => FakeHttp.json(401, FakeHttp.apiError("invalid_api_key", 1002)))
    return withTransport({ apiKey: API_KEY }, apiKeyFake, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(t.call(Api.Account.getAccountBalance, []))
        assert.strictEqual(error._tag, "InvalidCredentialsException")
        assert.strictEqual(apiKeyFake.requests.length, 1)
      }))
  })

  it.effect("a token answer that does not fit is a DecodeError without the token in it", () => {
    const answer = { access_token: "tok-SECRET-1", expires_in: 3600, token_type: "Bearer" }
    const fake = FakeHttp.always(() => FakeHttp.json(200, answer))
    return withTransport(application, fake, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(t.call(Api.Account.getAccountBalance, []))
        assert.instanceOf(error, Errors.DecodeError)
        if (!(error instanceof Errors.DecodeError)) return
        assert.strictEqual(error.operation, "getAccessToken")
        assert.include(error.message, "scope")
        assert.deepStrictEqual(error.body, { ...answer, access_token: "<redacted>" })
        assert.strictEqual(fake.requests.length, 1)
      }))
  })

  it.effect("a refused application secret fails the call with InvalidCredentialsException, one token request", () => {
    const refusing = FakeHttp.make((request) =>
      isToken(request)
        ? FakeHttp.json(401, FakeHttp.apiError("invalid_client", 1600, "Client authentication failed"))
        : FakeHttp.json(200, balance)
    )
    return withTransport(application, refusing, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(t.call(Api.Sms.sendSms, [sms]))
        assert.instanceOf(error, Errors.InvalidCredentialsException)
        assert.strictEqual(refusing.requests.length, 1)
        assert.isTrue(isToken(refusing.requests[0]!))
      }))
  })
})
