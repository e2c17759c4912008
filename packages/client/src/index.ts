/**
 * The Effect services of the SMS.CX API: `import { Sms, SmsCx } from "@smscx/client"`.
 *
 * @module @smscx/client
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as ApiService from "./ApiService.js"

/**
 * The service tag of every API group (`Sms`, `Numbers`, `Otp`, ...).
 * @since 0.1.0
 */
export * from "./Services.js"

/**
 * The SDK's `fetch`-based HTTP client.
 * @since 0.1.0
 */
export * as FetchClient from "./FetchClient.js"

/**
 * @since 0.1.0
 */
export * as SmsCx from "./SmsCx.js"

/**
 * Bulk sending: chunked, paced, safely retried sends to any number of recipients.
 * @since 0.2.0
 */
export * as Bulk from "./Bulk.js"

/**
 * When bulk sends may send their next request (in-process, or shared through `RedisPacing`).
 * @since 0.2.0
 */
export * as Pacing from "./Pacing.js"

/**
 * Bulk jobs: bulk sends named by a job id, checkpointed, resumed after a crash without sending
 * any recipient twice.
 * @since 0.4.0
 */
export * as BulkJob from "./BulkJob.js"

/**
 * Where bulk jobs keep their checkpoints (in memory here; `@smscx/client/BulkJobFile` for a file).
 * @since 0.4.0
 */
export * as BulkJobStore from "./BulkJobStore.js"

/**
 * @since 0.1.0
 */
export * from "@smscx/core/Errors"

/**
 * @since 0.1.0
 */
export { Transport } from "@smscx/transport"

/**
 * @since 0.1.0
 */
export { Api, Generated, Operation } from "@smscx/core"

/**
 * The request and answer type of each operation, by name: `SendSmsRequest`, `SendSmsResponse`, ...
 * @since 0.3.0
 */
export type * from "@smscx/core/Models"
