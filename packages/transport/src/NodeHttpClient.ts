/**
 * The SDK's default HTTP client on Node: Node's `http`/`https` modules with keep-alive agents,
 * answers read whole (up to `maxResponseBytes`), the transport's deadline enforced with one timer.
 * `layerWith` sends through agents of your own: a proxy agent (e.g. `https-proxy-agent`), other
 * pool sizes, client certificates. Import it by its path (`@smscx/transport/NodeHttpClient`): the
 * package root stays free of `node:` modules for browser and edge bundles.
 *
 * @example
 * ```ts
 * import { SmsCx } from "@smscx/client"
 * import * as NodeHttpClient from "@smscx/transport/NodeHttpClient"
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
import type * as Layer from "effect/Layer"
import type * as Http from "node:http"
import type * as Https from "node:https"
import * as Internal from "./internal/nodeHttpClient.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** For `http:` base URLs (a local sandbox). Yours: the layer does not destroy it. */
  readonly httpAgent?: Http.Agent
  /** For `https:` base URLs (the API). Yours: the layer does not destroy it. */
  readonly httpsAgent?: Https.Agent
}

/**
 * With keep-alive agents of its own, destroyed with the layer (what `SmsCx.layer` uses on Node).
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = Internal.layer

/**
 * Through the agents you give (the others made as in `layer`).
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (options: Options): Layer.Layer<HttpClient.HttpClient> => Internal.layerWith(options)
