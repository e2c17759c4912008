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
import * as UrlParams from "@effect/platform/UrlParams"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as HttpLimits from "./HttpLimits.js"
import * as HttpTimeout from "./HttpTimeout.js"
import {
  bodyOf,
  BufferedResponse,
  concat,
  makeClient,
  requestError,
  StreamedResponse,
  streamError
} from "./internal/bufferedClient.js"

/** Reads a body up to `limit` bytes; past it, stops reading and gives undefined. */
const readLimited = async (response: Response, limit: number): Promise<Uint8Array | undefined> => {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN)
  if (declared > limit) {
    await response.body?.cancel().catch(() => {})
    return undefined
  }
  if (response.body === null) return new Uint8Array(0)
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

const send = (
  fetch: typeof globalThis.fetch,
  request: HttpClientRequest.HttpClientRequest,
  deadline: Option.Option<Duration.Duration>,
  limit: number,
  streamed: boolean
) => {
  const url = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
  if (url._tag === "Left") return Effect.fail(requestError(request, "InvalidUrl", url.left))
  const body = bodyOf(request)
  if (body === null) return Effect.fail(requestError(request, "Encode", `unsupported body ${request.body._tag}`))
  // fetch copies the headers it is given: a copy of ours only when the body adds its type
  const contentType = body === undefined ? undefined : request.body.contentType
  const headers: Record<string, string> = contentType === undefined || request.headers["content-type"] !== undefined
    ? request.headers
    : { ...request.headers, "content-type": contentType }
  // One controller, aborted by the call's interruption or by our own timer (not a second one of
  // tryPromise's per call). Not AbortSignal.timeout + AbortSignal.any: on Node 20 the timeout
  // signal can be garbage collected before it fires, and the deadline never comes.
  const exchange = async (controller: AbortController) => {
    const timer = Option.isSome(deadline)
      ? setTimeout(
        () => controller.abort(new HttpTimeout.TimeoutCause(deadline.value)),
        Duration.toMillis(deadline.value)
      )
      : undefined
    // a fetch that does not honour its signal (a test double, a wrapper) still ends on time
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true })
    })
    aborted.catch(() => {})
    try {
      const response = await Promise.race([
        // spelled out, not a spread of an optional body: on Node 20 a spread among other
        // properties takes V8's slow path (~2 us)
        fetch(
          url.right,
          body === undefined
            ? { method: request.method, headers, signal: controller.signal }
            : { method: request.method, headers, body: body as BodyInit, signal: controller.signal }
        ),
        aborted
      ])
      if (streamed) {
        // the deadline covered the wait for the headers; the body is read at the caller's pace
        if (timer !== undefined) clearTimeout(timer)
        let streamedResponse: StreamedResponse | undefined = undefined
        const onError = streamError(request, () => streamedResponse!)
        const body = response.body
        streamedResponse = new StreamedResponse(
          request,
          response.status,
          Headers.fromInput(response.headers),
          body === null ? Stream.empty : Stream.fromReadableStream(() => body, onError),
          () => controller.abort(),
          limit
        )
        return streamedResponse
      }
      // the deadline covers the whole answer, not only its headers
      const bytes = await Promise.race([readLimited(response, limit), aborted])
      if (bytes === undefined) throw new HttpLimits.ResponseTooLargeCause(limit)
      return new BufferedResponse(request, response.status, () => Headers.fromInput(response.headers), bytes)
    } catch (error) {
      // what aborted the request, rather than the fetch's AbortError
      throw controller.signal.aborted ? controller.signal.reason : error
    } finally {
      if (timer !== undefined) clearTimeout(timer)
    }
  }
  return Effect.async<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>((resume) => {
    const controller = new AbortController()
    exchange(controller).then(
      (response) => resume(Effect.succeed(response)),
      (cause) => resume(Effect.fail(requestError(request, "Transport", cause)))
    )
    return Effect.sync(() => controller.abort())
  })
}

/**
 * The client over a given `fetch`.
 * @since 0.1.0
 * @category constructors
 */
export const make = (fetch: typeof globalThis.fetch): HttpClient.HttpClient =>
  makeClient((request, deadline, limit, streamed) => send(fetch, request, deadline, limit, streamed))

/**
 * The client over the `fetch` in the context (`FetchHttpClient.Fetch` of `@effect/platform`),
 * or the global one.
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = Layer.effect(
  HttpClient.HttpClient,
  Effect.map(
    Effect.serviceOption(FetchHttpClient.Fetch),
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
