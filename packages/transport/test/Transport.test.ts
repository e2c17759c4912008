import * as HttpClientError from "@effect/platform/HttpClientError"
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Errors from "@smscx/core/Errors"
import * as Operation from "@smscx/core/Operation"
import * as Transport from "@smscx/transport/Transport"
import * as Cause from "effect/Cause"
import * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import * as util from "node:util"
import { balance, sent, sms } from "./answers.js"
import * as FakeHttp from "./fakeHttp.js"
import { recordingTracer } from "./recordingTracer.js"

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

const API_KEY = "sk_live_API-KEY-3f9c2a7d41e8"
const APP_ID = "app-7731"
const APP_SECRET = "app-SECRET-b81d6e02c4f9"
const ACCESS_TOKEN = "at-TOKEN-5e1f7c9a0b3d"

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

const pricing = { countryCode: { TRANSACTIONAL: 0.021, PROMOTIONAL: 0.025 } } as const
const limitedHeaders = (reset?: number): Record<string, string> => ({
  "x-rate-limit-limit": "100",
  "x-rate-limit-remaining": "0",
  ...(reset === undefined ? {} : { "x-rate-limit-reset": String(reset) })
})
const limited = (reset?: number) =>
  FakeHttp.json(429, FakeHttp.apiError("rate_limit", 1000, "Too many requests"), limitedHeaders(reset))
const tokenAnswer = (token: string, expiresIn = 3600) =>
  FakeHttp.json(200, { access_token: token, expires_in: expiresIn, token_type: "Bearer", scope: "sms account" })

/** Builds a transport over the fake and runs `f` with it. */
const withTransport = <A, E>(
  options: Transport.Options,
  fake: FakeHttp.Fake,
  f: (transport: Transport.Service) => Effect.Effect<A, E>
) => Effect.flatMap(Transport.make(options), f).pipe(Effect.scoped, Effect.provide(fake.layer))

const call = <O extends Operation.Any>(operation: O, ...args: ReadonlyArray<unknown>) => (t: Transport.Service) =>
  t.call(operation, args)

/** Fails the test (rather than hanging) when an effect that must not wait does. */
const promptly = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(Effect.timeoutFail({ duration: "2 seconds", onTimeout: () => "waited, but should not have" as const }))

const isToken = (r: FakeHttp.Recorded) => r.url.pathname === "/oauth/token"

// ---------------------------------------------------------------------------

describe("request building", () => {
  it.scoped("GET: default base URL, X-API-KEY, user-agent, accept; the answer is decoded", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, balance))
    return Effect.gen(function*() {
      const transport = yield* Transport.make({ apiKey: API_KEY })
      assert.strictEqual(transport.baseUrl, "https://api.sms.cx")
      assert.strictEqual(Transport.DEFAULT_BASE_URL, "https://api.sms.cx")
      const answer = yield* transport.call(Api.Account.getAccountBalance, [])
      assert.deepStrictEqual(answer, balance)
      assert.strictEqual(fake.requests.length, 1)
      const [request] = fake.requests
      assert.strictEqual(request!.method, "GET")
      assert.strictEqual(request!.url.href, "https://api.sms.cx/account/balance")
      assert.strictEqual(request!.headers["x-api-key"], API_KEY)
      assert.isUndefined(request!.headers["authorization"])
      assert.strictEqual(request!.headers["user-agent"], `smscx-ts/${Transport.VERSION}`)
      assert.strictEqual(request!.headers["accept"], "application/json")
      assert.isUndefined(request!.body)
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("a custom base URL (trailing slash dropped, path prefix kept) and user agent", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, balance))
    return withTransport(
      { apiKey: API_KEY, baseUrl: "http://localhost:4010/sandbox/", userAgent: "my-app/1.2" },
      fake,
      (t) =>
        Effect.gen(function*() {
          assert.strictEqual(t.baseUrl, "http://localhost:4010/sandbox")
          yield* t.call(Api.Account.getAccountBalance, [])
          assert.strictEqual(fake.requests[0]!.url.href, "http://localhost:4010/sandbox/account/balance")
          assert.strictEqual(fake.requests[0]!.headers["user-agent"], "my-app/1.2")
        })
    )
  })

  it.effect("path parameters fill the path in path order, URI-encoded", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, pricing))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        const answer = yield* t.call(Api.Account.getChannelPricingByCountryIso, ["sms", "transactional", "NL"])
        assert.deepStrictEqual(answer, pricing)
        yield* t.call(Api.Account.getChannelPricing, ["whatsapp", "promotional"])
        // a free-form path parameter (shortlink ids, phone numbers) is percent-encoded
        const thing = Operation.make({
          id: "getThing",
          group: "Things",
          method: "GET",
          path: "/things/{name}",
          pathParams: { name: Schema.String },
          input: Operation.noInput,
          success: Operation.emptyResponse,
          errors: [],
          auth: "apiKeyOrBearer",
          idempotencyKey: undefined,
          billed: false,
          paging: false,
          successStatus: 200
        })
        yield* t.call(thing, ["a/b?c#d e+%2e"])
        yield* t.call(thing, ["..."])
        assert.deepStrictEqual(fake.requests.map((r) => `${r.method} ${r.url.pathname}`), [
          "GET /account/pricing/sms/transactional/NL",
          "GET /account/pricing/whatsapp/promotional",
          "GET /things/a%2Fb%3Fc%23d%20e%2B%252e",
          "GET /things/..."
        ])
      }))
  })

  it.effect("DELETE with a UUID path parameter", () => {
    const msgId = "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"
    const answer = { info: { msgId, parts: 1, creditReturned: 0.021, channel: "sms" } }
    const fake = FakeHttp.always(() => FakeHttp.json(200, answer))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* t.call(Api.Sms.deleteScheduledSms, [msgId]), answer)
        assert.strictEqual(fake.requests[0]!.method, "DELETE")
        assert.strictEqual(fake.requests[0]!.url.href, `https://api.sms.cx/sms/scheduled/${msgId}`)
      }))
  })

  it.effect("POST /sms: a JSON body with the API's field names and a generated idempotencyId", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, sent))
    const input = {
      ...sms,
      countryIso: "NL",
      allowInvalid: true,
      dlrCallbackUrl: "https://example.com/dlr",
      scheduledDate: "2030-01-01 10:00:00",
      isUtc: false,
      shortResponse: true,
      transliteration: { alphabet: "GREEK", removeEmojis: true }
    }
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* t.call(Api.Sms.sendSms, [input]), sent)
        const request = fake.requests[0]!
        assert.strictEqual(request.method, "POST")
        assert.strictEqual(request.url.href, "https://api.sms.cx/sms")
        assert.strictEqual(request.contentType, "application/json")
        const body = JSON.parse(request.body!)
        const { idempotencyId, ...rest } = body
        assert.deepStrictEqual(rest, input)
        assert.match(idempotencyId, UUID)
      }))
  })

  it.effect("each call gets its own idempotencyId; a given one is kept", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, sent))
    const given = "0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11"
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        yield* t.call(Api.Sms.sendSms, [sms])
        yield* t.call(Api.Sms.sendSms, [sms])
        yield* t.call(Api.Sms.sendSms, [{ ...sms, idempotencyId: given }])
        const ids = fake.requests.map((r) => JSON.parse(r.body!).idempotencyId)
        assert.match(ids[0], UUID)
        assert.match(ids[1], UUID)
        assert.notStrictEqual(ids[0], ids[1])
        assert.strictEqual(ids[2], given)
      }))
  })

  it.effect("the idempotencyId is generated once and reused when a 429 is retried", () => {
    const fake = FakeHttp.sequence(() => limited(1), () => FakeHttp.json(200, sent))
    return withTransport({ apiKey: API_KEY, retry: { jitter: false } }, fake, (t) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(t.call(Api.Sms.sendSms, [sms]))
        yield* TestClock.adjust("1 second")
        assert.deepStrictEqual(yield* Fiber.join(fiber), sent)
        assert.strictEqual(fake.requests.length, 2)
        const [first, second] = fake.requests.map((r) => JSON.parse(r.body!))
        assert.match(first.idempotencyId, UUID)
        assert.strictEqual(second.idempotencyId, first.idempotencyId)
        assert.deepStrictEqual(second, first)
      }))
  })

  it.effect("an operation without an idempotency field gets none (estimateSms)", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, sent))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        yield* t.call(Api.Sms.estimateSms, [sms])
        assert.strictEqual(fake.requests[0]!.url.pathname, "/sms/estimate")
        assert.deepStrictEqual(JSON.parse(fake.requests[0]!.body!), sms)
      }))
  })

  it.effect("an access token is sent as Authorization: Bearer", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, balance))
    return withTransport({ accessToken: Redacted.make(ACCESS_TOKEN) }, fake, (t) =>
      Effect.gen(function*() {
        yield* t.call(Api.Account.getAccountBalance, [])
        assert.strictEqual(fake.requests[0]!.headers["authorization"], `Bearer ${ACCESS_TOKEN}`)
        assert.isUndefined(fake.requests[0]!.headers["x-api-key"])
      }))
  })

  it.effect("getAccessToken: a form body with HTTP Basic auth of the application", () => {
    const fake = FakeHttp.always(() => tokenAnswer(ACCESS_TOKEN))
    return withTransport({ applicationId: APP_ID, applicationSecret: APP_SECRET }, fake, (t) =>
      Effect.gen(function*() {
        const answer = yield* t.call(Api.Oauth.getAccessToken, [{
          grant_type: "client_credentials",
          scope: "sms account"
        }])
        assert.deepStrictEqual(answer, {
          access_token: ACCESS_TOKEN,
          expires_in: 3600,
          token_type: "Bearer",
          scope: "sms account"
        })
        assert.strictEqual(fake.requests.length, 1)
        const request = fake.requests[0]!
        assert.strictEqual(request.method, "POST")
        assert.strictEqual(request.url.href, "https://api.sms.cx/oauth/token")
        assert.strictEqual(request.contentType, "application/x-www-form-urlencoded")
        assert.deepStrictEqual(
          Object.fromEntries(new URLSearchParams(request.body!)),
          { grant_type: "client_credentials", scope: "sms account" }
        )
        assert.strictEqual(
          request.headers["authorization"],
          `Basic ${Buffer.from(`${APP_ID}:${APP_SECRET}`).toString("base64")}`
        )
        assert.isUndefined(request.headers["x-api-key"])
      }))
  })

  it.effect("getAccessToken without application credentials fails before sending", () => {
    const fake = FakeHttp.always(() => tokenAnswer(ACCESS_TOKEN))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(t.call(Api.Oauth.getAccessToken, [{ grant_type: "client_credentials" }]))
        assert.strictEqual(error._tag, "RequestValidationError")
        assert.strictEqual(fake.requests.length, 0)
      }))
  })

  it.effect("no credentials at all: a RequestValidationError, nothing sent", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, balance))
    return withTransport({} as Transport.Options, fake, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(t.call(Api.Account.getAccountBalance, []))
        assert.instanceOf(error, Errors.RequestValidationError)
        assert.strictEqual(fake.requests.length, 0)
      }))
  })
})

// ---------------------------------------------------------------------------

describe("operations of other shapes (query, file and empty answers)", () => {
  const report = Operation.make({
    id: "getReport",
    group: "Test",
    method: "GET",
    path: "/reports/{campaignId}/{format}",
    pathParams: { campaignId: Schema.String, format: Schema.Literal("csv", "xlsx") },
    input: Operation.query(Schema.Struct({
      start_date: Schema.optional(Schema.String),
      limit: Schema.optional(Schema.Int),
      status: Schema.optional(Schema.Array(Schema.String)),
      short_response: Schema.optional(Schema.Boolean)
    })),
    success: Operation.fileResponse("application/csv"),
    errors: [Errors.ApiException, Errors.ServerErrorException],
    auth: "apiKeyOrBearer",
    idempotencyKey: undefined,
    billed: false,
    paging: false,
    successStatus: 200
  })
  const remove = Operation.make({
    id: "removeThing",
    group: "Test",
    method: "DELETE",
    path: "/things/{id}",
    pathParams: { id: Schema.String },
    input: Operation.noInput,
    success: Operation.emptyResponse,
    errors: [Errors.ApiException],
    auth: "apiKeyOrBearer",
    idempotencyKey: undefined,
    billed: false,
    paging: false,
    successStatus: 200
  })

  it.effect("query parameters keep their wire names; arrays repeat; absent ones are left out", () => {
    const csv = "msgId,status\n1,DELIVERED\n"
    const fake = FakeHttp.always(() =>
      new Response(csv, { status: 200, headers: { "content-type": "application/csv" } })
    )
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        const file = yield* t.call(report, ["c 1", "csv", {
          start_date: "2024-01-01 00:00:00",
          limit: 50,
          status: ["DELIVERED", "FAILED"],
          short_response: true
        }])
        assert.instanceOf(file.bytes, Uint8Array)
        assert.strictEqual(new TextDecoder().decode(file.bytes), csv)
        assert.deepStrictEqual([file.contentType, file.fileName], ["application/csv", undefined])
        const url = fake.requests[0]!.url
        assert.strictEqual(url.pathname, "/reports/c%201/csv")
        assert.deepStrictEqual([...url.searchParams], [
          ["start_date", "2024-01-01 00:00:00"],
          ["limit", "50"],
          ["status", "DELIVERED"],
          ["status", "FAILED"],
          ["short_response", "true"]
        ])
        yield* t.call(report, ["c1", "xlsx"])
        assert.strictEqual(fake.requests[1]!.url.search, "")
        assert.isUndefined(fake.requests[1]!.body)
      }))
  })

  it.effect("a bad query parameter is a RequestValidationError, nothing sent", () => {
    const fake = FakeHttp.always(() => new Response("", { status: 200 }))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(t.call(report, ["c1", "csv", { limit: 1.5 }]))
        assert.strictEqual(error._tag, "RequestValidationError")
        assert.strictEqual(fake.requests.length, 0)
      }))
  })

  it.effect("an empty answer gives void", () => {
    const fake = FakeHttp.always(() => new Response(null, { status: 204 }))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        assert.isUndefined(yield* t.call(remove, ["42"]))
        assert.strictEqual(fake.requests[0]!.method, "DELETE")
        assert.strictEqual(fake.requests[0]!.url.pathname, "/things/42")
      }))
  })

  it.effect("errors outside a small union become ApiException, its own members stay", () => {
    const fake = FakeHttp.sequence(
      () => FakeHttp.json(400, FakeHttp.apiError("invalid_param", 1207, "bad", { invalid: ["1"] })),
      () => FakeHttp.json(503, FakeHttp.apiError("server_error", 1000, "down"))
    )
    return withTransport({ apiKey: API_KEY, retry: false }, fake, (t) =>
      Effect.gen(function*() {
        const first = yield* Effect.flip(t.call(report, ["c1", "csv"]))
        assert.strictEqual(first._tag, "ApiException")
        if (first._tag === "ApiException") {
          assert.strictEqual(first.message, "bad")
          assert.deepStrictEqual(first.invalid, ["1"])
        }
        const second = yield* Effect.flip(t.call(report, ["c1", "csv"]))
        assert.strictEqual(second._tag, "ServerErrorException")
      }))
  })
})

// ---------------------------------------------------------------------------

describe("validation: invalid input fails with RequestValidationError and sends nothing", () => {
  const numbers = (n: number) => Array.from({ length: n }, (_, i) => `+3161${String(i).padStart(7, "0")}`)
  const cases: ReadonlyArray<readonly [string, Operation.Any, ReadonlyArray<unknown>, string]> = [
    ["a too long from", Api.Sms.sendSms, [{ ...sms, from: "x".repeat(16) }], "from"],
    ["a too short from", Api.Sms.sendSms, [{ ...sms, from: "ab" }], "from"],
    ["a bad UUID in idempotencyId", Api.Sms.sendSms, [{ ...sms, idempotencyId: "1234" }], "idempotencyId"],
    ["a bad UUID in trackData", Api.Sms.sendSms, [{ ...sms, trackData: "not-a-uuid" }], "trackData"],
    ["25,001 recipients", Api.Sms.sendSms, [{ ...sms, to: numbers(25_001) }], "to"],
    ["a missing required field", Api.Sms.sendSms, [{ to: sms.to, from: sms.from }], "text"],
    ["no input at all", Api.Sms.sendSms, [], "to"],
    ["an unknown field", Api.Sms.sendSms, [{ ...sms, colour: "red" }], "colour"],
    ["a field of the wrong type", Api.Sms.sendSms, [{ ...sms, to: "+31612469000" }], "to"],
    ["a bad enum", Api.Sms.sendSms, [{ ...sms, transliteration: { alphabet: "KLINGON" } }], "transliteration"],
    ["a bad path parameter (countryIso NLD)", Api.Account.getChannelPricingByCountryIso, [
      "sms",
      "transactional",
      "NLD"
    ], "countryIso"],
    ["a path parameter outside its enum", Api.Account.getChannelPricing, ["fax", "transactional"], "channel"],
    ["a missing path parameter", Api.Account.getChannelPricing, ["sms"], "trafficType"],
    ["a bad UUID path parameter", Api.Sms.deleteScheduledSms, ["../account/balance"], "msgId"],
    ["a bad grant_type", Api.Oauth.getAccessToken, [{ grant_type: "password" }], "grant_type"]
  ]

  for (const [name, operation, args, field] of cases) {
    it.effect(name, () => {
      const fake = FakeHttp.always(() => FakeHttp.json(200, sent))
      return withTransport(
        { applicationId: APP_ID, applicationSecret: APP_SECRET },
        fake,
        (t) =>
          Effect.gen(function*() {
            const error = yield* Effect.flip(t.call(operation, args))
            assert.instanceOf(error, Errors.RequestValidationError)
            if (!(error instanceof Errors.RequestValidationError)) return
            assert.strictEqual(error.operation, operation.id)
            assert.isAbove(error.issues.length, 0)
            assert.isTrue(
              error.issues.some((issue) => issue.path.includes(field)),
              `an issue at ${field}: ${JSON.stringify(error.issues)}`
            )
            assert.include(error.message, operation.id)
            assert.strictEqual(fake.requests.length, 0, "nothing was sent, not even a token request")
          })
      )
    })
  }

  it.effect("25,000 recipients are sent", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, sent))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        yield* t.call(Api.Sms.sendSms, [{ ...sms, to: numbers(25_000) }])
        assert.strictEqual(JSON.parse(fake.requests[0]!.body!).to.length, 25_000)
      }))
  })
})

// ---------------------------------------------------------------------------

/**
 * A fake API with an OAuth token endpoint: tokens are `tok-1`, `tok-2`, ... in order of
 * issue; `accept` tells whether an API call with a given token succeeds.
 */
const oauthApi = (options: { readonly expiresIn?: number; readonly accept?: (token: string) => boolean } = {}) => {
  let issued = 0
  return FakeHttp.make((request) => {
    if (isToken(request)) return tokenAnswer(`tok-${++issued}`, options.expiresIn ?? 3600)
    const token = (request.headers["authorization"] ?? "").replace(/^Bearer /, "")
    return (options.accept ?? (() => true))(token)
      ? FakeHttp.json(200, balance)
      : FakeHttp.json(401, FakeHttp.apiError("invalid_api_key", 1002, "Invalid token"))
  })
}

const application = { applicationId: APP_ID, applicationSecret: APP_SECRET, scope: "sms account" } as const

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

// ---------------------------------------------------------------------------

describe("429: retries after X-Rate-Limit-Reset", () => {
  it.effect("waits X-Rate-Limit-Reset seconds before trying again", () => {
    const fake = FakeHttp.sequence(() => limited(10), () => FakeHttp.json(200, balance))
    return withTransport({ apiKey: API_KEY, retry: { jitter: false } }, fake, (t) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(t.call(Api.Account.getAccountBalance, []))
        yield* TestClock.adjust("9 seconds")
        assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)), "not done after 9 s")
        assert.strictEqual(fake.requests.length, 1)
        yield* TestClock.adjust("1 second")
        assert.deepStrictEqual(yield* Fiber.join(fiber), balance)
        assert.strictEqual(fake.requests.length, 2)
      }))
  })

  it.effect("gives up after maxRetries retries with the last RateLimitExcedeedException", () => {
    const fake = FakeHttp.always(() => limited(1))
    return withTransport({ apiKey: API_KEY, retry: { maxRetries: 2 } }, fake, (t) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(Effect.flip(t.call(Api.Account.getAccountBalance, [])))
        yield* TestClock.adjust("10 seconds")
        const error = yield* Fiber.join(fiber)
        assert.instanceOf(error, Errors.RateLimitExcedeedException)
        if (!(error instanceof Errors.RateLimitExcedeedException)) return
        assert.strictEqual(error.status, 429)
        assert.deepStrictEqual(error.rateLimit, { limit: 100, remaining: 0, reset: 1 })
        assert.strictEqual(Duration.toMillis(error.retryAfter!), 1000)
        assert.strictEqual(error.type, "rate_limit")
        assert.strictEqual(fake.requests.length, 3, "maxRetries + 1 attempts")
      }))
  })

  it.effect("the default is 3 retries", () => {
    const fake = FakeHttp.always(() => limited(1))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(Effect.flip(t.call(Api.Account.getAccountBalance, [])))
        yield* TestClock.adjust("1 minute")
        assert.strictEqual((yield* Fiber.join(fiber))._tag, "RateLimitExcedeedException")
        assert.strictEqual(fake.requests.length, 4)
      }))
  })

  it.effect("without a reset header it backs off exponentially from baseDelay", () => {
    const fake = FakeHttp.sequence(() => limited(), () => limited(), () => FakeHttp.json(200, balance))
    return withTransport(
      { apiKey: API_KEY, retry: { baseDelay: "1 second", jitter: false } },
      fake,
      (t) =>
        Effect.gen(function*() {
          const fiber = yield* Effect.fork(t.call(Api.Account.getAccountBalance, []))
          yield* TestClock.adjust("999 millis")
          assert.strictEqual(fake.requests.length, 1)
          yield* TestClock.adjust("1 millis")
          assert.strictEqual(fake.requests.length, 2)
          yield* TestClock.adjust("1999 millis")
          assert.strictEqual(fake.requests.length, 2, "the second wait is twice the first")
          yield* TestClock.adjust("1 millis")
          assert.deepStrictEqual(yield* Fiber.join(fiber), balance)
          assert.strictEqual(fake.requests.length, 3)
        })
    )
  })

  it.live("retry: false turns retries off", () => {
    const fake = FakeHttp.always(() => limited(1))
    return withTransport({ apiKey: API_KEY, retry: false }, fake, (t) =>
      Effect.gen(function*() {
        const error = yield* promptly(Effect.flip(t.call(Api.Account.getAccountBalance, [])))
        assert.strictEqual(error._tag, "RateLimitExcedeedException")
        assert.strictEqual(fake.requests.length, 1)
      }))
  })

  it.live("a reset longer than maxDelay fails at once", () => {
    const fake = FakeHttp.sequence(() => limited(10), () => FakeHttp.json(200, balance))
    return withTransport({ apiKey: API_KEY, retry: { maxDelay: "5 seconds" } }, fake, (t) =>
      Effect.gen(function*() {
        const error = yield* promptly(Effect.flip(t.call(Api.Account.getAccountBalance, [])))
        assert.strictEqual(error._tag, "RateLimitExcedeedException")
        assert.strictEqual(fake.requests.length, 1)
      }))
  })

  for (const [status, type] of [[400, "invalid_param"], [403, "access_denied"], [404, "not_found"]] as const) {
    it.live(`a ${status} is never retried (attempts 1)`, () => {
      const fake = FakeHttp.sequence(
        () => FakeHttp.json(status, FakeHttp.apiError(type, 1000)),
        () => FakeHttp.json(200, balance)
      )
      return withTransport({ apiKey: API_KEY }, fake, (t) =>
        Effect.gen(function*() {
          const error = yield* promptly(Effect.flip(t.call(Api.Account.getAccountBalance, [])))
          assert.isTrue(Errors.isApiError(error))
          if (Errors.isApiError(error)) {
            assert.strictEqual(error.status, status)
            assert.strictEqual(error.attempts, 1)
          }
          assert.strictEqual(fake.requests.length, 1)
        }))
    })
  }
})

// ---------------------------------------------------------------------------

describe("transport failures", () => {
  it.effect("a RequestError of the HttpClient is a TransportError (reason Transport)", () => {
    const cause = new Error("connect ECONNREFUSED 127.0.0.1:443")
    const fake = FakeHttp.make((r) =>
      Effect.fail(new HttpClientError.RequestError({ request: r.request, reason: "Transport", cause }))
    )
    return withTransport({ apiKey: API_KEY, retry: false }, fake, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(t.call(Api.Sms.sendSms, [sms]))
        assert.instanceOf(error, Errors.TransportError)
        if (!(error instanceof Errors.TransportError)) return
        assert.strictEqual(error.reason, "Transport")
        assert.strictEqual(error.method, "POST")
        assert.strictEqual(error.url, "https://api.sms.cx/sms")
        assert.strictEqual(error.cause, cause)
        assert.strictEqual(error.attempts, 1)
        assert.strictEqual(fake.requests.length, 1, "retries off")
      }))
  })

  it.effect("an answer that never comes is a TransportError (reason Timeout) after `timeout`", () => {
    const fake = FakeHttp.always(() => Effect.never)
    return withTransport({ apiKey: API_KEY, timeout: "1 second", retry: false }, fake, (t) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(Effect.flip(t.call(Api.Account.getAccountBalance, [])))
        yield* TestClock.adjust("999 millis")
        assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
        yield* TestClock.adjust("1 millis")
        const error = yield* Fiber.join(fiber)
        assert.instanceOf(error, Errors.TransportError)
        if (!(error instanceof Errors.TransportError)) return
        assert.strictEqual(error.reason, "Timeout")
        assert.strictEqual(error.method, "GET")
        assert.strictEqual(error.url, "https://api.sms.cx/account/balance")
      }))
  })

  it.effect("the default timeout is 60 seconds", () => {
    const fake = FakeHttp.always(() => Effect.never)
    return withTransport({ apiKey: API_KEY, retry: false }, fake, (t) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(Effect.flip(t.call(Api.Account.getAccountBalance, [])))
        yield* TestClock.adjust("59 seconds")
        assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
        yield* TestClock.adjust("1 second")
        const error = yield* Fiber.join(fiber)
        assert.strictEqual(error._tag, "TransportError")
      }))
  })

  it.effect("a base URL that is not a URL fails the transport's construction, nothing sent", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, balance))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.scoped(Transport.make({ apiKey: API_KEY, baseUrl: "not a url" })))
      assert.instanceOf(error, Errors.InvalidOptionsError)
      assert.strictEqual(error.option, "baseUrl")
      assert.strictEqual(fake.requests.length, 0)
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("a 200 that is not JSON is a DecodeError keeping the raw body", () => {
    const fake = FakeHttp.always(() => new Response("<html>maintenance</html>", { status: 200 }))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(t.call(Api.Account.getAccountBalance, []))
        assert.instanceOf(error, Errors.DecodeError)
        if (!(error instanceof Errors.DecodeError)) return
        assert.strictEqual(error.operation, "getAccountBalance")
        assert.strictEqual(error.status, 200)
        assert.strictEqual(error.body, "<html>maintenance</html>")
      }))
  })

  it.effect("a 200 missing required fields is a DecodeError naming them", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, { balance: 5, currency: "eur" }))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(t.call(Api.Account.getAccountBalance, []))
        assert.instanceOf(error, Errors.DecodeError)
        if (!(error instanceof Errors.DecodeError)) return
        assert.include(error.message, "billing")
        assert.deepStrictEqual(error.body, { balance: 5, currency: "eur" })
      }))
  })

  it.effect("a 200 with a field of the wrong type is a DecodeError", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, { ...balance, currency: 978 }))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(t.call(Api.Account.getAccountBalance, []))
        assert.strictEqual(error._tag, "DecodeError")
      }))
  })

  it.effect("fields of an answer the SDK does not know yet are kept", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, { ...balance, creditLimit: 100 }))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        assert.deepStrictEqual(
          yield* t.call(Api.Account.getAccountBalance, []),
          { ...balance, creditLimit: 100 } as any
        )
      }))
  })

  it.effect("an enum value the SDK does not know yet decodes as it is; a request still sends only known ones", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, { ...balance, currency: "gbp", billing: "invoiced" }))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        const answer = yield* t.call(Api.Account.getAccountBalance, [])
        assert.deepStrictEqual([answer.currency, answer.billing], ["gbp", "invoiced"])
        const refused = yield* Effect.flip(
          t.call(Api.Account.getChannelPricing, ["telegram" as "sms", "transactional"])
        )
        assert.instanceOf(refused, Errors.RequestValidationError)
      }))
  })
})

// ---------------------------------------------------------------------------

describe("API errors", () => {
  it.effect("a documented error keeps its class and every field", () => {
    const body = FakeHttp.apiError("invalid_param", 1207, "Invalid phone numbers", { invalid: ["+3161", "12"] })
    const fake = FakeHttp.always(() =>
      FakeHttp.json(400, body, { "x-rate-limit-limit": "100", "x-rate-limit-remaining": "99" })
    )
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(t.call(Api.Sms.sendSms, [sms]))
        assert.instanceOf(error, Errors.InvalidPhoneNumberException)
        if (!(error instanceof Errors.InvalidPhoneNumberException)) return
        assert.strictEqual(error.status, 400)
        assert.strictEqual(error.type, "invalid_param")
        assert.strictEqual(error.code, 1207)
        assert.strictEqual(error.message, "Invalid phone numbers")
        assert.strictEqual(error.uri, "https://sms.cx/docs/errors#1207")
        assert.deepStrictEqual(error.invalid, ["+3161", "12"])
        assert.deepStrictEqual(error.body, body)
        assert.deepStrictEqual(error.rateLimit, { limit: 100, remaining: 99 })
        assert.strictEqual(error.headers["x-rate-limit-limit"], "100")
      }))
  })

  it.effect("a 404 on an operation that does not document 404 is an ApiException keeping its fields", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(404, FakeHttp.apiError("not_found", 1404, "Not found")))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        assert.isFalse(Api.Account.getAccountBalance.errorTags.has("ResourceNotFoundException"))
        const error = yield* Effect.flip(t.call(Api.Account.getAccountBalance, []))
        assert.instanceOf(error, Errors.ApiException)
        assert.notInstanceOf(error, Errors.ResourceNotFoundException)
        assert.strictEqual(error._tag, "ApiException")
        if (!(error instanceof Errors.ApiException)) return
        assert.strictEqual(error.status, 404)
        assert.strictEqual(error.type, "not_found")
        assert.strictEqual(error.code, 1404)
        assert.strictEqual(error.message, "Not found")
        assert.strictEqual(error.uri, "https://sms.cx/docs/errors#1404")
      }))
  })

  it.effect("a 404 on an operation that documents it is a ResourceNotFoundException", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(404, FakeHttp.apiError("not_found", 1404)))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(t.call(Api.Sms.deleteScheduledSms, ["6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"]))
        assert.instanceOf(error, Errors.ResourceNotFoundException)
      }))
  })

  it.effect("an exception outside the operation's union (403 access_denied 2030 on sendSms) is narrowed", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(403, FakeHttp.apiError("access_denied", 2030, "OTP cancelled")))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(t.call(Api.Sms.sendSms, [sms]))
        assert.strictEqual(error._tag, "ApiException")
        if (error._tag !== "ApiException") return
        assert.strictEqual(error.type, "access_denied")
        assert.strictEqual(error.code, 2030)
        assert.strictEqual(error.status, 403)
        // every error the method fails with is one its type names
        assert.isTrue(Api.Sms.sendSms.errorTags.has(error._tag))
      }))
  })

  it.effect("an HTML 502 from a proxy is a ServerErrorException keeping the page", () => {
    const page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    const fake = FakeHttp.always(() => new Response(page, { status: 502, headers: { "content-type": "text/html" } }))
    return withTransport({ apiKey: API_KEY, retry: false }, fake, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(t.call(Api.Sms.sendSms, [sms]))
        assert.instanceOf(error, Errors.ServerErrorException)
        if (error instanceof Errors.ServerErrorException) assert.strictEqual(error.body, page)
      }))
  })
})

// ---------------------------------------------------------------------------

/** Every way an error can be shown: none may hold a secret. */
const renderings = (error: unknown): ReadonlyArray<string> => [
  String(error),
  JSON.stringify(error),
  util.inspect(error, { depth: 10, showHidden: true, getters: true }),
  error instanceof Error ? `${error.message}\n${error.stack}` : ""
]

describe("secrets stay out of errors and spans", () => {
  const basic = Buffer.from(`${APP_ID}:${APP_SECRET}`).toString("base64")
  const SECRETS = [API_KEY, APP_SECRET, ACCESS_TOKEN, basic, "tok-SECRET-1", "tok-SECRET-2"]

  const assertClean = (label: string, text: string) => {
    for (const secret of SECRETS) assert.notInclude(text, secret, `${label} leaks a secret`)
  }

  /** Runs every scenario, collecting the errors and the spans. */
  const scenarios: ReadonlyArray<
    readonly [string, Transport.Options, () => FakeHttp.Fake, Operation.Any, ReadonlyArray<unknown>]
  > = [
    [
      "400",
      { apiKey: API_KEY },
      () => FakeHttp.always(() => FakeHttp.json(400, FakeHttp.apiError("invalid_param", 1106))),
      Api.Sms.sendSms,
      [sms]
    ],
    [
      "401",
      { apiKey: API_KEY },
      () => FakeHttp.always(() => FakeHttp.json(401, FakeHttp.apiError("invalid_api_key", 1002))),
      Api.Account.getAccountBalance,
      []
    ],
    [
      "401 bearer",
      { accessToken: ACCESS_TOKEN },
      () => FakeHttp.always(() => FakeHttp.json(401, FakeHttp.apiError("invalid_api_key", 1002))),
      Api.Account.getAccountBalance,
      []
    ],
    [
      "429",
      { apiKey: API_KEY, retry: false },
      () => FakeHttp.always(() => limited(5)),
      Api.Account.getAccountBalance,
      []
    ],
    [
      "HTML 502",
      { apiKey: API_KEY },
      () => FakeHttp.always(() => new Response("<html>502</html>", { status: 502 })),
      Api.Sms.sendSms,
      [sms]
    ],
    [
      "404 narrowed",
      { apiKey: API_KEY },
      () => FakeHttp.always(() => FakeHttp.json(404, FakeHttp.apiError("not_found", 1404))),
      Api.Account.getAccountBalance,
      []
    ],
    [
      "RequestError",
      { apiKey: API_KEY },
      () =>
        FakeHttp.make((r) =>
          Effect.fail(
            new HttpClientError.RequestError({
              request: r.request,
              reason: "Transport",
              cause: new Error("ECONNRESET")
            })
          )
        ),
      Api.Sms.sendSms,
      [sms]
    ],
    [
      "RequestError, bearer",
      { accessToken: ACCESS_TOKEN },
      () =>
        FakeHttp.make((r) =>
          Effect.fail(
            new HttpClientError.RequestError({ request: r.request, reason: "Transport", description: "socket hang up" })
          )
        ),
      Api.Sms.sendSms,
      [sms]
    ],
    [
      "Timeout",
      { apiKey: API_KEY, timeout: "1 millis" },
      () => FakeHttp.always(() => Effect.never),
      Api.Account.getAccountBalance,
      []
    ],
    [
      "not JSON",
      { apiKey: API_KEY },
      () => FakeHttp.always(() => new Response("oops", { status: 200 })),
      Api.Account.getAccountBalance,
      []
    ],
    [
      "bad JSON",
      { apiKey: API_KEY },
      () => FakeHttp.always(() => FakeHttp.json(200, { balance: "x" })),
      Api.Account.getAccountBalance,
      []
    ],
    ["validation", { apiKey: API_KEY }, () => FakeHttp.always(() => FakeHttp.json(200, sent)), Api.Sms.sendSms, [{
      ...sms,
      from: ""
    }]],
    [
      "token refused",
      application,
      () => FakeHttp.always(() => FakeHttp.json(401, FakeHttp.apiError("invalid_client", 1600))),
      Api.Sms.sendSms,
      [sms]
    ],
    [
      "token endpoint down",
      application,
      () =>
        FakeHttp.make((r) =>
          Effect.fail(
            new HttpClientError.RequestError({
              request: r.request,
              reason: "Transport",
              cause: new Error("ECONNREFUSED")
            })
          )
        ),
      Api.Sms.sendSms,
      [sms]
    ],
    [
      "token answer without scope",
      application,
      () =>
        FakeHttp.always(() =>
          FakeHttp.json(200, { access_token: "tok-SECRET-1", expires_in: 3600, token_type: "Bearer" })
        ),
      Api.Account.getAccountBalance,
      []
    ],
    [
      "token answer form-encoded",
      application,
      () =>
        FakeHttp.always(() =>
          new Response("access_token=tok-SECRET-1&token_type=Bearer&expires_in=3600", { status: 200 })
        ),
      Api.Account.getAccountBalance,
      []
    ],
    [
      "token answer of the wrong shape",
      application,
      () => FakeHttp.always(() => FakeHttp.json(200, [{ access_token: "tok-SECRET-1", expires_in: "soon" }])),
      Api.Account.getAccountBalance,
      []
    ],
    [
      "token then 401 twice",
      application,
      () =>
        FakeHttp.make((r, i) =>
          isToken(r)
            ? tokenAnswer(`tok-SECRET-${i === 0 ? 1 : 2}`)
            : FakeHttp.json(401, FakeHttp.apiError("invalid_api_key", 1002))
        ),
      Api.Account.getAccountBalance,
      []
    ],
    [
      "getAccessToken 200 but the call fails",
      application,
      () =>
        FakeHttp.make((r) =>
          isToken(r) ? tokenAnswer("tok-SECRET-1") : FakeHttp.json(500, FakeHttp.apiError("server_error", 1000))
        ),
      Api.Sms.sendSms,
      [sms]
    ]
  ]

  it.live("no error shows a credential, however it is printed; no span attribute holds one", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const tags = new Set<string>()
      for (const [label, options, makeFake, operation, args] of scenarios) {
        const result = yield* withTransport(options, makeFake(), (t) => t.call(operation, args)).pipe(
          Effect.withTracer(tracer),
          Effect.either
        )
        assert.isTrue(Either.isLeft(result), `${label} fails`)
        if (Either.isRight(result)) continue
        tags.add(result.left._tag)
        for (const text of renderings(result.left)) assertClean(`${label} (${result.left._tag})`, text)
      }
      // the scenarios met every kind of error
      assert.includeMembers([...tags], [
        "InvalidRequestException",
        "InvalidCredentialsException",
        "RateLimitExcedeedException",
        "ServerErrorException",
        "ApiException",
        "TransportError",
        "DecodeError",
        "RequestValidationError"
      ])

      // the spans were recorded, including those where a credential would show
      assert.isTrue(spans.some((s) => s.name === "Sms.sendSms" && s.attributes.get("smscx.operation") === "sendSms"))
      assert.isTrue(spans.some((s) => s.name === "Oauth.getAccessToken"))
      assert.isTrue(spans.some((s) => s.attributes.has("http.request.header.x-api-key")))
      assert.isTrue(spans.some((s) => s.attributes.has("http.request.header.authorization")))
      for (const span of spans) {
        for (const [key, value] of span.attributes) {
          assertClean(`span ${span.name}, attribute ${key}`, typeof value === "string" ? value : util.inspect(value))
        }
        for (const [name, attributes] of span.events) {
          assertClean(`span ${span.name}, event ${name}`, util.inspect(attributes, { depth: 10 }))
        }
        // what an exporter records of a failed span: the rendered cause
        if (span.status._tag === "Ended" && Exit.isFailure(span.status.exit)) {
          assertClean(`span ${span.name}, exit`, Cause.pretty(span.status.exit.cause))
        }
      }
    }))
})

// ---------------------------------------------------------------------------

describe("Transport.config (SMSCX_* environment)", () => {
  const load = (env: Record<string, string>) =>
    Effect.withConfigProvider(Transport.config, ConfigProvider.fromMap(new Map(Object.entries(env))))

  it.effect("SMSCX_API_KEY gives a redacted API key", () =>
    Effect.gen(function*() {
      const options = yield* load({ SMSCX_API_KEY: API_KEY })
      assert.isTrue("apiKey" in options)
      if (!("apiKey" in options)) return
      assert.isTrue(Redacted.isRedacted(options.apiKey))
      assert.strictEqual(Redacted.value(options.apiKey as Redacted.Redacted), API_KEY)
      assert.notInclude(String(options.apiKey), API_KEY)
      assert.isUndefined(options.baseUrl)
      assert.isUndefined(options.retry)
      assert.isUndefined(options.timeout)
    }))

  it.effect("SMSCX_ACCESS_TOKEN gives a bearer token", () =>
    Effect.gen(function*() {
      const options = yield* load({ SMSCX_ACCESS_TOKEN: ACCESS_TOKEN })
      assert.isTrue("accessToken" in options)
      if ("accessToken" in options) {
        assert.strictEqual(Redacted.value(options.accessToken as Redacted.Redacted), ACCESS_TOKEN)
      }
    }))

  it.effect("SMSCX_APPLICATION_ID, _SECRET and _SCOPE give client credentials", () =>
    Effect.gen(function*() {
      const options = yield* load({
        SMSCX_APPLICATION_ID: APP_ID,
        SMSCX_APPLICATION_SECRET: APP_SECRET,
        SMSCX_SCOPE: "sms account"
      })
      assert.isTrue("applicationId" in options)
      if (!("applicationId" in options)) return
      assert.strictEqual(options.applicationId, APP_ID)
      assert.strictEqual(Redacted.value(options.applicationSecret as Redacted.Redacted), APP_SECRET)
      assert.strictEqual(options.scope, "sms account")

      const noScope = yield* load({ SMSCX_APPLICATION_ID: APP_ID, SMSCX_APPLICATION_SECRET: APP_SECRET })
      assert.isTrue("applicationId" in noScope && !("scope" in noScope))
    }))

  it.effect("base URL, timeout and retries", () =>
    Effect.gen(function*() {
      const options = yield* load({
        SMSCX_API_KEY: API_KEY,
        SMSCX_BASE_URL: "http://localhost:4010",
        SMSCX_TIMEOUT: "30 seconds",
        SMSCX_MAX_RETRIES: "5"
      })
      assert.strictEqual(options.baseUrl, "http://localhost:4010")
      assert.isTrue(Duration.equals(Duration.decode(options.timeout!), Duration.seconds(30)))
      assert.deepStrictEqual(options.retry, { maxRetries: 5 })
    }))

  it.effect("SMSCX_MAX_RETRIES=0 turns retries off", () =>
    Effect.gen(function*() {
      const options = yield* load({ SMSCX_API_KEY: API_KEY, SMSCX_MAX_RETRIES: "0" })
      assert.strictEqual(options.retry, false)
    }))

  it.effect("no credentials, or a half application, is a config error", () =>
    Effect.gen(function*() {
      const none = yield* Effect.flip(load({}))
      assert.isTrue(ConfigError.isConfigError(none))
      assert.include(String(none), "SMSCX_API_KEY")
      const half = yield* Effect.either(load({ SMSCX_APPLICATION_ID: APP_ID }))
      assert.isTrue(Either.isLeft(half))
      const badRetries = yield* Effect.either(load({ SMSCX_API_KEY: API_KEY, SMSCX_MAX_RETRIES: "many" }))
      assert.isTrue(Either.isLeft(badRetries))
    }))

  it.effect("a transport built from the config uses it", () => {
    const fake = FakeHttp.always(() => limited(1))
    return Effect.gen(function*() {
      const options = yield* load({
        SMSCX_API_KEY: API_KEY,
        SMSCX_BASE_URL: "http://localhost:4010",
        SMSCX_MAX_RETRIES: "0"
      })
      const transport = yield* Transport.Transport.pipe(Effect.provide(Transport.layer(options)))
      const error = yield* Effect.flip(transport.call(Api.Account.getAccountBalance, []))
      assert.strictEqual(error._tag, "RateLimitExcedeedException")
      assert.strictEqual(fake.requests.length, 1, "retries are off")
      assert.strictEqual(fake.requests[0]!.url.href, "http://localhost:4010/account/balance")
      assert.strictEqual(fake.requests[0]!.headers["x-api-key"], API_KEY)
    }).pipe(Effect.provide(fake.layer))
  })
})

describe("answers: the server never chooses a prototype", () => {
  /** Every object of a decoded answer is plain, with no `__proto__` key of its own. */
  const assertPlain = (value: unknown, path = "answer"): void => {
    if (typeof value !== "object" || value === null) return
    const proto = Object.getPrototypeOf(value)
    assert.isTrue(proto === Object.prototype || proto === Array.prototype, `${path} has a foreign prototype`)
    assert.isFalse(Object.hasOwn(value, "__proto__"), `${path} keeps a __proto__ key`)
    for (const [key, child] of Object.entries(value)) assertPlain(child, `${path}.${key}`)
  }
  const hostile = `{"trackData":{"$ne":null},"dlrCallbackUrl":"https://evil.example","event":"otp_update"}`
  const answerWith = (body: unknown, at: RegExp, proto = hostile) =>
    new Response(JSON.stringify(body).replace(at, (m) => `${m}"__proto__":${proto},`), {
      status: 200,
      headers: { "content-type": "application/json" }
    })

  // a schema the fast guard cannot take (a transformation): the answer goes through a full decode
  const converted = Operation.make({
    id: "getConverted",
    group: "Test",
    method: "GET",
    path: "/converted",
    pathParams: {},
    input: Operation.noInput,
    success: Operation.jsonResponse(Schema.Struct({
      count: Schema.NumberFromString,
      note: Schema.optional(Schema.String),
      items: Schema.Array(Schema.Struct({ id: Schema.String, label: Schema.optional(Schema.String) }))
    })),
    errors: [Errors.ApiException],
    auth: "apiKeyOrBearer",
    idempotencyKey: undefined,
    billed: false,
    paging: false,
    successStatus: 200
  })

  it.effect("an answer that fits its schema as it is (the fast guard)", () => {
    const fake = FakeHttp.always(() => answerWith(sent, /^\{|"info":\{|"data":\[\{/g))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        const answer = (yield* t.call(Api.Sms.sendSms, [sms])) as unknown as Record<string, unknown>
        assertPlain(answer)
        const info = answer.info as Record<string, unknown>
        assert.isNull(info.dlrCallbackUrl)
        assert.isUndefined((answer.data as Array<Record<string, unknown>>)[0]!.trackData)
        // a copy by assignment, as callers make, stays plain too
        assertPlain(Object.assign({}, answer))
      }))
  })

  it.effect("an answer that goes through the full decode (unknown fields kept)", () => {
    const body = { count: "3", extra: { a: 1 }, items: [{ id: "a" }] }
    const fake = FakeHttp.always(() => answerWith(body, /^\{|"items":\[\{|"extra":\{/g))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        const answer = (yield* t.call(converted, [])) as unknown as Record<string, unknown>
        assertPlain(answer)
        assert.strictEqual(answer.count, 3)
        assert.isUndefined(answer.note)
        assert.isUndefined((answer.items as Array<Record<string, unknown>>)[0]!.label)
        assert.deepStrictEqual(answer.extra, { a: 1 })
      }))
  })

  it.effect("a \"__proto__\": null, or written with escapes, changes nothing either", () => {
    const body = { count: "3", items: [{ id: "a" }] }
    const fake = FakeHttp.make((_, i) =>
      i === 0
        ? answerWith(body, /^\{|"items":\[\{/g, "null")
        : new Response(JSON.stringify(body).replace(/^\{/, `{"\\u005f_proto__":{"note":"lent"},`), { status: 200 })
    )
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        for (let i = 0; i < 2; i++) {
          const answer = (yield* t.call(converted, [])) as unknown as Record<string, unknown>
          assertPlain(answer)
          assert.isString(String(answer))
          assert.isUndefined(answer.note)
        }
      }))
  })
})

describe("call options that are not an object", () => {
  it.effect("a string, a number, null, an array or a function: a RequestValidationError, nothing sent", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, balance))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        for (const options of ["x", 42, null, [], [{ timeout: 5 }], () => {}]) {
          const error = yield* Effect.flip(
            t.call(Api.Account.getAccountBalance, [], options as unknown as Transport.CallOptions)
          )
          assert.strictEqual(error._tag, "RequestValidationError", JSON.stringify(options))
          assert.include(error.message, "options")
        }
        assert.strictEqual(fake.requests.length, 0)
      }))
  })
})

describe("phone numbers are bounded before anything is sent", () => {
  const huge = "9".repeat(10 * 1024 * 1024)
  const long = `+${"1".repeat(64)}`
  const cases: ReadonlyArray<readonly [string, Operation.Any, (phone: string) => ReadonlyArray<unknown>]> = [
    ["sendSms to", Api.Sms.sendSms, (phone) => [{ ...sms, to: ["+31612469000", phone] }]],
    ["estimateSms to", Api.Sms.estimateSms, (phone) => [{ ...sms, to: [phone] }]],
    ["newOtp phoneNumber", Api.Otp.newOtp, (phone) => [{ phoneNumber: phone, from: "InfoText", template: "x" }]],
    ["validateNumbers phoneNumbers", Api.Numbers.validateNumbers, (phone) => [{ phoneNumbers: [phone] }]],
    ["validateNumber path", Api.Numbers.validateNumber, (phone) => [phone]],
    ["lookupNumber path", Api.Numbers.lookupNumber, (phone) => [phone]],
    ["addContactsToGroup phoneNumbers", Api.Groups.addContactsToGroup, (phone) => [7, { phoneNumbers: [phone] }]],
    ["addContactsToGroup with fields", Api.Groups.addContactsToGroup, (phone) => [7, {
      phoneNumbers: [{ phoneNumber: phone }]
    }]]
  ]
  for (const [name, operation, args] of cases) {
    it.effect(`${name}: a 10 MB string and a 65-character one are RequestValidationErrors`, () => {
      const fake = FakeHttp.always(() => FakeHttp.json(500, {}))
      return withTransport({ apiKey: API_KEY, retry: false }, fake, (t) =>
        Effect.gen(function*() {
          for (const phone of [huge, long]) {
            const error = yield* Effect.flip(t.call(operation, args(phone)))
            assert.strictEqual(error._tag, "RequestValidationError", name)
            assert.isBelow(error.message.length, 1_000, "the message quotes an excerpt at most")
            assert.isBelow(util.inspect(error).length, 20_000)
          }
          assert.strictEqual(fake.requests.length, 0, "nothing was sent")
        }))
    })
  }

  it.effect("national formats with spaces, brackets and dashes still pass", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, sent))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        yield* t.call(Api.Sms.sendSms, [{ ...sms, to: ["+31 (0)6 1246-9000", `+${"1".repeat(63)}`] }])
        assert.strictEqual(fake.requests.length, 1)
      }))
  })
})

// ---------------------------------------------------------------------------

describe("errors say what happened", () => {
  /** A connection failure of the HTTP client, its cause the given error. */
  const failedWith = (cause: unknown) => (r: FakeHttp.Recorded) =>
    Effect.fail(new HttpClientError.RequestError({ request: r.request, reason: "Transport", cause }))
  const coded = (code: string, message = `connect ${code} 127.0.0.1:4999`) =>
    Object.assign(new Error(message), { code })
  /** As undici rejects: a TypeError "fetch failed" whose cause holds the code. */
  const fetchFailed = (code: string) => new TypeError("fetch failed", { cause: coded(code) })
  const balanceCall = (t: Transport.Service) => t.call(Api.Account.getAccountBalance, [])
  const attemptsOf = (error: unknown) => (error as Errors.TransportError).attempts

  for (
    const [name, cause, code, words] of [
      ["Node's http: the code on the error", coded("ECONNREFUSED"), "ECONNREFUSED", "the connection was refused"],
      ["fetch: TypeError fetch failed, the code on its cause", fetchFailed("ECONNREFUSED"), "ECONNREFUSED", "refused"],
      [
        "Node tried several addresses: an AggregateError",
        new AggregateError([coded("ECONNREFUSED"), coded("ECONNREFUSED")]),
        "ECONNREFUSED",
        "refused"
      ],
      ["only the message says it", new Error("connect ECONNREFUSED 127.0.0.1:443"), "ECONNREFUSED", "refused"],
      ["an unknown host", fetchFailed("ENOTFOUND"), "ENOTFOUND", "the host name does not resolve"],
      ["a connection timed out", coded("ETIMEDOUT"), "ETIMEDOUT", "connecting timed out"],
      ["a reset connection", fetchFailed("ECONNRESET"), "ECONNRESET", "the connection was reset"],
      ["an expired certificate", fetchFailed("CERT_HAS_EXPIRED"), "CERT_HAS_EXPIRED", "TLS certificate was refused"],
      [
        "an unknown issuer",
        coded("UNABLE_TO_VERIFY_LEAF_SIGNATURE"),
        "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
        "TLS certificate was refused"
      ],
      [
        "a self-signed certificate",
        fetchFailed("DEPTH_ZERO_SELF_SIGNED_CERT"),
        "DEPTH_ZERO_SELF_SIGNED_CERT",
        "TLS certificate was refused"
      ]
    ] as const
  ) {
    it.effect(`the message names the cause's code: ${name}`, () => {
      const fake = FakeHttp.make(failedWith(cause))
      return withTransport({ apiKey: API_KEY, retry: false }, fake, (t) =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(balanceCall(t))
          assert.instanceOf(error, Errors.TransportError)
          assert.match(error.message, /^GET https:\/\/api\.sms\.cx\/account\/balance: .+ \([A-Z_]+\)$/)
          assert.include(error.message, `(${code})`)
          assert.include(error.message, words)
          assert.strictEqual(error.cause, cause, "the cause is kept as it came")
        }))
    })
  }

  it.effect("without a code, the client's own message stands", () => {
    const fake = FakeHttp.make(failedWith(new Error("something else")))
    return withTransport({ apiKey: API_KEY, retry: false }, fake, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(balanceCall(t))
        assert.strictEqual(error.message, "Transport error (GET https://api.sms.cx/account/balance)")
      }))
  })

  it.effect("a hostile cause (properties that throw) gives no code and no failure", () => {
    const hostile = new Proxy({}, {
      get: () => {
        throw new Error("no")
      }
    })
    const fake = FakeHttp.make(failedWith(hostile))
    return withTransport({ apiKey: API_KEY, retry: false }, fake, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(balanceCall(t))
        assert.instanceOf(error, Errors.TransportError)
        assert.strictEqual(error.reason, "Transport")
      }))
  })

  it.effect("by default: a refused connection is retried once, briefly; an unknown host or a failed TLS never", () =>
    Effect.gen(function*() {
      const run = (cause: unknown) => {
        const fake = FakeHttp.make(failedWith(cause))
        return withTransport({ apiKey: API_KEY, retry: { jitter: false } }, fake, (t) =>
          Effect.gen(function*() {
            const fiber = yield* Effect.fork(Effect.flip(balanceCall(t)))
            // the first retry waits baseDelay (500 ms); a second one would wait 1 s more
            yield* TestClock.adjust("500 millis")
            yield* TestClock.adjust("1 second")
            yield* TestClock.adjust("2 seconds")
            const error = yield* Fiber.join(fiber)
            return { attempts: attemptsOf(error), requests: fake.requests.length }
          }))
      }
      assert.deepStrictEqual(yield* run(fetchFailed("ECONNREFUSED")), { attempts: 2, requests: 2 })
      assert.deepStrictEqual(yield* run(coded("EAI_AGAIN")), { attempts: 2, requests: 2 })
      assert.deepStrictEqual(yield* run(fetchFailed("ENOTFOUND")), { attempts: 1, requests: 1 })
      assert.deepStrictEqual(yield* run(fetchFailed("CERT_HAS_EXPIRED")), { attempts: 1, requests: 1 })
      assert.deepStrictEqual(yield* run(coded("DEPTH_ZERO_SELF_SIGNED_CERT")), { attempts: 1, requests: 1 })
      // a TLS handshake that fails (https to a server that does not speak it) fails the same way again
      assert.deepStrictEqual(yield* run(coded("EPROTO")), { attempts: 1, requests: 1 })
      assert.deepStrictEqual(yield* run(fetchFailed("ERR_SSL_WRONG_VERSION_NUMBER")), { attempts: 1, requests: 1 })
      // a reset connection on a GET keeps the full budget: the server may be restarting
      assert.deepStrictEqual(yield* run(fetchFailed("ECONNRESET")), { attempts: 4, requests: 4 })
    }))

  it.effect("retry.maxRefusedRetries raises (or removes) the refusals' budget", () =>
    Effect.gen(function*() {
      const run = (maxRefusedRetries: number) => {
        const fake = FakeHttp.make(failedWith(fetchFailed("ECONNREFUSED")))
        return withTransport({ apiKey: API_KEY, retry: { jitter: false, maxRefusedRetries } }, fake, (t) =>
          Effect.gen(function*() {
            const fiber = yield* Effect.fork(Effect.flip(balanceCall(t)))
            yield* TestClock.adjust("10 seconds")
            return attemptsOf(yield* Fiber.join(fiber))
          }))
      }
      assert.strictEqual(yield* run(0), 1)
      assert.strictEqual(yield* run(3), 4)
    }))
})

describe("unknown options are refused, with the likeliest meant", () => {
  const refusal = (options: Record<string, unknown>) => {
    const result = Transport.validate(options as unknown as Transport.Options)
    assert.isTrue(Either.isLeft(result), JSON.stringify(Object.keys(options)))
    return Either.isLeft(result) ? result.left : undefined!
  }

  it("a near miss names the option and proposes the one meant", () => {
    const cases: ReadonlyArray<readonly [Record<string, unknown>, string, string]> = [
      [{ apiKey: API_KEY, retries: 3 }, "retries", "did you mean retry: { maxRetries }?"],
      [{ apiKey: API_KEY, maxRetries: 3 }, "maxRetries", "did you mean retry: { maxRetries }?"],
      [{ apiKey: API_KEY, timout: 5000 }, "timout", "did you mean timeout?"],
      [{ apiKey: API_KEY, baseURL: "http://x" }, "baseURL", "did you mean baseUrl?"],
      [{ api_key: API_KEY }, "api_key", "did you mean apiKey?"],
      [{ apiKey: API_KEY, retry: { maxRetires: 2 } }, "retry.maxRetires", "did you mean retry: { maxRetries }?"]
    ]
    for (const [options, option, hint] of cases) {
      const error = refusal(options)
      assert.instanceOf(error, Errors.InvalidOptionsError)
      assert.strictEqual(error.option, option)
      assert.include(error.message, `option ${option} is not a`)
      assert.include(error.message, hint)
      assert.notInclude(error.message, API_KEY)
    }
  })

  it("a name like none of them lists them all", () => {
    const error = refusal({ apiKey: API_KEY, colour: "blue" })
    assert.strictEqual(error.option, "colour")
    assert.include(error.message, "is not an option (they are apiKey, accessToken, ")
    assert.include(error.message, "tracePropagation")
  })

  it("a facade's own names are proposed too (never accepted by the transport)", () => {
    const result = Transport.validate({ apiKey: API_KEY, loger: () => {} } as never, ["fetch", "log", "logger"])
    assert.isTrue(Either.isLeft(result) && result.left.message.includes("did you mean logger?"))
    assert.isTrue(Either.isLeft(Transport.validate({ apiKey: API_KEY, logger: () => {} } as never)))
  })

  it.effect("Transport.make refuses them as the layer is built", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Transport.make({ apiKey: API_KEY, retries: 3 } as never))
      assert.strictEqual(error.option, "retries")
    }).pipe(Effect.scoped, Effect.provide(FakeHttp.always(() => FakeHttp.json(200, balance)).layer)))

  it.effect("a call option that is not one fails the call before anything is sent", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, balance))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(t.call(Api.Account.getAccountBalance, [], { timout: 5 } as never))
        assert.instanceOf(error, Errors.RequestValidationError)
        assert.include(error.message, "call option timout is not an option: did you mean timeout?")
        const retries = yield* Effect.flip(t.call(Api.Account.getAccountBalance, [], { retries: 1 } as never))
        assert.include(retries.message, "did you mean retry: { maxRetries }?")
        assert.strictEqual(fake.requests.length, 0)
        assert.isTrue(Either.isLeft(Transport.validateCall({ sigal: 1 } as never, ["signal"])))
        const proposal = Transport.validateCall({ sigal: 1 } as never, ["signal"])
        assert.isTrue(Either.isLeft(proposal) && proposal.left.problem.includes("did you mean signal?"))
      }))
  })
})

describe("Transport.config: a variable set but empty is named", () => {
  const load = (env: Record<string, string>) =>
    Effect.withConfigProvider(Transport.config, ConfigProvider.fromMap(new Map(Object.entries(env))))

  for (
    const [env, name] of [
      [{ SMSCX_API_KEY: "" }, "SMSCX_API_KEY"],
      [{ SMSCX_API_KEY: "  " }, "SMSCX_API_KEY"],
      [{ SMSCX_ACCESS_TOKEN: "" }, "SMSCX_ACCESS_TOKEN"],
      [{ SMSCX_APPLICATION_ID: "", SMSCX_APPLICATION_SECRET: APP_SECRET }, "SMSCX_APPLICATION_ID"],
      [{ SMSCX_APPLICATION_ID: APP_ID, SMSCX_APPLICATION_SECRET: "" }, "SMSCX_APPLICATION_SECRET"],
      [{ SMSCX_APPLICATION_ID: APP_ID, SMSCX_APPLICATION_SECRET: APP_SECRET, SMSCX_SCOPE: "" }, "SMSCX_SCOPE"],
      [{ SMSCX_API_KEY: API_KEY, SMSCX_BASE_URL: "" }, "SMSCX_BASE_URL"],
      [{ SMSCX_API_KEY: API_KEY, SMSCX_TIMEOUT: "" }, "SMSCX_TIMEOUT"],
      [{ SMSCX_API_KEY: API_KEY, SMSCX_MAX_RETRIES: "" }, "SMSCX_MAX_RETRIES"]
    ] as const
  ) {
    it.effect(`${Object.entries(env).map(([k, v]) => `${k}=${v === "" ? "" : "…"}`).join(" ")}: names ${name}`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(load(env))
        assert.isTrue(ConfigError.isConfigError(error))
        assert.include(String(error), `${name} is set but empty`)
        for (const secret of [API_KEY, APP_SECRET]) assert.notInclude(String(error), secret)
      }))
  }

  it.effect("an empty SMSCX_API_KEY is not passed over for SMSCX_ACCESS_TOKEN", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(load({ SMSCX_API_KEY: "", SMSCX_ACCESS_TOKEN: ACCESS_TOKEN }))
      assert.include(String(error), "SMSCX_API_KEY is set but empty")
    }))

  it.effect("a value that does not parse names its variable", () =>
    Effect.gen(function*() {
      const timeout = yield* Effect.flip(load({ SMSCX_API_KEY: API_KEY, SMSCX_TIMEOUT: "soon" }))
      assert.include(String(timeout), "SMSCX_TIMEOUT must be a duration")
      const retries = yield* Effect.flip(load({ SMSCX_API_KEY: API_KEY, SMSCX_MAX_RETRIES: "-1" }))
      assert.include(String(retries), "SMSCX_MAX_RETRIES must be a whole number")
    }))
})
