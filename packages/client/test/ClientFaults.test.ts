/**
 * Faults at the client: a loopback server that refuses, cuts, stalls, trickles, truncates,
 * floods or answers an HTML 5xx, met by the Effect client (the default Node client and
 * FetchClient) and by the Promise client (its default client and `fetch`). Each call ends in
 * bounded time with the documented typed error and leaves no connection or timer behind. (No
 * credential in what they show: ClientSecrets.test.ts; the process exits after close:
 * ClientExit.test.ts.)
 */
import { assert, describe, it } from "@effect/vitest"
import { DecodeError, ServerErrorException, TransportError } from "@smscx/client"
import type { AccountBalance } from "@smscx/core/Generated"
import type * as Transport from "@smscx/transport/Transport"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as util from "node:util"
import { faultServer, type Outcome, refusedUrl, secret, styles, TIMEOUT } from "./faultClients.js"
import * as FaultServer from "./fixtures/faultServer.js"

/** Runs `call`, giving its outcome and how long it took, in milliseconds. */
const timed = <A>(call: Effect.Effect<A>) =>
  Effect.map(Effect.timed(call), ([duration, outcome]) => ({ outcome, ms: Duration.toMillis(duration) }))

const failureOf = (outcome: Outcome): unknown => {
  if (Either.isRight(outcome)) return assert.fail(`succeeded with ${util.inspect(outcome.right)}`)
  return outcome.left
}

const transportError = (outcome: Outcome, reason: TransportError["reason"]): TransportError => {
  const error = failureOf(outcome)
  assert.instanceOf(error, TransportError, util.inspect(error))
  assert.strictEqual(error.reason, reason, error.message)
  return error
}

/** Every connection to the server ended (the client hung up, or closed its pool), within a second. */
const allHungUp = (server: FaultServer.FaultServer) =>
  Effect.gen(function*() {
    for (let waited = 0; server.openConnections() > 0 && waited < 1000; waited += 10) yield* Effect.sleep("10 millis")
    assert.strictEqual(server.openConnections(), 0, "connections left open")
  })

/** A call with a 300 ms deadline settles well within this. */
const BOUND = 3_000

// ---------------------------------------------------------------------------
// Each fault, each client
// ---------------------------------------------------------------------------

describe.each(styles)("$name", (style) => {
  const call = (baseUrl: string, options: Partial<Transport.Options> = {}) =>
    timed(style.balance({ apiKey: secret("sk_live_"), baseUrl, retry: false, timeout: TIMEOUT, ...options }))

  /** After a call that completed: with the SDK's own client, closing it left no connection. */
  const closedWithClient = (server: FaultServer.FaultServer) => style.ownsConnections ? allHungUp(server) : Effect.void

  it.live("connection refused: TransportError (reason Transport)", () =>
    Effect.gen(function*() {
      const baseUrl = yield* refusedUrl
      const { ms, outcome } = yield* call(baseUrl)
      const error = transportError(outcome, "Transport")
      assert.deepStrictEqual([error.method, error.url], ["GET", `${baseUrl}/account/balance`])
      assert.isBelow(ms, BOUND)
    }))

  it.live("socket destroyed mid-answer: TransportError (reason Transport)", () =>
    Effect.gen(function*() {
      const server = yield* faultServer()
      const { ms, outcome } = yield* call(server.url("closeMidAnswer"))
      transportError(outcome, "Transport")
      assert.isBelow(ms, BOUND)
      yield* allHungUp(server)
    }).pipe(Effect.scoped))

  it.live("Content-Length larger than the body, then a clean end: TransportError (reason Transport)", () =>
    Effect.gen(function*() {
      const server = yield* faultServer()
      const { ms, outcome } = yield* call(server.url("shortBody"))
      transportError(outcome, "Transport")
      assert.isBelow(ms, BOUND)
      yield* allHungUp(server)
    }).pipe(Effect.scoped))

  it.live("headers that never come: TransportError (reason Timeout) at the deadline; the client hangs up", () =>
    Effect.gen(function*() {
      const server = yield* faultServer()
      const { ms, outcome } = yield* call(server.url("slowHeaders"))
      const error = transportError(outcome, "Timeout")
      assert.include(error.message, "timed out after 300ms")
      assert.isAtLeast(ms, TIMEOUT - 10, "not before the deadline")
      assert.isBelow(ms, BOUND)
      yield* allHungUp(server)
    }).pipe(Effect.scoped))

  it.live("a body trickling a byte at a time: TransportError (reason Timeout); the trickle stops", () =>
    Effect.gen(function*() {
      const server = yield* faultServer({ trickleEveryMs: 20 })
      const { ms, outcome } = yield* call(server.url("trickle"))
      transportError(outcome, "Timeout")
      assert.isAtLeast(ms, TIMEOUT - 10)
      assert.isBelow(ms, BOUND)
      assert.isAbove(server.bytesWritten(), 5, "the body had started arriving")
      yield* allHungUp(server)
      const written = server.bytesWritten()
      yield* Effect.sleep("100 millis")
      assert.strictEqual(server.bytesWritten(), written, "nothing more was sent to anyone")
    }).pipe(Effect.scoped))

  it.live("a 200 whose JSON is cut short ({\"info\":): DecodeError with status 200 and the raw text", () =>
    Effect.gen(function*() {
      const server = yield* faultServer()
      const { ms, outcome } = yield* call(server.url("truncatedJson"))
      const error = failureOf(outcome)
      assert.instanceOf(error, DecodeError)
      assert.deepStrictEqual([error.operation, error.status, error.body], ["getAccountBalance", 200, "{\"info\":"])
      assert.include(error.message, "not JSON")
      assert.isBelow(ms, BOUND)
      yield* closedWithClient(server)
    }).pipe(Effect.scoped))

  for (const declared of [false, true]) {
    it.live(`a 50 MB answer (${declared ? "declared" : "chunked"}) over maxResponseBytes: ResponseTooLarge, reading stopped`, () =>
      Effect.gen(function*() {
        const server = yield* faultServer({ hugeDeclared: declared })
        const { ms, outcome } = yield* call(server.url("huge"), { maxResponseBytes: 1024 * 1024 })
        const error = transportError(outcome, "ResponseTooLarge")
        assert.include(error.message, "1048576 bytes")
        assert.isBelow(ms, BOUND)
        yield* allHungUp(server)
        assert.isBelow(server.bytesWritten(), FaultServer.HUGE_BYTES / 2, "the client stopped long before the end")
      }).pipe(Effect.scoped))
  }

  it.live("a 50 MB answer under the default limit: read whole and decoded, in bounded time", () =>
    Effect.gen(function*() {
      const server = yield* faultServer()
      const { ms, outcome } = yield* call(server.url("huge"), { timeout: "20 seconds" })
      assert.isTrue(Either.isRight(outcome), Either.isLeft(outcome) ? util.inspect(outcome.left) : "")
      const balance = Either.getOrThrow(outcome) as AccountBalance & { readonly padding?: string }
      assert.deepStrictEqual([balance.balance, balance.currency, balance.billing], [12.5, "eur", "prepaid"])
      // a field the SDK does not know is kept, whole
      assert.strictEqual(balance.padding?.length, FaultServer.hugeParts(FaultServer.HUGE_BYTES).padding)
      assert.isBelow(ms, 15_000)
      yield* closedWithClient(server)
    }).pipe(Effect.scoped))

  for (const status of [502, 503] as const) {
    it.live(`an nginx HTML ${status}: ServerErrorException with the status and the page as its body`, () =>
      Effect.gen(function*() {
        const server = yield* faultServer()
        const { ms, outcome } = yield* call(server.url(status === 502 ? "html502" : "html503"))
        const error = failureOf(outcome)
        assert.instanceOf(error, ServerErrorException)
        assert.strictEqual(error.status, status)
        assert.strictEqual(error.body, FaultServer.nginxPage(status))
        assert.strictEqual(error.headers["content-type"], "text/html")
        assert.isTrue(error.message.startsWith(`HTTP ${status}: <html>`), error.message)
        assert.isUndefined(error.type)
        assert.isUndefined(error.code)
        assert.isBelow(ms, BOUND)
        yield* closedWithClient(server)
      }).pipe(Effect.scoped))
  }
})
