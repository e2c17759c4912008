/**
 * Each fault the sandbox injects, through the SDK: the typed error a caller gets for it, and
 * what the retry policy makes of it (retried only when repeating the request is safe).
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpServer from "@effect/platform/HttpServer"
import { assert, describe, it } from "@effect/vitest"
import {
  Account,
  DecodeError,
  Groups,
  RateLimitExcedeedException,
  ServerErrorException,
  Sms,
  SmsCx,
  TransportError
} from "@smscx/client"
import type * as Transport from "@smscx/transport/Transport"
import type * as Duration from "effect/Duration"
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
const inProcess = (
  faults: Sandbox.Faults,
  client: Partial<Transport.Options> = {},
  wrap: (client: HttpClient.HttpClient) => HttpClient.HttpClient = (client) => client
) =>
<A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.zipRight(TestClock.setTime(NOW), effect).pipe(
    Effect.provide(
      SmsCx.layerWithoutHttpClient({ apiKey: API_KEY, baseUrl: Sandbox.baseUrl, retry: false, ...client }).pipe(
        Layer.provide(Layer.effect(HttpClient.HttpClient, Effect.map(HttpClient.HttpClient, wrap))),
        Layer.provideMerge(Sandbox.layerHttpClient({ apiKeys: [API_KEY], faults }))
      )
    )
  )

/** Retries on, with exact waits (no jitter): 500 ms, then 1 s, ... */
const retrying = (retry: Transport.Options["retry"] = {}): Partial<Transport.Options> => ({
  retry: retry === false ? false : { jitter: false, ...retry }
})

/** Records the body of each request that reaches the sandbox. */
const recording = (bodies: Array<string>) => (client: HttpClient.HttpClient) =>
  HttpClient.tapRequest(client, (request) => Effect.sync(() => bodies.push(bodyOf(request))))

const bodyOf = (request: HttpClientRequest.HttpClientRequest): string =>
  request.body._tag === "Raw" || request.body._tag === "Uint8Array"
    ? typeof request.body.body === "string"
      ? request.body.body
      : new TextDecoder().decode(request.body.body as Uint8Array)
    : ""

/** The first request is refused (as undici reports it); the others reach the sandbox. */
const refusedOnce = (count: { sent: number }) => (client: HttpClient.HttpClient) =>
  HttpClient.transform(client, (response, request) =>
    count.sent++ > 0 ? response : Effect.fail(
      new HttpClientError.RequestError({
        request,
        reason: "Transport",
        cause: new TypeError("fetch failed", {
          cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), { code: "ECONNREFUSED" })
        })
      })
    ))

/** Once the call waits to retry: the faults are lifted, and the wait passes. */
const liftFaultsThenWait = (wait: Duration.DurationInput) =>
  Effect.gen(function*() {
    yield* untilSleeping
    yield* (yield* sandbox).setFaults({ rules: [] })
    yield* TestClock.adjust(wait)
  })

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
      assert.strictEqual(error.attempts, 3)
    }).pipe(inProcess(only("rateLimit"), retrying({ maxRetries: 2 }))))

  it.effect("serverError on sendSms: retried (it carries an idempotencyId), then ServerErrorException", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.flip((yield* Sms).sendSms(hello)))
      for (const wait of ["500 millis", "1 second"] as const) {
        yield* untilSleeping
        yield* TestClock.adjust(wait)
      }
      const error = yield* joinNow(fiber)
      assert.instanceOf(error, ServerErrorException)
      assert.deepStrictEqual([error.status, error.type, error.code], [500, "server_error", 1008])
      assert.strictEqual(error.attempts, 3)
      yield* untouched
    }).pipe(inProcess(only("serverError"), retrying({ maxRetries: 2 }))))

  it.effect("unavailable (503) on sendSms, then up: retried, the same idempotencyId, one message", () => {
    const bodies: Array<string> = []
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork((yield* Sms).sendSms(hello))
      yield* liftFaultsThenWait("500 millis")
      const answer = yield* joinNow(fiber)
      const state = yield* sandbox
      const messages = yield* state.messages
      assert.deepStrictEqual(messages.map((m) => m.to), [NL])
      assert.strictEqual(answer.data[0]?.msgId, messages[0]?.msgId)
      assert.strictEqual(yield* state.balance, 99.928)
      const ids = bodies.map((body) => JSON.parse(body).idempotencyId)
      assert.strictEqual(ids.length, 2)
      assert.strictEqual(ids[0], ids[1])
    }).pipe(inProcess(only("unavailable"), retrying(), recording(bodies)))
  })

  it.effect("lostAnswer on sendSms: retried; the sandbox replays the first answer; billed once, one message", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork((yield* Sms).sendSms(hello))
      yield* liftFaultsThenWait("500 millis")
      const answer = yield* joinNow(fiber)
      const state = yield* sandbox
      const messages = yield* state.messages
      assert.strictEqual(messages.length, 1, "performed once")
      assert.strictEqual(answer.data[0]?.msgId, messages[0]?.msgId, "the answer of the send that was performed")
      assert.strictEqual(yield* state.balance, 99.928, "billed once")
    }).pipe(inProcess(only("lostAnswer"), retrying())))

  it.effect("reset on a GET: retried", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork((yield* Account).getAccountBalance())
      yield* liftFaultsThenWait("500 millis")
      const answer = yield* joinNow(fiber)
      assert.strictEqual(answer.balance, 100)
    }).pipe(inProcess(only("reset"), retrying())))

  it.effect("unavailable (503) on a POST without an idempotency id (createGroup): not retried, attempts 1", () => {
    const bodies: Array<string> = []
    return Effect.gen(function*() {
      const error = yield* Effect.flip((yield* Groups).createGroup({ name: "Regulars" }))
      assert.instanceOf(error, ServerErrorException)
      assert.strictEqual(error.attempts, 1)
      assert.strictEqual(bodies.length, 1, "one request")
    }).pipe(inProcess(only("unavailable"), retrying(), recording(bodies)))
  })

  it.effect("connection refused on a POST without an idempotency id (createGroup): retried, the group created once", () => {
    const count = { sent: 0 }
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork((yield* Groups).createGroup({ name: "Regulars" }))
      yield* untilSleeping
      yield* TestClock.adjust("500 millis")
      const created = yield* joinNow(fiber)
      assert.strictEqual(created.info.name, "Regulars")
      assert.strictEqual(count.sent, 2)
    }).pipe(inProcess({ rules: [] }, retrying(), refusedOnce(count)))
  })

  it.effect("unavailable, retries off: ServerErrorException (503), attempts 1", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip((yield* Sms).sendSms(hello))
      assert.instanceOf(error, ServerErrorException)
      assert.deepStrictEqual([error.status, error.type], [503, "server_error"])
      assert.strictEqual(error.attempts, 1)
      yield* untouched
    }).pipe(inProcess(only("unavailable"))))

  it.effect("reset, retries off: TransportError (reason Transport), nothing sent", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip((yield* Sms).sendSms(hello))
      assert.instanceOf(error, TransportError)
      assert.strictEqual(error.reason, "Transport")
      yield* untouched
    }).pipe(inProcess(only("reset"))))

  it.effect("lostAnswer, retries off: TransportError (reason Transport), though the send was performed and billed", () =>
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
