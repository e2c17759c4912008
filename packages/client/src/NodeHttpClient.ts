/**
 * The SDK's default HTTP client on Node: Node's `http`/`https` modules with keep-alive agents,
 * answers read whole (up to `maxResponseBytes`), the transport's deadline enforced with one timer.
 * `layerWith` sends through agents of your own: a proxy agent (e.g. `https-proxy-agent`), other
 * pool sizes, client certificates. Import it by its path (`@smscx/client/NodeHttpClient`): the
 * package root stays free of `node:` modules for browser and edge bundles. The same module as
 * `@smscx/transport/NodeHttpClient`, where it lives next to the protocol it implements.
 *
 * @example
 * ```ts
 * import { SmsCx } from "@smscx/client"
 * import * as NodeHttpClient from "@smscx/client/NodeHttpClient"
 * import { HttpsProxyAgent } from "https-proxy-agent"
 * import { Layer } from "effect"
 *
 * const layer = SmsCx.layerWithoutHttpClient({ apiKey }).pipe(
 *   Layer.provide(NodeHttpClient.layerWith({ httpsAgent: new HttpsProxyAgent("http://proxy:3128") }))
 * )
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@smscx/transport/NodeHttpClient"
import type * as Layer from "effect/Layer"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options extends NodeHttpClient.Options {}

/**
 * With keep-alive agents of its own, destroyed with the layer (what `SmsCx.layer` uses on Node).
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = NodeHttpClient.layer

/**
 * Through the agents you give (the others made as in `layer`).
 * @since 0.1.0
 * @category layers
 */
export const layerWith: (options: Options) => Layer.Layer<HttpClient.HttpClient> = NodeHttpClient.layerWith
