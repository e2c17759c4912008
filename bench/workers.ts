/**
 * The workers benchmark (a section of `pnpm bench`; alone: `tsx bench/workers.ts [--quick]`):
 * many workers on one bulk job under a rate limit one worker cannot fill alone.
 *
 * The sandbox runs in a process of its own with a rate limit (`--rate-limit 40/5`, 8 requests a
 * second); in front of it, a loopback proxy in this process adds 250 ms to each answer (a slow
 * API), and counts the requests, their statuses and when each started. Each worker is a process
 * of its own (bench/workers/worker.ts, bundled first) running the same job through one Redis
 * (`BulkJobRedis.layerWorker`), paced together (`RedisPacing`, one `pacingKey`), one chunk of 1,000
 * in flight (`concurrency: 1`): alone, one worker reaches well under the limit. The job
 * (200,000 recipients; 100,000 with `--quick`) is run by 1 worker, then, on a fresh sandbox and
 * job, by 4: achieved/allowed rate for each, the ratio 4 vs 1, the 429s, whether the 4 together
 * reach >= 90% of the limit, and each worker's peak RSS (a worker holds only the chunks it sends,
 * never the others': its memory does not grow with the share of the input others send).
 *
 * Needs Redis: `SMSCX_TEST_REDIS_URL`, else `redis://127.0.0.1:6379`; without one it says so and
 * skips. Its keys (prefix `smscx-bench-workers-<uuid>:`) expire on their own: the pacing's within
 * seconds, the complete jobs' a minute after (`retain`).
 */
import { spawn } from "node:child_process"
import { once } from "node:events"
import * as Fs from "node:fs/promises"
import * as Http from "node:http"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { startSandbox } from "./bulk/processes.js"
import { API_KEY, fmt, mb, UTILIZATION } from "./bulk/shared.js"
import type { WorkerFigures, WorkerJob } from "./workers/worker.js"

const LIMIT = 40
const WINDOW = 5
const LATENCY_MS = 250
const CHUNK = 1_000
const WORKERS = 4

/** The worker bundled, as an application runs it (built JavaScript, ioredis included). */
const bundle = async () => {
  const esbuild = await import("esbuild")
  const outdir = await Fs.mkdtemp(Path.join(Os.tmpdir(), "smscx-bench-workers-"))
  await esbuild.build({
    entryPoints: [fileURLToPath(new URL("workers/worker.ts", import.meta.url))],
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    outdir,
    // ioredis and its dependencies are CommonJS: `require` for them inside the ES module
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: "warning"
  })
  return { script: Path.join(outdir, "worker.js"), remove: () => Fs.rm(outdir, { recursive: true, force: true }) }
}

/** A proxy to `target` that answers each request `LATENCY_MS` late, noting when it came and its status. */
const slowProxy = async (target: string) => {
  const started: Array<number> = []
  const statuses: Record<string, number> = {}
  const upstream = new URL(target)
  const agent = new Http.Agent({ keepAlive: true })
  const server = Http.createServer((req, res) => {
    if (req.url?.startsWith("/sms") === true) started.push(performance.now())
    const forwarded = Http.request({
      host: upstream.hostname,
      port: upstream.port,
      path: req.url,
      method: req.method,
      headers: req.headers,
      agent
    }, (answer) => {
      const parts: Array<Buffer> = []
      answer.on("data", (part: Buffer) => parts.push(part))
      answer.on("end", () =>
        setTimeout(() => {
          statuses[answer.statusCode ?? 0] = (statuses[answer.statusCode ?? 0] ?? 0) + 1
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          res.end(Buffer.concat(parts))
        }, LATENCY_MS))
    })
    forwarded.on("error", () => res.destroy())
    req.pipe(forwarded)
  })
  server.listen(0, "127.0.0.1")
  await once(server, "listening")
  return {
    url: `http://127.0.0.1:${(server.address() as Net.AddressInfo).port}`,
    started,
    statuses,
    close: async () => {
      server.closeAllConnections()
      agent.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

const runWorker = async (script: string, job: WorkerJob): Promise<WorkerFigures> => {
  const child = spawn(process.execPath, [script, "--worker", JSON.stringify(job)], {
    stdio: ["ignore", "pipe", "inherit"]
  })
  const kill = () => child.kill("SIGTERM")
  process.on("exit", kill)
  let last = ""
  createInterface({ input: child.stdout }).on("line", (line) => (last = line))
  const [code] = await once(child, "exit")
  process.off("exit", kill)
  if (code !== 0) throw new Error(`a worker failed (${code})`)
  return JSON.parse(last) as WorkerFigures
}

/** The job run by `workers` processes at once, on a fresh sandbox: the proxy's figures and each worker's. */
const runJob = async (
  script: string,
  workers: number,
  recipients: number,
  redisAt: WorkerJob["redis"],
  prefix: string
) => {
  const sandbox = await startSandbox([
    "--rate-limit",
    `${LIMIT}/${WINDOW}`,
    "--max-messages",
    String(recipients + 1_000)
  ])
  const proxy = await slowProxy(sandbox.url)
  try {
    const job: WorkerJob = {
      url: proxy.url,
      apiKey: API_KEY,
      redis: redisAt,
      prefix,
      jobId: `workers-${workers}`,
      recipients,
      chunk: CHUNK,
      concurrency: 1,
      limit: LIMIT,
      window: WINDOW
    }
    const figures = await Promise.all(Array.from({ length: workers }, () => runWorker(script, job)))
    const { started } = proxy
    const rate = started.length < 2 ? 0 : (started.length - 1) / ((started.at(-1)! - started[0]!) / 1000)
    return { figures, requests: started.length, rate, statuses: { ...proxy.statuses } }
  } finally {
    await proxy.close()
    await sandbox.stopped()
  }
}

export const run = async (options: { readonly quick: boolean }) => {
  const recipients = options.quick ? 100_000 : 200_000
  const allowed = LIMIT / WINDOW
  console.log(
    `\n## Bulk job workers: ${
      fmt(recipients)
    } recipients, 1 worker vs ${WORKERS}, under a limit of ${allowed} requests/s\n`
  )
  const url = new URL(process.env.SMSCX_TEST_REDIS_URL ?? "redis://127.0.0.1:6379")
  const redisAt = { host: url.hostname, port: Number(url.port || 6379) }
  // something listens there (the workers fail typed, and the section with them, if it is not Redis)
  const listening = await new Promise<boolean>((resolve) => {
    const socket = Net.connect(redisAt.port, redisAt.host, () => {
      socket.end()
      resolve(true)
    })
    socket.setTimeout(1_000, () => socket.destroy())
    socket.on("error", () => resolve(false))
    socket.on("close", () => resolve(false))
  })
  if (!listening) {
    console.log(`(skipped: no Redis at ${url.host}; set SMSCX_TEST_REDIS_URL)`)
    return
  }
  const prefix = `smscx-bench-workers-${crypto.randomUUID()}:`
  const worker = await bundle()
  try {
    console.log(
      `The sandbox in a process of its own (\`--rate-limit ${LIMIT}/${WINDOW}\`) behind a proxy adding ${LATENCY_MS} ms ` +
        `to each answer; each worker a process of its own (bundled), chunks of ${fmt(CHUNK)}, 1 in flight, ` +
        `paced together through Redis at ${UTILIZATION} of the limit.\n`
    )
    const one = await runJob(worker.script, 1, recipients, redisAt, prefix)
    const many = await runJob(worker.script, WORKERS, recipients, redisAt, prefix)
    console.log(
      "| workers | requests | 429s | req/s achieved | achieved / allowed | chunks sent by each | accepted (each worker's outcome) | CPU s each | peak RSS MB each |"
    )
    console.log("|---:|---:|---:|---:|---:|---|---|---|---|")
    for (const [count, r] of [[1, one], [WORKERS, many]] as const) {
      console.log(
        `| ${count} | ${fmt(r.requests)} | ${fmt(r.statuses["429"] ?? 0)} | ${fmt(r.rate, 2)} | ${
          fmt(r.rate / allowed, 3)
        } | ${r.figures.map((f) => fmt(f.chunksSent)).join(", ")} | ${
          r.figures.map((f) => `${fmt(f.accepted)}${f.complete ? "" : " (not complete!)"}`).join(", ")
        } | ${r.figures.map((f) => fmt(f.cpuMs / 1000, 1)).join(", ")} | ${
          r.figures.map((f) => mb(f.maxRss)).join(", ")
        } |`
      )
    }
    const together = many.rate / allowed
    const loneRss = one.figures[0]!.maxRss
    console.log(
      `\n${WORKERS} workers vs 1: ${fmt(many.rate / one.rate, 2)}x the rate; together ${
        fmt(100 * together, 1)
      }% of the limit (target >= 90%: ${together >= 0.9 ? "met" : "NOT met"}); 429s ${
        fmt((many.statuses["429"] ?? 0) + (one.statuses["429"] ?? 0))
      }; peak RSS of a worker of ${WORKERS} vs the lone worker's: ${
        fmt(Math.max(...many.figures.map((f) => f.maxRss)) / loneRss, 2)
      }x (a worker holds the chunks it sends, not the others')`
    )
    const incomplete = [...one.figures, ...many.figures].some((f) => !f.complete || f.accepted !== recipients)
    if (incomplete) process.exitCode = 1
  } finally {
    await worker.remove()
  }
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === Path.resolve(process.argv[1])
if (isMain) await run({ quick: process.argv.includes("--quick") })
