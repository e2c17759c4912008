/**
 * 429s: retried after X-Rate-Limit-Reset, within maxRetries and maxDelay.
 */
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Errors from "@smscx/core/Errors"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { balance } from "./answers.js"
import * as FakeHttp from "./fakeHttp.js"
import { API_KEY, limited, promptly, withTransport } from "./fixtures.js"

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
