/**
 * Whatever ends a bulk send early (its input failing, a bad item, onProgress throwing or
 * rejecting, close(), an abort, a 429 whose reset is past the retry policy's maxDelay), every
 * recipient is accounted for: the chunks that went are in the outcome (with the rejection, as
 * `error.outcome`), those cut before they left are in `outcome.failed` with their idempotency id,
 * and nothing leaves after an abort. Against the in-process sandbox, on its own record.
 */
import { RequestValidationError, SmsCx, TransportError } from "@smscx/promise"
import { BulkSendError } from "@smscx/promise/Bulk"
import { Sandbox } from "@smscx/sandbox"
import * as Effect from "effect/Effect"
import { afterEach, assert, describe, it } from "vitest"

const API_KEY = "sk-test-Bulk9XbL2"
const opened: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((close) => close()))
})

/** Requests to /sms, each with when it left (ms since the test's start). */
interface Left {
  readonly at: number
}

const setup = (
  options: Sandbox.Options = {},
  clientOptions: object = {},
  answer?: (count: number) => Response | undefined
) => {
  const server = Sandbox.inProcessFetch({ apiKeys: [API_KEY], balance: 100_000, ...options })
  opened.push(server.close)
  const started = Date.now()
  const sent: Array<Left> = []
  const fetch: typeof globalThis.fetch = (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url
    if (new URL(url).pathname === "/sms") {
      sent.push({ at: Date.now() - started })
      const own = answer?.(sent.length)
      if (own !== undefined) return Promise.resolve(own)
    }
    return server.fetch(input, init)
  }
  const client = new SmsCx({ apiKey: API_KEY, baseUrl: Sandbox.baseUrl, fetch, ...clientOptions })
  opened.push(() => client.close())
  const messages = () => Effect.runPromise(server.sandbox.messages)
  return { client, server, sent, messages, started }
}

const numbers = function*(count: number, from = 0): Generator<string> {
  for (let i = from; i < from + count; i++) yield `+3161${String(i).padStart(7, "0")}`
}

const message = { from: "InfoText", text: "Sale today" }

const tooMany = (reset: string) =>
  new Response(JSON.stringify({ error: { type: "rate_limit", code: 1006, message: "Too many requests" } }), {
    status: 429,
    headers: { "content-type": "application/json", "x-rate-limit-reset": reset, "x-rate-limit-limit": "1000" }
  })

/** The recipients of an outcome's failed chunks. */
const failedRecipients = (outcome: BulkSendError["outcome"]) =>
  outcome.failed.flatMap((chunk: { readonly recipients: ReadonlyArray<string> }) => chunk.recipients)

const ms = (n: number) => new Promise((resolve) => setTimeout(resolve, n))

describe("client.bulk: every recipient accounted for, whatever ends the send", () => {
  it("an async iterable that throws mid-send: the rejection's outcome is what the sandbox sent and charged", async () => {
    const { client, messages } = setup()
    async function* failing() {
      for (const n of numbers(170)) yield n
      throw new Error("disk read failed")
    }
    let reported = 0
    const failure = await client.bulk.sms(failing(), message, {
      chunkSize: 20,
      onProgress: (progress) => {
        reported = progress.accepted
      }
    }).catch((error: unknown) => error)
    const stored = await messages()
    assert.instanceOf(failure, BulkSendError)
    const { cause, outcome } = failure as BulkSendError
    assert.strictEqual((cause as Error).message, "disk read failed")
    // every recipient read went (the last chunk short), and the outcome (and the last progress) says so
    assert.strictEqual(stored.length, 170)
    assert.strictEqual(outcome.accepted, stored.length)
    assert.strictEqual(reported, stored.length)
    assert.strictEqual(Math.round(outcome.cost * 1e6), stored.reduce((sum, m) => sum + Math.round(m.cost * 1e6), 0))
    assert.strictEqual(outcome.recipients, 170)
    assert.isTrue(outcome.stopped)
  })

  it("a number among the strings: refused before its chunk is sent; every chunk that went is in the outcome", async () => {
    const { client, messages } = setup()
    const given: Array<unknown> = [...numbers(300)]
    given[170] = 42
    const failure = await client.bulk.sms(given as Array<string>, message, { chunkSize: 20 })
      .catch((error: unknown) => error)
    const stored = await messages()
    assert.instanceOf(failure, BulkSendError)
    const { cause, outcome } = failure as BulkSendError
    assert.instanceOf(cause, RequestValidationError)
    assert.include((cause as RequestValidationError).message, "recipients[170]")
    // the chunk holding it (160 to 179) and every later one never left
    assert.isAtMost(stored.length, 160)
    assert.isFalse(stored.some((m) => Number(m.to.slice(-7)) >= 160))
    assert.strictEqual(outcome.accepted, stored.length)
    assert.deepStrictEqual(outcome.failed, [])
  })

  it("onProgress throwing mid-send: the chunks in flight finish and are in the rejection's outcome", async () => {
    const { client, messages } = setup()
    const oops = new Error("progress bar broke")
    const failure = await client.bulk.sms(numbers(400), message, {
      chunkSize: 10,
      concurrency: 4,
      onProgress: (progress) => {
        if (progress.chunksSent >= 3) throw oops
      }
    }).catch((error: unknown) => error)
    assert.instanceOf(failure, BulkSendError)
    assert.strictEqual((failure as BulkSendError).cause, oops)
    const { outcome } = failure as BulkSendError
    const stored = await messages()
    assert.isBelow(stored.length, 400)
    assert.strictEqual(outcome.accepted, stored.length)
    // nothing goes after the rejection
    await ms(200)
    assert.strictEqual((await messages()).length, stored.length)
  })

  it("an async onProgress that rejects: handled as a throw (no unhandled rejection), with the outcome", async () => {
    const { client, messages } = setup()
    const unhandled: Array<unknown> = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on("unhandledRejection", onUnhandled)
    try {
      const oops = new Error("progress store down")
      const failure = await client.bulk.sms(numbers(400), message, {
        chunkSize: 10,
        concurrency: 4,
        onProgress: async (progress) => {
          await ms(1)
          if (progress.chunksSent >= 3) throw oops
        }
      }).catch((error: unknown) => error)
      await ms(50)
      assert.deepStrictEqual(unhandled, [])
      assert.instanceOf(failure, BulkSendError)
      assert.strictEqual((failure as BulkSendError).cause, oops)
      const stored = await messages()
      assert.isBelow(stored.length, 400)
      assert.strictEqual((failure as BulkSendError).outcome.accepted, stored.length)
    } finally {
      process.off("unhandledRejection", onUnhandled)
    }
  })

  it("close() mid-send: the rejection's outcome has the chunks sent, and those in flight with their ids", async () => {
    const { client, messages } = setup({ rateLimit: { limit: 5, windowSeconds: 1 } })
    const sending = client.bulk.sms(numbers(200), message, { chunkSize: 10 }).catch((e: unknown) => e)
    await ms(700)
    await client.close()
    const failure = await sending
    assert.instanceOf(failure, BulkSendError)
    const { cause, outcome } = failure as BulkSendError
    assert.instanceOf(cause, TransportError)
    assert.strictEqual((cause as TransportError).reason, "Closed")
    const stored = await messages()
    assert.isAtLeast(outcome.accepted, 1)
    // what went is either counted as accepted or listed in failed (its fate unknown, its id kept)
    const accounted = new Set([...failedRecipients(outcome)])
    const unaccounted = stored.filter((m) => !accounted.has(m.to)).length
    assert.strictEqual(unaccounted, outcome.accepted)
    for (const chunk of outcome.failed) assert.isString(chunk.idempotencyId)
  })
})

describe("client.bulk: an abort reaches chunks waiting their turn", () => {
  it(
    "waiting for a pacing slot (1 request per 5 s, abort at 1 s): nothing more leaves, it settles promptly",
    async () => {
      const { client, messages, sent, started } = setup()
      const controller = new AbortController()
      setTimeout(() => controller.abort(), 1_000)
      const outcome = await client.bulk.sms(numbers(100), message, {
        chunkSize: 10,
        rateLimit: { limit: 1, window: "5 seconds" },
        signal: controller.signal
      })
      const settled = Date.now() - started
      await ms(300)
      assert.deepStrictEqual(sent.filter((left) => left.at > 1_000), [])
      assert.isBelow(settled, 3_000)
      assert.isTrue(outcome.stopped)
      assert.strictEqual(outcome.accepted, (await messages()).length)
      // the chunks cut while waiting are listed, to send again
      assert.strictEqual(outcome.accepted + outcome.recipientsFailed, outcome.recipients)
    },
    30_000
  )

  it("held by a 429 (reset 3,000 s, within the policy's maxDelay): an abort settles it promptly", async () => {
    const { client, sent, started } = setup(
      {},
      { retry: { maxDelay: "1 hour", baseDelay: "5 millis" } },
      (count) => count >= 2 ? tooMany("3000") : undefined
    )
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 1_000)
    const outcome = await client.bulk.sms(numbers(100), message, {
      chunkSize: 10,
      concurrency: 2,
      signal: controller.signal
    })
    const settled = Date.now() - started
    assert.isBelow(settled, 3_000)
    assert.isTrue(outcome.stopped)
    assert.deepStrictEqual(sent.filter((left) => left.at > 1_000), [])
    assert.strictEqual(outcome.accepted, 10)
    assert.strictEqual(outcome.accepted + outcome.recipientsFailed, outcome.recipients)
  }, 30_000)
})

describe("client.bulk: X-Rate-Limit-Reset past the policy's maxDelay", () => {
  it("fails the send at once, as a single call does, with the outcome so far", async () => {
    const { client, sent, started } = setup({}, {}, (count) => count >= 3 ? tooMany("1000000000000") : undefined)
    const failure = await client.bulk.sms(numbers(100), message, { chunkSize: 10, concurrency: 1 })
      .catch((error: unknown) => error)
    const settled = Date.now() - started
    assert.isBelow(settled, 5_000)
    assert.instanceOf(failure, BulkSendError)
    const { cause, outcome } = failure as BulkSendError
    assert.strictEqual((cause as { _tag: string })._tag, "RateLimitExcedeedException")
    assert.strictEqual(outcome.accepted, 20)
    assert.strictEqual(sent.length, 3)
  }, 30_000)
})

describe("client.bulk: bad options and arguments", () => {
  it("are a RequestValidationError before anything is read or sent", async () => {
    const { client, sent } = setup()
    let read = 0
    const counted = (function*() {
      for (const n of numbers(10)) {
        read++
        yield n
      }
    })()
    for (
      const options of [
        { utilization: 1e-9 },
        { utilization: Number.MIN_VALUE },
        { utilization: 0 },
        { chunkSize: 1.5 },
        { concurrency: 1_000 },
        { rateLimit: { limit: 0 } },
        { onProgress: "x" },
        { signal: "x" },
        { chunksize: 10 },
        "x"
      ]
    ) {
      const failure = await client.bulk.sms(counted, message, options as never).catch((error: unknown) => error)
      assert.instanceOf(failure, RequestValidationError, JSON.stringify(options))
    }
    for (const failed of [null, undefined, "x", [null], [{ index: 0, recipients: "x", idempotencyId: "a" }]]) {
      const failure = await client.bulk.sms.retryFailed(failed as never, message).catch((error: unknown) => error)
      assert.instanceOf(failure, RequestValidationError, JSON.stringify(failed))
    }
    assert.strictEqual(read, 0)
    assert.deepStrictEqual(sent, [])
  })
})
