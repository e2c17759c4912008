/**
 * Bulk jobs against the in-process sandbox: derived chunk ids, resuming (done chunks skipped, a
 * chunk in flight at a failure sent again with its id and replayed by the API, each recipient
 * accepted and charged once on the sandbox's own record), a job id reused for another send
 * refused, the file store across "processes" (fresh services over one file), and its refusals of
 * a corrupt file, another job's file, another version's.
 */
import { describe, it } from "@effect/vitest"
import { BulkJob, BulkJobStore, Pacing, SmsCx } from "@smscx/client"
import * as BulkJobFile from "@smscx/client/BulkJobFile"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { assert } from "vitest"
import { API_KEY, layer, Requests, Sandbox, sandbox, UUID } from "./utils.js"

const numbers = function*(count: number, from = 0): Generator<string> {
  for (let i = from; i < from + count; i++) yield `+3162${String(i).padStart(7, "0")}`
}

const message = { from: "InfoText", text: "Jobs today" }
const options = { chunkSize: 100, rateLimit: { limit: 1_000 } }

/** The sandbox, a Transport over it and in-process pacing: what every BulkJob here is made over. */
const base = Layer.mergeAll(
  SmsCx.layerTransportWithoutHttpClient({
    baseUrl: Sandbox.baseUrl,
    apiKey: API_KEY,
    retry: { baseDelay: "5 millis", maxRetries: 8 }
  } as never),
  Pacing.layerMemory
).pipe(Layer.provideMerge(layer(undefined, { balance: 1_000_000 })))

const live = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.provide(effect, base)

/** A fresh BulkJob service over `store`: what a process started again would build. */
const jobsOver = (store: BulkJobStore.Service) => Effect.provideService(BulkJob.make, BulkJobStore.BulkJobStore, store)

const memoryJobs = Effect.flatMap(BulkJobStore.makeMemory, jobsOver)

const sends = Effect.map(Effect.flatten(Requests), (all) => all.filter((r) => r.path === "/sms"))

/** Every recipient's messages on the sandbox's record, and what the sandbox charged. */
const record = Effect.gen(function*() {
  const state = yield* sandbox
  const counts = new Map<string, number>()
  for (const m of yield* state.messages) counts.set(m.to, (counts.get(m.to) ?? 0) + 1)
  return { counts, debitMicros: Math.round((1_000_000 - (yield* state.balance)) * 1e6) }
})

const assertOnce = (counts: ReadonlyMap<string, number>, total: number) => {
  assert.strictEqual(counts.size, total, "none lost")
  assert.deepStrictEqual([...counts.values()].filter((n) => n !== 1), [], "none sent twice")
}

/** A memory store whose `done` entries fail to be written while `failing` says so (the answers still came). */
const flakyStore = Effect.map(BulkJobStore.makeMemory, (memory) => {
  const failing = { on: false }
  const store: BulkJobStore.Service = {
    read: memory.read,
    open: (jobId, header) =>
      Effect.map(memory.open(jobId, header), (log) => ({
        ...log,
        append: (entries) =>
          failing.on && entries.some((entry) => entry.startsWith("{\"done\""))
            ? Effect.fail(new BulkJob.BulkJobError({ reason: "Store", jobId, message: "store down" }))
            : log.append(entries)
      }))
  }
  return { store, failing }
})

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "smscx-jobs-"))

describe("BulkJob", () => {
  it.live("sends each chunk with a derived id (a UUID v5), and a job run again sends nothing", () =>
    Effect.gen(function*() {
      const jobs = yield* memoryJobs
      const outcome = yield* jobs.sms("job-a", numbers(250), message, options)
      assert.strictEqual(outcome.accepted, 250)
      assert.strictEqual(outcome.messageIds.length, 250)
      const first = yield* sends
      assert.strictEqual(first.length, 3)
      const ids = first.map((r) => JSON.parse(r.body).idempotencyId as string)
      for (const id of ids) assert.match(id, UUID)
      assert.isTrue(ids.every((id) => id[14] === "5"), "version 5")
      // the same job id, message and recipients in another store: the same ids
      const again = yield* memoryJobs
      yield* again.sms("job-a", numbers(250), message, options)
      assert.deepStrictEqual(
        (yield* sends).slice(3).map((r) => JSON.parse(r.body).idempotencyId).sort(),
        [...ids].sort()
      )
      // the same store: complete, so nothing is read or sent, and the outcome is the job's
      const replayed = yield* jobs.sms("job-a", numbers(250), message, options)
      assert.strictEqual((yield* sends).length, 6)
      assert.strictEqual(replayed.accepted, 250)
      assert.strictEqual(replayed.cost, outcome.cost)
      const status = Option.getOrThrow(yield* jobs.status("job-a"))
      assert.isTrue(status.complete)
      assert.strictEqual(status.progress.chunksSent, 3)
      assert.isTrue(Option.isNone(yield* jobs.status("job-unknown")))
      // the API replayed the second store's requests: each recipient sent and charged once
      const { counts, debitMicros } = yield* record
      assertOnce(counts, 250)
      assert.strictEqual(debitMicros, Math.round(outcome.cost * 1e6))
    }).pipe(live))

  it.live("resumes: the chunks done are skipped, a chunk answered but not recorded is replayed, not sent twice", () =>
    Effect.gen(function*() {
      const { failing, store } = yield* flakyStore
      const jobs = yield* jobsOver(store)
      // the first run: its input fails after 300 recipients
      const failingInput = Stream.concat(Stream.fromIterable(numbers(300)), Stream.fail("disk gone"))
      const ended = yield* Effect.flip(jobs.sms("job-b", failingInput, message, options))
      assert.strictEqual(ended._tag, "BulkSendError")
      // the second: the answer of its first new chunk comes, but its `done` is not written
      failing.on = true
      const lost = yield* Effect.flip(jobs.sms("job-b", numbers(1_000), message, options))
      assert.strictEqual(lost._tag, "BulkJobError")
      failing.on = false
      const before = (yield* sends).length
      const status = Option.getOrThrow(yield* jobs.status("job-b"))
      assert.strictEqual(status.progress.recipients, 300)
      assert.isAbove(status.chunksInFlight, 0)
      // the last: the rest
      const outcome = yield* jobs.sms("job-b", numbers(1_000), message, options)
      assert.strictEqual(outcome.accepted, 1_000, "the outcome covers every run")
      assert.strictEqual(outcome.recipients, 1_000)
      assert.strictEqual(outcome.campaignIds.length, 10)
      assert.isFalse(outcome.stopped)
      // 7 chunks were never answered before; the ones in flight went again and were replayed
      assert.strictEqual((yield* sends).length - before, 7)
      const replays = (yield* sends).filter((r) => r.response?.status === 200).map((r) =>
        JSON.parse(r.body).idempotencyId
      )
      assert.isBelow(new Set(replays).size, replays.length, "an id was sent twice")
      const { counts, debitMicros } = yield* record
      assertOnce(counts, 1_000)
      assert.strictEqual(debitMicros, Math.round(outcome.cost * 1e6), "the debit is the job's cost")
    }).pipe(live))

  it.live("a job id reused with another message or other recipients is refused before anything more is sent", () =>
    Effect.gen(function*() {
      const jobs = yield* memoryJobs
      const stop = { chunkSize: 100, rateLimit: { limit: 1_000 } }
      yield* Effect.flip(
        jobs.sms("job-c", Stream.concat(Stream.fromIterable(numbers(200)), Stream.fail("x")), message, stop)
      )
      const sent = (yield* sends).length
      const other = yield* Effect.flip(jobs.sms("job-c", numbers(400), { ...message, text: "Other" }, options))
      assert.deepInclude(other, { _tag: "BulkJobError", reason: "Mismatch" })
      const chunking = yield* Effect.flip(jobs.sms("job-c", numbers(400), message, { ...options, chunkSize: 50 }))
      assert.deepInclude(chunking, { _tag: "BulkJobError", reason: "Mismatch" })
      const channel = yield* Effect.flip(jobs.multichannel("job-c", numbers(400), {
        from: "Shop",
        strategy: [{ channel: "sms", text: "Jobs today" }]
      }, options))
      assert.deepInclude(channel, { _tag: "BulkJobError", reason: "Mismatch" })
      const recipients = yield* Effect.flip(jobs.sms("job-c", numbers(400, 7), message, options))
      assert.deepInclude(recipients, { _tag: "BulkJobError", reason: "Mismatch" })
      assert.strictEqual((yield* sends).length, sent, "nothing sent")
      const invalid = yield* Effect.flip(jobs.sms("no spaces/slashes", numbers(1), message, options))
      assert.deepInclude(invalid, { _tag: "BulkJobError", reason: "InvalidJob" })
    }).pipe(live))

  it.live("file store: a fresh process resumes from the file; a corrupt file, or another job's or version's, is refused", () =>
    Effect.gen(function*() {
      const directory = tempDir()
      const fileJobs = Effect.flatMap(BulkJobFile.make({ directory }), jobsOver)
      const input = Stream.concat(Stream.fromIterable(numbers(300)), Stream.fail("killed"))
      yield* Effect.flip(Effect.flatMap(fileJobs, (jobs) => jobs.sms("job-d", input, message, options)))
      const file = path.join(directory, "job-d.jsonl")
      // a line torn by a crash at the end is dropped
      fs.appendFileSync(file, "{\"done\":3,\"id\":\"")
      const outcome = yield* Effect.flatMap(fileJobs, (jobs) => jobs.sms("job-d", numbers(500), message, options))
      assert.strictEqual(outcome.accepted, 500)
      assert.strictEqual((yield* sends).length, 5)
      assertOnce((yield* record).counts, 500)
      const jobs = yield* fileJobs
      assert.isTrue(Option.getOrThrow(yield* jobs.status("job-d")).complete)
      assert.strictEqual(Option.getOrThrow(yield* jobs.outcome("job-d")).accepted, 500)
      const lines = fs.readFileSync(file, "utf8").split("\n")
      const refused = (name: string, text: string) => {
        fs.writeFileSync(path.join(directory, `${name}.jsonl`), text)
        return Effect.flip(jobs.sms(name, numbers(500), message, options))
      }
      const headerOf = (name: string) => lines[0]!.replace("\"job-d\"", `"${name}"`)
      const damaged = yield* refused("job-e", [headerOf("job-e"), "{\"done\":1,", ...lines.slice(1)].join("\n"))
      assert.deepInclude(damaged, { _tag: "BulkJobError", reason: "Corrupt" })
      assert.include(damaged.message, "line 2")
      const another = yield* refused("job-f", lines.join("\n"))
      assert.deepInclude(another, { _tag: "BulkJobError", reason: "Corrupt" })
      assert.include(another.message, "another job (job-d)")
      const version = yield* refused("job-g", `${headerOf("job-g").replace("\"version\":1", "\"version\":9")}\n`)
      assert.include(version.message, "another version")
      const garbage = yield* refused("job-h", "not json\n")
      assert.deepInclude(garbage, { _tag: "BulkJobError", reason: "Corrupt" })
      assert.strictEqual((yield* sends).length, 5, "nothing sent for a refused file")
      fs.rmSync(directory, { recursive: true })
    }).pipe(live))
})
