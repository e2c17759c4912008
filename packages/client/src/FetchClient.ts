/**
 * The SDK's `fetch`-based HTTP client: the default where Node's `http` module is not there (Bun,
 * Deno, edge runtimes, browsers), and what to give `SmsCx.layerWithoutHttpClient` to send
 * through a `fetch` of your own (a proxy-aware one, or the sandbox's in-process one).
 *
 * Like the Node client it reads answers whole (up to the transport's `maxResponseBytes`),
 * enforces the transport's deadline itself (with one timer per request), and leaves spans to
 * the transport, which spans each operation. The same module as `@smscx/transport/FetchClient`,
 * where it lives next to the protocol it implements.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as FetchClient from "@smscx/transport/FetchClient"
import type * as Layer from "effect/Layer"

/**
 * The client over a given `fetch`.
 * @since 0.1.0
 * @category constructors
 */
export const make: (fetch: typeof globalThis.fetch) => HttpClient.HttpClient = FetchClient.make

/**
 * The client over the `fetch` in the context (`FetchHttpClient.Fetch` of `@effect/platform`),
 * or the global one.
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = FetchClient.layer

/**
 * The client over the given `fetch`.
 * @since 0.1.0
 * @category layers
 */
export const layerWith: (fetch: typeof globalThis.fetch) => Layer.Layer<HttpClient.HttpClient> = FetchClient.layerWith
