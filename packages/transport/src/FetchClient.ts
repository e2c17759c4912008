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
import { concat, makeClient, requestError, StreamedResponse, streamError } from "./internal/bufferedClient.js"

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
 * Starts one request through `fetch` with one controller, aborted by the caller or by our own
 * timer (not a second one of tryPromise's per call). Not AbortSignal.timeout + AbortSignal.any:
 * on Node 20 the timeout signal can be garbage collected before it fires, and the deadline never
 * comes. `within` races a step against the abort, so that a fetch that does not honour its signal
 * (a test double, a wrapper) still ends on time; `end` clears the timer.
 */
const start = (fetch: typeof globalThis.fetch, outgoing: Outgoing, timeoutMs: number | undefined) => {
  const controller = new AbortController()
  const timer = timeoutMs === undefined
    ? undefined
    : setTimeout(() => controller.abort(new HttpTimeout.TimeoutCause(Duration.millis(timeoutMs))), timeoutMs)
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true })
  })
  aborted.catch(() => {})
  const { body, headers, method } = outgoing
  // spelled out, not a spread of an optional body: on Node 20 a spread among other properties
  // takes V8's slow path (~2 us)
  const response = fetch(
    outgoing.target.url,
    body === undefined
      ? { method, headers, signal: controller.signal }
      : { method, headers, body: body as BodyInit, signal: controller.signal }
  )
  // methods, not properties: no function named per request in the test and benchmark runs (tsx)
  return {
    controller,
    response: Promise.race([response, aborted]),
    within<A>(step: Promise<A>) {
      return Promise.race([step, aborted])
    },
    end() {
      if (timer !== undefined) clearTimeout(timer)
    },
    /** What aborted the request, rather than the fetch's AbortError. */
    causeOf(error: unknown) {
      return controller.signal.aborted ? controller.signal.reason : error
    }
  }
}

/** One request, its answer read whole (up to the limit); the deadline covers the whole answer. */
const exchange = (fetch: typeof globalThis.fetch): Exchange => (outgoing, timeoutMs, limit, answered, failed) => {
  const started = start(fetch, outgoing, timeoutMs)
  let done = false
  started.response
    .then(async (response) => {
      const bytes = await started.within(readLimited(response, limit))
      if (bytes === undefined) throw new HttpLimits.ResponseTooLargeCause(limit)
      return [response, bytes] as const
    })
    .then(
      ([response, bytes]) => {
        started.end()
        if (done) return
        done = true
        answered(response.status, () => Headers.fromInput(response.headers), bytes)
      },
      (error) => {
        started.end()
        if (done) return
        done = true
        failed(started.causeOf(error))
      }
    )
  return () => {
    if (done) return
    done = true
    started.end()
    started.controller.abort()
  }
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
    const started = start(fetch, outgoing, timeoutMs)
    started.response.then(
      (response) => {
        started.end()
        let streamedResponse: StreamedResponse | undefined = undefined
        const onError = streamError(request, () => streamedResponse!)
        const body = response.body
        streamedResponse = new StreamedResponse(
          request,
          response.status,
          Headers.fromInput(response.headers),
          body === null ? Stream.empty : Stream.fromReadableStream(() => body, onError),
          () => started.controller.abort(),
          limit
        )
        resume(Effect.succeed(streamedResponse))
      },
      (error) => {
        started.end()
        resume(Effect.fail(requestError(request, "Transport", started.causeOf(error))))
      }
    )
    return Effect.sync(() => {
      started.end()
      started.controller.abort()
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
