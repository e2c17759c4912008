/**
 * Bulk job checkpoints in Redis (a list a job, `<prefix><jobId>`): any process that reaches the
 * Redis reads a job's status and outcome, and a job stopped on one machine is resumed on another.
 * With `layer`, one process works on a job at a time; with `layerWorker`, any number do, sharing
 * its chunks through leases (`BulkJobLeases`). The checkpoints are as durable as the Redis is (its
 * `appendonly` and `appendfsync` settings): an entry is acknowledged once Redis has it.
 *
 * Redis out of reach, or frozen, never holds a job up: a command that gets no answer within
 * `timeout` (default 2 seconds, connecting included) fails with a `BulkJobError` (reason `Store`)
 * saying why, and the job ends there (a chunk whose `done` was not written is sent again, with
 * its id, by the next run). Install `ioredis` to use it.
 *
 * Why leases on keys and not a Redis Streams consumer group (`XREADGROUP`, `XAUTOCLAIM`) or a
 * queue (BullMQ, `PersistedQueue`): a queue hands out work items someone enqueued, whole. A job's
 * chunks are cut from a recipient source that every worker reads in the same order (a stream, a
 * file, a generator: never indexed, never sent through Redis); a chunk is known by its index the
 * moment a worker cuts it, and the claim is on that index. Streams would need one producer to
 * enqueue every index (knowing the input's length) and each worker to find a chunk handed to it
 * in an input it has already read past. A lease is one Lua `GET`/`SET PX` on the chunk's key, the
 * same primitive `XAUTOCLAIM`'s idle time is, with no entries to trim afterwards.
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
import { type Redis, type RedisOptions } from "ioredis"
import * as Crypto from "node:crypto"
import type * as Leases from "./BulkJobLeases.js"
import { BulkJobLeases } from "./BulkJobLeases.js"
import { BulkJobError, BulkJobStore, type Service } from "./BulkJobStore.js"
import { isJobId } from "./internal/bulk/jobIds.js"
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
   * Workers (`layerWorker`): how long a chunk's lease runs unrenewed; a worker renews its leases
   * every third of it, and takes a dead worker's chunk once its lease has run out. Default 30 seconds.
   */
  readonly lease?: Duration.DurationInput
}

/** Writes the header of a job that has none, and returns the job's entries: one step in Redis. */
const OPEN_SCRIPT = `
if redis.call("LLEN", KEYS[1]) == 0 then redis.call("RPUSH", KEYS[1], ARGV[1]) end
return redis.call("LRANGE", KEYS[1], 0, -1)
`

/**
 * Takes a chunk's lease (`ARGV[1]` the worker, `ARGV[2]` its length in ms) if no live lease and
 * no `done` is there; says what it found.
 */
const CLAIM_SCRIPT = `
local held = redis.call("GET", KEYS[1])
if held == "done" then return "done" end
if held == false or held == ARGV[1] then
  redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2])
  return "claimed"
end
return "held"
`

/** Renews (`ARGV[2]` ms) or, with `ARGV[2]` 0, gives up the leases `KEYS` that worker `ARGV[1]` still holds. */
const RENEW_SCRIPT = `
for _, key in ipairs(KEYS) do
  if redis.call("GET", key) == ARGV[1] then
    if ARGV[2] == "0" then redis.call("DEL", key) else redis.call("PEXPIRE", key, ARGV[2]) end
  end
end
return 0
`

interface RedisWithOpen extends Redis {
  smscxJobOpen(key: string, header: string): Promise<unknown>
  smscxJobClaim(key: string, worker: string, millis: number): Promise<unknown>
  smscxJobRenew(count: number, ...keysAndArgs: ReadonlyArray<string | number>): Promise<unknown>
}

const isEntries = (value: unknown): value is ReadonlyArray<string> =>
  Array.isArray(value) && value.every((entry) => typeof entry === "string")

/** The store, and the commands leases need, over a connection of its own that closes with the scope. */
const connect = (options: Options) =>
  Effect.gen(function*() {
    const { closeTimeout, lease: _lease, prefix, timeout, ...redisOptions } = options
    const keyPrefix = prefix ?? "smscx:job:"
    const { lastError, limit, redis, where } = yield* openConnection<RedisWithOpen>(redisOptions, {
      defaults: redisDefaults,
      timeout: timeout ?? Duration.seconds(2),
      closeTimeout: closeTimeout ?? Duration.seconds(1),
      commands: {
        smscxJobOpen: { lua: OPEN_SCRIPT, numberOfKeys: 1 },
        smscxJobClaim: { lua: CLAIM_SCRIPT, numberOfKeys: 1 },
        smscxJobRenew: { lua: RENEW_SCRIPT }
      }
    })
    /** A command on job `jobId`'s list, bounded by `timeout`; its failure a `BulkJobError` saying why. */
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
                : Effect.asVoid(command(jobId, "record a chunk", (key) => redis.rpush(key, ...added)))
          })
        ),
      read: (jobId) =>
        Effect.flatMap(command(jobId, "read the job", (key) => redis.lrange(key, 0, -1)), entriesOf(jobId))
    })
    return { store, redis, command }
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
 * The store and the chunk leases of a worker (`BulkJobLeases`) over one Redis connection: run the
 * same job in any number of processes with it, and they share its chunks. A chunk's lease is a
 * key next to the job's list (`<prefix><jobId>#<index>`), claimed and renewed by Lua scripts, and
 * set to `done` for good once the chunk's `done` entry is in the list.
 * @since 0.4.0
 * @category constructors
 */
export const makeWorker = (
  options: Options
): Effect.Effect<{ readonly store: Service; readonly leases: Leases.Service }, never, Scope.Scope> =>
  Effect.gen(function*() {
    const { command, redis, store } = yield* connect(options)
    const lease = Duration.decode(options.lease ?? Duration.seconds(30))
    const millis = Math.max(1, Math.round(Duration.toMillis(lease)))
    const worker = Crypto.randomUUID()
    /** The leases this worker holds, by key, with their job's id (for errors). */
    const held = new Map<string, string>()
    const leaseKey = (jobId: string, index: number) => `${options.prefix ?? "smscx:job:"}${jobId}#${index}`
    const renew = (keys: ReadonlyArray<string>, jobId: string, to: number) =>
      keys.length === 0 ?
        Effect.void :
        Effect.asVoid(
          command(jobId, "renew its chunks' leases", () => redis.smscxJobRenew(keys.length, ...keys, worker, to))
        )
    // a failed renewal is tried again next time: a lease lost meanwhile costs a replayed request
    yield* Effect.forkScoped(
      Effect.suspend(() => {
        const [first] = held.values()
        return first === undefined ? Effect.void : Effect.ignore(renew([...held.keys()], first, millis))
      }).pipe(Effect.delay(Duration.millis(Math.max(1, Math.floor(millis / 3)))), Effect.forever)
    )
    const leases = BulkJobLeases.of({
      lease,
      claim: (jobId, index) =>
        Effect.flatMap(
          command(jobId, `claim chunk ${index}`, () => redis.smscxJobClaim(leaseKey(jobId, index), worker, millis)),
          (answer): Effect.Effect<Leases.Claim, BulkJobError> => {
            if (answer === "claimed" || answer === "held" || answer === "done") {
              return Effect.as(
                Effect.sync(() => answer === "claimed" && held.set(leaseKey(jobId, index), jobId)),
                answer
              )
            }
            return Effect.fail(
              new BulkJobError({
                reason: "Corrupt",
                jobId,
                message: `bulk job ${jobId}: chunk ${index}'s lease is not one`
              })
            )
          }
        ),
      finish: (jobId, index) =>
        Effect.zipRight(
          command(jobId, `mark chunk ${index} done`, () => redis.set(leaseKey(jobId, index), "done")),
          Effect.sync(() => void held.delete(leaseKey(jobId, index)))
        ),
      release: (jobId, index) => {
        const key = leaseKey(jobId, index)
        return Effect.zipRight(Effect.sync(() => void held.delete(key)), renew([key], jobId, 0))
      }
    })
    return { store, leases }
  })

/**
 * A worker's store and leases on Redis: `BulkJob.layer` over it runs a job shared with every other
 * process running the same job on the same Redis (see `BulkJobLeases`).
 * @since 0.4.0
 * @category layers
 */
export const layerWorker = (options: Options): Layer.Layer<BulkJobStore | BulkJobLeases> =>
  Layer.scopedContext(
    Effect.map(
      makeWorker(options),
      ({ leases, store }) => Context.make(BulkJobStore, store).pipe(Context.add(BulkJobLeases, leases))
    )
  )

/**
 * A worker's store and leases as plain values, for the Promise client:
 * `client.bulk.job(jobId, { store, leases })`; `close` ends its Redis connection.
 * @since 0.4.0
 * @category constructors
 */
export const worker = (
  options: Options
): { readonly store: Service; readonly leases: Leases.Service; readonly close: () => Promise<void> } =>
  Effect.runSync(Effect.gen(function*() {
    const scope = yield* Scope.make()
    const made = yield* Scope.extend(makeWorker(options), scope)
    return { ...made, close: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
  }))
