/**
 * One worker of a bulk job shared by many processes (Effect): start it several times, on one
 * machine or many, with the same Redis (`SMSCX_REDIS_URL`, default `redis://127.0.0.1:6379`) and
 * the same recipients. Each worker reads the same input in the same order; the first to cut a
 * chunk queues it in the job's Redis stream, and each worker sends the chunks it takes from there
 * (taking before cutting, so the stream stays short); kill any of them (`kill -9`) and another
 * takes its chunks over once they have been idle for the lease (10 seconds here), sending them
 * again with their idempotency ids, so the API replays them. Every worker paces with the others
 * through Redis, and each one ends with the whole job's outcome; `BulkJob.status` reads the job's
 * progress from any process. A complete job's keys expire after `retain` (an hour here).
 *
 * The job is `SMSCX_JOB_ID` (default `workers-demo`): 20,000 generated numbers on a sandbox, the
 * file `SMSCX_BULK_FILE` (one number a line) on the real API (`SMSCX_API_KEY`). Without a key, a
 * sandbox server at `SMSCX_BASE_URL` (`pnpm sandbox`) is shared by the workers; without that,
 * each process has an embedded sandbox of its own, so only the sharing of the chunks shows.
 */
import { BulkJob, FetchClient, SmsCx } from "@smscx/client"
import * as BulkJobRedis from "@smscx/client/BulkJobRedis"
import * as RedisPacing from "@smscx/client/RedisPacing"
import { Sandbox } from "@smscx/sandbox"
import { Duration, Effect, Layer, Option, Redacted, Stream } from "effect"
import * as fs from "node:fs"
import { createInterface } from "node:readline"
import { hasCredentials } from "../_runtime.js"

const redisUrl = new URL(process.env.SMSCX_REDIS_URL ?? process.env.SMSCX_TEST_REDIS_URL ?? "redis://127.0.0.1:6379")
const redis = { host: redisUrl.hostname, port: Number(redisUrl.port || 6379) }
const jobId = process.env.SMSCX_JOB_ID ?? "workers-demo"

/** The same recipients, in the same order, in every worker. */
const recipients = (): Stream.Stream<string, Error> => {
  const file = process.env.SMSCX_BULK_FILE ?? ""
  if (file !== "") {
    return Stream.fromAsyncIterable(
      createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity }),
      (cause) => new Error(`cannot read ${file}: ${String(cause)}`)
    ).pipe(Stream.map((line) => line.trim()), Stream.filter((line) => line !== ""))
  }
  if (hasCredentials) return Stream.fail(new Error("Set SMSCX_BULK_FILE to a file of phone numbers, one a line"))
  return Stream.range(0, 19_999).pipe(Stream.map((i) => `+3166${String(i).padStart(7, "0")}`))
}

const program = Effect.gen(function*() {
  const jobs = yield* BulkJob.BulkJob
  const before = yield* jobs.status(jobId)
  if (Option.isSome(before)) {
    console.log(`job ${jobId}: ${before.value.progress.recipients} recipients done by the workers so far`)
  }
  const outcome = yield* jobs.sms.events(jobId, recipients(), {
    from: "InfoText",
    text: "Our summer sale starts today"
  }, {
    chunkSize: 500,
    collectMessageIds: false,
    // the key the workers share their pace under
    pacingKey: `job:${jobId}`
  }).pipe(
    Stream.tap((event) =>
      Effect.sync(() => {
        if (event._tag === "ChunkSent") {
          console.log(`chunk ${event.index} sent here (${event.progress.recipients} done)`)
        }
      })
    ),
    Stream.runLast
  )
  if (Option.isSome(outcome) && outcome.value._tag === "Completed") {
    const { accepted, cost, failed, recipients: total } = outcome.value.outcome
    console.log(
      failed.length > 0
        ? `job ${jobId}: ${failed.length} chunks failed here (${
          failed[0]?.error.message
        }); run a worker again to send them`
        : outcome.value.outcome.stopped
        ? `job ${jobId} not complete: a chunk failed in several workers; run a worker again to send it`
        : `job ${jobId} complete (every worker's chunks): ${accepted}/${total} accepted, cost ${cost.toFixed(3)}`
    )
  }
})

const baseUrl = process.env.SMSCX_BASE_URL ?? ""
const TransportLive = hasCredentials || baseUrl !== ""
  ? SmsCx.layerTransport({
    apiKey: Redacted.make(process.env.SMSCX_API_KEY ?? "sandbox-example-key"),
    ...(baseUrl === "" ? {} : { baseUrl })
  })
  : SmsCx.layerTransportWithoutHttpClient({ apiKey: "sandbox-example-key", baseUrl: "http://sandbox.local" }).pipe(
    Layer.provide(FetchClient.layerWith(Sandbox.inProcessFetch({ balance: 10_000 }).fetch))
  )

const WorkerLive = BulkJob.layerWithoutPacing.pipe(
  Layer.provide(BulkJobRedis.layerWorker({ ...redis, lease: Duration.seconds(10), retain: Duration.hours(1) })),
  Layer.provide(RedisPacing.layer(redis)),
  Layer.provide(TransportLive)
)

await Effect.runPromise(program.pipe(Effect.provide(WorkerLive)))
