/**
 * Regression tests of the defects fault probes found (issue 5): shared token fetches, one retry
 * budget per call, deep nesting, hostile inputs and options, short error messages, path
 * parameters that cannot change the path, secrets, prototype pollution.
 */
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Errors from "@smscx/core/Errors"
import * as Transport from "@smscx/transport/Transport"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import * as util from "node:util"
import * as FakeHttp from "./fakeHttp.js"

const API_KEY = "sk_live_API-KEY-3f9c2a7d41e8"
const application = { applicationId: "app-7731", applicationSecret: "app-SECRET-b81d6e02c4f9" } as const
const balance = { balance: 12.5, currency: "eur", billing: "prepaid" } as const
const sms = { to: ["+31612469000"], from: "InfoText", text: "Hello" }
const isToken = (r: FakeHttp.Recorded) => r.url.pathname === "/oauth/token"

const withTransport = <A, E>(
  options: Transport.Options,
  fake: FakeHttp.Fake,
  f: (transport: Transport.Service) => Effect.Effect<A, E>
) => Effect.flatMap(Transport.make(options), f).pipe(Effect.scoped, Effect.provide(fake.layer))

/** `[[[...]]]`, `depth` levels, as JSON text (built without recursion). */
const nestedArrays = (depth: number) => "[".repeat(depth) + "]".repeat(depth)

const nestedValue = (depth: number): unknown => {
  let value: unknown = "x"
  for (let i = 0; i < depth; i++) value = [value]
  return value
}

/** Error messages stay short, whatever the value behind them. */
const MESSAGE_BUDGET = 1_000

describe("token fetches are shared, failures too (item 2)", () => {
  it.effect("200 concurrent calls, token endpoint answering 500: one token request, every call fails with it", () => {
    const fake = FakeHttp.make((r) =>
      isToken(r) ? FakeHttp.json(500, FakeHttp.apiError("server_error", 1500)) : FakeHttp.json(200, balance)
    )
    // retries off: each call would otherwise try again (a GET is safe to repeat) at its own time
    return withTransport({ ...application, retry: false }, fake, (t) =>
      Effect.gen(function*() {
        const results = yield* Effect.all(
          Array.from({ length: 200 }, () => Effect.either(t.call(Api.Account.getAccountBalance, []))),
          { concurrency: "unbounded" }
        )
        assert.strictEqual(fake.requests.filter(isToken).length, 1)
        assert.strictEqual(fake.requests.length, 1, "no call went on without a token")
        for (const result of results) {
          assert.isTrue(Either.isLeft(result))
          if (Either.isLeft(result)) assert.strictEqual(result.left._tag, "ServerErrorException")
        }
        // the next call tries again
        yield* Effect.either(t.call(Api.Account.getAccountBalance, []))
        assert.strictEqual(fake.requests.filter(isToken).length, 2)
      }))
  })

  it.effect("a hanging token endpoint, timeout 300 ms, 50 calls: one token request, all time out together", () => {
    const fake = FakeHttp.make((r) => isToken(r) ? Effect.never : FakeHttp.json(200, balance))
    return withTransport({ ...application, timeout: "300 millis", retry: false }, fake, (t) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(
          Effect.all(
            Array.from({ length: 50 }, () => Effect.either(t.call(Api.Account.getAccountBalance, []))),
            { concurrency: "unbounded" }
          )
        )
        yield* TestClock.adjust("300 millis")
        const results = yield* Fiber.join(fiber)
        assert.strictEqual(fake.requests.filter(isToken).length, 1)
        for (const result of results) {
          assert.isTrue(Either.isLeft(result))
          if (Either.isLeft(result)) {
            assert.strictEqual(result.left._tag, "TransportError")
            if (result.left._tag === "TransportError") assert.strictEqual(result.left.reason, "Timeout")
          }
        }
      }))
  })

  it.effect("a waiter that is interrupted does not cancel the fetch the others wait for", () => {
    let answered = 0
    const fake = FakeHttp.make((r) =>
      isToken(r)
        ? Effect.as(
          Effect.sleep("1 second"),
          FakeHttp.json(200, { access_token: "tok-1", expires_in: 3600, token_type: "Bearer", scope: "account" })
        )
        : (answered++, FakeHttp.json(200, balance))
    )
    return withTransport(application, fake, (t) =>
      Effect.gen(function*() {
        const first = yield* Effect.fork(t.call(Api.Account.getAccountBalance, []))
        const second = yield* Effect.fork(t.call(Api.Account.getAccountBalance, []))
        yield* TestClock.adjust("10 millis")
        yield* Fiber.interrupt(first)
        yield* TestClock.adjust("1 second")
        assert.deepStrictEqual(yield* Fiber.join(second), balance)
        assert.strictEqual(fake.requests.filter(isToken).length, 1)
        assert.strictEqual(answered, 1)
      }))
  })
})

describe("one retry budget per call (item 3)", () => {
  it.effect("a token endpoint answering 429 with reset 0: 4 token requests for one call, not 16", () => {
    const fake = FakeHttp.always(() =>
      FakeHttp.json(429, FakeHttp.apiError("rate_limit", 1000), {
        "x-rate-limit-limit": "10",
        "x-rate-limit-remaining": "0",
        "x-rate-limit-reset": "0"
      })
    )
    return withTransport(application, fake, (t) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(Effect.flip(t.call(Api.Account.getAccountBalance, [])))
        yield* TestClock.adjust("1 minute")
        const error = yield* Fiber.join(fiber)
        assert.strictEqual(error._tag, "RateLimitExcedeedException")
        assert.strictEqual(fake.requests.length, 4)
        assert.isTrue(fake.requests.every(isToken))
      }))
  })

  it.effect("retries wait at least the floor delay even when X-Rate-Limit-Reset is 0 (item 8)", () => {
    const fake = FakeHttp.always(() =>
      FakeHttp.json(429, FakeHttp.apiError("rate_limit", 1000), { "x-rate-limit-reset": "0" })
    )
    return withTransport({ apiKey: API_KEY, retry: { jitter: false } }, fake, (t) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(Effect.flip(t.call(Api.Account.getAccountBalance, [])))
        yield* TestClock.adjust("99 millis")
        assert.strictEqual(fake.requests.length, 1, "no retry before the floor delay")
        yield* TestClock.adjust("1 millis")
        assert.strictEqual(fake.requests.length, 2)
        yield* TestClock.adjust("1 second")
        yield* Fiber.join(fiber)
        assert.strictEqual(fake.requests.length, 4)
      }))
  })
})

describe("deep nesting stays inside the typed errors (item 4)", () => {
  for (const depth of [5_000, 100_000]) {
    it.effect(`a 200 answer nesting arrays ${depth} deep is a DecodeError`, () => {
      const fake = FakeHttp.always(() =>
        new Response(`{"balance": ${nestedArrays(depth)}, "currency": "eur", "billing": "prepaid"}`, { status: 200 })
      )
      return withTransport({ apiKey: API_KEY }, fake, (t) =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(t.call(Api.Account.getAccountBalance, []))
          assert.instanceOf(error, Errors.DecodeError)
          assert.isBelow(error.message.length, MESSAGE_BUDGET)
          assert.include(error.message, "balance")
          // the kept answer is summarised past a depth, so inspecting or serialising it is safe
          assert.isString(JSON.stringify(error.body))
          assert.isString(util.inspect(error, { depth: Infinity }))
        }))
    })

    it.effect(`an input nested ${depth} deep is a RequestValidationError, nothing sent`, () => {
      const fake = FakeHttp.always(() => FakeHttp.json(200, {}))
      return withTransport({ apiKey: API_KEY }, fake, (t) =>
        Effect.gen(function*() {
          for (const input of [{ ...sms, to: nestedValue(depth) }, { ...sms, transliteration: nestedValue(depth) }]) {
            const error = yield* Effect.flip(t.call(Api.Sms.sendSms, [input]))
            assert.instanceOf(error, Errors.RequestValidationError)
            assert.isBelow(error.message.length, MESSAGE_BUDGET)
          }
          assert.strictEqual(fake.requests.length, 0)
        }))
    })
  }
})

describe("hostile inputs fail with the declared errors (item 5)", () => {
  it.effect("a throwing getter, a throwing Proxy: RequestValidationError, nothing sent", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, {}))
    const getter = { ...sms }
    Object.defineProperty(getter, "text", {
      enumerable: true,
      get: () => {
        throw new Error("boom")
      }
    })
    const proxy = new Proxy(sms, {
      ownKeys: () => {
        throw new TypeError("trap")
      },
      get: () => {
        throw new TypeError("trap")
      }
    })
    const nested = {
      ...sms,
      to: new Proxy(["+31612469000"], {
        get: () => {
          throw new RangeError("trap")
        }
      })
    }
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        for (const input of [getter, proxy, nested]) {
          const error = yield* Effect.flip(t.call(Api.Sms.sendSms, [input]))
          assert.instanceOf(error, Errors.RequestValidationError)
        }
        const error = yield* Effect.flip(
          t.call(Api.Account.getChannelPricingByCountryIso, ["sms", "transactional", proxy as unknown as string])
        )
        assert.instanceOf(error, Errors.RequestValidationError)
        assert.strictEqual(fake.requests.length, 0)
      }))
  })

  const invalidOptions: ReadonlyArray<readonly [string, Transport.Options, string]> = [
    ["API key with CR/LF", { apiKey: "key\r\nX-Injected: 1" }, "apiKey"],
    ["API key outside Latin-1", { apiKey: "ключ-☃" }, "apiKey"],
    ["redacted API key with LF", { apiKey: Redacted.make("key\nx") }, "apiKey"],
    ["empty API key", { apiKey: "" }, "apiKey"],
    ["access token with CR/LF", { accessToken: "tok\r\n" }, "accessToken"],
    ["application secret outside Latin-1", { applicationId: "app", applicationSecret: "秘密" }, "applicationSecret"],
    ["application id with a colon", { applicationId: "a:b", applicationSecret: "s" }, "applicationId"],
    ["user agent with LF", { apiKey: API_KEY, userAgent: "me\nX: 1" }, "userAgent"],
    ["ftp: base URL", { apiKey: API_KEY, baseUrl: "ftp://api.sms.cx" }, "baseUrl"],
    ["file: base URL", { apiKey: API_KEY, baseUrl: "file:///etc/passwd" }, "baseUrl"],
    ["base URL with credentials", { apiKey: API_KEY, baseUrl: "https://user:pass-SECRET@api.sms.cx" }, "baseUrl"],
    ["base URL with a query", { apiKey: API_KEY, baseUrl: "https://api.sms.cx/?x=1" }, "baseUrl"],
    ["maxRetries Infinity", { apiKey: API_KEY, retry: { maxRetries: Infinity } }, "retry.maxRetries"],
    ["maxRetries negative", { apiKey: API_KEY, retry: { maxRetries: -1 } }, "retry.maxRetries"],
    ["maxRetries fractional", { apiKey: API_KEY, retry: { maxRetries: 1.5 } }, "retry.maxRetries"],
    ["maxDelay NaN", { apiKey: API_KEY, retry: { maxDelay: Number.NaN } }, "retry.maxDelay"],
    ["timeout NaN", { apiKey: API_KEY, timeout: Number.NaN }, "timeout"],
    ["timeout 0", { apiKey: API_KEY, timeout: 0 }, "timeout"],
    ["timeout Infinity", { apiKey: API_KEY, timeout: Infinity }, "timeout"],
    ["timeout past what a timer holds", { apiKey: API_KEY, timeout: "30 days" }, "timeout"],
    ["timeout not a duration", { apiKey: API_KEY, timeout: "soon" as never }, "timeout"],
    ["maxResponseBytes 0", { apiKey: API_KEY, maxResponseBytes: 0 }, "maxResponseBytes"]
  ]
  for (const [name, options, option] of invalidOptions) {
    it.effect(`${name}: InvalidOptionsError at construction naming ${option}, never the value`, () => {
      const fake = FakeHttp.always(() => FakeHttp.json(200, balance))
      return Effect.gen(function*() {
        const error = yield* Effect.flip(Effect.scoped(Transport.make(options)))
        assert.instanceOf(error, Errors.InvalidOptionsError)
        assert.strictEqual(error.option, option)
        assert.include(error.message, option)
        for (const secret of ["pass-SECRET", "key\r\n", "ключ", "秘密", "tok\r\n"]) {
          assert.notInclude(error.message, secret)
        }
        assert.isTrue(Either.isLeft(Transport.validate(options)), "validate agrees")
        assert.strictEqual(fake.requests.length, 0)
      }).pipe(Effect.provide(fake.layer))
    })
  }

  it.effect("a fetched access token that cannot go in a header is a DecodeError of getAccessToken, never sent", () => {
    const fake = FakeHttp.make((r) =>
      isToken(r)
        ? FakeHttp.json(200, {
          access_token: "tok\r\nX-Injected: 1",
          expires_in: 3600,
          token_type: "Bearer",
          scope: "account"
        })
        : FakeHttp.json(200, balance)
    )
    return withTransport(application, fake, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(t.call(Api.Account.getAccountBalance, []))
        assert.instanceOf(error, Errors.DecodeError)
        if (error instanceof Errors.DecodeError) assert.strictEqual(error.operation, "getAccessToken")
        assert.notInclude(error.message, "X-Injected")
        assert.strictEqual(fake.requests.length, 1)
      }))
  })
})

describe("error messages stay short; the detail stays on the error (item 6)", () => {
  it.effect("a 26 MB answer of the wrong shape", () => {
    const data = Array.from({ length: 100_000 }, (_, i) => ({ msgId: i, padding: "x".repeat(250) }))
    const text = JSON.stringify({ info: { totalCost: "lots" }, data })
    assert.isAbove(text.length, 26_000_000)
    const fake = FakeHttp.always(() => new Response(text, { status: 200 }))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(t.call(Api.Sms.sendSms, [sms]))
        assert.instanceOf(error, Errors.DecodeError)
        if (!(error instanceof Errors.DecodeError)) return
        assert.isBelow(error.message.length, MESSAGE_BUDGET)
        assert.isAbove(error.issues.length, 0)
        assert.deepStrictEqual(error.issues[0]!.path.slice(0, 1), ["info"])
        assert.strictEqual((error.body as { data: Array<unknown> }).data.length, 100_000, "the whole answer is kept")
      }))
  })

  it.effect("a 10 MB `from` and 25,001 recipients: short messages, with the path and an excerpt", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, {}))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        const long = yield* Effect.flip(t.call(Api.Sms.sendSms, [{ ...sms, from: "F".repeat(10_000_000) }]))
        assert.instanceOf(long, Errors.RequestValidationError)
        assert.isBelow(long.message.length, MESSAGE_BUDGET)
        assert.include(long.message, "from")
        assert.include(long.message, "10000000 characters")
        assert.deepStrictEqual(long.issues.map((i) => i.path), [["from"]])
        const many = yield* Effect.flip(
          t.call(Api.Sms.sendSms, [{ ...sms, to: Array.from({ length: 25_001 }, () => "+31612469000") }])
        )
        assert.instanceOf(many, Errors.RequestValidationError)
        assert.isBelow(many.message.length, MESSAGE_BUDGET)
        assert.include(many.message, "25001 item(s)")
        assert.strictEqual(fake.requests.length, 0)
      }))
  })

  it.effect("an API error with a huge message keeps a short message and the whole body", () => {
    const huge = "e".repeat(5_000_000)
    const fake = FakeHttp.always(() => FakeHttp.json(400, FakeHttp.apiError("invalid_param", 1106, huge)))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(t.call(Api.Sms.sendSms, [sms]))
        assert.strictEqual(error._tag, "InvalidRequestException")
        assert.isBelow(error.message.length, MESSAGE_BUDGET)
        if (error._tag === "InvalidRequestException") {
          assert.strictEqual((error.body as { error: { message: string } }).error.message.length, huge.length)
        }
      }))
  })
})

describe("path parameters cannot change the path (item 7)", () => {
  for (const countryIso of ["..", ".", "", "1!", "N/", "%2"]) {
    it.effect(`countryIso ${JSON.stringify(countryIso)} is a RequestValidationError, nothing sent`, () => {
      const fake = FakeHttp.always(() => FakeHttp.json(200, {}))
      return withTransport({ apiKey: API_KEY }, fake, (t) =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(
            t.call(Api.Account.getChannelPricingByCountryIso, ["sms", "transactional", countryIso])
          )
          assert.instanceOf(error, Errors.RequestValidationError)
          assert.deepStrictEqual(error.issues[0]?.path, ["countryIso"])
          assert.strictEqual(fake.requests.length, 0)
        }))
    })
  }

  it.effect("a valid country code goes in its own segment", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, { NL: { TRANSACTIONAL: 0.021 } }))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        yield* Effect.either(t.call(Api.Account.getChannelPricingByCountryIso, ["sms", "transactional", "nl"]))
        assert.strictEqual(fake.requests[0]!.url.pathname, "/account/pricing/sms/transactional/nl")
      }))
  })
})

describe("small secret exposures (item 9)", () => {
  it.effect("a numeric access_token in a malformed token answer is not in the DecodeError", () => {
    const fake = FakeHttp.always(() =>
      FakeHttp.json(200, { access_token: 918273645546372, expires_in: "soon", token_type: "Bearer" })
    )
    return withTransport(application, fake, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(t.call(Api.Account.getAccountBalance, []))
        assert.instanceOf(error, Errors.DecodeError)
        for (const text of [error.message, util.inspect(error, { depth: Infinity }), JSON.stringify(error)]) {
          assert.notInclude(text, "918273645546372")
        }
      }))
  })
})

describe("prototype pollution does not reach request bodies (item 10)", () => {
  const polluted = <A, E, R>(key: string, value: unknown, effect: Effect.Effect<A, E, R>) =>
    Effect.acquireUseRelease(
      Effect.sync(() => Object.defineProperty(Object.prototype, key, { value, configurable: true, writable: true })),
      () => effect,
      () => Effect.sync(() => delete (Object.prototype as Record<string, unknown>)[key])
    )

  it.effect("an inherited idempotencyId does not replace the generated one", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(400, FakeHttp.apiError("invalid_param", 1106)))
    return withTransport(
      { apiKey: API_KEY },
      fake,
      (t) =>
        polluted("idempotencyId", "polluted-id", Effect.either(t.call(Api.Sms.sendSms, [sms]))).pipe(Effect.map(() => {
          const body = JSON.parse(fake.requests[0]!.body!)
          assert.match(body.idempotencyId, /^[0-9a-f]{8}-[0-9a-f]{4}-/)
        }))
    )
  })

  it.effect("an inherited `from` is not sent as the caller's: the missing field is reported", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, {}))
    const { from: _from, ...withoutFrom } = sms
    return withTransport(
      { apiKey: API_KEY },
      fake,
      (t) =>
        polluted("from", "Polluted", Effect.flip(t.call(Api.Sms.sendSms, [withoutFrom as typeof sms]))).pipe(
          Effect.map((error) => {
            assert.instanceOf(error, Errors.RequestValidationError)
            assert.strictEqual(fake.requests.length, 0)
          })
        )
    )
  })
})
