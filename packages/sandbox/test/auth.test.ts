import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { call, failure, provide, success } from "./utils.js"

const basic = (id: string, secret: string) => ({ Authorization: `Basic ${btoa(`${id}:${secret}`)}` })
const token = (headers: Record<string, string>, form: Record<string, string> = { grant_type: "client_credentials" }) =>
  call("POST", "/oauth/token", { headers, form })
const bearer = (accessToken: string) => ({ Authorization: `Bearer ${accessToken}` })
const APP = { applicationId: "app-1", applicationSecret: "s3cret" }

describe("API keys", () => {
  it.effect("a missing or unknown key is 401 invalid_api_key", () =>
    Effect.gen(function*() {
      yield* failure(yield* call("GET", "/account/balance", { headers: {} }), 401, "invalid_api_key", 1001)
      yield* failure(
        yield* call("GET", "/account/balance", { headers: { "X-API-KEY": "other" } }),
        401,
        "invalid_api_key",
        1001
      )
      yield* failure(
        yield* call("GET", "/account/balance", { headers: { "X-API-KEY": "" } }),
        401,
        "invalid_api_key",
        1001
      )
    }).pipe(provide()))

  it.effect("with no keys configured, any non-empty key is accepted", () =>
    Effect.gen(function*() {
      yield* success(
        Api.Account.getAccountBalance,
        yield* call("GET", "/account/balance", { headers: { "X-API-KEY": "anything" } })
      )
      yield* failure(
        yield* call("GET", "/account/balance", { headers: { "X-API-KEY": " " } }),
        401,
        "invalid_api_key",
        1001
      )
    }).pipe(provide({ apiKeys: [] })))
})

describe("OAuth", () => {
  it.effect("client credentials give a bearer token that works on the API", () =>
    Effect.gen(function*() {
      const body = yield* success(
        Api.Oauth.getAccessToken,
        yield* token(basic(APP.applicationId, APP.applicationSecret), {
          grant_type: "client_credentials",
          scope: "sms account"
        })
      )
      assert.deepStrictEqual({ ...body, access_token: "" }, {
        access_token: "",
        token_type: "Bearer",
        expires_in: 86_400,
        scope: "sms account"
      })
      yield* success(
        Api.Account.getAccountBalance,
        yield* call("GET", "/account/balance", { headers: bearer(body.access_token) })
      )
      yield* failure(
        yield* call("GET", "/account/balance", { headers: bearer("made-up") }),
        401,
        "invalid_api_key",
        1002
      )
    }).pipe(provide({ applications: [APP] })))

  it.effect("a token only calls operations of its scopes: 403 insufficient_scope otherwise", () =>
    Effect.gen(function*() {
      const sms = yield* success(
        Api.Oauth.getAccessToken,
        yield* token(basic("any-app", "any-secret"), { grant_type: "client_credentials", scope: "sms" })
      )
      const headers = bearer(sms.access_token)
      yield* failure(yield* call("GET", "/account/balance", { headers }), 403, "insufficient_scope", 1003)
      const sent = yield* call("POST", "/sms", {
        headers,
        body: { to: ["+31612345678"], from: "InfoText", text: "Hi" }
      })
      yield* success(Api.Sms.sendSms, sent)
    }).pipe(provide()))

  it.effect("no scope asked for: every scope of the application", () =>
    Effect.gen(function*() {
      const all = yield* success(Api.Oauth.getAccessToken, yield* token(basic("any-app", "any-secret")))
      assert.includeMembers(all.scope.split(" "), ["sms", "account", "groups", "otp"])
      const limited = yield* success(
        Api.Oauth.getAccessToken,
        yield* token(basic("limited", "pw"))
      )
      assert.strictEqual(limited.scope, "account")
      yield* failure(
        yield* token(basic("limited", "pw"), { grant_type: "client_credentials", scope: "sms" }),
        400,
        "invalid_scope",
        1600
      )
    }).pipe(
      provide({
        applications: [{ applicationId: "any-app", applicationSecret: "any-secret" }, {
          applicationId: "limited",
          applicationSecret: "pw",
          scopes: ["account"]
        }]
      })
    ))

  it.effect("the documented 1600 errors: invalid_request, unsupported_grant_type, invalid_scope, invalid_client", () =>
    Effect.gen(function*() {
      const ok = basic(APP.applicationId, APP.applicationSecret)
      yield* failure(yield* token(ok, {}), 400, "invalid_request", 1600)
      yield* failure(yield* token(ok, { grant_type: "password" }), 400, "unsupported_grant_type", 1600)
      yield* failure(
        yield* token(ok, { grant_type: "client_credentials", scope: "sms telepathy" }),
        400,
        "invalid_scope",
        1600
      )
      yield* failure(yield* token(basic(APP.applicationId, "wrong")), 401, "invalid_client", 1600)
      yield* failure(yield* token({}), 401, "invalid_client", 1600)
      yield* failure(yield* token({ "X-API-KEY": "test-key" }), 401, "invalid_client", 1600)
    }).pipe(provide({ applications: [APP] })))

  it.effect("a token expires after its lifetime: then 401", () =>
    Effect.gen(function*() {
      const body = yield* success(Api.Oauth.getAccessToken, yield* token(basic("a", "b")))
      assert.strictEqual(body.expires_in, 60)
      yield* TestClock.adjust("59 seconds")
      yield* success(
        Api.Account.getAccountBalance,
        yield* call("GET", "/account/balance", { headers: bearer(body.access_token) })
      )
      yield* TestClock.adjust("1 second")
      yield* failure(
        yield* call("GET", "/account/balance", { headers: bearer(body.access_token) }),
        401,
        "invalid_api_key",
        1002
      )
    }).pipe(provide({ tokenLifetimeSeconds: 60 })))

  it.effect("tokenLifetimeSeconds 0: the token never expires", () =>
    Effect.gen(function*() {
      const body = yield* success(Api.Oauth.getAccessToken, yield* token(basic("a", "b")))
      assert.strictEqual(body.expires_in, 0)
      yield* TestClock.adjust("3650 days")
      yield* success(
        Api.Account.getAccountBalance,
        yield* call("GET", "/account/balance", { headers: bearer(body.access_token) })
      )
    }).pipe(provide({ tokenLifetimeSeconds: 0 })))
})
