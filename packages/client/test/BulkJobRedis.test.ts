/**
 * Bulk job checkpoints in a real Redis (`SMSCX_TEST_REDIS_URL`): a job ended early in one
 * "process" (a store over a connection of its own) is resumed by another, each recipient sent
 * once, and its status read by a third. Redis out of reach, and Redis that accepts the connection
 * but never answers (frozen), fail the job with a `BulkJobError` (reason `Store`) and send nothing.
 * Workers' chunk leases (`BulkJobRedis.makeWorker`): held while renewed, taken over once a dead
 * worker's runs out, `done` for good.
 *
 * Without `SMSCX_TEST_REDIS_URL` the suite fails in CI and is skipped elsewhere (redis.ts).
 */
import { describe, it } from "@effect/vitest"
import { BulkJob, BulkJobStore, Pacing, SmsCx } from "@smscx/client"
import * as BulkJobRedis from "@smscx/client/BulkJobRedis"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
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

  it.live("workers' leases: held while renewed, given up, taken over once a dead worker's runs out, done for good", () =>
    Effect.gen(function*() {
      const worker = (scope: Scope.Scope) =>
        Effect.map(Scope.extend(BulkJobRedis.makeWorker({ ...shared, lease: "1 second" }), scope), (w) => w.leases)
      const scope = yield* Scope.make()
      const a = yield* worker(scope)
      const b = yield* worker(scope)
      assert.strictEqual(yield* a.claim("leases", 0), "claimed")
      assert.strictEqual(yield* b.claim("leases", 0), "held")
      // past two leases: renewed by its live worker, still held
      yield* Effect.sleep("2100 millis")
      assert.strictEqual(yield* b.claim("leases", 0), "held")
      yield* a.release("leases", 0)
      assert.strictEqual(yield* b.claim("leases", 0), "claimed")
      yield* b.finish("leases", 0)
      assert.strictEqual(yield* a.claim("leases", 0), "done")
      // a worker that dies (its renewals stop, nothing given up): its chunk is taken once its lease runs out
      const dying = yield* Scope.make()
      const c = yield* worker(dying)
      assert.strictEqual(yield* c.claim("leases", 1), "claimed")
      yield* Scope.close(dying, Exit.void)
      assert.strictEqual(yield* a.claim("leases", 1), "held")
      yield* Effect.sleep("1300 millis")
      assert.strictEqual(yield* a.claim("leases", 1), "claimed")
      yield* Scope.close(scope, Exit.void)
    }))
})
