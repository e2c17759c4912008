/**
 * The bulk benchmark (a section of `pnpm bench`; alone: `pnpm bench:bulk [--quick] [--recipients N]
 * [--chunk N] [--rate N] [--window S] [--concurrency N] [--fault-recipients N]`).
 *
 * 1. Rate: `--recipients` (default 1,000,000; 100,000 with `--quick`) distinct numbers through bulk
 *    send against the sandbox at a fixed rate limit: `--rate` requests a second (default 12), as
 *    `rate * window` requests a window of `--window` seconds (default 10), in chunks of `--chunk`
 *    (default 1,000), `--concurrency` in flight (default 4, the SDK's): the rate limit is the
 *    bottleneck, not the sandbox's CPU. The SDK (Effect `Bulk.sms` and the Promise client's
 *    `bulk.sms`, on the default Node client) against a plain loop over `fetch` doing the same:
 *    achieved rate over allowed (target >= 0.95) and peak RSS (target <= 2x the loop's). Each
 *    client runs in a process of its own, against a fresh sandbox in another.
 * 2. Faults: `--fault-recipients` (default 100,000) through bulk send with 10% injected faults (429,
 *    500, 503, reset connections, answers lost after the work was done), then the sandbox's own
 *    record: every recipient accepted exactly once, and charged exactly once.
 *
 * The same file is the client process: `--worker <job as JSON>` runs one job and prints its figures
 * as one JSON line. Recipients come from a generator: no process holds them all.
 */
import type { Bulk as BulkModule } from "@smscx/client"
import type * as PromiseModule from "@smscx/promise"
import type * as EffectModule from "effect/Effect"
import { spawn } from "node:child_process"
import * as Diagnostics from "node:diagnostics_channel"
import { once } from "node:events"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"

const API_KEY = "bench-key"
const BALANCE = 1_000_000_000
const MESSAGE = { from: "InfoText", text: "Your order has shipped." }
/** The share of the rate limit both clients pace at: the SDK's default, so that both do the same. */
const UTILIZATION = 0.97
const MICROS = 1_000_000

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
const mb = (bytes: number) => fmt(bytes / 2 ** 20)

/**
 * `count` distinct valid Dutch mobile numbers (`+3161` and 7 digits: room for 10,000,000), made
 * one at a time as they are read.
 */
const numbers = function*(count: number): Generator<string> {
  for (let i = 0; i < count; i++) yield `+3161${String(i).padStart(7, "0")}`
}

// ---------------------------------------------------------------------------
// The client process
// ---------------------------------------------------------------------------

interface Job {
  readonly client: "fetch" | "effect" | "promise"
  readonly url: string
  readonly recipients: number
  readonly chunk: number
  readonly concurrency: number
  /** The rate limit, `limit` requests per `window` seconds, to pace under (at UTILIZATION of it). */
  readonly limit: number
  readonly window: number
  /** The SDK's retries per request (its default when absent). */
  readonly maxRetries: number | undefined
}

interface Figures {
  /** Requests started, retries included, and the time (ms) the first and the last started. */
  readonly requests: number
  readonly firstRequest: number
  readonly lastRequest: number
  /** Answers by HTTP status. */
  readonly statuses: Readonly<Record<string, number>>
  /** Requests that got no answer (a reset or dropped connection). */
  readonly unanswered: number
  readonly wallMs: number
  /** This process's CPU time (user and system) while it sent. */
  readonly cpuMs: number
  readonly accepted: number
  readonly invalid: number
  readonly duplicates: number
  readonly costMicros: number
  /** Chunks that failed even after their retries, and rounds of `retryFailed` it took to send them. */
  readonly failedChunks: number
  readonly retryRounds: number
  /** Bytes: resident memory once loaded, just before sending, and the most the process ever held. */
  readonly rssLoaded: number
  readonly maxRss: number
}

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
  const [{ Bulk, SmsCx }, { Effect }, PromiseSdk] = await Promise.all([
    import("@smscx/client"),
    import("effect"),
    import("@smscx/promise")
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

// ---------------------------------------------------------------------------
// The benchmark: processes, sections, tables
// ---------------------------------------------------------------------------

/** The sizes of a run. */
export interface Settings {
  readonly recipients: number
  readonly chunk: number
  /** Requests a second allowed, as `rate * window` requests a window of `window` seconds. */
  readonly rate: number
  readonly window: number
  readonly concurrency: number
  readonly faultRecipients: number
}

const whole = (name: string, raw: string | undefined, fallback: number, max: number) => {
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`--${name}: a whole number from 1 to ${fmt(max)}`)
  return n
}

/** The settings from the command line (`--quick` sends 100,000 instead of 1,000,000). */
export const settingsOf = (args: ReadonlyArray<string>): Settings => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      quick: { type: "boolean", default: false },
      recipients: { type: "string" },
      chunk: { type: "string" },
      rate: { type: "string" },
      window: { type: "string" },
      concurrency: { type: "string" },
      "fault-recipients": { type: "string" }
    },
    strict: true,
    allowPositionals: false
  })
  return {
    // the numbers are `+3161` and 7 digits
    recipients: whole("recipients", values.recipients, values.quick ? 100_000 : 1_000_000, 10_000_000),
    chunk: whole("chunk", values.chunk, 1000, 25_000),
    rate: whole("rate", values.rate, 12, 1000),
    // a fixed window of 1 s leaves a client pacing at 0.97 of it 31 ms of slack a window, less than
    // one chunk's time on the sandbox: any client meets 429s there, and the figure measures that
    window: whole("window", values.window, 10, 3600),
    concurrency: whole("concurrency", values.concurrency, 4, 64),
    faultRecipients: whole("fault-recipients", values["fault-recipients"], 100_000, 10_000_000)
  }
}

/** A node process (`args` are node's), its stdout's lines and its exit. */
const node = (args: ReadonlyArray<string>) => {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] })
  // never leave it behind, whatever happens to this process
  const kill = () => child.kill("SIGTERM")
  process.on("exit", kill)
  const exited = once(child, "exit").then(([code, signal]) => {
    process.off("exit", kill)
    return { code: code as number | null, signal: signal as NodeJS.Signals | null }
  })
  return { child, exited, lines: createInterface({ input: child.stdout }) }
}

/** The sandbox from its command line in a child process, with room for every message it keeps. */
const startSandbox = async (flags: ReadonlyArray<string>) => {
  const bin = fileURLToPath(new URL("../packages/sandbox/src/bin.ts", import.meta.url))
  const { child, exited, lines } = node([
    "--max-old-space-size=16384",
    "--import",
    "tsx",
    bin,
    "--port",
    "0",
    "--api-key",
    API_KEY,
    "--balance",
    String(BALANCE),
    ...flags
  ])
  const url = await new Promise<string>((resolve, reject) => {
    lines.on("line", (line) => {
      const listening = /listening on (http:\/\/\S+)/.exec(line)
      if (listening !== null) resolve(listening[1]!)
    })
    void exited.then(({ code }) => reject(new Error(`the sandbox exited (${code}) before it listened`)))
  })
  const control = async <A>(path: string): Promise<A> => {
    const res = await fetch(new URL(`/__sandbox/${path}`, url))
    if (res.status !== 200) throw new Error(`GET /__sandbox/${path}: ${res.status}`)
    return await res.json() as A
  }
  return {
    url,
    control,
    /** The most memory it held (VmHWM: the kernel's high-water mark of its resident set), in bytes. */
    /** Its CPU time so far (user and system) in ms, from /proc: clock ticks of 10 ms (Linux's USER_HZ). */
    cpuMs: async () => {
      const stat = await Fs.readFile(`/proc/${child.pid}/stat`, "utf8").catch(() => "")
      // the fields after the command's closing parenthesis: state is the 3rd field, utime the 14th
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
      return (Number(fields[11]) + Number(fields[12])) * 10
    },
    peakRss: async () => {
      const status = await Fs.readFile(`/proc/${child.pid}/status`, "utf8").catch(() => "")
      const kib = /VmHWM:\s+(\d+) kB/.exec(status)?.[1]
      return kib === undefined ? undefined : Number(kib) * 1024
    },
    /** Stops it and waits until it is gone, so that it takes no CPU or memory from what runs next. */
    stopped: async () => {
      child.kill("SIGTERM")
      await exited
    }
  }
}

/**
 * This file bundled, for the client processes: they run built JavaScript, as an application does.
 * Under tsx the SDK's process would also hold each module's transpiled source and source map (about
 * 90 MB more than the fetch loop's, which loads no module of ours). The SDK is a chunk of its own,
 * loaded only by the processes that import it.
 */
const bundleWorker = async () => {
  const esbuild = await import("esbuild")
  const outdir = await Fs.mkdtemp(Path.join(Os.tmpdir(), "smscx-bench-bulk-"))
  await esbuild.build({
    entryPoints: [fileURLToPath(import.meta.url)],
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: ["esbuild"],
    outdir,
    logLevel: "warning"
  })
  return { script: Path.join(outdir, "bulk.js"), remove: () => Fs.rm(outdir, { recursive: true, force: true }) }
}

/** One job in a client process of its own (running `script`, the bundled worker): its figures. */
const runWorker = async (script: string, job: Job): Promise<Figures> => {
  const { exited, lines } = node([script, "--worker", JSON.stringify(job)])
  let last = ""
  lines.on("line", (line) => (last = line))
  const { code, signal } = await exited
  if (code !== 0) throw new Error(`the ${job.client} client process failed (${code ?? signal})`)
  return JSON.parse(last) as Figures
}

const CLIENTS = {
  fetch: "plain loop over fetch (baseline)",
  effect: "SDK Effect: Bulk.sms (default node:http client)",
  promise: "SDK Promise: client.bulk.sms"
} as const

/** Requests a second between the first request and the last (n requests span n - 1 gaps). */
const achieved = (f: Figures) => f.requests < 2 ? 0 : (f.requests - 1) / ((f.lastRequest - f.firstRequest) / 1000)

const rateSection = async (script: string, settings: Settings) => {
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
  for (const client of ["fetch", "effect", "promise"] as const) {
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

/** 10% of requests meet a fault: 2% each of 429, 500, 503, a reset connection, a lost answer. */
const FAULTS = ["rateLimit", "serverError", "unavailable", "reset", "lostAnswer"] as const
const FAULT_RATE_LIMIT = 1000
/** Chunks of the fault section: small enough for hundreds of requests, so that 10% of them meet a fault. */
const FAULT_CHUNK = 250
/** Its draws of faults: a seed under which every kind is met. */
const FAULT_SEED = 3

interface Recorded {
  readonly to: string
  readonly cost: number
}

const faultSection = async (script: string, settings: Settings) => {
  const { faultRecipients: recipients } = settings
  const chunk = FAULT_CHUNK
  console.log(
    `\n## Bulk send through injected faults: ${fmt(recipients)} recipients, chunks of ${fmt(chunk)}, ${
      FAULTS.map((kind) => `${kind} 2%`).join(", ")
    } (seed ${FAULT_SEED})\n`
  )
  const sandbox = await startSandbox([
    "--rate-limit",
    `${FAULT_RATE_LIMIT}/1`,
    ...FAULTS.flatMap((kind) => ["--fault", `${kind}:0.02`]),
    "--fault-seed",
    String(FAULT_SEED)
  ])
  const f = await runWorker(script, {
    client: "effect",
    url: sandbox.url,
    recipients,
    chunk,
    concurrency: settings.concurrency,
    limit: FAULT_RATE_LIMIT,
    window: 1,
    maxRetries: 10
  })
  // the sandbox's own record: what it sent and what it charged
  const { messages } = await sandbox.control<{ messages: ReadonlyArray<Recorded> }>("messages")
  const { balance } = await sandbox.control<{ balance: number }>("balance")
  await sandbox.stopped()
  const perRecipient = new Map<string, number>()
  let chargedMicros = 0
  for (const m of messages) {
    perRecipient.set(m.to, (perRecipient.get(m.to) ?? 0) + 1)
    chargedMicros += Math.round(m.cost * MICROS)
  }
  let lost = 0
  for (const to of numbers(recipients)) if (!perRecipient.has(to)) lost++
  let duplicated = 0
  for (const n of perRecipient.values()) if (n > 1) duplicated += n - 1
  const strangers = [...perRecipient.keys()].filter((to) =>
    !/^\+3161\d{7}$/.test(to) || Number(to.slice(5)) >= recipients
  )
  const debitedMicros = Math.round((BALANCE - balance) * MICROS)
  const faultsMet = (f.statuses["429"] ?? 0) + (f.statuses["500"] ?? 0) + (f.statuses["503"] ?? 0) + f.unanswered
  const yes = (ok: boolean) => ok ? "yes" : "NO"
  console.log("| figure | value |")
  console.log("|---|---:|")
  console.log(`| requests (first attempts and retries) | ${fmt(f.requests)} |`)
  console.log(
    `| faults met: 429 / 500 / 503 / no answer (reset or lost) | ${fmt(f.statuses["429"] ?? 0)} / ${
      fmt(f.statuses["500"] ?? 0)
    } / ${fmt(f.statuses["503"] ?? 0)} / ${fmt(f.unanswered)} (${fmt((100 * faultsMet) / f.requests, 1)}%) |`
  )
  console.log(`| chunks failed after 10 retries (then sent again by retryFailed) | ${fmt(f.failedChunks)} |`)
  console.log(`| accepted, as the SDK counted | ${fmt(f.accepted)} |`)
  console.log(`| messages on the sandbox's record | ${fmt(messages.length)} |`)
  console.log(`| distinct recipients on the record | ${fmt(perRecipient.size)} |`)
  console.log(`| lost (sent to the SDK, absent from the record) | ${fmt(lost)} |`)
  console.log(`| duplicated (messages beyond the first to a recipient) | ${fmt(duplicated)} |`)
  console.log(`| recipients on the record never given to the SDK | ${fmt(strangers.length)} |`)
  console.log(`| balance debited | ${fmt(debitedMicros / MICROS, 6)} |`)
  console.log(`| sum of the messages' costs | ${fmt(chargedMicros / MICROS, 6)} |`)
  console.log(`| cost, as the SDK counted | ${fmt(f.costMicros / MICROS, 6)} |`)
  console.log(`| wall time s | ${fmt(f.wallMs / 1000, 1)} |`)
  const exactlyOnce = lost === 0 && duplicated === 0 && strangers.length === 0 && perRecipient.size === recipients
  const chargedOnce = debitedMicros === chargedMicros && chargedMicros === f.costMicros
  if (!exactlyOnce || !chargedOnce || f.accepted !== recipients) process.exitCode = 1
  console.log(
    `\n(every recipient accepted exactly once: ${yes(exactlyOnce && f.accepted === recipients)}; ` +
      `charged exactly once (debit == sum of costs == the SDK's cost): ${yes(chargedOnce)})`
  )
}

/** Both sections. */
export const run = async (settings: Settings) => {
  const started = performance.now()
  // the figures depend on the CPU left to this run: on a 2-core machine, on whatever else runs
  console.log(`\n(load average before the bulk sections: ${Os.loadavg().map((n) => fmt(n, 2)).join(", ")})`)
  const worker = await bundleWorker()
  try {
    await rateSection(worker.script, settings)
    await faultSection(worker.script, settings)
  } finally {
    await worker.remove()
  }
  console.log(
    `\n(the bulk sections took ${fmt((performance.now() - started) / 1000)} s; load average after: ${
      Os.loadavg().map((n) => fmt(n, 2)).join(", ")
    })`
  )
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === Path.resolve(process.argv[1])
if (isMain) {
  const worker = process.argv.indexOf("--worker")
  if (worker !== -1) {
    console.log(JSON.stringify(await work(JSON.parse(process.argv[worker + 1]!) as Job)))
  } else {
    await run(settingsOf(process.argv.slice(2)))
  }
}
