/**
 * Bulk jobs in Redis, for Promise users: a job's checkpoints readable from any process, and many
 * workers on one job. Install `ioredis` to use it; Node.js only, not in the barrel.
 *
 * `worker(options)` gives a worker's `store` and chunk `queue` (a Redis Streams consumer group)
 * over one connection: start the same job (`client.bulk.job(jobId, { store, queue })`, the same
 * recipients and message) in any number of processes and they share its chunks; the chunks of a
 * worker that dies are taken by another once idle for `lease` and sent again with the same
 * idempotency ids, which the API replays. A complete job's keys expire after `retain`. `open(options)`
 * gives the store alone, for one process at a time and for reading a job's status elsewhere.
 * `close()` ends the connection. A command unanswered within `timeout` (milliseconds, default
 * 2,000) fails the run with a `BulkJobError` (reason `Store`), whether Redis is out of reach or
 * frozen. These are this package's own (made with the copy of Effect inlined in it), which its
 * client takes; `@smscx/client/BulkJobRedis` is for `@smscx/client`.
 *
 * @example
 * ```ts
 * import { SmsCx } from "@smscx/promise"
 * import * as BulkJobRedis from "@smscx/promise/BulkJobRedis"
 *
 * const client = new SmsCx({ apiKey: process.env.SMSCX_API_KEY })
 * const redis = BulkJobRedis.worker({ host: "127.0.0.1", port: 6379, lease: 10_000 })
 * try {
 *   const job = client.bulk.job("spring-sale", { store: redis.store, queue: redis.queue })
 *   const outcome = await job.sms(["+14155550123"], { from: "InfoText", text: "Sale today" }) // the whole job's
 * } finally {
 *   await redis.close()
 * }
 * ```
 *
 * @since 0.4.0
 */
import type * as BulkJobQueue from "@smscx/client/BulkJobQueue"
import * as ClientBulkJobRedis from "@smscx/client/BulkJobRedis"
import type * as BulkJobStore from "@smscx/client/BulkJobStore"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import { type Connection, withDurations } from "./internal/redisOptions.js"

/**
 * Where Redis is, and the store's own options.
 * @since 0.4.0
 * @category models
 */
export interface Options extends Connection {
  /** Prefix of the Redis keys. Default `smscx:job:`. */
  readonly prefix?: string
  /** Milliseconds a command may wait for Redis, connecting included. Default 2,000. */
  readonly timeout?: number
  /** Milliseconds closing waits for Redis to acknowledge `QUIT` before dropping it. Default 1,000. */
  readonly closeTimeout?: number
  /** Milliseconds a worker holds a chunk unrenewed (`worker` only): a dead worker's are taken after it. Default 30,000. */
  readonly lease?: number
  /** Milliseconds a complete job's keys are kept before Redis deletes them. Default 30 days. */
  readonly retain?: number
}

/**
 * A store over a connection of its own, and `close()` to end it.
 * @since 0.4.0
 * @category models
 */
export interface Store {
  readonly store: BulkJobStore.Service
  readonly close: () => Promise<void>
}

/**
 * A worker's store and chunk queue over one connection, and `close()` to end it.
 * @since 0.4.0
 * @category models
 */
export interface Worker extends Store {
  readonly queue: BulkJobQueue.Service
}

const durations = ["timeout", "closeTimeout", "lease", "retain"] as const

/**
 * A worker: its store and queue (connecting in the background). Throws an `InvalidOptionsError`
 * for a duration that is not a count of milliseconds, before anything connects.
 * @since 0.4.0
 * @category constructors
 */
export const worker = (options: Options = {}): Worker => ClientBulkJobRedis.worker(withDurations(options, durations))

/**
 * The store alone (connecting in the background). Throws an `InvalidOptionsError` for a duration
 * that is not a count of milliseconds, before anything connects.
 * @since 0.4.0
 * @category constructors
 */
export const open = (options: Options = {}): Store => {
  const made = withDurations(options, durations)
  const scope = Effect.runSync(Scope.make())
  const store = Effect.runSync(Scope.extend(ClientBulkJobRedis.make(made), scope))
  let closing: Promise<void> | undefined
  return { store, close: () => (closing ??= Effect.runPromise(Scope.close(scope, Exit.void))) }
}
