/**
 * `@smscx/promise/RedisPacing`: the Promise client's bulk sends paced through a real Redis
 * (`SMSCX_TEST_REDIS_URL`), with the pacing made by this package (the one its bulk client takes),
 * closed within its bound; bad durations refused before anything connects. Without
 * `SMSCX_TEST_REDIS_URL` the Redis tests fail in CI and are skipped elsewhere, saying so.
 */
import { Bulk, InvalidOptionsError, SmsCx } from "@smscx/promise"
import * as RedisPacing from "@smscx/promise/RedisPacing"
import { Sandbox } from "@smscx/sandbox"
import { Redis } from "ioredis"
import * as Crypto from "node:crypto"
import { afterAll, assert, describe, it } from "vitest"

const API_KEY = "sk-test-Pacing7QmR2"
const redisUrl = process.env.SMSCX_TEST_REDIS_URL?.trim() ?? ""
const inCi = ["true", "1"].includes(process.env.CI?.toLowerCase() ?? "")
const redisAt = redisUrl === "" ? undefined : new URL(redisUrl)
/** Keys of this run only. */
const prefix = `smscx-test-promise-pacing-${Crypto.randomUUID()}:`

afterAll(async () => {
  if (redisAt === undefined) return
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true })
  try {
    await redis.connect()
    const keys = await redis.keys(`${prefix}*`)
    if (keys.length > 0) await redis.del(...keys)
  } finally {
    redis.disconnect()
  }
})

describe("RedisPacing.open", () => {
  it("refuses a duration that is not a count of milliseconds, naming the option", async () => {
    for (const [option, value] of [["timeout", -1], ["closeTimeout", Number.NaN], ["timeout", Infinity]] as const) {
      const error = await RedisPacing.open({ port: 1, [option]: value }).then(() => undefined, (e: unknown) => e)
      assert.instanceOf(error, InvalidOptionsError)
      assert.strictEqual((error as InvalidOptionsError).option, option)
    }
  })

  if (redisAt === undefined && !inCi) {
    process.stderr.write(
      "promise RedisPacing.test.ts: Redis tests skipped, no SMSCX_TEST_REDIS_URL (in CI this fails)\n"
    )
    return
  }

  it("paces the Promise client's bulk sends through Redis: every recipient accepted, one budget spent", async () => {
    assert.isDefined(redisAt, "SMSCX_TEST_REDIS_URL is set (CI=true: the suite may not be skipped)")
    const sandbox = Sandbox.inProcessFetch({ apiKeys: [API_KEY], balance: 1_000 })
    const client = new SmsCx({ apiKey: API_KEY, baseUrl: Sandbox.baseUrl, fetch: sandbox.fetch })
    const redis = await RedisPacing.open({ host: redisAt!.hostname, port: Number(redisAt!.port || 6379), prefix })
    try {
      const bulk = Bulk.bulkOf(client, { pacing: redis.pacing })
      const recipients = Array.from({ length: 30 }, (_, i) => `+3165${String(i).padStart(7, "0")}`)
      const outcome = await bulk.sms(recipients, { from: "InfoText", text: "Paced" }, {
        chunkSize: 10,
        pacingKey: "promise-test",
        rateLimit: { limit: 100 }
      })
      assert.strictEqual(outcome.accepted, 30)
      assert.deepStrictEqual(outcome.failed, [])
      // the budget is kept in this Redis, under the prefix given
      const probe = new Redis(redisUrl, { maxRetriesPerRequest: 1 })
      try {
        assert.isAbove((await probe.keys(`${prefix}*`)).length, 0)
      } finally {
        probe.disconnect()
      }
    } finally {
      await redis.close()
      await redis.close() // a second close is the first's
      await client.close()
      await sandbox.close()
    }
  })

  it("out of reach: a chunk's slot request fails within timeout and the send settles, reporting it", async () => {
    const sandbox = Sandbox.inProcessFetch({ apiKeys: [API_KEY], balance: 1_000 })
    const client = new SmsCx({ apiKey: API_KEY, baseUrl: Sandbox.baseUrl, fetch: sandbox.fetch })
    const redis = await RedisPacing.open({ port: 1, timeout: 200, closeTimeout: 200 })
    try {
      const bulk = Bulk.bulkOf(client, { pacing: redis.pacing })
      const outcome = await bulk.sms(["+31650000001"], { from: "InfoText", text: "Paced" }, {
        pacingKey: "promise-test-unreachable",
        rateLimit: { limit: 100 }
      })
      assert.strictEqual(outcome.accepted, 0)
      assert.strictEqual(outcome.failed.length, 1)
      assert.include(String(outcome.failed[0]!.error.message), "reach")
    } finally {
      await redis.close()
      await client.close()
      await sandbox.close()
    }
  })
})
