/**
 * A bulk job's chunk queue on Redis Streams (`BulkJobQueue`): one stream and consumer group a job,
 * each step one Lua script so that what it checks and what it writes cannot be split by another
 * worker. Keys, next to the job's list `<prefix><jobId>`: `#chunks` (the stream, group `workers`),
 * `#offered` (the count of chunks offered, `complete` once the job is), `#ids` (each offered
 * chunk's idempotency id), `#aside` (chunks that failed in several workers, for a later run).
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import type { Redis } from "ioredis"
import * as Crypto from "node:crypto"
import { BulkJobQueue, type QueuedChunk, type Service, type Taken, type TakenChunk } from "../../BulkJobQueue.js"
import { BulkJobError } from "../../BulkJobStore.js"

const GROUP = "workers"

/** A chunk taken this many times (by workers that failed it or died) is set aside when it fails again. */
const MAX_DELIVERIES = 3

/** Creates the stream with its group unless it exists (a `BUSYGROUP` from a race is no error). */
const ENSURE_GROUP = `
local function ensure(stream, group)
  if redis.call("EXISTS", stream) == 1 then return end
  local made = redis.pcall("XGROUP", "CREATE", stream, group, "0", "MKSTREAM")
  if type(made) == "table" and made.err and not string.find(made.err, "BUSYGROUP") then
    error(made.err)
  end
end
`

/**
 * KEYS list, stream, offered, ids; ARGV index, id, chunk, begin, group. Queues the chunk (and
 * checkpoints its `begin`) if it is the next no one offered; else compares it with the one offered.
 */
const OFFER = `${ENSURE_GROUP}
local offered = redis.call("GET", KEYS[3])
if offered == "complete" then return "complete" end
local index = tonumber(ARGV[1])
if index < tonumber(offered or "0") then
  local known = redis.call("HGET", KEYS[4], ARGV[1])
  if known and known ~= ARGV[2] then return "mismatch" end
  return "known"
end
ensure(KEYS[2], ARGV[5])
redis.call("XADD", KEYS[2], "*", "chunk", ARGV[3])
redis.call("HSET", KEYS[4], ARGV[1], ARGV[2])
redis.call("SET", KEYS[3], index + 1)
redis.call("RPUSH", KEYS[1], ARGV[4])
return "offered"
`

/**
 * KEYS stream; ARGV group, consumer, lease ms, entries to pass over (the consumer's own in flight,
 * and those that failed in it). An entry never delivered, else one idle for the lease (not one
 * passed over); else {0, entries held by other consumers}.
 */
const TAKE = `
if redis.call("EXISTS", KEYS[1]) == 0 then return {0, 0} end
local new = redis.call("XREADGROUP", "GROUP", ARGV[1], ARGV[2], "COUNT", 1, "STREAMS", KEYS[1], ">")
if new and new[1] and #new[1][2] > 0 then
  local entry = new[1][2][1]
  return {1, entry[1], entry[2][2]}
end
local skip = {}
for i = 4, #ARGV do skip[ARGV[i]] = true end
for _, idle in ipairs(redis.call("XPENDING", KEYS[1], ARGV[1], "IDLE", ARGV[3], "-", "+", #ARGV - 2)) do
  if not skip[idle[1]] then
    local claimed = redis.call("XCLAIM", KEYS[1], ARGV[1], ARGV[2], ARGV[3], idle[1])
    if claimed[1] then return {1, claimed[1][1], claimed[1][2][2]} end
  end
end
local mine = 0
local summary = redis.call("XPENDING", KEYS[1], ARGV[1])
if summary[4] then
  for _, consumer in ipairs(summary[4]) do
    if consumer[1] == ARGV[2] then mine = tonumber(consumer[2]) end
  end
end
return {0, redis.call("XLEN", KEYS[1]) - mine}
`

/** KEYS stream; ARGV group, consumer, entries: resets the idle time of those still pending under the consumer. */
const RENEW = `
if redis.call("EXISTS", KEYS[1]) == 0 then return 0 end
for i = 3, #ARGV do
  if #redis.call("XPENDING", KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1, ARGV[2]) > 0 then
    redis.call("XCLAIM", KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], "JUSTID")
  end
end
return 0
`

/**
 * KEYS list, stream; ARGV group, entry, done. Checkpoints `done` and removes the entry, unless it
 * is gone (done by another worker that took it over): then nothing is written.
 */
const DONE = `
if #redis.call("XRANGE", KEYS[2], ARGV[2], ARGV[2]) == 0 then return 0 end
redis.call("RPUSH", KEYS[1], ARGV[3])
redis.call("XACK", KEYS[2], ARGV[1], ARGV[2])
redis.call("XDEL", KEYS[2], ARGV[2])
return 1
`

/**
 * KEYS stream, aside; ARGV group, consumer, entry, idle ms, max deliveries, index, chunk. Gives
 * the consumer's entry up for another to take at once (idle past the lease), or sets it aside
 * once delivered `max` times.
 */
const FAIL = `
if redis.call("EXISTS", KEYS[1]) == 0 then return "gone" end
local pending = redis.call("XPENDING", KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1, ARGV[2])
if #pending == 0 then return "gone" end
if tonumber(pending[1][4]) >= tonumber(ARGV[5]) then
  redis.call("XACK", KEYS[1], ARGV[1], ARGV[3])
  redis.call("XDEL", KEYS[1], ARGV[3])
  redis.call("HSET", KEYS[2], ARGV[6], ARGV[7])
  return "aside"
end
redis.call("XCLAIM", KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], "IDLE", ARGV[4], "JUSTID")
return "released"
`

/** KEYS stream, aside, offered; ARGV group. Queues the chunks set aside again (a new run of the job). */
const BEGIN = `${ENSURE_GROUP}
if redis.call("GET", KEYS[3]) == "complete" then return 0 end
local aside = redis.call("HGETALL", KEYS[2])
if #aside == 0 then return 0 end
ensure(KEYS[1], ARGV[1])
for i = 2, #aside, 2 do redis.call("XADD", KEYS[1], "*", "chunk", aside[i]) end
redis.call("DEL", KEYS[2])
return #aside / 2
`

/**
 * KEYS list, stream, offered, ids, aside; ARGV complete, retain ms. With nothing queued or set
 * aside, writes `complete` (once), deletes the queue and lets the list and `#offered` expire.
 */
const COMPLETE = `
if redis.call("GET", KEYS[3]) == "complete" then return 1 end
if redis.call("XLEN", KEYS[2]) > 0 or redis.call("HLEN", KEYS[5]) > 0 then return 0 end
redis.call("RPUSH", KEYS[1], ARGV[1])
redis.call("DEL", KEYS[2], KEYS[4], KEYS[5])
redis.call("SET", KEYS[3], "complete", "PX", ARGV[2])
redis.call("PEXPIRE", KEYS[1], ARGV[2])
return 1
`

/** @internal The queue's keys next to the job's list `key`: the stream, `#offered`, `#ids`, `#aside`. */
export const queueKeys = (key: string) => [`${key}#chunks`, `${key}#offered`, `${key}#ids`, `${key}#aside`] as const

/** @internal The queue's scripts, defined on the store's connection. */
export const queueCommands = {
  smscxQueueOffer: { lua: OFFER, numberOfKeys: 4 },
  smscxQueueTake: { lua: TAKE, numberOfKeys: 1 },
  smscxQueueRenew: { lua: RENEW, numberOfKeys: 1 },
  smscxQueueDone: { lua: DONE, numberOfKeys: 2 },
  smscxQueueFail: { lua: FAIL, numberOfKeys: 2 },
  smscxQueueBegin: { lua: BEGIN, numberOfKeys: 3 },
  smscxQueueComplete: { lua: COMPLETE, numberOfKeys: 5 }
} as const

type Arg = string | number

/** @internal A connection with the queue's scripts. */
export interface RedisWithQueue extends Redis {
  smscxQueueOffer(...args: ReadonlyArray<Arg>): Promise<unknown>
  smscxQueueTake(...args: ReadonlyArray<Arg>): Promise<unknown>
  smscxQueueRenew(...args: ReadonlyArray<Arg>): Promise<unknown>
  smscxQueueDone(...args: ReadonlyArray<Arg>): Promise<unknown>
  smscxQueueFail(...args: ReadonlyArray<Arg>): Promise<unknown>
  smscxQueueBegin(...args: ReadonlyArray<Arg>): Promise<unknown>
  smscxQueueComplete(...args: ReadonlyArray<Arg>): Promise<unknown>
}

/** A chunk as a stream entry's one field. */
const Entry = Schema.parseJson(Schema.Struct({
  index: Schema.Number.pipe(Schema.int(), Schema.nonNegative()),
  id: Schema.String,
  removed: Schema.Number.pipe(Schema.int(), Schema.nonNegative()),
  to: Schema.Array(Schema.String)
}))
const decodeEntry = Schema.decodeUnknownEither(Entry)

const entryOf = (chunk: QueuedChunk): string =>
  JSON.stringify({ index: chunk.index, id: chunk.idempotencyId, removed: chunk.removed, to: chunk.recipients })

/** A command on a job's keys (`key` its list's), bounded and typed as the store's are. */
type Command = <A>(jobId: string, what: string, run: (key: string) => Promise<A>) => Effect.Effect<A, BulkJobError>

const corrupt = (jobId: string, what: string) =>
  new BulkJobError({ reason: "Corrupt", jobId, message: `bulk job ${jobId}: ${what} in Redis is not one; refused` })

/**
 * @internal The queue over `redis`, as consumer of a name of its own; renews the chunks it holds
 * every third of `lease` until the scope closes.
 */
export const makeQueue = (options: {
  readonly redis: RedisWithQueue
  readonly command: Command
  readonly lease: Duration.Duration
  readonly retainMillis: number
}): Effect.Effect<Service, never, Scope.Scope> =>
  Effect.gen(function*() {
    const { command, redis } = options
    const leaseMillis = Math.max(1, Math.round(Duration.toMillis(options.lease)))
    const consumer = Crypto.randomUUID()
    /** The entries this worker holds (in flight), by job. */
    const held = new Map<string, Set<string>>()
    /** The entries that failed here, by job: passed over when taking, so that another worker gets them. */
    const failedHere = new Map<string, Set<string>>()
    const setOf = (sets: Map<string, Set<string>>, jobId: string) => {
      let set = sets.get(jobId)
      if (set === undefined) sets.set(jobId, set = new Set())
      return set
    }
    const stream = (key: string) => `${key}#chunks`

    // a failed renewal is tried again next time: an entry lost meanwhile costs a replayed request
    yield* Effect.forkScoped(
      Effect.suspend(() =>
        Effect.forEach(
          [...held].filter(([, entries]) => entries.size > 0),
          ([jobId, entries]) =>
            Effect.ignore(
              command(
                jobId,
                "renew its chunks",
                (key) => redis.smscxQueueRenew(stream(key), GROUP, consumer, ...entries)
              )
            ),
          { discard: true }
        )
      ).pipe(Effect.delay(Duration.millis(Math.max(1, Math.floor(leaseMillis / 3)))), Effect.forever)
    )

    const takenOf = (jobId: string, answer: unknown): Effect.Effect<Taken, BulkJobError> => {
      if (!Array.isArray(answer)) return Effect.fail(corrupt(jobId, "a chunk queue's answer"))
      if (answer[0] === 0 && typeof answer[1] === "number") {
        return Effect.succeed({ _tag: "None", heldElsewhere: answer[1] })
      }
      const [, entry, json] = answer as [unknown, unknown, unknown]
      const decoded = decodeEntry(json)
      if (typeof entry !== "string" || decoded._tag === "Left") return Effect.fail(corrupt(jobId, "a queued chunk"))
      const { id, index, removed, to } = decoded.right
      setOf(held, jobId).add(entry)
      return Effect.succeed({ _tag: "Chunk", chunk: { index, idempotencyId: id, recipients: to, removed, entry } })
    }
    const forget = (jobId: string, chunk: TakenChunk) => Effect.sync(() => void held.get(jobId)?.delete(chunk.entry))

    return BulkJobQueue.of({
      lease: options.lease,
      end: (jobId, chunks) => Effect.forEach(chunks, (chunk) => forget(jobId, chunk), { discard: true }),
      begin: (jobId) =>
        // a new run: the chunks that failed here in an earlier one may be taken here again
        Effect.zipRight(
          Effect.sync(() => void failedHere.delete(jobId)),
          Effect.asVoid(command(
            jobId,
            "queue the chunks set aside again",
            (key) => redis.smscxQueueBegin(stream(key), `${key}#aside`, `${key}#offered`, GROUP)
          ))
        ),
      offer: (jobId, chunk, begin) =>
        Effect.flatMap(
          command(jobId, `offer chunk ${chunk.index}`, (key) =>
            redis.smscxQueueOffer(
              key,
              stream(key),
              `${key}#offered`,
              `${key}#ids`,
              chunk.index,
              chunk.idempotencyId,
              entryOf(chunk),
              begin,
              GROUP
            )),
          (answer) =>
            answer === "offered" || answer === "known" || answer === "mismatch" || answer === "complete"
              ? Effect.succeed(answer)
              : Effect.fail(corrupt(jobId, `chunk ${chunk.index}'s offer`))
        ),
      take: (jobId) =>
        Effect.flatMap(
          command(
            jobId,
            "take a chunk",
            (key) =>
              redis.smscxQueueTake(
                stream(key),
                GROUP,
                consumer,
                leaseMillis,
                // never one it is sending (its renewal late), nor one that failed here
                ...(held.get(jobId) ?? []),
                ...(failedHere.get(jobId) ?? [])
              )
          ),
          (answer) => takenOf(jobId, answer)
        ),
      done: (jobId, chunk, done) =>
        Effect.ensuring(
          Effect.map(
            command(
              jobId,
              `record chunk ${chunk.index} done`,
              (key) => redis.smscxQueueDone(key, stream(key), GROUP, chunk.entry, done)
            ),
            (answer) => answer === 1
          ),
          forget(jobId, chunk)
        ),
      fail: (jobId, chunk) =>
        Effect.zipRight(
          Effect.zipRight(
            forget(jobId, chunk),
            Effect.sync(() => setOf(failedHere, jobId).add(chunk.entry))
          ),
          Effect.asVoid(command(jobId, `give chunk ${chunk.index} up`, (key) =>
            redis.smscxQueueFail(
              stream(key),
              `${key}#aside`,
              GROUP,
              consumer,
              chunk.entry,
              leaseMillis + 1_000,
              MAX_DELIVERIES,
              chunk.index,
              entryOf(chunk)
            )))
        ),
      complete: (jobId, complete) =>
        Effect.map(
          command(jobId, "complete the job", (key) =>
            redis.smscxQueueComplete(
              key,
              stream(key),
              `${key}#offered`,
              `${key}#ids`,
              `${key}#aside`,
              complete,
              options.retainMillis
            )),
          (answer) => answer === 1
        )
    })
  })
