/**
 * Reading answers: transport failures, decoding (and what it keeps), API errors narrowed to the operation's set, no prototype chosen by the server.
 */
import * as HttpClientError from "@effect/platform/HttpClientError"
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Errors from "@smscx/core/Errors"
import * as Operation from "@smscx/core/Operation"
import * as Transport from "@smscx/transport/Transport"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import { balance, sent, sms } from "./answers.js"
import * as FakeHttp from "./fakeHttp.js"
import { API_KEY, withTransport } from "./fixtures.js"

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
