/**
 * The client process of the bulk benchmark: `--worker <job as JSON>` runs one job (the fetch loop
 * or the SDK) and prints its figures as one JSON line. Bundled before it runs (see processes.ts).
 */
import type { Bulk as BulkModule } from "@smscx/client"
import type * as PromiseModule from "@smscx/promise"
import type * as EffectModule from "effect/Effect"
import * as Diagnostics from "node:diagnostics_channel"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { API_KEY, type Figures, type Job, MESSAGE, MICROS, numbers, UTILIZATION } from "./shared.js"

/** Counts the requests of this process's `node:http` clients, whoever makes them (the SDK's default client). */
const countHttp = () => {
  const counts = { requests: 0, answered: 0, first: 0, last: 0, statuses: {} as Record<string, number> }
  Diagnostics.subscribe("http.client.request.start", () => {
    const now = performance.now()
    if (counts.requests++ === 0) counts.first = now
    counts.last = now
  })
  Diagnostics.subscribe("http.client.response.finish", (message) => {
    const status = String((message as { response: { statusCode: number } }).response.statusCode)
    counts.answered++
    counts.statuses[status] = (counts.statuses[status] ?? 0) + 1
  })
  return counts
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The baseline: a plain loop over `fetch` doing what bulk send does, and nothing more: chunks of
 * the same size, `concurrency` loops, each request at the next slot of an even pace at the same
 * rate, a 429 waited out (X-Rate-Limit-Reset) and sent again, each answer parsed, its totals
 * added, the answer dropped.
 */
const fetchLoop = async (job: Job, ready: () => void) => {
  const source = numbers(job.recipients)[Symbol.iterator]()
  const nextChunk = () => {
    const to: Array<string> = []
    while (to.length < job.chunk) {
      const next = source.next()
      if (next.done === true) break
      to.push(next.value)
    }
    return to
  }
  const spacing = (job.window * 1000) / (job.limit * UTILIZATION)
  let nextSlot = 0
  const slot = async () => {
    const now = performance.now()
    const at = Math.max(now, nextSlot)
    nextSlot = at + spacing
    if (at > now) await sleep(at - now)
  }
  const figures = { requests: 0, first: 0, last: 0, statuses: {} as Record<string, number> }
  const totals = { accepted: 0, invalid: 0, duplicates: 0, costMicros: 0 }
  const target = new URL("/sms", job.url)
  const loop = async () => {
    for (let to = nextChunk(); to.length > 0; to = nextChunk()) {
      const body = JSON.stringify({ ...MESSAGE, to, idempotencyId: crypto.randomUUID() })
      for (;;) {
        await slot()
        const now = performance.now()
        if (figures.requests++ === 0) figures.first = now
        figures.last = now
        const res = await fetch(target, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": API_KEY },
          body
        })
        const answer = await res.json() as {
          info: { totalPhoneNumbers: number; totalValid: number; totalInvalid: number; totalCost: number }
        }
        figures.statuses[res.status] = (figures.statuses[res.status] ?? 0) + 1
        if (res.status === 429) {
          // as the SDK does: no loop sends again until the window has reset
          nextSlot = Math.max(nextSlot, performance.now() + Number(res.headers.get("x-rate-limit-reset") ?? "1") * 1000)
          continue
        }
        if (res.status !== 200) throw new Error(`the sandbox answered ${res.status}: ${JSON.stringify(answer)}`)
        const { totalCost, totalInvalid, totalPhoneNumbers, totalValid } = answer.info
        totals.accepted += totalValid
        totals.invalid += totalInvalid
        totals.duplicates += totalPhoneNumbers - totalValid - totalInvalid
        totals.costMicros += Math.round(totalCost * MICROS)
        break
      }
    }
  }
  ready()
  await Promise.all(Array.from({ length: job.concurrency }, loop))
  return {
    ...totals,
    requests: figures.requests,
    firstRequest: figures.first,
    lastRequest: figures.last,
    statuses: figures.statuses,
    unanswered: 0,
    failedChunks: 0,
    retryRounds: 0
  }
}

/** At most this many rounds of `retryFailed` after the send: each chunk left failed is sent again. */
const RETRY_ROUNDS = 3

/** The SDK: `Bulk.sms` (Effect) over the default Node client, or `client.bulk.sms` of the Promise client. */
const sdk = async (job: Job, ready: () => void) => {
  // imported here, so that the baseline's process does not load (and hold) the SDK
  const [{ Bulk, BulkJob, SmsCx }, { Effect, Layer }, PromiseSdk, BulkJobFile] = await Promise.all([
    import("@smscx/client"),
    import("effect"),
    import("@smscx/promise"),
    import("@smscx/client/BulkJobFile")
  ])
  const http = countHttp()
  const options = {
    chunkSize: job.chunk,
    concurrency: job.concurrency,
    collectMessageIds: false,
    rateLimit: { limit: job.limit, window: job.window * 1000 }, // a number is milliseconds
    utilization: UTILIZATION
  }
  const transport = {
    apiKey: API_KEY,
    baseUrl: job.url,
    ...(job.maxRetries === undefined ? {} : { retry: { maxRetries: job.maxRetries } })
  }
  // the two styles' outcomes differ only in how they say the time taken (elapsedMs, elapsed)
  type Outcome = Awaited<ReturnType<PromiseModule.SmsCx["bulk"]["sms"]>> | BulkModule.Outcome<"sms">
  let send: () => Promise<Outcome>
  let retry: (failed: Outcome["failed"]) => Promise<Outcome>
  let close = async () => {}
  if (job.client === "effect") {
    const layer = SmsCx.layerTransport(transport)
    const withBulk = <A, E>(f: (bulk: BulkModule.Service) => EffectModule.Effect<A, E>) =>
      Effect.runPromise(Effect.flatMap(Bulk.Bulk, f).pipe(Effect.provide(Bulk.layer), Effect.provide(layer)))
    send = () => withBulk((bulk) => bulk.sms(numbers(job.recipients), MESSAGE, options))
    retry = (failed) => withBulk((bulk) => bulk.sms.retryFailed(failed, MESSAGE, options))
  } else if (job.client === "job") {
    // a bulk job checkpointed in a file (each entry fdatasync'd), in a directory of its own
    const directory = Fs.mkdtempSync(Path.join(Os.tmpdir(), "smscx-bench-job-"))
    const jobs = BulkJob.layer.pipe(
      Layer.provide(BulkJobFile.layer({ directory })),
      Layer.provide(SmsCx.layerTransport(transport))
    )
    const runJob = () =>
      Effect.runPromise(
        Effect.flatMap(BulkJob.BulkJob, (service) => service.sms("bench", numbers(job.recipients), MESSAGE, options))
          .pipe(Effect.provide(jobs))
      )
    send = runJob
    // a failed chunk is sent again by running the job again (with its id)
    retry = runJob
    close = async () => Fs.rmSync(directory, { recursive: true, force: true })
  } else {
    const client = new PromiseSdk.SmsCx(transport)
    send = () => client.bulk.sms(numbers(job.recipients), MESSAGE, options)
    retry = (failed) => client.bulk.sms.retryFailed(failed, MESSAGE, options)
    close = () => client.close()
  }
  ready()
  const outcome = await send()
  const totals = {
    accepted: outcome.accepted,
    invalid: outcome.invalid,
    duplicates: outcome.duplicates,
    costMicros: Math.round(outcome.cost * MICROS)
  }
  const failedChunks = outcome.failed.length
  let failed = outcome.failed
  let retryRounds = 0
  // the use the SDK documents for chunks that finally failed: the same chunks, with the same ids
  while (failed.length > 0 && retryRounds < RETRY_ROUNDS) {
    retryRounds++
    const again = await retry(failed)
    totals.accepted += again.accepted
    totals.invalid += again.invalid
    totals.duplicates += again.duplicates
    totals.costMicros += Math.round(again.cost * MICROS)
    failed = again.failed
  }
  await close()
  if (failed.length > 0) {
    throw new Error(`${failed.length} chunk(s) still failed after ${RETRY_ROUNDS} rounds: ${failed[0]!.error._tag}`)
  }
  return {
    ...totals,
    requests: http.requests,
    firstRequest: http.first,
    lastRequest: http.last,
    statuses: http.statuses,
    unanswered: http.requests - http.answered,
    failedChunks,
    retryRounds
  }
}

const work = async (job: Job): Promise<Figures> => {
  let rssLoaded = 0
  let start = 0
  let cpu = process.cpuUsage()
  const ready = () => {
    rssLoaded = process.memoryUsage().rss
    start = performance.now()
    cpu = process.cpuUsage()
  }
  const figures = job.client === "fetch" ? await fetchLoop(job, ready) : await sdk(job, ready)
  const wallMs = performance.now() - start
  const used = process.cpuUsage(cpu)
  // maxRSS is in kibibytes: the most this process held, from its start to now
  return {
    ...figures,
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    rssLoaded,
    maxRss: process.resourceUsage().maxRSS * 1024
  }
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === Path.resolve(process.argv[1])
if (isMain) {
  const worker = process.argv.indexOf("--worker")
  console.log(JSON.stringify(await work(JSON.parse(process.argv[worker + 1]!) as Job)))
}
