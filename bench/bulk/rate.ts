/** The bulk benchmark's rate section: the SDK against a plain fetch loop, under one rate limit. */
import { runWorker, startSandbox } from "./processes.js"
import type { Settings } from "./settings.js"
import { type Figures, fmt, type Job, mb, UTILIZATION } from "./shared.js"

const CLIENTS = {
  fetch: "plain loop over fetch (baseline)",
  effect: "SDK Effect: Bulk.sms (default node:http client)",
  promise: "SDK Promise: client.bulk.sms",
  job: "SDK Effect: BulkJob.sms (file checkpoint, fdatasync each entry)"
} as const

/** Requests a second between the first request and the last (n requests span n - 1 gaps). */
const achieved = (f: Figures) => f.requests < 2 ? 0 : (f.requests - 1) / ((f.lastRequest - f.firstRequest) / 1000)

export const rateSection = async (script: string, settings: Settings) => {
  const { chunk, concurrency, rate, recipients, window } = settings
  const limit = `${rate * window}/${window}`
  console.log(
    `\n## Bulk send: ${fmt(recipients)} recipients at a rate limit of ${rate} requests/s (${limit}; chunks of ${
      fmt(chunk)
    }, ${concurrency} in flight)\n`
  )
  console.log(
    `Each client in a process of its own, against a fresh sandbox in another (\`--rate-limit ${limit}\`); ` +
      `each paces at ${UTILIZATION} of the limit and keeps no message id.\n`
  )
  const runs: Array<
    { client: Job["client"]; figures: Figures; sandboxPeak: number | undefined; sandboxCpuMs: number }
  > = []
  for (const client of ["fetch", "effect", "promise", "job"] as const) {
    const sandbox = await startSandbox(["--rate-limit", limit])
    const sandboxCpu = await sandbox.cpuMs()
    const figures = await runWorker(script, {
      client,
      url: sandbox.url,
      recipients,
      chunk,
      concurrency,
      limit: rate * window,
      window,
      maxRetries: undefined
    })
    const sandboxCpuMs = (await sandbox.cpuMs()) - sandboxCpu
    const sandboxPeak = await sandbox.peakRss()
    await sandbox.stopped()
    runs.push({ client, figures, sandboxPeak, sandboxCpuMs })
  }
  const baseline = runs[0]!.figures
  console.log(
    "| client | requests | 429s | s first to last request | req/s achieved | achieved / allowed | recipients/s | accepted | CPU % client / sandbox | RSS loaded MB | peak RSS MB | peak RSS vs fetch loop |"
  )
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
  for (const { client, figures: f, sandboxCpuMs } of runs) {
    const cpu = `${fmt((100 * f.cpuMs) / f.wallMs)} / ${fmt((100 * sandboxCpuMs) / f.wallMs)}`
    const seconds = (f.lastRequest - f.firstRequest) / 1000
    console.log(
      `| ${CLIENTS[client]} | ${fmt(f.requests)} | ${fmt(f.statuses["429"] ?? 0)} | ${fmt(seconds, 1)} | ${
        fmt(achieved(f), 2)
      } | ${fmt(achieved(f) / rate, 3)} | ${fmt(f.accepted / (f.wallMs / 1000))} | ${fmt(f.accepted)}${
        f.accepted === recipients ? "" : ` (of ${fmt(recipients)}!)`
      } | ${cpu} | ${mb(f.rssLoaded)} | ${mb(f.maxRss)} | ${fmt(f.maxRss / baseline.maxRss, 2)}x |`
    )
  }
  // the checkpoint's cost: the job's rate against plain bulk's, at the same pace and concurrency
  const plainBulk = runs.find((r) => r.client === "effect")!.figures
  const checkpointed = runs.find((r) => r.client === "job")!.figures
  const rateRatio = achieved(checkpointed) / achieved(plainBulk)
  console.log(
    `\nCheckpointing (BulkJob, file store) against plain bulk (Effect Bulk.sms), same pace and concurrency: ` +
      `req/s ${fmt(rateRatio, 3)}x, recipients/s ${
        fmt((checkpointed.accepted / checkpointed.wallMs) / (plainBulk.accepted / plainBulk.wallMs), 3)
      }x, CPU ${fmt(checkpointed.cpuMs / plainBulk.cpuMs, 2)}x (target: a throughput cost <= 5%, i.e. >= 0.95x)`
  )
  // a figure off target is for a reader to weigh; a recipient not accepted is a failure of the run
  if (runs.some((r) => r.figures.accepted !== recipients)) process.exitCode = 1
  const sandboxPeaks = runs.map((r) => r.sandboxPeak).filter((p) => p !== undefined)
  console.log(
    `\n(targets: achieved / allowed >= 0.95, peak RSS <= 2x the fetch loop's, accepted == ${fmt(recipients)}; ` +
      `recipients/s and CPU (% of one core) over each client's whole send: a rate short of the target with the ` +
      `CPU near what this machine has left means the CPU, not the rate limit, set the pace; the sandbox held up to ${
        sandboxPeaks.length === 0 ? "?" : mb(Math.max(...sandboxPeaks))
      } MB for these messages)`
  )
}
