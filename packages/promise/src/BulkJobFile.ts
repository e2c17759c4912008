/**
 * A bulk job's checkpoints in a local file, for `client.bulk.job(jobId, { store })`: one
 * append-only file a job in `directory`, each entry flushed to the disk before the job goes on, so
 * that a run again after a crash (`kill -9` included) resumes where the last one stopped. One
 * process works on a job at a time. Node.js only (it reads and writes files); not in the barrel.
 *
 * The store comes from this package, not from `@smscx/client/BulkJobFile`: `@smscx/promise`
 * carries its own copy of Effect, and its client takes a store made with that copy.
 *
 * @example
 * ```ts
 * import { SmsCx } from "@smscx/promise"
 * import * as BulkJobFile from "@smscx/promise/BulkJobFile"
 *
 * const client = new SmsCx({ apiKey: process.env.SMSCX_API_KEY })
 * const job = client.bulk.job("spring-sale", { store: BulkJobFile.store({ directory: "./jobs" }) })
 * const outcome = await job.sms(["+14155550123"], { from: "InfoText", text: "Sale today" })
 * ```
 *
 * @since 0.4.0
 */
/**
 * `store({ directory })`: a bulk job's checkpoints in `<directory>/<jobId>.jsonl` (the directory
 * is made if missing). A line torn by a crash is dropped; a file that is not a job's record, or is
 * another job's or format version's, is refused with a `BulkJobError`.
 *
 * @since 0.4.0
 */
export { type Options, store } from "@smscx/client/BulkJobFile"
