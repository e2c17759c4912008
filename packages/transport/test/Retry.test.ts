/**
 * Retries (RetryPolicy through the transport): what is retried, and how long each wait is.
 */
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Errors from "@smscx/core/Errors"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Random from "effect/Random"
import * as TestClock from "effect/TestClock"
import { balance, sent, sms } from "./answers.js"
import * as FakeHttp from "./fakeHttp.js"
import {
  after,
  API_KEY,
  attemptsOf,
  balanceOf,
  coded,
  estimate,
  exact,
  failed,
  fetchFailed,
  limited,
  ok,
  unavailable,
  withTransport
} from "./retryFixtures.js"

describe("what is retried", () => {
  it.effect("a 503 on sendSms, then success: retried, the same idempotencyId on both attempts", () => {
    const fake = FakeHttp.sequence(unavailable, () => FakeHttp.json(200, sent))
    return withTransport(exact(), fake, (t) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(t.callWithResponse(Api.Sms.sendSms, [sms]))
        yield* TestClock.adjust("499 millis")
        assert.strictEqual(fake.requests.length, 1, "waiting baseDelay (500 ms)")
        yield* TestClock.adjust("1 millis")
        const answer = yield* Fiber.join(fiber)
        assert.deepStrictEqual(answer.data, sent)
        assert.strictEqual(fake.requests.length, 2)
        const ids = fake.requests.map((r) => JSON.parse(r.body!).idempotencyId)
        assert.strictEqual(ids[0], ids[1])
        assert.strictEqual(answer.response.idempotencyId, ids[0])
      }))
  })

  it.effect("a 503 on a POST without an idempotency id (estimateSms): not retried, attempts 1", () => {
    const fake = FakeHttp.sequence(unavailable, () => FakeHttp.json(200, estimate))
    return withTransport(exact(), fake, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(t.call(Api.Sms.estimateSms, [sms]))
        assert.instanceOf(error, Errors.ServerErrorException)
        assert.strictEqual(attemptsOf(error), 1)
        assert.strictEqual(fake.requests.length, 1)
      }))
  })

  it.effect("a 500 and a 408 on a GET: retried", () => {
    const fake = FakeHttp.sequence(
      () => FakeHttp.json(500, FakeHttp.apiError("server_error", 1008)),
      () => FakeHttp.json(408, FakeHttp.apiError("timeout", 1000)),
      ok
    )
    return withTransport(exact(), fake, (t) =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* after(balanceOf(t), "500 millis", "1 second"), balance)
        assert.strictEqual(fake.requests.length, 3)
      }))
  })

  it.effect("a reset connection on a GET: retried", () => {
    const fake = FakeHttp.make((r, i) => i === 0 ? failed(fetchFailed("ECONNRESET"))(r) : ok())
    return withTransport(exact(), fake, (t) =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* after(balanceOf(t), "500 millis"), balance)
        assert.strictEqual(fake.requests.length, 2)
      }))
  })

  it.effect("a reset connection (or a lost answer) on a POST without an idempotency id: not retried", () => {
    const fake = FakeHttp.make(failed(fetchFailed("ECONNRESET")))
    return withTransport(exact(), fake, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(t.call(Api.Sms.estimateSms, [sms]))
        assert.instanceOf(error, Errors.TransportError)
        assert.strictEqual(attemptsOf(error), 1)
        assert.strictEqual(fake.requests.length, 1)
      }))
  })

  for (
    const [name, cause] of [
      ["undici's fetch failed, cause ECONNREFUSED", fetchFailed("ECONNREFUSED")],
      ["an AggregateError of refusals (several addresses tried)", new AggregateError([coded("ECONNREFUSED")])],
      ["only the message", new Error("connect ECONNREFUSED 127.0.0.1:443")]
    ] as const
  ) {
    it.effect(`a connection refused on a POST without an idempotency id: retried (${name})`, () => {
      const fake = FakeHttp.make((r, i) => i === 0 ? failed(cause)(r) : FakeHttp.json(200, estimate))
      return withTransport(exact(), fake, (t) =>
        Effect.gen(function*() {
          assert.deepStrictEqual(yield* after(t.call(Api.Sms.estimateSms, [sms]), "500 millis"), estimate)
          assert.strictEqual(fake.requests.length, 2)
        }))
    })
  }

  it.effect("a timed-out attempt of a GET: retried with a new per-attempt timeout", () => {
    const fake = FakeHttp.make((_, i) => i === 0 ? Effect.never : ok())
    return withTransport({ ...exact(), timeout: "1 second" }, fake, (t) =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* after(balanceOf(t), "1 second", "500 millis"), balance)
        assert.strictEqual(fake.requests.length, 2)
      }))
  })

  for (const status of [400, 401, 403, 404, 405] as const) {
    it.effect(`a ${status} on sendSms (which carries an idempotency id): never retried, attempts 1`, () => {
      const fake = FakeHttp.sequence(() => FakeHttp.json(status, FakeHttp.apiError("x", 1000)), () => ok())
      return withTransport(exact(), fake, (t) =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(t.call(Api.Sms.sendSms, [sms]))
          assert.isTrue(Errors.isApiError(error))
          if (Errors.isApiError(error)) assert.strictEqual(error.status, status)
          assert.strictEqual(attemptsOf(error), 1)
          assert.strictEqual(fake.requests.length, 1)
        }))
    })
  }

  it.effect("a 200 that does not decode: never retried", () => {
    const fake = FakeHttp.always(() =>
      new Response("{", { status: 200, headers: { "content-type": "application/json" } })
    )
    return withTransport(exact(), fake, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(balanceOf(t))
        assert.instanceOf(error, Errors.DecodeError)
        assert.strictEqual(attemptsOf(error), 1)
        assert.strictEqual(fake.requests.length, 1)
      }))
  })

  it.effect("a token endpoint answering 500: the call (a GET) tries again, fetching a token again", () => {
    const fake = FakeHttp.make((r, i) =>
      r.url.pathname !== "/oauth/token"
        ? ok()
        : i === 0
        ? FakeHttp.json(500, FakeHttp.apiError("server_error", 1008))
        : FakeHttp.json(200, { access_token: "tok-1", expires_in: 3600, token_type: "Bearer", scope: "account" })
    )
    return withTransport(
      { applicationId: "app-1", applicationSecret: "app-SECRET", retry: { jitter: false } },
      fake,
      (t) =>
        Effect.gen(function*() {
          assert.deepStrictEqual(yield* after(balanceOf(t), "500 millis"), balance)
          assert.deepStrictEqual(fake.requests.map((r) => r.url.pathname), [
            "/oauth/token",
            "/oauth/token",
            "/account/balance"
          ])
        })
    )
  })
})

describe("waits", () => {
  it.effect("429 with X-Rate-Limit-Reset 2: waits 2 s, for a POST without an idempotency id too", () => {
    const fake = FakeHttp.sequence(() => limited("2"), () => FakeHttp.json(200, estimate))
    return withTransport(exact(), fake, (t) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(t.call(Api.Sms.estimateSms, [sms]))
        yield* TestClock.adjust("1999 millis")
        assert.strictEqual(fake.requests.length, 1)
        yield* TestClock.adjust("1 millis")
        assert.deepStrictEqual(yield* Fiber.join(fiber), estimate)
        assert.strictEqual(fake.requests.length, 2)
      }))
  })

  it.effect("429 with jitter on: a little more than the reset, never less", () => {
    const fake = FakeHttp.sequence(() => limited("2"), ok)
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(balanceOf(t))
        // half of the 10% spread: 2 s + 100 ms
        yield* TestClock.adjust("2099 millis")
        assert.strictEqual(fake.requests.length, 1)
        yield* TestClock.adjust("1 millis")
        assert.deepStrictEqual(yield* Fiber.join(fiber), balance)
      }).pipe(Effect.withRandom(Random.fixed([0.5]))))
  })

  for (const [name, reset] of [["above maxDelay", "61"], ["absurdly large", "1e300"]] as const) {
    it.effect(`429 with a reset ${name}: fails at once, attempts 1`, () => {
      const fake = FakeHttp.sequence(() => limited(reset), ok)
      return withTransport({ apiKey: API_KEY }, fake, (t) =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(balanceOf(t))
          assert.instanceOf(error, Errors.RateLimitExcedeedException)
          assert.strictEqual(attemptsOf(error), 1)
          assert.strictEqual(fake.requests.length, 1)
        }))
    })
  }

  for (const [name, reset] of [["missing", undefined], ["negative", "-5"], ["not a number", "soon"]] as const) {
    it.effect(`429 with a reset ${name}: exponential backoff from baseDelay`, () => {
      const fake = FakeHttp.sequence(() => limited(reset), () => limited(reset), ok)
      return withTransport(exact({ baseDelay: "1 second" }), fake, (t) =>
        Effect.gen(function*() {
          const fiber = yield* Effect.fork(balanceOf(t))
          yield* TestClock.adjust("999 millis")
          assert.strictEqual(fake.requests.length, 1)
          yield* TestClock.adjust("1 millis")
          assert.strictEqual(fake.requests.length, 2)
          yield* TestClock.adjust("1999 millis")
          assert.strictEqual(fake.requests.length, 2)
          yield* TestClock.adjust("1 millis")
          assert.deepStrictEqual(yield* Fiber.join(fiber), balance)
        }))
    })
  }

  it.effect("the backoff doubles up to maxDelay, and never goes below 100 ms", () => {
    const fake = FakeHttp.always(unavailable)
    return withTransport(
      exact({ baseDelay: 1, maxDelay: "300 millis", maxRetries: 4 }),
      fake,
      (t) =>
        Effect.gen(function*() {
          const fiber = yield* Effect.fork(Effect.flip(balanceOf(t)))
          yield* TestClock.adjust(0)
          const at: Array<number> = []
          for (let ms = 0; ms <= 1000; ms += 10) {
            if (fake.requests.length > at.length) at.push(ms)
            yield* TestClock.adjust("10 millis")
          }
          yield* Fiber.join(fiber)
          // waits: 100 (floor of 1), 100 (floor of 2), 100 (floor of 4), 100 (floor of 8)
          assert.deepStrictEqual(at, [0, 100, 200, 300, 400])
        })
    )
  })

  it.effect("jitter is deterministic under a fixed Random: 0.8x to 1.2x of the backoff", () => {
    const run = (draw: number) => {
      const fake = FakeHttp.sequence(unavailable, ok)
      return withTransport({ apiKey: API_KEY, retry: { baseDelay: "1 second" } }, fake, (t) =>
        Effect.gen(function*() {
          const fiber = yield* Effect.fork(balanceOf(t))
          let waited = 0
          while (fake.requests.length < 2 && waited < 2000) {
            yield* TestClock.adjust("10 millis")
            waited += 10
          }
          yield* Fiber.join(fiber)
          return waited
        }).pipe(Effect.withRandom(Random.fixed([draw]))))
    }
    return Effect.gen(function*() {
      assert.strictEqual(yield* run(0), 800)
      assert.strictEqual(yield* run(0.5), 1000)
      assert.strictEqual(yield* run(0.999), 1200)
    })
  })
})
