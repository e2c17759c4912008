/**
 * Each fault the sandbox injects, through the SDK: the typed error a caller gets for it.
 */
import * as HttpServer from "@effect/platform/HttpServer"
import { assert, describe, it } from "@effect/vitest"
import {
  Account,
  DecodeError,
  RateLimitExcedeedException,
  ServerErrorException,
  Sms,
  SmsCx,
  TransportError
} from "@smscx/client"
import type * as Transport from "@smscx/transport/Transport"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as NodeHttpClient from "../src/NodeHttpClient.js"
import { API_KEY, joinNow, NL, NOW, Sandbox, sandbox, untilSleeping } from "./utils.js"

const hello = { to: [NL], from: "InfoText", text: "Hello" } as const

const only = (kind: Sandbox.FaultKind, extra: Partial<Sandbox.Faults> = {}): Sandbox.Faults => ({
  ...extra,
  rules: [{ kind, rate: 1 }]
})

/** The SDK over an in-process sandbox injecting `faults`, with the sandbox's state. */
const inProcess =
  (faults: Sandbox.Faults, client: Partial<Transport.Options> = {}) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.zipRight(TestClock.setTime(NOW), effect).pipe(
      Effect.provide(
        SmsCx.layerWithoutHttpClient({ apiKey: API_KEY, baseUrl: Sandbox.baseUrl, retry: false, ...client }).pipe(
          Layer.provideMerge(Sandbox.layerHttpClient({ apiKeys: [API_KEY], faults }))
        )
      )
    )

/** The SDK, over its default Node client, against a sandbox on 127.0.0.1 injecting `faults`. */
const overSocket = (faults: Sandbox.Faults, client: Partial<Transport.Options> = {}) =>
  Layer.unwrapEffect(
    Effect.map(HttpServer.HttpServer, (server) =>
      SmsCx.layerWithoutHttpClient({
        apiKey: API_KEY,
        baseUrl: Sandbox.urlOf(server.address),
        retry: false,
        ...client
      }))
  ).pipe(
    Layer.provide(NodeHttpClient.layer),
    Layer.provideMerge(Sandbox.layerServer({ apiKeys: [API_KEY], faults }))
  )

/** Nothing was sent or billed. */
const untouched = Effect.gen(function*() {
  const state = yield* sandbox
  assert.deepStrictEqual(yield* state.messages, [])
  assert.strictEqual(yield* state.balance, 100)
})

describe("faults through the SDK, in-process", () => {
  it.effect("rateLimit, retries off: RateLimitExcedeedException with the rate-limit headers", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip((yield* Sms).sendSms(hello))
      assert.instanceOf(error, RateLimitExcedeedException)
      assert.deepStrictEqual([error.status, error.type, error.code], [429, "rate_limit", 1006])
      assert.deepStrictEqual(error.rateLimit, { limit: 1000, remaining: 0, reset: 1 })
      yield* untouched
    }).pipe(inProcess(only("rateLimit"))))

  it.effect("rateLimit, retries exhausted: each waits X-Rate-Limit-Reset, then RateLimitExcedeedException", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.flip((yield* Account).getAccountBalance()))
      for (let retry = 0; retry < 2; retry++) {
        yield* untilSleeping
        assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)), "waiting to retry")
        yield* TestClock.adjust("1 second")
      }
      const error = yield* joinNow(fiber)
      assert.instanceOf(error, RateLimitExcedeedException)
      assert.strictEqual(error.status, 429)
    }).pipe(inProcess(only("rateLimit"), { retry: { maxRetries: 2 } })))

  it.effect("serverError: ServerErrorException (500), not retried", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip((yield* Sms).sendSms(hello))
      assert.instanceOf(error, ServerErrorException)
      assert.deepStrictEqual([error.status, error.type, error.code], [500, "server_error", 1008])
      yield* untouched
    }).pipe(inProcess(only("serverError"), { retry: {} })))

  it.effect("unavailable: ServerErrorException (503)", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip((yield* Sms).sendSms(hello))
      assert.instanceOf(error, ServerErrorException)
      assert.deepStrictEqual([error.status, error.type], [503, "server_error"])
      yield* untouched
    }).pipe(inProcess(only("unavailable"))))

  it.effect("reset: TransportError (reason Transport), nothing sent", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip((yield* Sms).sendSms(hello))
      assert.instanceOf(error, TransportError)
      assert.strictEqual(error.reason, "Transport")
      yield* untouched
    }).pipe(inProcess(only("reset"))))

  it.effect("lostAnswer: TransportError (reason Transport), though the send was performed and billed", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip((yield* Sms).sendSms(hello))
      assert.instanceOf(error, TransportError)
      assert.strictEqual(error.reason, "Transport")
      const state = yield* sandbox
      assert.deepStrictEqual((yield* state.messages).map((m) => m.to), [NL])
      assert.strictEqual(yield* state.balance, 99.928)
    }).pipe(inProcess(only("lostAnswer"))))

  it.effect("stall: TransportError (reason Timeout) at the client's deadline", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.flip((yield* Account).getAccountBalance()))
      yield* untilSleeping
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)), "no answer yet")
      yield* TestClock.adjust("2 seconds")
      const error = yield* joinNow(fiber)
      assert.instanceOf(error, TransportError)
      assert.strictEqual(error.reason, "Timeout")
    }).pipe(inProcess(only("stall"), { timeout: "2 seconds" })))

  it.effect("malformed: DecodeError (status 200, the answer is not JSON), nothing sent", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip((yield* Sms).sendSms(hello))
      assert.instanceOf(error, DecodeError)
      assert.strictEqual(error.status, 200)
      assert.include(error.message, "not JSON")
      yield* untouched
    }).pipe(inProcess(only("malformed"))))
})

describe("faults through the SDK, over a socket", () => {
  it.live("reset: TransportError (reason Transport)", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip((yield* Sms).sendSms(hello))
      assert.instanceOf(error, TransportError)
      assert.strictEqual(error.reason, "Transport")
      yield* untouched
    }).pipe(Effect.provide(overSocket(only("reset")))))

  it.live("lostAnswer: TransportError (reason Transport); the send was performed", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip((yield* Sms).sendSms(hello))
      assert.instanceOf(error, TransportError)
      assert.strictEqual(error.reason, "Transport")
      assert.strictEqual((yield* (yield* sandbox).messages).length, 1)
    }).pipe(Effect.provide(overSocket(only("lostAnswer")))))

  it.live("stall: TransportError (reason Timeout), promptly", () =>
    Effect.gen(function*() {
      const started = Date.now()
      const error = yield* Effect.flip((yield* Account).getAccountBalance())
      assert.instanceOf(error, TransportError)
      assert.strictEqual(error.reason, "Timeout")
      assert.isBelow(Date.now() - started, 2000)
    }).pipe(Effect.provide(overSocket(only("stall"), { timeout: "200 millis" }))))

  it.live("malformed: DecodeError", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip((yield* Account).getAccountBalance())
      assert.instanceOf(error, DecodeError)
      assert.strictEqual(error.status, 200)
    }).pipe(Effect.provide(overSocket(only("malformed")))))
})
