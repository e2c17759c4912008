/**
 * Errors say what happened: a failed connection names its cause's code; what is retried by default.
 */
import * as HttpClientError from "@effect/platform/HttpClientError"
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Errors from "@smscx/core/Errors"
import type * as Transport from "@smscx/transport/Transport"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import * as FakeHttp from "./fakeHttp.js"
import { API_KEY, withTransport } from "./fixtures.js"

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
