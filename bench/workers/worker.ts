/**
 * One worker process of the workers benchmark (`--worker <job as JSON>`): the bulk job shared
 * through Redis (`BulkJobRedis.layerWorker`), paced with the other workers (`RedisPacing`, one
 * `pacingKey`), over the default Node client. Prints one JSON line: its chunks sent, the job's
 * outcome as it saw it, its CPU time and its peak RSS.
 */
import { BulkJob, SmsCx } from "@smscx/client"
import * as BulkJobRedis from "@smscx/client/BulkJobRedis"
import * as RedisPacing from "@smscx/client/RedisPacing"
import { Duration, Effect, Layer, Stream } from "effect"

/** What the parent gives each worker. */
export interface WorkerJob {
  readonly url: string
  readonly apiKey: string
  readonly redis: { readonly host: string; readonly port: number }
  readonly prefix: string
  readonly jobId: string
  readonly recipients: number
  readonly chunk: number
  readonly concurrency: number
  /** The rate limit, `limit` requests per `window` seconds. */
  readonly limit: number
  readonly window: number
}

/** What a worker prints. */
export interface WorkerFigures {
  readonly chunksSent: number
  readonly accepted: number
  readonly complete: boolean
  readonly cpuMs: number
  readonly maxRss: number
}

/** `count` distinct valid Dutch mobile numbers, made one at a time as they are read. */
const numbers = function*(count: number): Generator<string> {
  for (let i = 0; i < count; i++) yield `+3162${String(i).padStart(7, "0")}`
}

const run = async (job: WorkerJob): Promise<WorkerFigures> => {
  const cpu = process.cpuUsage()
  const layer = BulkJob.layerWithoutPacing.pipe(
    Layer.provide(BulkJobRedis.layerWorker({
      ...job.redis,
      prefix: `${job.prefix}job:`,
      lease: Duration.seconds(10),
      retain: Duration.minutes(1)
    })),
    Layer.provide(RedisPacing.layer({ ...job.redis, prefix: `${job.prefix}pacing:` })),
    Layer.provide(SmsCx.layerTransport({ apiKey: job.apiKey, baseUrl: job.url }))
  )
  let chunksSent = 0
  const last = await Effect.runPromise(
    Effect.flatMap(
      BulkJob.BulkJob,
      (jobs) =>
        jobs.sms.events(job.jobId, numbers(job.recipients), { from: "InfoText", text: "Workers" }, {
          chunkSize: job.chunk,
          concurrency: job.concurrency,
          collectMessageIds: false,
          rateLimit: { limit: job.limit, window: Duration.seconds(job.window) },
          pacingKey: job.jobId
        }).pipe(
          Stream.tap((event) => Effect.sync(() => event._tag === "ChunkSent" && chunksSent++)),
          Stream.runLast
        )
    ).pipe(Effect.provide(layer))
  )
  if (last._tag !== "Some" || last.value._tag !== "Completed") throw new Error("the job ended without its outcome")
  const used = process.cpuUsage(cpu)
  return {
    chunksSent,
    accepted: last.value.outcome.accepted,
    complete: !last.value.outcome.stopped && last.value.outcome.failed.length === 0,
    cpuMs: (used.user + used.system) / 1000,
    maxRss: process.resourceUsage().maxRSS * 1024
  }
}

const at = process.argv.indexOf("--worker")
if (at !== -1) console.log(JSON.stringify(await run(JSON.parse(process.argv[at + 1]!) as WorkerJob)))
