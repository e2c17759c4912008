/**
 * Bulk sending against the in-process sandbox, on the real clock (pacing sleeps): chunking,
 * aggregation, pacing under the rate limit, safe retries through injected faults (each recipient
 * accepted and charged exactly once, on the sandbox's own record), failed chunks and their retry,
 * stopping, interruption, bad options.
 */
import { describe, it } from "@effect/vitest"
import { Bulk, InsufficientBalanceException, RequestValidationError } from "@smscx/client"
import * as Api from "@smscx/core/Api"
import * as Chunk from "effect/Chunk"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import * as fs from "node:fs"
import { assert } from "vitest"
import { layer, Requests, type Sandbox, sandbox } from "./utils.js"

/** `count` distinct valid Dutch mobile numbers, from `from` on. */
const numbers = function*(count: number, from = 0): Generator<string> {
  for (let i = from; i < from + count; i++) yield `+3161${String(i).padStart(7, "0")}`
}

const message = { from: "InfoText", text: "Sale today" }

const live =
  (sandboxOptions: Sandbox.Options = {}, retry: object = { baseDelay: "5 millis", maxRetries: 8 }) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.provide(effect, layer({ apiKey: "test-key", retry } as never, { balance: 1_000_000, ...sandboxOptions }))

const bulk = Effect.map(Bulk.Bulk, (service) => service)

/** Each recipient's messages on the sandbox's record. */
const perRecipient = Effect.gen(function*() {
  const counts = new Map<string, number>()
  for (const m of yield* (yield* sandbox).messages) counts.set(m.to, (counts.get(m.to) ?? 0) + 1)
  return counts
})

describe("Bulk: the operations it repeats", () => {
  it("are the sends to a list of up to 25,000 numbers that take an idempotency id, one per channel", () => {
    const spec = JSON.parse(fs.readFileSync(new URL("../../../spec/smscx-openapi.json", import.meta.url), "utf8"))
    const bodyOf = (ref: string) => spec.components.schemas[ref.split("/").pop()!]
    const bulkable = Object.values(Api.groups).flatMap((group) =>
      Object.values(group).filter((operation) => {
        if (operation.idempotencyKey === undefined || operation.input._tag !== "Json") return false
        const schema = spec.paths[operation.path]?.[operation.method.toLowerCase()]?.requestBody?.content?.[
          "application/json"
        ]?.schema
        const to = schema?.$ref === undefined ? undefined : bodyOf(schema.$ref).properties?.to
        return to?.type === "array" && to.maxItems === 25000
      }).map((operation) => operation.id)
    )
    assert.sameMembers(Object.values(Bulk.operations).map((operation) => operation.id), bulkable)
  })
})

describe("Bulk sending, through the sandbox", () => {
  it.live("splits into chunks, sends each once, and adds up the outcome", () =>
    Effect.gen(function*() {
      const events = yield* Stream.runCollect((yield* bulk).sms.events(numbers(2_500), message, { chunkSize: 1_000 }))
      const all = Chunk.toReadonlyArray(events)
      const last = all[all.length - 1]!
      assert.strictEqual(last._tag, "Completed")
      const outcome = last._tag === "Completed" ? last.outcome : undefined!
      assert.deepStrictEqual(
        all.filter((e) => e._tag === "ChunkSent").map((e) => e._tag === "ChunkSent" ? e.size : 0).sort(),
        [1000, 1000, 500]
      )
      assert.strictEqual(outcome.accepted, 2_500)
      assert.strictEqual(outcome.recipients, 2_500)
      assert.strictEqual(outcome.messageIds.length, 2_500)
      assert.strictEqual(new Set(outcome.messageIds).size, 2_500)
      assert.strictEqual(outcome.campaignIds.length, 3)
      assert.deepStrictEqual(outcome.failed, [])
      assert.isFalse(outcome.stopped)
      // the progress only grows
      const seen = all.flatMap((e) => e._tag === "Completed" ? [] : [e.progress.recipients])
      assert.deepStrictEqual(seen, [...seen].sort((a, b) => a - b))
      const state = yield* sandbox
      const stored = yield* state.messages
      assert.strictEqual(stored.length, 2_500)
      const charged = stored.reduce((sum, m) => sum + Math.round(m.cost * 1e6), 0) / 1e6
      assert.strictEqual(outcome.cost, charged)
      assert.strictEqual(yield* state.balance, Math.round((1_000_000 - charged) * 1e6) / 1e6)
    }).pipe(live()))

  it.live("reports invalid numbers instead of failing their chunk, and removes repeats", () =>
    Effect.gen(function*() {
      const service = yield* bulk
      const given = ["+31612345678", " +31612345678", "+3161234", "+4915123456789", "+4915123456789"]
      const outcome = yield* service.sms(given, message)
      assert.strictEqual(outcome.accepted, 2)
      assert.deepStrictEqual(outcome.invalidNumbers, ["+3161234"])
      assert.strictEqual(outcome.invalid, 1)
      assert.strictEqual(outcome.duplicates, 2)
      assert.deepStrictEqual(outcome.failed, [])
      // across chunks only when asked ("all"); as given with false
      const across = yield* service.sms(["+31612345670", "+31612345671", "+31612345670"], message, {
        chunkSize: 2,
        deduplicate: "all"
      })
      assert.strictEqual(across.accepted, 2)
      assert.strictEqual(across.duplicates, 1)
      const perChunk = yield* service.sms(["+31612345680", "+31612345681", "+31612345680"], message, { chunkSize: 2 })
      assert.strictEqual(perChunk.accepted, 3)
      const asGiven = yield* service.sms(["+31612345690", "+31612345690"], message, { deduplicate: false })
      assert.strictEqual(asGiven.accepted, 2)
      // refused before its chunk is sent: the send ends with what it did (here nothing)
      const notANumber = yield* Effect.flip(service.sms(["+31612345678", 42 as never], message))
      assert.instanceOf(notANumber, Bulk.BulkSendError)
      assert.instanceOf(notANumber.cause, RequestValidationError)
      assert.include((notANumber.cause as RequestValidationError).message, "recipients[1]")
      assert.strictEqual(notANumber.outcome.recipients, 0)
    }).pipe(live()))

  it.live("takes an Effect Stream; its failure ends the send once the chunks read are answered", () =>
    Effect.gen(function*() {
      const service = yield* bulk
      const fromStream = yield* service.sms(Stream.fromIterable(numbers(30)), message, { chunkSize: 10 })
      assert.strictEqual(fromStream.accepted, 30)
      const failing = Stream.concat(Stream.fromIterable(numbers(25, 100)), Stream.fail("the file is unreadable"))
      const failure = yield* Effect.flip(service.sms(failing, message, { chunkSize: 10 }))
      assert.instanceOf(failure, Bulk.BulkSendError)
      assert.strictEqual(failure.cause, "the file is unreadable")
      // every recipient read went, and the outcome says so, as the sandbox's record does
      assert.strictEqual(failure.outcome.accepted, 25)
      assert.strictEqual((yield* (yield* sandbox).messages).length, 30 + 25)
    }).pipe(live()))

  it.live("paces under the rate limit: no 429 storm, near the allowed rate", () =>
    Effect.gen(function*() {
      const started = Date.now()
      const outcome = yield* (yield* bulk).sms(numbers(300), message, { chunkSize: 10, concurrency: 8 })
      const elapsed = Date.now() - started
      const requests = (yield* Effect.flatten(Requests)).filter((r) => r.path === "/sms")
      assert.strictEqual(outcome.accepted, 300)
      // an event loop late by a few ms may squeeze one more into a window: one 429 at most, retried
      const limited = requests.filter((r) => r.response?.status === 429).length
      assert.isAtMost(limited, 1)
      assert.strictEqual(requests.length, 30 + limited)
      // 30 requests under 20 a second (the first goes alone, then 19.4 a second): about 1.5 s
      assert.isAtLeast(elapsed, 1_300)
    }).pipe(live({ rateLimit: { limit: 20, windowSeconds: 1 } })))

  it.live("X-Rate-Limit-Remaining: 0 holds the next chunk for a window: no 429 though the pace given is too fast", () =>
    Effect.gen(function*() {
      // the sandbox allows 5 a second; told 1,000, the send learns from Remaining instead
      const outcome = yield* (yield* bulk).sms(numbers(60), message, {
        chunkSize: 5,
        concurrency: 1,
        rateLimit: { limit: 1_000 }
      })
      assert.strictEqual(outcome.accepted, 60)
      const requests = (yield* Effect.flatten(Requests)).filter((r) => r.path === "/sms")
      assert.deepStrictEqual(requests.map((r) => r.response?.status).filter((status) => status !== 200), [])
      assert.strictEqual(requests.length, 12)
    }).pipe(live({ rateLimit: { limit: 5, windowSeconds: 1 } })))

  it.live("a 429 holds every chunk until the window resets, and the send completes", () =>
    Effect.gen(function*() {
      // the limit given is above the sandbox's: the first windows overflow and answer 429
      const outcome = yield* (yield* bulk).sms(numbers(200), message, {
        chunkSize: 10,
        concurrency: 8,
        rateLimit: { limit: 40 }
      })
      assert.strictEqual(outcome.accepted, 200)
      assert.deepStrictEqual(outcome.failed, [])
      const counts = yield* perRecipient
      assert.isTrue([...counts.values()].every((n) => n === 1))
    }).pipe(live({ rateLimit: { limit: 20, windowSeconds: 1 } })))

  it.live("through 10% faults (429, 500, 503, resets, lost answers): every recipient accepted and charged once", () =>
    Effect.gen(function*() {
      const total = 20_000
      const outcome = yield* (yield* bulk).sms(numbers(total), message, { chunkSize: 250, concurrency: 6 })
      assert.deepStrictEqual(outcome.failed.map((f) => f.error._tag), [])
      assert.strictEqual(outcome.accepted, total)
      const state = yield* sandbox
      const counts = yield* perRecipient
      assert.strictEqual(counts.size, total, "none lost")
      assert.isTrue([...counts.values()].every((n) => n === 1), "none sent twice")
      const stored = yield* state.messages
      const charged = stored.reduce((sum, m) => sum + Math.round(m.cost * 1e6), 0)
      assert.strictEqual(Math.round((1_000_000 - (yield* state.balance)) * 1e6), charged, "charged once")
      assert.strictEqual(Math.round(outcome.cost * 1e6), charged)
      // the faults did happen
      const requests = (yield* Effect.flatten(Requests)).filter((r) => r.path === "/sms")
      assert.isAbove(requests.length, total / 250)
    }).pipe(live({
      faults: {
        seed: 7,
        rules: [
          { kind: "rateLimit", rate: 0.02 },
          { kind: "serverError", rate: 0.02 },
          { kind: "unavailable", rate: 0.02 },
          { kind: "reset", rate: 0.02 },
          { kind: "lostAnswer", rate: 0.02 }
        ]
      }
    }, { baseDelay: "5 millis", maxRetries: 10 })))

  it.live("reports the chunks that finally failed, with their error and recipients, and sends them again", () =>
    Effect.gen(function*() {
      const service = yield* bulk
      // enough for the first chunk only: the rest are refused for the balance, which is not retried
      const outcome = yield* service.sms(numbers(30), message, { chunkSize: 10, concurrency: 1 })
      assert.strictEqual(outcome.accepted, 10)
      assert.strictEqual(outcome.failed.length, 2)
      for (const failed of outcome.failed) {
        assert.instanceOf(failed.error, InsufficientBalanceException)
        assert.strictEqual(failed.recipients.length, 10)
      }
      assert.strictEqual(outcome.recipientsFailed, 20)
      yield* (yield* sandbox).setBalance(100)
      const again = yield* service.sms.retryFailed(outcome.failed, message)
      assert.strictEqual(again.accepted, 20)
      const counts = yield* perRecipient
      assert.strictEqual(counts.size, 30)
      assert.isTrue([...counts.values()].every((n) => n === 1))
    }).pipe(live({ balance: 0.8 })))

  it.live("a retried chunk that had reached the API is not sent twice (same idempotency id)", () =>
    Effect.gen(function*() {
      const service = yield* bulk
      // every answer lost, and no retries: the sends happened, the client does not know it
      const lost = yield* service.sms(numbers(20), message, { chunkSize: 10, call: { retry: false } })
      assert.strictEqual(lost.failed.length, 2)
      const state = yield* sandbox
      yield* state.setFaults({ rules: [] })
      const again = yield* service.sms.retryFailed(lost.failed, message)
      assert.strictEqual(again.accepted, 20)
      assert.strictEqual((yield* state.messages).length, 20)
    }).pipe(live({ faults: { rules: [{ kind: "lostAnswer", rate: 1 }] } })))

  it.live("stop: no new chunk starts, those in flight finish, those waiting are listed in failed", () =>
    Effect.gen(function*() {
      const service = yield* bulk
      const stop = yield* Deferred.make<void>()
      const outcome = yield* service.sms.events(numbers(200), message, {
        chunkSize: 10,
        concurrency: 2,
        rateLimit: { limit: 20 },
        stop: Deferred.await(stop)
      }).pipe(
        Stream.tap((event) =>
          event._tag === "ChunkSent" && event.index >= 2 ? Deferred.succeed(stop, undefined) : Effect.void
        ),
        Stream.runLast,
        Effect.map((last) => last._tag === "Some" && last.value._tag === "Completed" ? last.value.outcome : undefined)
      )
      assert.isDefined(outcome)
      assert.isTrue(outcome!.stopped)
      assert.isBelow(outcome!.recipients, 200)
      // what the outcome says was sent is exactly what the sandbox has; the rest is in failed
      assert.strictEqual((yield* (yield* sandbox).messages).length, outcome!.accepted)
      assert.strictEqual(outcome!.recipients, outcome!.accepted + outcome!.recipientsFailed)
      for (const chunk of outcome!.failed) assert.strictEqual(chunk.error._tag, "TransportError")
    }).pipe(live()))

  it.live("interruption ends the send promptly", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(
        (yield* bulk).sms(numbers(1_000), message, { chunkSize: 10, rateLimit: { limit: 5 } })
      )
      yield* Effect.sleep("300 millis")
      const started = Date.now()
      yield* Fiber.interrupt(fiber)
      assert.isBelow(Date.now() - started, 1_000)
      assert.isBelow((yield* (yield* sandbox).messages).length, 1_000)
    }).pipe(live()))

  it.live("a stop reaches a chunk waiting for a pacing slot: nothing more leaves, the send settles at once", () =>
    Effect.gen(function*() {
      const stop = yield* Deferred.make<void>()
      const fiber = yield* Effect.fork((yield* bulk).sms(numbers(100), message, {
        chunkSize: 10,
        rateLimit: { limit: 1, window: "5 seconds" },
        stop: Deferred.await(stop)
      }))
      yield* Effect.sleep("1 second")
      yield* Deferred.succeed(stop, undefined)
      const stoppedAt = Date.now()
      const outcome = yield* Fiber.join(fiber)
      assert.isBelow(Date.now() - stoppedAt, 2_000)
      yield* Effect.sleep("200 millis")
      const requests = (yield* Effect.flatten(Requests)).filter((r) => r.path === "/sms")
      assert.strictEqual(requests.length, 1)
      assert.isTrue(outcome.stopped)
      assert.strictEqual(outcome.accepted, 10)
      // the chunks read and cut while waiting are listed, with their ids, to send again
      assert.strictEqual(outcome.recipients, outcome.accepted + outcome.recipientsFailed)
      assert.isAtLeast(outcome.failed.length, 1)
    }).pipe(live()))

  it.live("interrupted: onInterrupt is told the outcome, the chunks in flight listed with their ids", () =>
    Effect.gen(function*() {
      const told = yield* Deferred.make<Bulk.Outcome<Bulk.Channel>>()
      const fiber = yield* Effect.fork(
        (yield* bulk).sms(numbers(1_000), message, {
          chunkSize: 10,
          concurrency: 4,
          rateLimit: { limit: 20 },
          onInterrupt: (outcome) => Deferred.succeed(told, outcome)
        })
      )
      yield* Effect.sleep("500 millis")
      yield* Fiber.interrupt(fiber)
      const outcome = yield* Deferred.await(told)
      yield* Effect.sleep("200 millis")
      const stored = yield* (yield* sandbox).messages
      assert.isAbove(outcome.accepted, 0)
      // whatever reached the API is accepted in the outcome or in a failed chunk (its fate unknown)
      const failed = new Set(outcome.failed.flatMap((chunk) => chunk.recipients))
      assert.strictEqual(stored.filter((m) => !failed.has(m.to)).length, outcome.accepted)
      assert.isTrue(outcome.stopped)
    }).pipe(live()))

  it.live("bad options and input: a RequestValidationError, nothing read or sent", () =>
    Effect.gen(function*() {
      const service = yield* bulk
      let read = 0
      const counted = (function*() {
        for (const n of numbers(10)) {
          read++
          yield n
        }
      })()
      for (
        const options of [
          { chunkSize: 25_001 },
          { chunkSize: 0 },
          { concurrency: 0 },
          { rateLimit: { limit: -1 } },
          { rateLimit: { window: Infinity } },
          { utilization: 1.5 },
          // a gap between two requests of days (or forever) is no pace
          { utilization: 1e-9 },
          { utilization: Number.MIN_VALUE },
          { utilization: 0.05 },
          { rateLimit: { limit: 1, window: "2 hours" } },
          { pacingKey: "" },
          // a misspelt option would be a setting silently not applied
          { chunksize: 10 },
          // call options by the transport's own rules, checked before the first chunk, not by each
          { call: { timeout: -1 } },
          { call: { retry: { maxRetries: -1 } } },
          { call: { headers: { "content-length": "1" } } },
          { onInterrupt: 42 }
        ]
      ) {
        const error = yield* Effect.flip(service.sms(counted, message, options as Bulk.Options))
        assert.instanceOf(error, RequestValidationError)
        assert.include(error.message, "option")
      }
      const notRecipients = yield* Effect.flip(service.sms(42 as never, message))
      assert.instanceOf(notRecipients, RequestValidationError)
      // retryFailed takes an outcome's failed chunks, nothing else
      for (const failed of [null, "x", [{}], [{ index: 0, recipients: [42], idempotencyId: "a" }]]) {
        const error = yield* Effect.flip(service.sms.retryFailed(failed as never, message))
        assert.instanceOf(error, RequestValidationError)
        assert.include(error.message, "failed")
      }
      assert.strictEqual(read, 0)
      assert.deepStrictEqual((yield* Effect.flatten(Requests)).filter((r) => r.path === "/sms"), [])
    }).pipe(live()))

  it.live("a message that breaks the send's schema: a RequestValidationError at once, nothing read or sent", () =>
    Effect.gen(function*() {
      let read = 0
      const counted = (function*() {
        for (const n of numbers(10)) {
          read++
          yield n
        }
      })()
      const error = yield* Effect.flip((yield* bulk).sms(counted, { from: "InfoText", text: 42 } as never))
      assert.instanceOf(error, RequestValidationError)
      assert.strictEqual(error.operation, "sendSms")
      assert.deepStrictEqual(error.issues.map((issue) => issue.path), [["text"]])
      assert.strictEqual(read, 0)
      assert.deepStrictEqual((yield* Effect.flatten(Requests)).filter((r) => r.path === "/sms"), [])
    }).pipe(live()))
})
