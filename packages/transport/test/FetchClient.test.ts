/**
 * The fetch client over a `fetch` double that records the signal it is given: a call leaves
 * nothing listening on that signal once it ends (undici keeps a request's signal reachable after
 * the request, so a listener on it would keep the call's whole graph alive), and the deadline,
 * the size limit and an interruption end a call, with the signal aborted, even when the fetch
 * ignores its signal.
 */
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClientError from "@effect/platform/HttpClientError"
import { assert, describe, it } from "@effect/vitest"
import * as FetchClient from "@smscx/transport/FetchClient"
import * as HttpLimits from "@smscx/transport/HttpLimits"
import * as HttpTimeout from "@smscx/transport/HttpTimeout"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import { getEventListeners } from "node:events"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"

/** A `fetch` that answers with `answer()` (a promise that may never settle), and keeps each signal it was given. */
const fetchDouble = (answer: () => Promise<Response>) => {
  const signals: Array<AbortSignal> = []
  const fetch = ((_input: unknown, init?: RequestInit) => {
    signals.push(init!.signal!)
    return answer()
  }) as typeof globalThis.fetch
  return { fetch, signals }
}

const never = () => new Promise<Response>(() => {})

/** A GET through the client over `fetch`, with a deadline of `timeoutMs`. */
const get = (fetch: typeof globalThis.fetch, timeoutMs: number) =>
  FetchClient.make(fetch).get("http://127.0.0.1:1/account/balance").pipe(
    Effect.locally(HttpTimeout.current, Option.some(Duration.millis(timeoutMs)))
  )

/** The cause of the RequestError an exit failed with. */
const requestCause = (exit: Exit.Exit<unknown, unknown>) => {
  assert.isTrue(Exit.isFailure(exit))
  const error = Option.getOrThrow(Cause.failureOption((exit as Exit.Failure<unknown, unknown>).cause))
  assert.instanceOf(error, HttpClientError.RequestError)
  return (error as HttpClientError.RequestError).cause
}

describe("FetchClient", () => {
  it.live("an answered call leaves nothing listening on the signal it gave fetch", () =>
    Effect.gen(function*() {
      const { fetch, signals } = fetchDouble(async () => new Response(`{"balance":1}`, { status: 200 }))
      const response = yield* get(fetch, 5_000)
      assert.strictEqual(yield* response.text, `{"balance":1}`)
      assert.strictEqual(signals.length, 1)
      assert.deepStrictEqual(getEventListeners(signals[0]!, "abort"), [])
      assert.isFalse(signals[0]!.aborted)
    }))

  it.live("a failed call leaves nothing listening on the signal it gave fetch, and fails with fetch's error", () =>
    Effect.gen(function*() {
      const reset = new TypeError("fetch failed")
      const { fetch, signals } = fetchDouble(() => Promise.reject(reset))
      const exit = yield* Effect.exit(get(fetch, 5_000))
      assert.strictEqual(requestCause(exit), reset)
      assert.deepStrictEqual(getEventListeners(signals[0]!, "abort"), [])
    }))

  it.live("a fetch that ignores its signal still ends at the deadline, its signal aborted with the TimeoutCause", () =>
    Effect.gen(function*() {
      const { fetch, signals } = fetchDouble(never)
      const exit = yield* Effect.exit(get(fetch, 30))
      const cause = requestCause(exit)
      assert.instanceOf(cause, HttpTimeout.TimeoutCause)
      assert.strictEqual(Duration.toMillis((cause as HttpTimeout.TimeoutCause).duration), 30)
      assert.isTrue(signals[0]!.aborted)
      assert.strictEqual(signals[0]!.reason, cause)
    }))

  it.live("the deadline covers the body: one that never ends fails with the TimeoutCause", () =>
    Effect.gen(function*() {
      const { fetch, signals } = fetchDouble(async () =>
        new Response(new ReadableStream({ pull: () => new Promise<void>(() => {}) }), { status: 200 })
      )
      const exit = yield* Effect.exit(get(fetch, 30))
      assert.instanceOf(requestCause(exit), HttpTimeout.TimeoutCause)
      assert.isTrue(signals[0]!.aborted)
    }))

  it.live("a body past the limit fails with the ResponseTooLargeCause", () =>
    Effect.gen(function*() {
      const { fetch } = fetchDouble(async () => new Response(new Uint8Array(64), { status: 200 }))
      const exit = yield* Effect.exit(get(fetch, 5_000).pipe(Effect.locally(HttpLimits.maxResponseBytes, 16)))
      const cause = requestCause(exit)
      assert.instanceOf(cause, HttpLimits.ResponseTooLargeCause)
    }))

  it.live("an interrupted call aborts its request", () =>
    Effect.gen(function*() {
      const { fetch, signals } = fetchDouble(never)
      const fiber = yield* Effect.fork(get(fetch, 5_000))
      yield* Effect.sleep(10)
      assert.strictEqual(signals.length, 1)
      assert.isFalse(signals[0]!.aborted)
      yield* Fiber.interrupt(fiber)
      assert.isTrue(signals[0]!.aborted)
    }))

  it.live("a streamed answer's deadline covers its headers only, and closing it aborts the request", () =>
    Effect.gen(function*() {
      const { fetch, signals } = fetchDouble(async () =>
        new Response(
          new ReadableStream({
            async pull(controller) {
              await new Promise((resolve) => setTimeout(resolve, 60))
              controller.enqueue(new TextEncoder().encode("late"))
              controller.close()
            }
          }),
          { status: 200 }
        )
      )
      const response = yield* get(fetch, 30).pipe(Effect.locally(HttpLimits.streamed, true))
      // read past the deadline: the timer ended with the headers
      assert.strictEqual(yield* response.text, "late")
      assert.isFalse(signals[0]!.aborted)
      assert.deepStrictEqual(getEventListeners(signals[0]!, "abort"), [])
      ;(response as unknown as { close: () => void }).close()
      assert.isTrue(signals[0]!.aborted)
    }))

  it.live("a redirect is not followed: the call fails, and the redirect's target is never asked for", () =>
    Effect.gen(function*() {
      const asked: Array<string> = []
      const server = Http.createServer((request, response) => {
        asked.push(`${request.method} ${request.url}`)
        if (request.url === "/sms") response.writeHead(302, { location: "/elsewhere" }).end()
        else response.writeHead(200, { "content-type": "application/json" }).end(`{"moved":true}`)
      })
      yield* Effect.acquireRelease(
        Effect.promise(() => new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))),
        () => Effect.promise(() => new Promise((resolve) => server.close(resolve)))
      )
      const { port } = server.address() as AddressInfo
      const client = FetchClient.make(globalThis.fetch)
      const exit = yield* Effect.exit(client.post(`http://127.0.0.1:${port}/sms`, { body: HttpBody.text("{}") }))
      assert.isDefined(requestCause(exit))
      const streamed = yield* Effect.exit(
        client.get(`http://127.0.0.1:${port}/sms`).pipe(Effect.locally(HttpLimits.streamed, true))
      )
      assert.isDefined(requestCause(streamed))
      assert.deepStrictEqual(asked, ["POST /sms", "GET /sms"])
    }).pipe(Effect.scoped))
})
