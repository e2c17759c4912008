import * as FetchHttpClient from "@effect/platform/FetchHttpClient"

/**
 * `fetch`, where Node's `http` module is not there (Bun, Deno, edge runtimes, browsers).
 *
 * @internal
 */
export const layer = FetchHttpClient.layer
