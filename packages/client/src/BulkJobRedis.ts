/**
 * Bulk job checkpoints in Redis (a list a job, `<prefix><jobId>`): any process that reaches the
 * Redis reads a job's status and outcome, and a job stopped on one machine is resumed on another.
 * With `layer`, one process works on a job at a time; with `layerWorker`, any number do, sharing
 * its chunks through a queue (`BulkJobQueue`) that is a Redis Streams consumer group. The
 * checkpoints are as durable as the Redis is (its `appendonly` and `appendfsync` settings): an
 * entry is acknowledged once Redis has it. Once a job is complete its keys expire after `retain`
 * (default 30 days); run again after that, the job is unknown and starts afresh.
 *
 * Redis out of reach, or frozen, never holds a job up: a command that gets no answer within
 * `timeout` (default 2 seconds, connecting included) fails with a `BulkJobError` (reason `Store`)
 * saying why, and the job ends there (a chunk whose `done` was not written is sent again, with
 * its id, by the next run). Install `ioredis` to use it.
 *
 * Workers share a job through a Redis Streams consumer group (`<prefix><jobId>#chunks`, group
 * `workers`), built into Redis and reached through the `ioredis` connection the store already has.
 * A chunk is offered to the stream by the first worker to cut it (a Lua script adds it only if it
 * is the next chunk no one offered, writing its `begin` with it; a later offer is compared by
 * idempotency id, a different one is a `Mismatch`); workers take entries with `XREADGROUP`, so
 * each goes to one; a worker renews the entries it holds (`XCLAIM ... JUSTID`, only those still
 * its own) every third of `lease`, and takes a dead worker's once idle for `lease` (`XPENDING
 * IDLE` and `XCLAIM` in one script, which, unlike `XAUTOCLAIM`, lets a worker pass over the
 * entries that just failed in it). A chunk done is checkpointed, acknowledged and deleted in one
 * script, so the stream holds only the chunks waiting or in flight (about workers x concurrency):
 * no worker keeps another's chunks. Chosen over `@effect/experimental`'s `PersistedQueue` (its
 * Redis store turns Redis failures into defects, has no command timeout, so a frozen Redis hangs
 * it, polls once a second, and one of its scripts declares two keys but is passed three) and
 * BullMQ (a heavy dependency with a worker model of its own).
 *
 * @example
 * ```ts
 * const JobsLive = BulkJob.layer.pipe(Layer.provide(BulkJobRedis.layer({ host: "127.0.0.1", port: 6379 })))
 * // many workers on one job: the same in each process
 * const WorkerLive = BulkJob.layer.pipe(Layer.provide(BulkJobRedis.layerWorker({ host: "127.0.0.1", lease: "10 seconds" })))
 * ```
 *
 * @since 0.4.0
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import type { RedisOptions } from "ioredis"
import type * as Queue from "./BulkJobQueue.js"
import { BulkJobQueue } from "./BulkJobQueue.js"
import { BulkJobError, BulkJobStore, type Service } from "./BulkJobStore.js"
import { isCompleteEntry } from "./internal/bulk/checkpoint.js"
import { isJobId } from "./internal/bulk/jobIds.js"
import { makeQueue, queueCommands, queueKeys, type RedisWithQueue } from "./internal/bulk/redisQueue.js"
import { openConnection } from "./internal/redisConnection.js"
import { redisDefaults } from "./RedisPacing.js"

/**
 * Any `ioredis` option (they override `RedisPacing.redisDefaults`), and the store's own.
 * @since 0.4.0
 * @category models
 */
export interface Options extends RedisOptions {
  /** Prefix of the Redis keys. Default `smscx:job:`. */
  readonly prefix?: string
  /**
   * How long a command may wait for Redis (connecting included) before it fails with a
   * `BulkJobError`; also the default `connectTimeout` and `commandTimeout`. Default 2 seconds.
   */
  readonly timeout?: Duration.DurationInput
  /** How long closing waits for Redis to acknowledge `QUIT` before it drops the connection. Default 1 second. */
  readonly closeTimeout?: Duration.DurationInput
  /**
   * Workers (`layerWorker`): how long a worker holds a chunk unrenewed; a worker renews the chunks
   * it holds every third of it, and takes a dead worker's chunks once they have been idle that
   * long. Default 30 seconds.
   */
  readonly lease?: Duration.DurationInput
  /**
   * How long a complete job's keys are kept (its status and outcome readable, a run of it again
   * answered with its outcome) before Redis deletes them. Default 30 days.
   */
  readonly retain?: Duration.DurationInput
}

/** Writes the header of a job that has none, and returns the job's entries: one step in Redis. */
const OPEN_SCRIPT = `
if redis.call("LLEN", KEYS[1]) == 0 then redis.call("RPUSH", KEYS[1], ARGV[1]) end
return redis.call("LRANGE", KEYS[1], 0, -1)
`

/**
 * KEYS the list and the workers' queue keys (`#chunks`, `#offered`, `#ids`, `#aside`). Appends
 * entries and, with the job's `complete` among them (`ARGV[1]` > 0), lets the list expire in
 * `ARGV[1]` ms, and the queue's keys with it (left by workers whose job a single process ended).
 */
const APPEND_SCRIPT = `
for i = 2, #ARGV do redis.call("RPUSH", KEYS[1], ARGV[i]) end
if ARGV[1] ~= "0" then
  redis.call("PEXPIRE", KEYS[1], ARGV[1])
  redis.call("DEL", KEYS[2], KEYS[4], KEYS[5])
  if redis.call("EXISTS", KEYS[3]) == 1 then redis.call("SET", KEYS[3], "complete", "PX", ARGV[1]) end
end
return 0
`

interface RedisWithStore extends RedisWithQueue {
  smscxJobOpen(key: string, header: string): Promise<unknown>
  smscxJobAppend(...keysAndArgs: ReadonlyArray<string | number>): Promise<unknown>
}

const isEntries = (value: unknown): value is ReadonlyArray<string> =>
  Array.isArray(value) && value.every((entry) => typeof entry === "string")

/** The millis of a duration option, at least 1. */
const millisOf = (duration: Duration.DurationInput) => Math.max(1, Math.round(Duration.toMillis(duration)))

/** The store, and the commands the queue needs, over a connection of its own that closes with the scope. */
const connect = (options: Options) =>
  Effect.gen(function*() {
    const { closeTimeout, lease: _lease, prefix, retain, timeout, ...redisOptions } = options
    const keyPrefix = prefix ?? "smscx:job:"
    const retainMillis = millisOf(retain ?? Duration.days(30))
    const { lastError, limit, redis, where } = yield* openConnection<RedisWithStore>(redisOptions, {
      defaults: redisDefaults,
      timeout: timeout ?? Duration.seconds(2),
      closeTimeout: closeTimeout ?? Duration.seconds(1),
      commands: {
        smscxJobOpen: { lua: OPEN_SCRIPT, numberOfKeys: 1 },
        smscxJobAppend: { lua: APPEND_SCRIPT, numberOfKeys: 5 },
        ...queueCommands
      }
    })
    /** A command on job `jobId`'s keys, bounded by `timeout`; its failure a `BulkJobError` saying why. */
    const command = <A>(jobId: string, what: string, run: (key: string) => Promise<A>) =>
      Effect.suspend(() => {
        if (!isJobId(jobId)) {
          return Effect.fail(
            new BulkJobError({ reason: "InvalidJob", jobId: String(jobId).slice(0, 140), message: "not a job id" })
          )
        }
        const failed = (reason: string, cause?: unknown) => {
          const lastSeen = lastError() === undefined ? "" : `: ${lastError()}`
          const state = redis.status === "ready" ? reason : `is out of reach (${redis.status}${lastSeen})`
          // only the cause's message: an ioredis reply error carries the command it answered
          return new BulkJobError({
            reason: "Store",
            jobId,
            message: `bulk job ${jobId}: the checkpoint store (Redis at ${where}) ${state}, when it was to ${what}`,
            ...(cause instanceof Error ? { cause: new Error(cause.message) } : {})
          })
        }
        return Effect.tryPromise({
          try: () => run(`${keyPrefix}${jobId}`),
          catch: (cause) => failed(`failed: ${cause instanceof Error ? cause.message : String(cause)}`, cause)
        }).pipe(
          Effect.timeoutFail({
            duration: limit,
            onTimeout: () => failed(`did not answer within ${Duration.format(limit)}`)
          })
        )
      })
    const entriesOf = (jobId: string) => (answer: unknown) =>
      isEntries(answer) ? Effect.succeed(answer) : Effect.fail(
        new BulkJobError({
          reason: "Corrupt",
          jobId,
          message: `bulk job ${jobId}: the checkpoint at Redis ${where} is not a list of entries; refused`
        })
      )
    const store = BulkJobStore.of({
      open: (jobId, header) =>
        Effect.map(
          Effect.flatMap(
            command(jobId, "open the job", (key) => redis.smscxJobOpen(key, header)),
            entriesOf(jobId)
          ),
          (entries) => ({
            entries,
            where: `Redis ${where} ${keyPrefix}${jobId}`,
            append: (added) =>
              added.length === 0
                ? Effect.void
                : Effect.asVoid(command(jobId, "record a chunk", (key) =>
                  redis.smscxJobAppend(
                    key,
                    ...queueKeys(key),
                    added.some(isCompleteEntry) ? retainMillis : 0,
                    ...added
                  )))
          })
        ),
      read: (jobId) =>
        Effect.flatMap(command(jobId, "read the job", (key) => redis.lrange(key, 0, -1)), entriesOf(jobId))
    })
    return { store, redis, command, retainMillis }
  })

/**
 * The store on Redis, over a connection of its own that closes with the scope.
 * @since 0.4.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, never, Scope.Scope> =>
  Effect.map(connect(options), ({ store }) => store)

/**
 * @since 0.4.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<BulkJobStore> => Layer.scoped(BulkJobStore, make(options))

/**
 * The store and the chunk queue of a worker (`BulkJobQueue`) over one Redis connection: run the
 * same job in any number of processes with it, and they share its chunks. Next to the job's list,
 * the queue is a stream with a consumer group (`<prefix><jobId>#chunks`) and three small keys
 * (`#offered`, the count of chunks offered; `#ids`, each offered chunk's idempotency id; `#aside`,
 * chunks set aside after failing in several workers), all deleted when the job completes.
 * @since 0.4.0
 * @category constructors
 */
export const makeWorker = (
  options: Options
): Effect.Effect<{ readonly store: Service; readonly queue: Queue.Service }, never, Scope.Scope> =>
  Effect.gen(function*() {
    const { command, redis, retainMillis, store } = yield* connect(options)
    const queue = yield* makeQueue({
      redis,
      command,
      lease: Duration.decode(options.lease ?? Duration.seconds(30)),
      retainMillis
    })
    return { store, queue }
  })

/**
 * A worker's store and queue on Redis: `BulkJob.layer` over it runs a job shared with every other
 * process running the same job on the same Redis (see `BulkJobQueue`).
 * @since 0.4.0
 * @category layers
 */
export const layerWorker = (options: Options): Layer.Layer<BulkJobStore | BulkJobQueue> =>
  Layer.scopedContext(
    Effect.map(
      makeWorker(options),
      ({ queue, store }) => Context.make(BulkJobStore, store).pipe(Context.add(BulkJobQueue, queue))
    )
  )

/**
 * A worker's store and queue as plain values, for the Promise client:
 * `client.bulk.job(jobId, { store, queue })`; `close` ends its Redis connection.
 * @since 0.4.0
 * @category constructors
 */
export const worker = (
  options: Options
): { readonly store: Service; readonly queue: Queue.Service; readonly close: () => Promise<void> } =>
  Effect.runSync(Effect.gen(function*() {
    const scope = yield* Scope.make()
    const made = yield* Scope.extend(makeWorker(options), scope)
    return { ...made, close: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
  }))
