import { createClient, RequestValidationError, SmsCx, TransportError } from "@smscx/promise"
import { Sms } from "@smscx/promise/Api"
import { bulkOf, BulkSendError } from "@smscx/promise/Bulk"
import { Sandbox } from "@smscx/sandbox"
import * as Effect from "effect/Effect"
import { afterEach, assert, describe, it } from "vitest"

const API_KEY = "sk-test-Bulk9XbL2"
const opened: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((close) => close()))
})

const setup = (options: Sandbox.Options = {}) => {
  const server = Sandbox.inProcessFetch({ apiKeys: [API_KEY], balance: 100_000, ...options })
  opened.push(server.close)
  const client = new SmsCx({ apiKey: API_KEY, baseUrl: Sandbox.baseUrl, fetch: server.fetch })
  opened.push(() => client.close())
  return { client, server }
}

const numbers = function*(count: number, from = 0): Generator<string> {
  for (let i = from; i < from + count; i++) yield `+3161${String(i).padStart(7, "0")}`
}

const message = { from: "InfoText", text: "Sale today" }

describe("client.bulk: bulk sending with Promises", () => {
  it("takes an async iterable, reports progress after each chunk, and resolves with the outcome", async () => {
    const { client, server } = setup()
    async function* fromFile() {
      for (const n of numbers(2_500)) yield n
    }
    const seen: Array<number> = []
    const outcome = await client.bulk.sms(fromFile(), message, {
      chunkSize: 1_000,
      onProgress: (progress, event) => {
        assert.oneOf(event._tag, ["ChunkSent", "ChunkFailed"])
        seen.push(progress.recipients)
      }
    })
    assert.strictEqual(outcome.accepted, 2_500)
    assert.deepStrictEqual(seen.length, 3)
    assert.deepStrictEqual(seen, [...seen].sort((a, b) => a - b))
    assert.strictEqual(seen[2], 2_500)
    assert.strictEqual((await Effect.runPromise(server.sandbox.messages)).length, 2_500)
  })

  it("an aborted signal stops between chunks; the outcome says what was sent", async () => {
    const { client, server } = setup()
    const controller = new AbortController()
    const outcome = await client.bulk.sms(numbers(500), message, {
      chunkSize: 10,
      concurrency: 1,
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.chunksSent === 3) controller.abort()
      }
    })
    assert.isTrue(outcome.stopped)
    assert.isBelow(outcome.recipients, 500)
    assert.isAtLeast(outcome.recipients, 30)
    assert.strictEqual((await Effect.runPromise(server.sandbox.messages)).length, outcome.accepted)
  })

  it("a throw in onProgress stops the send; it rejects with a BulkSendError caused by it", async () => {
    const { client } = setup()
    const oops = new Error("progress bar broke")
    const failure = await client.bulk.sms(numbers(50), message, {
      chunkSize: 10,
      onProgress: () => {
        throw oops
      }
    }).catch((error: unknown) => error)
    assert.instanceOf(failure, BulkSendError)
    assert.strictEqual((failure as BulkSendError).cause, oops)
  })

  it("an iterator that throws: a BulkSendError caused by its error, with what was sent", async () => {
    const { client } = setup()
    async function* broken() {
      yield "+31612345678"
      throw new Error("disk read failed")
    }
    const failure = await client.bulk.sms(broken(), message).catch((error: unknown) => error)
    assert.instanceOf(failure, BulkSendError)
    assert.strictEqual(((failure as BulkSendError).cause as Error).message, "disk read failed")
    assert.strictEqual((failure as BulkSendError).outcome.accepted, 1)
  })

  it("bad options reject with a RequestValidationError; nothing is sent", async () => {
    const { client, server } = setup()
    const failure = await client.bulk.sms(numbers(10), message, { chunkSize: 30_000 }).catch((e: unknown) => e)
    assert.instanceOf(failure, RequestValidationError)
    assert.strictEqual((await Effect.runPromise(server.sandbox.messages)).length, 0)
  })

  it("failed chunks keep their recipients; retryFailed sends exactly those", async () => {
    const { client, server } = setup({ balance: 0.8 })
    const outcome = await client.bulk.sms(numbers(30), message, { chunkSize: 10, concurrency: 1 })
    assert.strictEqual(outcome.failed.length, 2)
    await Effect.runPromise(server.sandbox.setBalance(100))
    const again = await client.bulk.sms.retryFailed(outcome.failed, message)
    assert.strictEqual(again.accepted, 20)
    const stored = await Effect.runPromise(server.sandbox.messages)
    assert.strictEqual(new Set(stored.map((m) => m.to)).size, 30)
    assert.strictEqual(stored.length, 30)
  })

  it("close() ends a send in flight: a BulkSendError caused by a TransportError (Closed)", async () => {
    const { client } = setup({ rateLimit: { limit: 5, windowSeconds: 1 } })
    const sending = client.bulk.sms(numbers(200), message, { chunkSize: 10 }).catch((e: unknown) => e)
    await new Promise((resolve) => setTimeout(resolve, 200))
    await client.close()
    const failure = await sending
    assert.instanceOf(failure, BulkSendError)
    const cause = (failure as BulkSendError).cause
    assert.instanceOf(cause, TransportError)
    assert.strictEqual((cause as TransportError).reason, "Closed")
  })

  it("bulkOf gives a createClient client the same bulk sends", async () => {
    const server = Sandbox.inProcessFetch({ apiKeys: [API_KEY], balance: 1_000 })
    opened.push(server.close)
    const client = createClient({ sms: Sms }, { apiKey: API_KEY, baseUrl: Sandbox.baseUrl, fetch: server.fetch })
    opened.push(() => client.close())
    const outcome = await bulkOf(client).sms(numbers(20), message, { chunkSize: 5 })
    assert.strictEqual(outcome.accepted, 20)
    assert.strictEqual(outcome.campaignIds.length, 4)
  })

  it("progress, events, outcomes and a BulkSendError's outcome are plain values: elapsedMs, no Effect types", async () => {
    const { client } = setup({ balance: 0.8 })
    /** Every value JSON can carry as it is: no class instance (a Duration, an Option) anywhere. */
    const assertPlain = (value: unknown, path: string): void => {
      if (typeof value !== "object" || value === null) return
      const proto = Object.getPrototypeOf(value)
      if (Array.isArray(value)) return value.forEach((item, i) => assertPlain(item, `${path}[${i}]`))
      // a chunk's error is the SDK's error class, as every rejection is
      if (value instanceof Error) return
      assert.isTrue(proto === Object.prototype || proto === null, `${path} is a ${proto?.constructor?.name}`)
      for (const [key, item] of Object.entries(value)) assertPlain(item, `${path}.${key}`)
    }
    const seen: Array<unknown> = []
    const outcome = await client.bulk.sms(numbers(30), message, {
      chunkSize: 10,
      concurrency: 1,
      onProgress: (progress, event) => {
        assert.isNumber(progress.elapsedMs)
        assert.notProperty(progress, "elapsed")
        assert.strictEqual(event.progress, progress)
        seen.push(progress, event)
      }
    })
    assert.strictEqual(seen.length, 6)
    assertPlain(seen, "events")
    assertPlain(outcome, "outcome")
    assert.isNumber(outcome.elapsedMs)
    assert.isAtLeast(outcome.elapsedMs, 0)
    assert.notProperty(outcome, "elapsed")
    const json = JSON.stringify({ seen, outcome })
    assert.notInclude(json, "_id")
    assert.notInclude(json, "Duration")
    assert.strictEqual(JSON.parse(JSON.stringify(outcome)).elapsedMs, outcome.elapsedMs)

    async function* broken() {
      yield "+31612345678"
      throw new Error("disk read failed")
    }
    const failure = await client.bulk.sms(broken(), message).catch((error: unknown) => error)
    assert.instanceOf(failure, BulkSendError)
    const failed = (failure as BulkSendError).outcome
    assertPlain(failed, "BulkSendError.outcome")
    assert.isNumber(failed.elapsedMs)
    assert.notInclude(JSON.stringify(failure), "_id")
    assert.isNumber((JSON.parse(JSON.stringify(failure)) as { outcome: { elapsedMs: number } }).outcome.elapsedMs)
  })
})
