/**
 * Bulk job checkpoints in a real Redis (`SMSCX_TEST_REDIS_URL`): a job ended early in one
 * "process" (a store over a connection of its own) is resumed by another, each recipient sent
 * once, and its status read by a third. Redis out of reach, and Redis that accepts the connection
 * but never answers (frozen), fail the job with a `BulkJobError` (reason `Store`) and send nothing.
 * Workers' chunk queue (`BulkJobRedis.makeWorker`, a Streams consumer group): each chunk offered
 * once, taken by one worker, renewed while held, taken over once a dead worker's lease runs out,
 * given up at once when it fails and set aside after 3 takes; complete jobs' keys expire after
 * `retain`; two workers' queue never longer than their concurrency; a frozen Redis bounds each
 * queue command.
 *
 * Without `SMSCX_TEST_REDIS_URL` the suite fails in CI and is skipped elsewhere (redis.ts).
 */
import * as HttpClient from "@effect/platform/HttpClient"
import { describe, it } from "@effect/vitest"
import { BulkJob, BulkJobStore, Pacing, SmsCx } from "@smscx/client"
import * as BulkJobQueue from "@smscx/client/BulkJobQueue"
import * as BulkJobRedis from "@smscx/client/BulkJobRedis"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { Redis } from "ioredis"
import * as Crypto from "node:crypto"
import * as Net from "node:net"
import { afterAll, assert } from "vitest"
import * as TestRedis from "./redis.js"
import { API_KEY, layer, Requests, Sandbox, sandbox } from "./utils.js"

const redisUrl = TestRedis.givenUrl ?? ""
const runs = TestRedis.suiteRuns(
  "BulkJobRedis.test.ts",
  redisUrl === "" ? "no Redis: set SMSCX_TEST_REDIS_URL (.ci/run starts one)" : undefined
)
/** Keys of this run only. */
const prefix = `smscx-test-jobs-${Crypto.randomUUID()}:`

afterAll(async () => {
  if (!runs) return
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true })
  try {
    await redis.connect()
    const keys = await redis.keys(`${prefix}*`)
    if (keys.length > 0) await redis.del(...keys)
  } finally {
    redis.disconnect()
  }
})

const numbers = function*(count: number): Generator<string> {
  for (let i = 0; i < count; i++) yield `+3161${String(i).padStart(7, "0")}`
}
const message = { from: "InfoText", text: "Redis jobs" }
const options = { chunkSize: 100, rateLimit: { limit: 1_000 } }

const base = Layer.mergeAll(
  SmsCx.layerTransportWithoutHttpClient({ baseUrl: Sandbox.baseUrl, apiKey: API_KEY } as never),
  Pacing.layerMemory
).pipe(Layer.provideMerge(layer(undefined, { balance: 1_000_000 })))

/** A BulkJob over a Redis store of its own connection: what another process would have. */
const jobsOn = (options: BulkJobRedis.Options) =>
  Effect.flatMap(
    BulkJobRedis.make(options),
    (store) => Effect.provideService(BulkJob.make, BulkJobStore.BulkJobStore, store)
  )

const sends = Effect.map(Effect.flatten(Requests), (all) => all.filter((r) => r.path === "/sms").length)

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = Net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as Net.AddressInfo
      server.close(() => resolve(port))
    })
  })

describe.runIf(runs)("BulkJobRedis", () => {
  const url = new URL(redisUrl || "redis://127.0.0.1:6379")
  const shared = { host: url.hostname, port: Number(url.port || 6379), prefix }

  it.live("a job ended in one process is resumed by another; a third reads its status", () =>
    Effect.gen(function*() {
      const input = Stream.concat(Stream.fromIterable(numbers(300)), Stream.fail("crashed"))
      yield* Effect.flip(
        Effect.scoped(Effect.flatMap(jobsOn(shared), (jobs) => jobs.sms("redis-a", input, message, options)))
      )
      const outcome = yield* Effect.scoped(
        Effect.flatMap(jobsOn(shared), (jobs) => jobs.sms("redis-a", numbers(800), message, options))
      )
      assert.strictEqual(outcome.accepted, 800)
      assert.strictEqual(yield* sends, 8)
      const status = yield* Effect.scoped(Effect.flatMap(jobsOn(shared), (jobs) => jobs.status("redis-a")))
      assert.isTrue(Option.getOrThrow(status).complete)
      assert.strictEqual(Option.getOrThrow(status).progress.accepted, 800)
      const messages = yield* (yield* sandbox).messages
      assert.strictEqual(new Set(messages.map((m) => m.to)).size, 800)
      assert.strictEqual(messages.length, 800)
    }).pipe(Effect.provide(base)))

  it.live("Redis out of reach, or frozen: a BulkJobError (Store) saying so, nothing sent", () =>
    Effect.gen(function*() {
      const closed = yield* Effect.promise(freePort)
      const unreachable = yield* Effect.scoped(Effect.flatMap(
        jobsOn({ host: "127.0.0.1", port: closed, timeout: "500 millis", prefix }),
        (jobs) => Effect.flip(jobs.sms("redis-b", numbers(100), message, options))
      ))
      assert.deepInclude(unreachable, { _tag: "BulkJobError", reason: "Store" })
      assert.include(unreachable.message, "out of reach")
      // accepts the connection, never answers
      const sockets = new Set<Net.Socket>()
      const silent = Net.createServer((socket) => void sockets.add(socket))
      yield* Effect.promise(() => new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve)))
      const frozenPort = (silent.address() as Net.AddressInfo).port
      const frozen = yield* Effect.scoped(Effect.flatMap(
        jobsOn({ host: "127.0.0.1", port: frozenPort, timeout: "500 millis", prefix }),
        (jobs) => Effect.flip(jobs.sms("redis-b", numbers(100), message, options))
      )).pipe(Effect.ensuring(Effect.promise(() =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy()
          silent.close(() => resolve())
        })
      )))
      assert.deepInclude(frozen, { _tag: "BulkJobError", reason: "Store" })
      assert.strictEqual(yield* sends, 0)
    }).pipe(Effect.provide(base)))

  const chunk = (index: number, id = `id-${index}`) => ({
    index,
    idempotencyId: id,
    recipients: [`+3161000000${index}`],
    removed: 0
  })
  const begin = (index: number) => JSON.stringify({ begin: index, id: `id-${index}` })
  const queueOf = (scope: Scope.Scope, lease: Duration.DurationInput = "1 second") =>
    Effect.map(Scope.extend(BulkJobRedis.makeWorker({ ...shared, lease }), scope), (w) => w.queue)
  const taken = (take: BulkJobQueue.Taken) => {
    assert.strictEqual(take._tag, "Chunk")
    return (take as Extract<BulkJobQueue.Taken, { _tag: "Chunk" }>).chunk
  }

  it.live("the queue: offered once and in order, taken by one worker, renewed while held, taken over once a dead worker's lease runs out", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const a = yield* queueOf(scope)
      const b = yield* queueOf(scope)
      assert.deepStrictEqual(yield* a.take("queue"), { _tag: "None", heldElsewhere: 0 })
      assert.strictEqual(yield* a.offer("queue", chunk(0), begin(0)), "offered")
      // a chunk offered before: dropped with the same id, refused with another
      assert.strictEqual(yield* b.offer("queue", chunk(0), begin(0)), "known")
      assert.strictEqual(yield* b.offer("queue", chunk(0, "another"), begin(0)), "mismatch")
      // only the next chunk is queued: one past it is not
      assert.strictEqual(yield* b.offer("queue", chunk(1), begin(1)), "offered")
      const first = taken(yield* b.take("queue"))
      assert.deepInclude(first, { index: 0, idempotencyId: "id-0", recipients: ["+31610000000"], removed: 0 })
      const second = taken(yield* a.take("queue"))
      assert.strictEqual(second.index, 1)
      assert.deepStrictEqual(yield* a.take("queue"), { _tag: "None", heldElsewhere: 1 })
      // past two leases: renewed by their live workers, neither taken over
      yield* Effect.sleep("2100 millis")
      assert.deepStrictEqual(yield* a.take("queue"), { _tag: "None", heldElsewhere: 1 })
      assert.isTrue(yield* b.done("queue", first, JSON.stringify({ done: 0 })))
      // done by someone: a second `done` writes nothing
      assert.isFalse(yield* a.done("queue", first, JSON.stringify({ done: 0 })))
      assert.deepStrictEqual(yield* a.take("queue"), { _tag: "None", heldElsewhere: 0 })
      // a worker that dies (its renewals stop): its chunk is taken once idle for the lease
      const dying = yield* Scope.make()
      const c = yield* queueOf(dying)
      assert.strictEqual(yield* c.offer("queue", chunk(2), begin(2)), "offered")
      const third = taken(yield* c.take("queue"))
      yield* Scope.close(dying, Exit.void)
      assert.deepStrictEqual(yield* a.take("queue"), { _tag: "None", heldElsewhere: 1 })
      yield* Effect.sleep("1300 millis")
      const again = taken(yield* a.take("queue"))
      assert.deepStrictEqual({ ...again, entry: third.entry }, third)
      // the checkpoint list holds each offer's `begin` and the one `done`, in order
      const redis = new Redis(redisUrl)
      const entries = yield* Effect.promise(() => redis.lrange(`${prefix}queue`, 0, -1))
      redis.disconnect()
      assert.deepStrictEqual(entries, [begin(0), begin(1), JSON.stringify({ done: 0 }), begin(2)])
      yield* Scope.close(scope, Exit.void)
    }))

  it.live("the queue: a chunk failed is taken by another worker at once, set aside after 3 takes, queued again by a later run", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const [a, b, c] = [
        yield* queueOf(scope, "1 minute"),
        yield* queueOf(scope, "1 minute"),
        yield* queueOf(scope, "1 minute")
      ]
      assert.strictEqual(yield* a.offer("failing", chunk(0), begin(0)), "offered")
      yield* a.fail("failing", taken(yield* a.take("failing")))
      // given up: not taken again by the worker it failed in, at once by another (the lease is a minute)
      assert.deepStrictEqual(yield* a.take("failing"), { _tag: "None", heldElsewhere: 0 })
      yield* b.fail("failing", taken(yield* b.take("failing")))
      const third = taken(yield* c.take("failing"))
      yield* c.fail("failing", third)
      // taken 3 times: set aside, the job not complete
      assert.deepStrictEqual(yield* c.take("failing"), { _tag: "None", heldElsewhere: 0 })
      assert.isFalse(yield* c.complete("failing", JSON.stringify({ complete: 1 })))
      const later = yield* queueOf(scope, "1 minute")
      yield* later.begin("failing")
      const resent = taken(yield* later.take("failing"))
      assert.strictEqual(resent.idempotencyId, "id-0")
      assert.isTrue(yield* later.done("failing", resent, JSON.stringify({ done: 0 })))
      assert.isTrue(yield* later.complete("failing", JSON.stringify({ complete: 1 })))
      assert.strictEqual(yield* a.offer("failing", chunk(1), begin(1)), "complete")
      yield* Scope.close(scope, Exit.void)
    }))

  it.live("a worker's chunks that fail: in its outcome as the send's chunks, taken by its next run or a single process", () =>
    Effect.gen(function*() {
      const { queue, store } = yield* BulkJobRedis.makeWorker({ ...shared, lease: "200 millis" })
      const workerJobs = BulkJob.make.pipe(
        Effect.provideService(BulkJobStore.BulkJobStore, store),
        Effect.provideService(BulkJobQueue.BulkJobQueue, queue)
      )
      // no balance: every chunk fails (not retried), each given up for another worker
      const poor = Layer.mergeAll(
        SmsCx.layerTransportWithoutHttpClient({ baseUrl: Sandbox.baseUrl, apiKey: API_KEY } as never),
        Pacing.layerMemory
      ).pipe(Layer.provideMerge(layer(undefined, { balance: 0 })))
      for (const jobId of ["failing-run", "failing-mixed"]) {
        const failed = yield* Effect.provide(
          Effect.flatMap(workerJobs, (jobs) => jobs.sms(jobId, numbers(300), message, options)),
          poor
        )
        assert.strictEqual(failed.accepted, 0)
        assert.deepStrictEqual(failed.failed.map((chunk) => chunk.index), [0, 1, 2])
        for (const chunk of failed.failed) {
          assert.deepStrictEqual(Object.keys(chunk).sort(), ["error", "idempotencyId", "index", "recipients"])
          assert.strictEqual(chunk.error._tag, "InsufficientBalanceException")
        }
      }
      // the same worker's next run takes the chunks that failed in it, with their ids
      const again = yield* Effect.flatMap(workerJobs, (jobs) => jobs.sms("failing-run", numbers(300), message, options))
      assert.strictEqual(again.accepted, 300)
      assert.isFalse(again.stopped)
      // a single process completes the other: the queue's keys go, the rest expire with the list
      const alone = yield* jobsOn({ ...shared, retain: "1 hour" }).pipe(
        Effect.flatMap((jobs) => jobs.sms("failing-mixed", numbers(300), message, options))
      )
      assert.strictEqual(alone.accepted, 300)
      assert.strictEqual(yield* sends, 6)
      const redis = new Redis(redisUrl)
      const kept = yield* Effect.promise(() => redis.keys(`${prefix}failing-mixed*`))
      assert.sameMembers(kept, [`${prefix}failing-mixed`, `${prefix}failing-mixed#offered`])
      for (const key of kept) {
        const ttl = yield* Effect.promise(() => redis.pttl(key))
        assert.isTrue(ttl > 3_500_000 && ttl <= 3_600_000, `${key}: ${ttl}`)
      }
      redis.disconnect()
    }).pipe(Effect.provide(base), Effect.scoped))

  it.live("a worker's run interrupted while sending: its chunk is renewed no more, another takes it after the lease", () =>
    Effect.gen(function*() {
      const { queue, store } = yield* BulkJobRedis.makeWorker({ ...shared, lease: "500 millis" })
      // an API that never answers: the first chunk stays in flight until the run is interrupted
      const silent = Layer.mergeAll(
        SmsCx.layerTransportWithoutHttpClient({ baseUrl: Sandbox.baseUrl, apiKey: API_KEY, retry: false } as never),
        Pacing.layerMemory
      ).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, HttpClient.make(() => Effect.never))))
      const run = yield* Effect.fork(
        BulkJob.make.pipe(
          Effect.provideService(BulkJobStore.BulkJobStore, store),
          Effect.provideService(BulkJobQueue.BulkJobQueue, queue),
          Effect.flatMap((jobs) => jobs.sms("interrupted", numbers(300), message, { ...options, concurrency: 1 })),
          Effect.provide(silent)
        )
      )
      const other = yield* Effect.flatMap(
        BulkJobRedis.makeWorker({ ...shared, lease: "500 millis" }),
        (w) => Effect.succeed(w.queue)
      )
      yield* Effect.sleep("900 millis")
      // held and renewed while the run lives
      assert.deepStrictEqual(yield* other.take("interrupted"), { _tag: "None", heldElsewhere: 1 })
      yield* Fiber.interrupt(run)
      yield* Effect.sleep("800 millis")
      // the worker (its connection) lives on, its run does not: the chunk is another's now
      const taken = yield* other.take("interrupted")
      assert.strictEqual(taken._tag, "Chunk")
      assert.strictEqual(taken._tag === "Chunk" && taken.chunk.index, 0)
    }).pipe(Effect.scoped))

  it.live("complete jobs' keys expire after retain; the queue's are deleted at once", () =>
    Effect.gen(function*() {
      const retain = { ...shared, retain: "3 seconds" as const }
      const alone = yield* Effect.scoped(
        Effect.flatMap(jobsOn(retain), (jobs) => jobs.sms("retained-alone", numbers(300), message, options))
      )
      const workers = yield* Effect.all(
        [0, 1].map(() =>
          Effect.scoped(Effect.flatMap(
            BulkJobRedis.makeWorker(retain),
            ({ queue, store }) =>
              Effect.flatMap(
                BulkJob.make.pipe(
                  Effect.provideService(BulkJobStore.BulkJobStore, store),
                  Effect.provideService(BulkJobQueue.BulkJobQueue, queue)
                ),
                (jobs) => jobs.sms("retained-workers", numbers(300), message, { ...options, concurrency: 1 })
              )
          ))
        ),
        { concurrency: "unbounded" }
      )
      for (const outcome of [alone, ...workers]) {
        assert.strictEqual(outcome.accepted, 300)
        assert.isFalse(outcome.stopped)
      }
      const redis = new Redis(redisUrl)
      const keys = () => Effect.promise(() => redis.keys(`${prefix}retained-*`).then((all) => all.sort()))
      // the queue's keys are gone; the lists (and `#offered`) expire within `retain`
      const kept = yield* keys()
      assert.includeMembers(
        [`${prefix}retained-alone`, `${prefix}retained-workers`, `${prefix}retained-workers#offered`],
        kept
      )
      assert.include(kept, `${prefix}retained-workers`)
      for (const key of kept) {
        const ttl = yield* Effect.promise(() => redis.pttl(key))
        assert.isTrue(ttl > 0 && ttl <= 3_000, `${key}: ${ttl}`)
      }
      yield* Effect.sleep("3200 millis")
      assert.deepStrictEqual(yield* keys(), [])
      redis.disconnect()
    }).pipe(Effect.provide(base)))

  it.live("two workers on one job: each recipient sent once, the queue never longer than their concurrency", () =>
    Effect.gen(function*() {
      const redis = new Redis(redisUrl)
      yield* Effect.promise(() => redis.ping())
      let longest = 0
      let queued = 0
      // the stream grows only by offers: its length after each is its longest
      const measured = (queue: BulkJobQueue.Service): BulkJobQueue.Service => ({
        ...queue,
        offer: (jobId, chunk, begin) =>
          Effect.tap(
            queue.offer(jobId, chunk, begin),
            (offered) =>
              Effect.promise(() => redis.xlen(`${prefix}short#chunks`)).pipe(
                Effect.map((length) => {
                  if (offered === "offered") queued++
                  longest = Math.max(longest, length)
                })
              )
          )
      })
      const outcomes = yield* Effect.all(
        [0, 1].map(() =>
          Effect.scoped(Effect.flatMap(
            BulkJobRedis.makeWorker(shared),
            ({ queue, store }) =>
              Effect.flatMap(
                BulkJob.make.pipe(
                  Effect.provideService(BulkJobStore.BulkJobStore, store),
                  Effect.provideService(BulkJobQueue.BulkJobQueue, measured(queue))
                ),
                (jobs) => jobs.sms("short", numbers(3_000), message, { ...options, concurrency: 2 })
              )
          ))
        ),
        { concurrency: "unbounded" }
      )
      redis.disconnect()
      for (const outcome of outcomes) assert.strictEqual(outcome.accepted, 3_000)
      assert.strictEqual(yield* sends, 30)
      // each worker holds at most its concurrency, and offers one more only when none waits
      assert.isAtMost(longest, 2 * (2 + 1))
      assert.isAtLeast(longest, 1)
      // each chunk queued once, by one worker or the other
      assert.strictEqual(queued, 30)
    }).pipe(Effect.provide(base)))

  it.live("a worker on Redis out of reach or frozen: a BulkJobError (Store), nothing sent", () =>
    Effect.gen(function*() {
      const closed = yield* Effect.promise(freePort)
      const failed = yield* Effect.scoped(Effect.flatMap(
        BulkJobRedis.makeWorker({ host: "127.0.0.1", port: closed, timeout: "300 millis", prefix }),
        ({ queue, store }) =>
          Effect.flatMap(
            BulkJob.make.pipe(
              Effect.provideService(BulkJobStore.BulkJobStore, store),
              Effect.provideService(BulkJobQueue.BulkJobQueue, queue)
            ),
            (jobs) => Effect.flip(jobs.sms("worker-b", numbers(100), message, options))
          )
      ))
      assert.deepInclude(failed, { _tag: "BulkJobError", reason: "Store" })
      assert.strictEqual(yield* sends, 0)
      // frozen between two steps of a worker: each queue command is bounded by `timeout`
      const sockets = new Set<Net.Socket>()
      const silent = Net.createServer((socket) => void sockets.add(socket))
      yield* Effect.promise(() => new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve)))
      const frozenPort = (silent.address() as Net.AddressInfo).port
      const frozen = yield* Effect.scoped(Effect.flatMap(
        BulkJobRedis.makeWorker({ host: "127.0.0.1", port: frozenPort, timeout: "300 millis", prefix }),
        ({ queue }) =>
          Effect.all([
            Effect.flip(queue.take("worker-b")),
            Effect.flip(queue.offer("worker-b", chunk(0), begin(0))),
            Effect.flip(queue.complete("worker-b", "{}"))
          ])
      )).pipe(
        Effect.timed,
        Effect.ensuring(Effect.promise(() =>
          new Promise<void>((resolve) => {
            for (const socket of sockets) socket.destroy()
            silent.close(() => resolve())
          })
        ))
      )
      for (const error of frozen[1]) {
        assert.deepInclude(error, { _tag: "BulkJobError", reason: "Store" })
        assert.include(error.message, "the checkpoint store (Redis at 127.0.0.1:")
      }
      assert.isBelow(Duration.toMillis(frozen[0]), 3_000)
    }).pipe(Effect.provide(base)))
})
