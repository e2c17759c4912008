import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import {
  Account,
  InsufficientScopeException,
  InvalidCredentialsException,
  InvalidScopeException,
  Oauth,
  RequestValidationError,
  Sms,
  SmsCx
} from "@smscx/client"
import type * as Transport from "@smscx/transport/Transport"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import { inspect } from "node:util"
import { API_KEY, NL, provide, Requests, Sandbox, sandbox, sentTo } from "./utils.js"

const APP = { applicationId: "app-1", applicationSecret: "app-secret-Zq8xW2" }
const client: Transport.Options = { ...APP, scope: "sms account" }
/** The sandbox accepts the application; the API key is not the SDK's way in. */
const server = (options: Sandbox.Options = {}): Sandbox.Options => ({
  apiKeys: ["right"],
  applications: [APP],
  ...options
})
const hello = { to: [NL], from: "InfoText", text: "Hello" }

const authorizations = (path: string) => Effect.map(sentTo(path), (rs) => rs.map((r) => r.headers["authorization"]))

/** Another client of the same sandbox, over the HttpClient the test runs with. */
const withClient = (options: Transport.Options) =>
  Effect.provide(SmsCx.layerWithoutHttpClient({ baseUrl: Sandbox.baseUrl, ...options }))

describe("OAuth client credentials, fetched by the transport", () => {
  it.effect("a client configured with an application gets a token once and calls the API with it", () =>
    Effect.gen(function*() {
      const sent = yield* (yield* Sms).sendSms(hello)
      assert.strictEqual(sent.data[0]!.status, "ACCEPTED")
      assert.strictEqual((yield* (yield* sandbox).messages).length, 1)
      const balance = yield* (yield* Account).getAccountBalance()
      assert.strictEqual(balance.balance, 100 - sent.info.totalCost)

      const [token, ...others] = yield* sentTo("/oauth/token")
      assert.deepStrictEqual(others, [])
      assert.strictEqual(token!.method, "POST")
      assert.strictEqual(
        token!.headers["authorization"],
        `Basic ${btoa(`${APP.applicationId}:${APP.applicationSecret}`)}`
      )
      assert.strictEqual(token!.headers["content-type"], "application/x-www-form-urlencoded")
      assert.deepStrictEqual(
        Object.fromEntries(new URLSearchParams(token!.body)),
        { grant_type: "client_credentials", scope: "sms account" }
      )
      // both calls carry the same bearer token, and no API key
      const bearers = [...yield* authorizations("/sms"), ...yield* authorizations("/account/balance")]
      assert.strictEqual(bearers.length, 2)
      assert.match(bearers[0]!, /^Bearer \S+$/)
      assert.strictEqual(bearers[1], bearers[0])
      assert.isTrue((yield* Effect.flatten(Requests)).every((r) => r.headers["x-api-key"] === undefined))
    }).pipe(provide(client, server())))

  it.effect("calls that start together share one token fetch", () =>
    Effect.gen(function*() {
      const account = yield* Account
      const balances = yield* Effect.all(Array.from({ length: 5 }, () => account.getAccountBalance()), {
        concurrency: "unbounded"
      })
      assert.deepStrictEqual(balances.map((b) => b.balance), [100, 100, 100, 100, 100])
      assert.strictEqual((yield* sentTo("/oauth/token")).length, 1)
      assert.strictEqual(new Set(yield* authorizations("/account/balance")).size, 1)
    }).pipe(provide(client, server())))

  it.effect("a token about to expire is replaced before it does; one that never expires is kept", () =>
    Effect.gen(function*() {
      const account = yield* Account
      const tokenFetches = Effect.map(sentTo("/oauth/token"), (rs) => rs.length)
      yield* account.getAccountBalance()
      assert.strictEqual(yield* tokenFetches, 1)
      yield* TestClock.adjust("30 seconds")
      yield* account.getAccountBalance()
      assert.strictEqual(yield* tokenFetches, 1)
      // 55 s into a 60 s token: inside the refresh margin, a new token, transparently
      yield* TestClock.adjust("25 seconds")
      yield* account.getAccountBalance()
      assert.strictEqual(yield* tokenFetches, 2)
      // long after expiry: a new token again
      yield* TestClock.adjust("2 hours")
      yield* account.getAccountBalance()
      assert.strictEqual(yield* tokenFetches, 3)
      const bearers = yield* authorizations("/account/balance")
      assert.strictEqual(bearers[1], bearers[0])
      assert.strictEqual(new Set(bearers).size, 3)
    }).pipe(provide(client, server({ tokenLifetimeSeconds: 60 }))))

  it.effect("tokenLifetimeSeconds 0: the token never expires and is never fetched again", () =>
    Effect.gen(function*() {
      const account = yield* Account
      yield* account.getAccountBalance()
      yield* TestClock.adjust("3650 days")
      yield* account.getAccountBalance()
      assert.strictEqual((yield* sentTo("/oauth/token")).length, 1)
    }).pipe(provide(client, server({ tokenLifetimeSeconds: 0 }))))

  it.effect("a token fetch that fails keeps getAccessToken's own error, whatever the call", () =>
    Effect.gen(function*() {
      // the application has no "viber" scope: the token fetch answers 400 invalid_scope
      const error = yield* Effect.flip((yield* Sms).sendSms(hello))
      assert.instanceOf(error, InvalidScopeException)
      assert.strictEqual(error._tag, "InvalidScopeException")
      assert.strictEqual((error as InvalidScopeException).status, 400)
      assert.deepStrictEqual(yield* sentTo("/sms"), [])
    }).pipe(provide({ ...APP, scope: "sms viber" }, server({ applications: [{ ...APP, scopes: ["sms"] }] }))))

  it.effect("a 401 on a cached token fetches a new token once and retries; a second 401 is the error", () =>
    Effect.gen(function*() {
      // a proxy that spoils the bearer token of the first `spoil` API calls, as if it were revoked
      const spoiling = (spoil: number) =>
        Layer.effect(
          HttpClient.HttpClient,
          Effect.map(HttpClient.HttpClient, (http) => {
            let spoiled = 0
            return HttpClient.mapRequest(http, (request) =>
              request.headers["authorization"]?.startsWith("Bearer ") === true && spoiled++ < spoil
                ? HttpClientRequest.bearerToken(request, "revoked")
                : request)
          })
        )
      const clientSpoiling = (spoil: number) =>
        Effect.provide(
          SmsCx.layerWithoutHttpClient({ baseUrl: Sandbox.baseUrl, ...client }).pipe(Layer.provide(spoiling(spoil)))
        )

      const balance = yield* Effect.flatMap(Account, (a) => a.getAccountBalance()).pipe(clientSpoiling(1))
      assert.strictEqual(balance.balance, 100)
      assert.strictEqual((yield* sentTo("/oauth/token")).length, 2)
      const bearers = yield* authorizations("/account/balance")
      assert.strictEqual(bearers.length, 2)
      assert.strictEqual(bearers[0], "Bearer revoked")
      assert.notStrictEqual(bearers[1], "Bearer revoked")

      const error = yield* Effect.flip(
        Effect.flatMap(Account, (a) => a.getAccountBalance()).pipe(clientSpoiling(Infinity))
      )
      assert.instanceOf(error, InvalidCredentialsException)
      assert.deepStrictEqual([error.status, error.code], [401, 1002])
      // one more token, one retry: no loop
      assert.strictEqual((yield* sentTo("/oauth/token")).length, 4)
      assert.strictEqual((yield* sentTo("/account/balance")).length, 4)
    }).pipe(provide(client, server())))
})

describe("the Oauth service", () => {
  it.effect("getAccessToken gives an sms token: it sends as { accessToken }, and Account says InsufficientScope", () =>
    Effect.gen(function*() {
      const oauth = yield* Oauth
      const token = yield* oauth.getAccessToken({ grant_type: "client_credentials", scope: "sms" })
      assert.deepStrictEqual({ ...token, access_token: "" }, {
        access_token: "",
        token_type: "Bearer",
        expires_in: 86_400,
        scope: "sms"
      })
      assert.isAbove(token.access_token.length, 16)

      yield* Effect.gen(function*() {
        const sent = yield* (yield* Sms).sendSms(hello)
        assert.strictEqual(sent.data[0]!.status, "ACCEPTED")
        const error = yield* Effect.flip((yield* Account).getAccountBalance())
        assert.instanceOf(error, InsufficientScopeException)
        assert.deepStrictEqual([error.status, error.type, error.code], [403, "insufficient_scope", 1003])
      }).pipe(withClient({ accessToken: token.access_token }))

      assert.deepStrictEqual(yield* authorizations("/sms"), [`Bearer ${token.access_token}`])
      assert.strictEqual((yield* (yield* sandbox).messages).length, 1)
      // the application's own client asked for no other token
      assert.strictEqual((yield* sentTo("/oauth/token")).length, 1)
    }).pipe(provide(client, server())))

  it.effect("a wrong secret is InvalidCredentialsException, from the service and from a send; no secret in it", () =>
    Effect.gen(function*() {
      const wrong = { ...APP, applicationSecret: "not-the-secret-Kp3" }
      yield* Effect.gen(function*() {
        const direct = yield* Effect.flip((yield* Oauth).getAccessToken({ grant_type: "client_credentials" }))
        assert.instanceOf(direct, InvalidCredentialsException)
        assert.deepStrictEqual([direct.status, direct.type, direct.code], [401, "invalid_client", 1600])

        const send = yield* Effect.flip((yield* Sms).sendSms(hello))
        assert.instanceOf(send, InvalidCredentialsException)
        assert.strictEqual(send.type, "invalid_client")
        for (const error of [direct, send]) {
          for (const text of [JSON.stringify(error), String(error), inspect(error, { depth: null })]) {
            assert.notInclude(text, wrong.applicationSecret)
            assert.notInclude(text, btoa(`${wrong.applicationId}:${wrong.applicationSecret}`))
          }
        }
      }).pipe(withClient(wrong))
      // the send never went out
      assert.deepStrictEqual(yield* sentTo("/sms"), [])
      assert.deepStrictEqual(yield* (yield* sandbox).messages, [])
    }).pipe(provide(client, server())))

  it.effect("getAccessToken needs an application: an API-key client gets RequestValidationError, nothing sent", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip((yield* Oauth).getAccessToken({ grant_type: "client_credentials" }))
      assert.instanceOf(error, RequestValidationError)
      assert.strictEqual(error.operation, "getAccessToken")
      assert.include(error.message, "applicationId")
      assert.deepStrictEqual(yield* Effect.flatten(Requests), [])
    }).pipe(provide({ apiKey: API_KEY })))
})
