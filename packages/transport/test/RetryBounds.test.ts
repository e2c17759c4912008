/**
 * Retries: their bounds (maxRetries, maxElapsed, deadline), per-call options, hooks, the span and the log; RetryPolicy.classify and withAttempts.
 */
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Errors from "@smscx/core/Errors"
import * as RetryPolicy from "@smscx/transport/RetryPolicy"
import * as Transport from "@smscx/transport/Transport"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as TestClock from "effect/TestClock"
import { balance, sms } from "./answers.js"
import * as FakeHttp from "./fakeHttp.js"
import { recordingTracer } from "./recordingTracer.js"
import {
  after,
  API_KEY,
  attemptsOf,
  balanceOf,
  exact,
  failed,
  fetchFailed,
  limited,
  ok,
  unavailable,
  withTransport
} from "./retryFixtures.js"

describe("bounds", () => {
  it.effect("maxRetries: maxRetries + 1 attempts, the last error carrying attempts", () => {
    const fake = FakeHttp.always(unavailable)
    return withTransport(exact({ maxRetries: 2 }), fake, (t) =>
      Effect.gen(function*() {
        const error = yield* after(Effect.flip(balanceOf(t)), "1 minute")
        assert.instanceOf(error, Errors.ServerErrorException)
        assert.strictEqual(attemptsOf(error), 3)
        assert.strictEqual(fake.requests.length, 3)
      }))
  })

  it.effect("the default is 3 retries", () => {
    const fake = FakeHttp.always(unavailable)
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        const error = yield* after(Effect.flip(balanceOf(t)), "1 minute")
        assert.strictEqual(attemptsOf(error), 4)
        assert.strictEqual(fake.requests.length, 4)
      }))
  })

  it.effect("maxElapsed: no retry starts whose wait would end past it", () => {
    const fake = FakeHttp.always(unavailable)
    // attempts at 0 and 1 s; the next wait (2 s) would end at 3 s, past 2.5 s
    return withTransport(
      exact({ baseDelay: "1 second", maxRetries: 10, maxElapsed: "2500 millis" }),
      fake,
      (t) =>
        Effect.gen(function*() {
          const fiber = yield* Effect.fork(Effect.flip(balanceOf(t)))
          yield* TestClock.adjust("1 second")
          const error = yield* Fiber.join(fiber)
          assert.strictEqual(attemptsOf(error), 2)
          assert.strictEqual(fake.requests.length, 2)
        })
    )
  })

  it.effect("deadline: an attempt still running when it passes fails with Timeout, saying so, with attempts", () => {
    const fake = FakeHttp.make((_, i) => i === 0 ? unavailable() : Effect.never)
    return withTransport({ ...exact(), deadline: "3 seconds" }, fake, (t) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(Effect.flip(balanceOf(t)))
        yield* TestClock.adjust("2999 millis")
        assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
        yield* TestClock.adjust("1 millis")
        const error = yield* Fiber.join(fiber)
        assert.instanceOf(error, Errors.TransportError)
        if (!(error instanceof Errors.TransportError)) return
        assert.strictEqual(error.reason, "Timeout")
        assert.strictEqual(error.attempts, 2)
        assert.include(error.message, "deadline of 3s passed after 2 attempts")
        assert.strictEqual(fake.requests.length, 2)
      }))
  })

  it.effect("deadline: a wait that would end past it is not started; the last failure stands", () => {
    const fake = FakeHttp.always(unavailable)
    return withTransport(exact({ baseDelay: "1 second" }), fake, (t) =>
      Effect.gen(function*() {
        // attempts at 0 and 1 s; the wait of 2 s would end at 3 s, past the call's 2.5 s
        const fiber = yield* Effect.fork(Effect.flip(t.call(Api.Account.getAccountBalance, [], { deadline: 2500 })))
        yield* TestClock.adjust("1 second")
        const error = yield* Fiber.join(fiber)
        assert.instanceOf(error, Errors.ServerErrorException)
        assert.strictEqual(attemptsOf(error), 2)
      }))
  })

  it.effect("deadline covers beforeAttempt too", () => {
    const fake = FakeHttp.always(ok)
    return withTransport({ apiKey: API_KEY, deadline: "1 second" }, fake, (t) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(
          Effect.flip(t.call(Api.Account.getAccountBalance, [], { beforeAttempt: Effect.sleep("1 minute") }))
        )
        yield* TestClock.adjust("1 second")
        const error = yield* Fiber.join(fiber)
        assert.strictEqual(error._tag, "TransportError")
        assert.strictEqual(fake.requests.length, 0)
      }))
  })
})

describe("options", () => {
  it.effect("retry: false is one attempt", () => {
    const fake = FakeHttp.always(unavailable)
    return withTransport({ apiKey: API_KEY, retry: false }, fake, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(balanceOf(t))
        assert.strictEqual(attemptsOf(error), 1)
        assert.strictEqual(fake.requests.length, 1)
      }))
  })

  it.effect("a replaced policy is used, told the request", () => {
    const seen: Array<RetryPolicy.Request> = []
    const policy: RetryPolicy.Policy = (request) => {
      seen.push(request)
      return Schedule.spaced("3 seconds").pipe(Schedule.intersect(Schedule.recurs(1)))
    }
    // a 400, which the default policy never retries
    const fake = FakeHttp.always(() => FakeHttp.json(400, FakeHttp.apiError("invalid_param", 1106)))
    return withTransport({ apiKey: API_KEY, retry: { policy, maxRetries: 0 } }, fake, (t) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(Effect.flip(t.call(Api.Sms.sendSms, [sms])))
        yield* TestClock.adjust("2999 millis")
        assert.strictEqual(fake.requests.length, 1)
        yield* TestClock.adjust("1 millis")
        const error = yield* Fiber.join(fiber)
        assert.strictEqual(attemptsOf(error), 2)
        assert.strictEqual(fake.requests.length, 2)
        assert.strictEqual(seen.length, 1)
        assert.deepInclude(seen[0], { operation: "sendSms", method: "POST", idempotent: true })
      }))
  })

  it.effect("a call's retry goes over the client's field by field; false turns it off", () => {
    const fake = FakeHttp.always(unavailable)
    return withTransport(exact({ maxRetries: 1 }), fake, (t) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(
          Effect.flip(t.call(Api.Account.getAccountBalance, [], { retry: { baseDelay: "2 seconds" } }))
        )
        yield* TestClock.adjust("1999 millis")
        assert.strictEqual(fake.requests.length, 1, "the call's baseDelay")
        yield* TestClock.adjust("1 millis")
        assert.strictEqual(attemptsOf(yield* Fiber.join(fiber)), 2, "the client's maxRetries and jitter")
        const off = yield* Effect.flip(t.call(Api.Account.getAccountBalance, [], { retry: false }))
        assert.strictEqual(attemptsOf(off), 1)
        assert.strictEqual(fake.requests.length, 3)
      }))
  })

  it.effect("the service exposes the client's retry options, as resolved", () => {
    const fake = FakeHttp.always(ok)
    return Effect.gen(function*() {
      const given = yield* withTransport(
        { apiKey: API_KEY, retry: { maxRetries: 5, maxElapsed: "10 seconds" } },
        fake,
        (t) => Effect.succeed(t.retry)
      )
      assert.notStrictEqual(given, false)
      if (given === false) return
      assert.strictEqual(given.maxRetries, 5)
      assert.strictEqual(Duration.toMillis(given.maxElapsed!), 10_000)
      assert.deepStrictEqual(yield* withTransport({ apiKey: API_KEY }, fake, (t) => Effect.succeed(t.retry)), {})
      assert.strictEqual(
        yield* withTransport({ apiKey: API_KEY, retry: false }, fake, (t) => Effect.succeed(t.retry)),
        false
      )
    })
  })

  for (
    const [name, retry, option] of [
      ["a misspelt field", { maxRetry: 3 }, "retry.maxRetry"],
      ["jitter not a boolean", { jitter: "yes" }, "retry.jitter"],
      ["policy not a function", { policy: 3 }, "retry.policy"],
      ["maxElapsed negative", { maxElapsed: -1 }, "retry.maxElapsed"]
    ] as const
  ) {
    it.effect(`retry with ${name}: InvalidOptionsError naming ${option}`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(
          Effect.scoped(Transport.make({ apiKey: API_KEY, retry: retry as RetryPolicy.Options }))
        )
        assert.instanceOf(error, Errors.InvalidOptionsError)
        assert.strictEqual(error.option, option)
      }).pipe(Effect.provide(FakeHttp.always(ok).layer)))
  }

  it.effect("a deadline that is not a duration: InvalidOptionsError at construction, RequestValidationError per call", () => {
    const fake = FakeHttp.always(ok)
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.scoped(Transport.make({ apiKey: API_KEY, deadline: Number.NaN })))
      assert.instanceOf(error, Errors.InvalidOptionsError)
      assert.strictEqual(error.option, "deadline")
      const perCall = yield* withTransport(
        { apiKey: API_KEY },
        fake,
        (t) => Effect.flip(t.call(Api.Account.getAccountBalance, [], { deadline: -5 }))
      )
      assert.instanceOf(perCall, Errors.RequestValidationError)
      assert.include(perCall.message, "call option deadline")
      const hook = yield* withTransport({ apiKey: API_KEY }, fake, (t) =>
        Effect.flip(
          t.call(Api.Account.getAccountBalance, [], { beforeAttempt: "later" as unknown as Effect.Effect<void> })
        ))
      assert.include(hook.message, "call option beforeAttempt")
      assert.strictEqual(fake.requests.length, 0)
    }).pipe(Effect.provide(fake.layer))
  })
})

describe("hooks, span, log", () => {
  it.effect("beforeAttempt runs before every attempt; afterAttempt sees each answer's status and rate limit", () => {
    const fake = FakeHttp.sequence(unavailable, () => limited("1"), ok)
    const events: Array<string> = []
    return withTransport(exact(), fake, (t) =>
      Effect.gen(function*() {
        const data = yield* after(
          t.call(Api.Account.getAccountBalance, [], {
            beforeAttempt: Effect.sync(() => events.push(`before ${fake.requests.length}`)),
            afterAttempt: ({ rateLimit, status }) =>
              Effect.sync(() => events.push(`${status} ${JSON.stringify(rateLimit)}`))
          }),
          "500 millis",
          "1 second"
        )
        assert.deepStrictEqual(data, balance)
        assert.deepStrictEqual(events, [
          "before 0",
          "503 {}",
          "before 1",
          "429 {\"limit\":100,\"remaining\":0,\"reset\":1}",
          "before 2",
          "200 {}"
        ])
      }))
  })

  it.effect("an attempt without an answer is not told to afterAttempt", () => {
    const fake = FakeHttp.make(failed(fetchFailed("ECONNRESET")))
    let told = 0
    return withTransport({ apiKey: API_KEY, retry: false }, fake, (t) =>
      Effect.gen(function*() {
        yield* Effect.flip(
          t.call(Api.Account.getAccountBalance, [], { afterAttempt: () => Effect.sync(() => told++) })
        )
        assert.strictEqual(told, 0)
      }))
  })

  it.effect("the span carries smscx.attempts", () => {
    const { spans, tracer } = recordingTracer()
    const fake = FakeHttp.sequence(unavailable, ok)
    return withTransport(exact(), fake, (t) =>
      Effect.gen(function*() {
        yield* after(balanceOf(t), "500 millis")
        const own = spans.find((span) => span.attributes.get("smscx.operation") === "getAccountBalance")
        assert.strictEqual(own?.attributes.get("smscx.attempts"), 2)
      })).pipe(Effect.withTracer(tracer))
  })

  it.effect("a retry logs its wait and reason at Debug, never a secret", () => {
    const lines: Array<string> = []
    const logger = Logger.make(({ message }) => lines.push(String(message)))
    const fake = FakeHttp.sequence(unavailable, ok)
    return withTransport(exact(), fake, (t) => after(balanceOf(t), "500 millis")).pipe(
      Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
      Logger.withMinimumLogLevel(LogLevel.Debug),
      Effect.map(() => {
        assert.isTrue(
          lines.some((line) => line.includes("retrying in 500ms (attempt 2) after 503 ServerErrorException")),
          lines.join("\n")
        )
        for (const line of lines) assert.notInclude(line, API_KEY)
      })
    )
  })
})

describe("RetryPolicy.classify and withAttempts", () => {
  const get: RetryPolicy.Request = { operation: "getAccountBalance", method: "GET", idempotent: true, startedAt: 0 }
  const post: RetryPolicy.Request = { operation: "estimateSms", method: "POST", idempotent: false, startedAt: 0 }
  const api = (status: number) =>
    new Errors.ApiException({ status, message: "m", body: {}, headers: {}, rateLimit: {} })
  const transport = (reason: Errors.TransportError["reason"], cause?: unknown) =>
    new Errors.TransportError({ reason, method: "GET", url: "u", message: "m", cause })

  it("classifies by failure and by whether the request is safe to repeat", () => {
    const table: ReadonlyArray<readonly [unknown, RetryPolicy.Classification, RetryPolicy.Classification]> = [
      [api(429), "rateLimited", "rateLimited"],
      [api(500), "transient", "never"],
      [api(503), "transient", "never"],
      [api(408), "transient", "never"],
      [api(400), "never", "never"],
      [api(401), "never", "never"],
      [api(404), "never", "never"],
      [transport("Transport", fetchFailed("ECONNRESET")), "transient", "never"],
      [transport("Transport", fetchFailed("ECONNREFUSED")), "transient", "transient"],
      [transport("Timeout"), "transient", "never"],
      [transport("ResponseTooLarge"), "never", "never"],
      [transport("Closed"), "never", "never"],
      [transport("InvalidUrl"), "never", "never"],
      [transport("Encode"), "never", "never"],
      [new Errors.DecodeError({ operation: "x", status: 200, message: "m", issues: [], body: "" }), "never", "never"],
      [new Errors.RequestValidationError({ operation: "x", message: "m", issues: [] }), "never", "never"],
      [new Errors.InvalidOptionsError({ option: "x", message: "m" }), "never", "never"],
      ["a string", "never", "never"]
    ]
    for (const [error, onGet, onPost] of table) {
      assert.strictEqual(RetryPolicy.classify(error, get), onGet, `${String(error)} on GET`)
      assert.strictEqual(RetryPolicy.classify(error, post), onPost, `${String(error)} on POST`)
    }
  })

  it("a cause whose properties throw is not a refusal", () => {
    const hostile = new Proxy({}, {
      get: () => {
        throw new Error("no")
      }
    })
    assert.strictEqual(RetryPolicy.classify(transport("Transport", hostile), post), "never")
  })

  it("withAttempts: a copy of the same class with every field, the original untouched", () => {
    const cause = new Error("boom")
    const error = transport("Transport", cause)
    const counted = RetryPolicy.withAttempts(error, 3)
    assert.instanceOf(counted, Errors.TransportError)
    assert.strictEqual(counted.attempts, 3)
    assert.strictEqual(counted.cause, cause)
    assert.strictEqual(counted.message, "m")
    assert.strictEqual(counted.stack, error.stack)
    assert.isUndefined(error.attempts)
    const limited = new Errors.RateLimitExcedeedException({
      status: 429,
      message: "slow down",
      body: {},
      headers: {},
      rateLimit: { reset: 2 }
    })
    const again = RetryPolicy.withAttempts(limited, 2)
    assert.instanceOf(again, Errors.RateLimitExcedeedException)
    assert.strictEqual(Duration.toMillis(again.retryAfter!), 2000)
    assert.strictEqual(again.message, "slow down")
    assert.strictEqual(RetryPolicy.withAttempts("not an error", 2), "not an error")
    const unsent = new Errors.RequestValidationError({ operation: "x", message: "m", issues: [] })
    assert.strictEqual(RetryPolicy.withAttempts(unsent, 1), unsent)
  })

  it.effect("make(false) and maxRetries 0 never retry", () =>
    Effect.gen(function*() {
      for (const policy of [RetryPolicy.make(false), RetryPolicy.make({ maxRetries: 0 })]) {
        const schedule = policy(get)
        const [, , decision] = yield* schedule.step(0, api(503), schedule.initial)
        assert.strictEqual(decision._tag, "Done")
      }
    }))

  // the TestClock is at 0, when the calls "started"
  it.effect("classify is what the default policy follows", () =>
    Effect.gen(function*() {
      const schedule = RetryPolicy.make({ jitter: false })(post)
      const [, , onReset] = yield* schedule.step(0, api(503), schedule.initial)
      assert.strictEqual(onReset._tag, "Done", "a 503 on an unsafe POST")
      const [, , onLimit] = yield* schedule.step(0, api(429), schedule.initial)
      assert.strictEqual(onLimit._tag, "Continue", "a 429 on any method")
    }))
})
