import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Layer from "effect/Layer"

/**
 * Node's own `http` module with a keep-alive agent: on Node it costs less than half of what
 * `fetch` does per call, and reuses connections to the API.
 *
 * @internal
 */
export const layer = NodeHttpClient.layerWithoutAgent.pipe(
  Layer.provide(NodeHttpClient.makeAgentLayer({ keepAlive: true }))
)
