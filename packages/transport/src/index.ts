/**
 * The HTTP layer every API group uses: authentication, validation, retries, deadlines, decoding.
 *
 * @module @smscx/transport
 * @since 0.1.0
 */

/**
 * When the SDK retries, and only when that is safe: 429s after `X-Rate-Limit-Reset`; 5xx, 408,
 * resets and timeouts with backoff, for requests that cannot be performed twice.
 * @since 0.1.0
 */
export * as RetryPolicy from "./RetryPolicy.js"

/**
 * The HTTP layer every API group uses.
 * @since 0.1.0
 */
export * as Transport from "./Transport.js"

/**
 * The per-attempt deadline, for HTTP clients that enforce it themselves.
 * @since 0.1.0
 */
export * as HttpTimeout from "./HttpTimeout.js"

/**
 * The largest answer accepted, for HTTP clients that read answers themselves.
 * @since 0.1.0
 */
export * as HttpLimits from "./HttpLimits.js"

/**
 * The SDK's `fetch`-based HTTP client (Node's `http` one is `@smscx/transport/NodeHttpClient`,
 * by its path: the package root stays free of `node:` modules).
 * @since 0.4.0
 */
export * as FetchClient from "./FetchClient.js"
