/**
 * Webhooks for code that does not use Effect: `parseWebhook(kind, body)` reads a callback the
 * SMS.CX API POSTed to your endpoint into its typed payload, or throws a `WebhookDecodeError`.
 *
 * **The API signs nothing**: there is no signature header to verify, so anyone who learns the
 * URL can POST to it. Protect the endpoint yourself: put a long random secret in the callback URL
 * (a path segment; or a header, where something in front of your server adds one) and compare it
 * with `crypto.timingSafeEqual`; use HTTPS only; cap the body size; answer 2xx at once and
 * process the payload afterwards, so that the API is never kept waiting.
 * `examples/webhooks/receive.ts` does all of that.
 *
 * @example
 * ```ts
 * import { parseWebhook, WebhookDecodeError } from "@smscx/promise"
 * import { createServer } from "node:http"
 *
 * createServer(async (req, res) => {
 *   // check the secret path first, and cap the body size (see examples/webhooks/receive.ts)
 *   const chunks: Array<Buffer> = []
 *   for await (const chunk of req) chunks.push(chunk)
 *   try {
 *     const payload = parseWebhook("dlr_update", Buffer.concat(chunks))
 *     res.writeHead(200).end() // answer first, process afterwards
 *     setImmediate(() => payload.data.forEach((d) => console.log(d.msgId, d.status)))
 *   } catch (err) {
 *     if (err instanceof WebhookDecodeError) res.writeHead(400).end(err.message)
 *     else throw err
 *   }
 * }).listen(8080)
 * ```
 *
 * @since 0.1.0
 */
import * as Webhooks from "@smscx/core/Webhooks"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"

/**
 * @since 0.1.0
 * @category errors
 */
export { WebhookDecodeError } from "@smscx/core/Webhooks"

/**
 * A kind of callback: `"dlr_update"`, `"receive_sms"`, ..., `"otp_update"`.
 * @since 0.1.0
 * @category models
 */
export type WebhookKind = Webhooks.Kind

/**
 * The payload of a kind of callback; of any kind when none is given (discriminated by `event`).
 * @since 0.1.0
 * @category models
 */
export type WebhookPayload<K extends Webhooks.Kind = Webhooks.Kind> = Webhooks.PayloadOf<K>

const run = <A>(effect: Effect.Effect<A, Webhooks.WebhookDecodeError>): A => {
  const exit = Effect.runSyncExit(effect)
  if (Exit.isSuccess(exit)) return exit.value
  // the error itself, not a FiberFailure: `err instanceof WebhookDecodeError` holds
  throw Cause.squash(exit.cause)
}

/**
 * The kind a URL or path names by its last segment (`/hooks/<secret>/dlr_update`), if it does.
 */
const kindOfUrl = (url: string): Webhooks.Kind | undefined => {
  if (!URL.canParse(url, "http://localhost")) return undefined
  const segments = new URL(url, "http://localhost").pathname.split("/").filter((s) => s !== "")
  const last = segments[segments.length - 1]
  return Webhooks.isKind(last) ? last : undefined
}

/**
 * Reads a callback body into its typed payload.
 *
 * - `kindOrUrl`: the kind (`"dlr_update"`, ...: known from the URL you gave the API for it);
 *   `"auto"` to go by the body's `event`; or the request's URL or path, whose last segment
 *   names the kind (`/hooks/<secret>/dlr_update`), going by `event` when it names none.
 * - `body`: the raw request body (a string, or UTF-8 bytes such as a `Buffer`) or its parsed
 *   JSON.
 *
 * Unknown fields are kept, and an enum value the SDK does not know yet decodes as it is.
 * `otp_update` and `number_lookup` callbacks both say `event: "otp_update"`: with `"auto"`,
 * their items tell them apart (`lookupId`).
 *
 * @throws WebhookDecodeError when the body is not JSON, not an object, has an unknown `event`
 * or a field that does not fit (`message` names the field's path; `issues` lists them all).
 * @since 0.1.0
 * @category decoding
 */
export function parseWebhook<K extends Webhooks.Kind>(kind: K, body: unknown): Webhooks.PayloadOf<K>
export function parseWebhook(kindOrUrl: "auto" | (string & {}), body: unknown): Webhooks.Payload
export function parseWebhook(kindOrUrl: string, body: unknown): Webhooks.Payload {
  if (kindOrUrl === "auto") return run(Webhooks.decodeAny(body))
  if (typeof kindOrUrl === "string" && !Webhooks.isKind(kindOrUrl) && kindOrUrl.includes("/")) {
    const kind = kindOfUrl(kindOrUrl)
    return run(kind === undefined ? Webhooks.decodeAny(body) : Webhooks.decode(kind, body))
  }
  // not a kind either: the decode fails with a WebhookDecodeError naming the kinds
  return run(Webhooks.decode(kindOrUrl as Webhooks.Kind, body))
}
