/**
 * The SDK's `fetch`-based HTTP client: the default where Node's `http` module is not there (Bun,
 * Deno, edge runtimes, browsers), and what to give `SmsCx.layerWithoutHttpClient` to send
 * through a `fetch` of your own (a proxy-aware one, or the sandbox's in-process one).
 *
 * Like the Node client it reads answers whole (up to the transport's `maxResponseBytes`),
 * enforces the transport's deadline itself (with one timer per request), and leaves spans to
 * the transport, which spans each operation.
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as HttpLimits from "./HttpLimits.js"
import * as HttpTimeout from "./HttpTimeout.js"
import type { Exchange, Outgoing } from "./internal/bufferedClient.js"
import { concat, Ending, makeClient, requestError, StreamedResponse, streamError } from "./internal/bufferedClient.js"

/** Reads a body up to `limit` bytes; past it, stops reading and gives undefined. */
const readLimited = async (response: Response, limit: number): Promise<Uint8Array | undefined> => {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN)
  if (declared > limit) {
    await response.body?.cancel().catch(() => {})
    return undefined
  }
  if (response.body === null) return new Uint8Array(0)
  // a declared length within the limit, of bytes as sent (not decompressed): the connection's
  // framing bounds the body, which is read whole at once rather than chunk by chunk
  if (declared <= limit && !response.headers.has("content-encoding")) {
    return new Uint8Array(await response.arrayBuffer())
  }
  const reader = response.body.getReader()
  const chunks: Array<Uint8Array> = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => {})
      return undefined
    }
    chunks.push(value)
  }
  return concat(chunks, size)
}

/**
 * One request through `fetch` with a controller of its own, ended once: by its answer, its
 * failure, its deadline (one timer) or its caller; `failed` is called at most once, never after
 * `cancel`. The deadline and the caller end it themselves, then abort the request: so a fetch
 * that does not honour its signal (a test double, a wrapper) still ends on time, and nothing
 * listens on the signal. undici keeps a request's signal reachable after the request (a
 * finalization registry holds it until a full GC): a listener on it, or a promise raced against
 * it, would keep each finished call's whole graph alive through every scavenge, and have it
 * promoted. Not AbortSignal.timeout + AbortSignal.any either: on Node 20 the timeout signal can
 * be garbage collected before it fires, and the deadline never comes.
 *
 * A class with a module-level timer callback, not closures: no function is named per request in
 * the test and benchmark runs (tsx).
 */
class Pending extends Ending {
  readonly controller = new AbortController()

  constructor(readonly timeoutMs: number | undefined, readonly failed: (cause: unknown) => void) {
    super()
  }

  /** Sends the request (what `fetch` throws escapes to the caller), and starts the deadline. */
  send(fetch: typeof globalThis.fetch, outgoing: Outgoing): Promise<Response> {
    const { body, headers, method } = outgoing
    // spelled out, not a spread of an optional body: on Node 20 a spread among other properties
    // takes V8's slow path (~2 us). A redirect is never followed, as the Node client never
    // follows one (the API does not redirect; following would resend a POST as a GET): "error",
    // not "manual", as only then does fetch not copy each request (its body teed) before sending
    const response = fetch(
      outgoing.target.url,
      body === undefined
        ? { method, headers, signal: this.controller.signal, redirect: "error" }
        : { method, headers, body: body as BodyInit, signal: this.controller.signal, redirect: "error" }
    )
    if (this.timeoutMs !== undefined) this.timer = setTimeout(timedOut, this.timeoutMs, this)
    return response
  }

  fail(cause: unknown) {
    if (this.end()) this.failed(cause)
  }

  /** The deadline: the request is aborted with the `TimeoutCause` as its reason, and fails with it. */
  timeOut() {
    if (!this.end()) return
    const cause = new HttpTimeout.TimeoutCause(Duration.millis(this.timeoutMs!))
    this.controller.abort(cause)
    this.failed(cause)
  }

  cancel() {
    if (this.end()) this.controller.abort()
  }
}

const timedOut = (pending: Pending) => pending.timeOut()

/** One request, its answer read whole (up to the limit); the deadline covers the whole answer. */
const exchange = (fetch: typeof globalThis.fetch): Exchange => (outgoing, timeoutMs, limit, answered, failed) => {
  const pending = new Pending(timeoutMs, failed)
  pending.send(fetch, outgoing).then(
    (response) => {
      // cancelled or timed out: the abort ends the body too
      if (pending.done) return
      readLimited(response, limit).then(
        (bytes) => {
          if (bytes === undefined) return pending.fail(new HttpLimits.ResponseTooLargeCause(limit))
          if (pending.end()) answered(response.status, () => Headers.fromInput(response.headers), bytes)
        },
        (error) => pending.fail(error)
      )
    },
    (error) => pending.fail(error)
  )
  return () => pending.cancel()
}

/** A request whose answer is streamed: the deadline covers the wait for its headers; the body is read at the caller's pace. */
const sendStreamed = (
  fetch: typeof globalThis.fetch,
  request: HttpClientRequest.HttpClientRequest,
  outgoing: Outgoing,
  timeoutMs: number | undefined,
  limit: number
) =>
  Effect.async<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>((resume) => {
    const pending = new Pending(
      timeoutMs,
      (cause) => resume(Effect.fail(requestError(request, "Transport", cause)))
    )
    pending.send(fetch, outgoing).then(
      (response) => {
        if (!pending.end()) return
        let streamedResponse: StreamedResponse | undefined = undefined
        const onError = streamError(request, () => streamedResponse!)
        const body = response.body
        streamedResponse = new StreamedResponse(
          request,
          response.status,
          Headers.fromInput(response.headers),
          body === null ? Stream.empty : Stream.fromReadableStream(() => body, onError),
          () => pending.controller.abort(),
          limit
        )
        resume(Effect.succeed(streamedResponse))
      },
      (error) => pending.fail(error)
    )
    // aborted even once answered: an interruption may come before the answer is taken up
    return Effect.sync(() => {
      pending.end()
      pending.controller.abort()
    })
  })

/**
 * The client over a given `fetch`.
 * @since 0.1.0
 * @category constructors
 */
export const make = (fetch: typeof globalThis.fetch): HttpClient.HttpClient =>
  makeClient(
    exchange(fetch),
    (request, outgoing, timeoutMs, limit) => sendStreamed(fetch, request, outgoing, timeoutMs, limit)
  )

/**
 * The client over the `fetch` in the context (`FetchHttpClient.Fetch` of `@effect/platform`),
 * or the global one.
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = /*#__PURE__*/ Layer.effect(
  HttpClient.HttpClient,
  /*#__PURE__*/ Effect.map(
    /*#__PURE__*/ Effect.serviceOption(FetchHttpClient.Fetch),
    (fetch) => make(Option.getOrElse(fetch, () => globalThis.fetch))
  )
)

/**
 * The client over the given `fetch`.
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (fetch: typeof globalThis.fetch): Layer.Layer<HttpClient.HttpClient> =>
  Layer.succeed(HttpClient.HttpClient, make(fetch))
