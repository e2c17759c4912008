/**
 * Bulk jobs with Promises: `client.bulk.job(jobId, { store })` resumes after an abort (each
 * recipient sent once, the outcome the whole job's), reports progress over the whole job, reads
 * status and outcome, and refuses a job id reused for another message. Two workers on one job
 * (`BulkJobRedis.worker`, when `SMSCX_TEST_REDIS_URL` is set) share its chunks.
 */
import { InvalidOptionsError, SmsCx } from "@smscx/promise"
import * as BulkJobFile from "@smscx/promise/BulkJobFile"
import * as BulkJobRedis from "@smscx/promise/BulkJobRedis"
import { Sandbox } from "@smscx/sandbox"
import * as Effect from "effect/Effect"
import { Redis } from "ioredis"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterEach, assert, describe, it } from "vitest"

const API_KEY = "sk-test-Jobs4XbL2"
const opened: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((close) => close()))
})

const setup = () => {
  const server = Sandbox.inProcessFetch({ apiKeys: [API_KEY], balance: 100_000 })
  opened.push(server.close)
  const client = () => {
    const made = new SmsCx({ apiKey: API_KEY, baseUrl: Sandbox.baseUrl, fetch: server.fetch })
    opened.push(() => made.close())
    return made
  }
  return { client, server }
}

const numbers = function*(count: number): Generator<string> {
  for (let i = 0; i < count; i++) yield `+3165${String(i).padStart(7, "0")}`
}

const message = { from: "InfoText", text: "Jobs today" }

describe("client.bulk.job", () => {
  it("resumes after an abort in a new client over the same file: each recipient once, the whole job's outcome", async () => {
    const { client, server } = setup()
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "smscx-promise-jobs-"))
    opened.push(async () => fs.rmSync(directory, { recursive: true }))
    const store = BulkJobFile.store({ directory })
    const controller = new AbortController()
    const first = await client().bulk.job("promise-job", { store }).sms(numbers(1_000), message, {
      chunkSize: 100,
      concurrency: 1,
      rateLimit: { limit: 1_000 },
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.chunksSent === 3) controller.abort()
      }
    })
    assert.isTrue(first.stopped)
    assert.isBelow(first.accepted, 1_000)
    const job = client().bulk.job("promise-job", { store })
    const status = await job.status()
    assert.strictEqual(status?.progress.accepted, first.accepted)
    assert.isFalse(status?.complete)
    const seen: Array<number> = []
    const outcome = await job.sms(numbers(1_000), message, {
      chunkSize: 100,
      rateLimit: { limit: 1_000 },
      onProgress: (progress) => void seen.push(progress.recipients)
    })
    assert.strictEqual(outcome.accepted, 1_000)
    assert.isFalse(outcome.stopped)
    assert.isAbove(seen[0]!, 300, "the progress is the whole job's")
    assert.strictEqual((await job.outcome())?.accepted, 1_000)
    assert.isTrue((await job.status())?.complete)
    const messages = await Effect.runPromise(server.sandbox.messages)
    assert.strictEqual(messages.length, 1_000)
    assert.strictEqual(new Set(messages.map((m) => m.to)).size, 1_000)
    const other = await job.sms(numbers(1_000), { ...message, text: "Other" }, { chunkSize: 100 }).catch((e) => e)
    assert.deepInclude(other, { _tag: "BulkJobError", reason: "Mismatch" })
    assert.isUndefined(await client().bulk.job("unknown-job", { store }).status())
  })

  const redisUrl = process.env.SMSCX_TEST_REDIS_URL?.trim() ?? ""
  it.runIf(redisUrl !== "")(
    "two workers on one job: each chunk sent once, by one of them; each outcome the whole job's",
    async () => {
      const { server } = setup()
      let requests = 0
      const counted: typeof fetch = (input, init) => {
        requests++
        return server.fetch(input, init)
      }
      const prefix = `smscx-test-promise-workers-${crypto.randomUUID()}:`
      const at = {
        host: new URL(redisUrl).hostname,
        port: Number(new URL(redisUrl).port || 6379),
        prefix,
        lease: 2_000
      }
      opened.push(async () => {
        const redis = new Redis(redisUrl)
        const keys = await redis.keys(`${prefix}*`)
        if (keys.length > 0) await redis.del(...keys)
        redis.disconnect()
      })
      const run = () => {
        const { close, queue, store } = BulkJobRedis.worker(at)
        const made = new SmsCx({ apiKey: API_KEY, baseUrl: Sandbox.baseUrl, fetch: counted })
        opened.push(async () => {
          await made.close()
          await close()
        })
        return made.bulk.job("promise-workers", { queue, store }).sms(numbers(1_000), message, {
          chunkSize: 100,
          concurrency: 2,
          rateLimit: { limit: 1_000 }
        })
      }
      const outcomes = await Promise.all([run(), run()])
      for (const outcome of outcomes) {
        assert.strictEqual(outcome.accepted, 1_000)
        assert.isFalse(outcome.stopped)
      }
      assert.strictEqual(requests, 10, "each chunk was sent once, by one worker or the other")
      const messages = await Effect.runPromise(server.sandbox.messages)
      assert.strictEqual(new Set(messages.map((m) => m.to)).size, 1_000)
      assert.strictEqual(messages.length, 1_000)
      // complete: the queue's keys are gone, the job's list expires (retain, default 30 days)
      const redis = new Redis(redisUrl)
      try {
        const kept = [`${prefix}promise-workers`, `${prefix}promise-workers#offered`]
        assert.deepStrictEqual((await redis.keys(`${prefix}*`)).sort(), kept)
        for (const key of kept) {
          const ttl = await redis.pttl(key)
          assert.isTrue(ttl > 29 * 86_400_000 && ttl <= 30 * 86_400_000, `${key} ttl ${ttl}`)
        }
      } finally {
        redis.disconnect()
      }
    }
  )

  it("BulkJobRedis refuses a duration that is not a count of milliseconds, before connecting", () => {
    for (const make of [BulkJobRedis.worker, BulkJobRedis.open]) {
      assert.throws(() => make({ port: 1, lease: -5 }), InvalidOptionsError, "lease must be")
      assert.throws(() => make({ port: 1, timeout: Number.NaN }), InvalidOptionsError, "timeout must be")
      assert.throws(() => make({ port: 1, retain: Infinity }), InvalidOptionsError, "retain must be")
    }
  })

  it.runIf(redisUrl !== "")(
    "a job's store in Redis: run through one connection, its status read through another",
    async () => {
      const { client } = setup()
      const at = {
        host: new URL(redisUrl).hostname,
        port: Number(new URL(redisUrl).port || 6379),
        prefix: `smscx-test-promise-store-${crypto.randomUUID()}:`
      }
      const writer = BulkJobRedis.open(at)
      const reader = BulkJobRedis.open(at)
      opened.push(async () => {
        const redis = new Redis(redisUrl)
        const keys = await redis.keys(`${at.prefix}*`)
        if (keys.length > 0) await redis.del(...keys)
        redis.disconnect()
        await writer.close()
        await reader.close()
      })
      const outcome = await client().bulk.job("promise-redis-store", { store: writer.store }).sms(
        numbers(300),
        message,
        {
          chunkSize: 100,
          rateLimit: { limit: 1_000 }
        }
      )
      assert.strictEqual(outcome.accepted, 300)
      const status = await client().bulk.job("promise-redis-store", { store: reader.store }).status()
      assert.isTrue(status?.complete)
      assert.strictEqual(status?.progress.accepted, 300)
    }
  )
})
