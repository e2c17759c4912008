/**
 * @since 0.1.0
 */

/**
 * A stateful local simulator of the SMS.CX API.
 * @since 0.1.0
 */
export * as Sandbox from "./Sandbox.js"
