/**
 * `fetch`, where Node's `http` module is not there (Bun, Deno, edge runtimes, browsers).
 *
 * @internal
 */
export { layer } from "../FetchClient.js"
