/**
 * The Promise facade of the SMS.CX SDK: `import { SmsCx } from "@smscx/promise"`.
 *
 * @module @smscx/promise
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export {
  type CallOptions,
  type FileStream,
  type GroupsOf,
  type LogLevelName,
  type Method,
  type Options,
  type Paginated,
  SmsCx,
  type Streamed
} from "./SmsCx.js"

/**
 * @since 0.1.0
 */
export {
  type Client,
  ClientBase,
  createClient,
  type Groups,
  type LogFunction,
  type LoggerObject,
  type SpanTracer
} from "./Client.js"

/**
 * @since 0.1.0
 */
export * from "@smscx/core/Errors"

/**
 * @since 0.1.0
 */
export { Generated } from "@smscx/core"

/**
 * The request and answer type of each operation, by name: `SendSmsRequest`, `SendSmsResponse`, ...
 * @since 0.3.0
 */
export type * from "@smscx/core/Models"

/**
 * @since 0.1.0
 */
export { parseWebhook, WebhookDecodeError, type WebhookKind, type WebhookPayload } from "./Webhooks.js"

/**
 * @since 0.2.0
 */
export * as Bulk from "./Bulk.js"

/**
 * What a bulk send that ended early rejects with: its `cause`, and the `outcome` of what was sent.
 * @since 0.2.0
 */
export { BulkSendError } from "./Bulk.js"
