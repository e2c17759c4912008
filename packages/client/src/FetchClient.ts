/**
 * The SDK's `fetch`-based HTTP client: the default where Node's `http` module is not there (Bun,
 * Deno, edge runtimes, browsers), and what to give `SmsCx.layerWithoutHttpClient` to send
 * through a `fetch` of your own (a proxy-aware one, or the sandbox's in-process one).
 *
 * Like the Node client it reads answers whole, enforces the transport's deadline itself (with
 * `AbortSignal.timeout`), and leaves spans to the transport, which spans each operation.
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as UrlParams from "@effect/platform/UrlParams"
import { HttpTimeout } from "@smscx/transport"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { bodyOf, BufferedResponse, makeClient, requestError } from "./internal/bufferedClient.js"

const send = (
  fetch: typeof globalThis.fetch,
  request: HttpClientRequest.HttpClientRequest,
  deadline: Option.Option<Duration.Duration>
) => {
  const url = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
  if (url._tag === "Left") return Effect.fail(requestError(request, "InvalidUrl", url.left))
  const body = bodyOf(request)
  if (body === null) return Effect.fail(requestError(request, "Encode", `unsupported body ${request.body._tag}`))
  const headers: Record<string, string> = { ...request.headers }
  if (body !== undefined && request.body.contentType !== undefined) headers["content-type"] ??= request.body.contentType
  return Effect.tryPromise({
    // `interrupted` aborts when the call is interrupted; the deadline adds its own timer
    try: async (interrupted) => {
      const signal = Option.isSome(deadline)
        ? AbortSignal.any([interrupted, AbortSignal.timeout(Duration.toMillis(deadline.value))])
        : interrupted
      const response = await fetch(url.right, {
        method: request.method,
        headers,
        ...(body === undefined ? {} : { body: body as BodyInit }),
        signal
      })
      const bytes = new Uint8Array(await response.arrayBuffer())
      return new BufferedResponse(request, response.status, () => Headers.fromInput(response.headers), bytes)
    },
    catch: (cause) =>
      requestError(
        request,
        "Transport",
        cause instanceof DOMException && cause.name === "TimeoutError" && Option.isSome(deadline)
          ? new HttpTimeout.TimeoutCause(deadline.value)
          : cause
      )
  })
}

/**
 * The client over a given `fetch`.
 * @since 0.1.0
 * @category constructors
 */
export const make = (fetch: typeof globalThis.fetch): HttpClient.HttpClient =>
  makeClient((request, deadline) => send(fetch, request, deadline))

/**
 * The client over the `fetch` in the context (`FetchHttpClient.Fetch` of `@effect/platform`),
 * or the global one.
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = Layer.effect(
  HttpClient.HttpClient,
  Effect.map(Effect.serviceOption(FetchHttpClient.Fetch), (fetch) => make(Option.getOrElse(fetch, () => globalThis.fetch)))
)

/**
 * The client over the given `fetch`.
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (fetch: typeof globalThis.fetch): Layer.Layer<HttpClient.HttpClient> =>
  Layer.succeed(HttpClient.HttpClient, make(fetch))
