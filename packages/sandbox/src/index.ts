/**
 * A stateful local simulator of the SMS.CX API, for tests and examples.
 *
 * @module @smscx/sandbox
 * @since 0.1.0
 */

/**
 * A stateful local simulator of the SMS.CX API.
 * @since 0.1.0
 */
export * as Sandbox from "./Sandbox.js"
