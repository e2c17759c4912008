/**
 * Building requests: base URL, headers, authentication, path and query parameters, bodies, idempotency ids; operations of every shape.
 */
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Errors from "@smscx/core/Errors"
import * as Operation from "@smscx/core/Operation"
import * as Transport from "@smscx/transport/Transport"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import { balance, sent, sms } from "./answers.js"
import * as FakeHttp from "./fakeHttp.js"
import {
  ACCESS_TOKEN,
  API_KEY,
  APP_ID,
  APP_SECRET,
  limited,
  pricing,
  tokenAnswer,
  UUID,
  withTransport
} from "./fixtures.js"

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
