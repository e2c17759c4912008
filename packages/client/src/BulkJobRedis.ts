/**
 * Bulk job checkpoints in Redis (a list a job, `<prefix><jobId>`): any process that reaches the
 * Redis reads a job's status and outcome, and a job stopped on one machine is resumed on another.
 * One process works on a job at a time. The checkpoints are as durable as the Redis is (its
 * `appendonly` and `appendfsync` settings): an entry is acknowledged once Redis has it.
 *
 * Redis out of reach, or frozen, never holds a job up: a command that gets no answer within
 * `timeout` (default 2 seconds, connecting included) fails with a `BulkJobError` (reason `Store`)
 * saying why, and the job ends there (a chunk whose `done` was not written is sent again, with
 * its id, by the next run). Install `ioredis` to use it.
 *
 * @example
 * ```ts
 * const JobsLive = BulkJob.layer.pipe(Layer.provide(BulkJobRedis.layer({ host: "127.0.0.1", port: 6379 })))
 * ```
 *
 * @since 0.4.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { Redis, type RedisOptions } from "ioredis"
import { BulkJobError, BulkJobStore, type Service } from "./BulkJobStore.js"
import { isJobId } from "./internal/bulk/jobIds.js"
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
}

/** Writes the header of a job that has none, and returns the job's entries: one step in Redis. */
const OPEN_SCRIPT = `
if redis.call("LLEN", KEYS[1]) == 0 then redis.call("RPUSH", KEYS[1], ARGV[1]) end
return redis.call("LRANGE", KEYS[1], 0, -1)
`

interface RedisWithOpen extends Redis {
  smscxJobOpen(key: string, header: string): Promise<unknown>
}

const isEntries = (value: unknown): value is ReadonlyArray<string> =>
  Array.isArray(value) && value.every((entry) => typeof entry === "string")

/**
 * The store on Redis, over a connection of its own that closes with the scope.
 * @since 0.4.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, never, Scope.Scope> =>
  Effect.gen(function*() {
    const { closeTimeout, prefix, timeout, ...redisOptions } = options
    const limit = Duration.decode(timeout ?? Duration.seconds(2))
    const closeLimit = Duration.decode(closeTimeout ?? Duration.seconds(1))
    const keyPrefix = prefix ?? "smscx:job:"
    let lastError: string | undefined
    const redis = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const client = new Redis({
          ...redisDefaults,
          ...(Duration.isFinite(limit)
            ? { connectTimeout: Duration.toMillis(limit), commandTimeout: Duration.toMillis(limit) }
            : {}),
          ...redisOptions
        }) as RedisWithOpen
        // with a listener, ioredis prints nothing; the error goes into the next BulkJobError
        client.on("error", (error: unknown) => {
          lastError = error instanceof Error ? error.message : String(error)
        })
        client.on("ready", () => {
          lastError = undefined
        })
        client.defineCommand("smscxJobOpen", { lua: OPEN_SCRIPT, numberOfKeys: 1 })
        return client
      }),
      (client) =>
        (client.status === "ready"
          ? Effect.ignore(Effect.timeout(Effect.interruptible(Effect.tryPromise(() => client.quit())), closeLimit))
          : Effect.void).pipe(Effect.ensuring(Effect.sync(() => client.disconnect())))
    )
    const where = redisOptions.path ?? `${redisOptions.host ?? "localhost"}:${redisOptions.port ?? 6379}`
    /** A command on job `jobId`'s list, bounded by `timeout`; its failure a `BulkJobError` saying why. */
    const command = <A>(jobId: string, what: string, run: (key: string) => Promise<A>) =>
      Effect.suspend(() => {
        if (!isJobId(jobId)) {
          return Effect.fail(
            new BulkJobError({ reason: "InvalidJob", jobId: String(jobId).slice(0, 140), message: "not a job id" })
          )
        }
        const failed = (reason: string, cause?: unknown) => {
          const lastSeen = lastError === undefined ? "" : `: ${lastError}`
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
    return BulkJobStore.of({
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
                : Effect.asVoid(command(jobId, "record a chunk", (key) => redis.rpush(key, ...added)))
          })
        ),
      read: (jobId) =>
        Effect.flatMap(command(jobId, "read the job", (key) => redis.lrange(key, 0, -1)), entriesOf(jobId))
    })
  })

/**
 * @since 0.4.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<BulkJobStore> => Layer.scoped(BulkJobStore, make(options))
