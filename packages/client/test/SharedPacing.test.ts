/**
 * Pacing shared between processes through a real redis-server: four worker processes
 * (fixtures/bulkWorker.ts, started once and given each run on stdin) send bulk SMS through one
 * sandbox credential at once. Paced together through Redis they stay under the credential's rate
 * limit (no 429 storm) and together use at least 90% of it; paced each on its own (the control
 * run) they overrun it, which shows the assertions can fail.
 *
 * Redis: `SMSCX_TEST_REDIS_URL` when set (CI starts one, see .ci/run); otherwise a
 * `redis-server` of our own on a free port. Without either the suite fails in CI and is skipped
 * elsewhere, saying so (redis.ts).
 */
import { Redis } from "ioredis"
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import * as Crypto from "node:crypto"
import * as Net from "node:net"
import { createInterface } from "node:readline"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { childLines } from "./childLines.js"
import { recipient, type Report, type Run as WorkerRun } from "./fixtures/bulkWorker.js"
import * as TestRedis from "./redis.js"

const ROOT = new URL("../../../", import.meta.url).pathname
const SANDBOX_BIN = new URL("../../sandbox/src/bin.ts", import.meta.url).pathname
const WORKER = new URL("./fixtures/bulkWorker.ts", import.meta.url).pathname

/** The credential's rate limit on the sandbox: requests per second. */
const LIMIT = 40
/**
 * The window it is counted over, in seconds: 400 requests a 10 s window. A 1 s window of 40 would
 * make one request bunched by a late event loop a 429; over 10 s the same 3% margin is 12 requests.
 */
const WINDOW_SECONDS = 10
const WORKERS = 4
const CHUNK_SIZE = 10
/** Past it, a process is killed and the test fails. */
const PROCESS_BOUND = 40_000

const givenRedis = TestRedis.givenUrl ?? ""
const redisAvailable = TestRedis.suiteRuns(
  "SharedPacing.test.ts",
  givenRedis !== "" || TestRedis.hasServer
    ? undefined
    : "no Redis: set SMSCX_TEST_REDIS_URL (.ci/run starts one) or install redis-server"
)
/** Keys of this run only: reruns, and other runs on a shared Redis, never share a budget. */
const runId = `smscx-test-${Crypto.randomUUID()}`

/** Every process this file started that may still run; afterAll ends each (by its handle). */
const children = new Set<ChildProcess>()

/** Children run at a lower priority: on two cores, vitest's own processes must stay responsive. */
const hasNice = spawnSync("nice", ["true"], { stdio: "ignore" }).status === 0

const started = (command: string, args: ReadonlyArray<string>, env: Record<string, string> = {}) => {
  const child = spawn(hasNice ? "nice" : command, hasNice ? ["-n", "5", command, ...args] : args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "pipe"]
  })
  children.add(child)
  child.once("exit", () => children.delete(child))
  return child
}

/** Resolves with the first stdout line matching `pattern`; rejects if the process ends first. */
const lineMatching = (child: ChildProcess, pattern: RegExp, what: string) =>
  new Promise<RegExpExecArray>((resolve, reject) => {
    let stderr = ""
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")))
    const lines = createInterface({ input: child.stdout! })
    const timer = setTimeout(
      () => reject(new Error(`${what}: no ${pattern} within ${PROCESS_BOUND} ms`)),
      PROCESS_BOUND
    )
    const onExit = (code: number | null) => {
      clearTimeout(timer)
      reject(new Error(`${what} ended (code ${code}) before printing ${pattern}:\n${stderr}`))
    }
    child.once("exit", onExit)
    lines.on("line", (line) => {
      const match = pattern.exec(line)
      if (match === null) return
      clearTimeout(timer)
      child.off("exit", onExit)
      lines.close()
      resolve(match)
    })
  })

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = Net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as Net.AddressInfo
      server.close(() => resolve(port))
    })
  })

let redisUrl = givenRedis
let sandboxUrl = ""

beforeAll(async () => {
  if (!redisAvailable) return
  const sandbox = started(process.execPath, [
    "--import",
    "tsx",
    SANDBOX_BIN,
    "--port",
    "0",
    "--api-key",
    "shared-key",
    "--api-key",
    "learned-key",
    "--api-key",
    "control-key",
    "--balance",
    "1000000",
    "--rate-limit",
    `${LIMIT * WINDOW_SECONDS}/${WINDOW_SECONDS}`
  ])
  const listening = lineMatching(sandbox, /listening on (http:\/\/127\.0\.0\.1:\d+)/, "the sandbox")
  // the workers start (load their modules) alongside the sandbox, and serve every run
  for (let id = 0; id < WORKERS; id++) {
    workers.push(worker(started(process.execPath, ["--import", "tsx", WORKER], { WORKER_ID: String(id) })))
  }
  if (redisUrl === "") {
    const port = await freePort()
    const redis = started("redis-server", [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no"
    ])
    await lineMatching(redis, /Ready to accept connections/, "redis-server")
    redisUrl = `redis://127.0.0.1:${port}`
  }
  sandboxUrl = (await listening)[1]!
}, 60_000)

afterAll(async () => {
  // a shared Redis (CI's) keeps nothing of this run
  if (givenRedis !== "") {
    const redis = new Redis(givenRedis, { maxRetriesPerRequest: 1, lazyConnect: true })
    try {
      await redis.connect()
      const keys = await redis.keys(`smscx:pacing:${runId}*`)
      if (keys.length > 0) await redis.del(...keys)
    } finally {
      redis.disconnect()
    }
  }
  await Promise.all([...children].map((child) =>
    new Promise<void>((resolve) => {
      child.once("exit", () => resolve())
      child.kill("SIGKILL")
    })
  ))
})

interface Run {
  readonly reports: ReadonlyArray<Report>
}

/** A worker process (fixtures/bulkWorker.ts), read line by line. */
interface Worker {
  readonly child: ChildProcess
  /** Its next line on stdout; rejects if it ends first, or prints nothing within `PROCESS_BOUND`. */
  readonly nextLine: (what: string) => Promise<string>
  readonly stderr: () => string
}

const workers: Array<Worker> = []

const worker = (child: ChildProcess): Worker => ({ child, ...childLines(child, PROCESS_BOUND) })

/**
 * A run of the `WORKERS` workers, started together once every one of them is ready (its layers
 * built, Redis connected), each sending `chunks` chunks of `CHUNK_SIZE` recipients.
 */
const runWorkers = async (options: {
  readonly name: string
  readonly apiKey: string
  readonly chunks: number
  readonly redis: boolean
  readonly limit: number | undefined
}): Promise<Run> => {
  const run: WorkerRun = {
    baseUrl: sandboxUrl,
    apiKey: options.apiKey,
    chunks: options.chunks,
    chunkSize: CHUNK_SIZE,
    text: `run ${options.name}`,
    redisUrl: options.redis ? redisUrl : undefined,
    pacingKey: `${runId}-${options.name}`,
    limit: options.limit === undefined ? undefined : options.limit * WINDOW_SECONDS,
    windowSeconds: WINDOW_SECONDS
  }
  for (const w of workers) w.child.stdin!.write(`${JSON.stringify(run)}\n`)
  const ready = await Promise.all(workers.map((w) => w.nextLine(`${options.name}: ready`)))
  for (const [i, line] of ready.entries()) assert.strictEqual(line, "ready", workers[i]!.stderr())
  for (const w of workers) w.child.stdin!.write("go\n")
  const reports = await Promise.all(workers.map((w) => w.nextLine(`${options.name}: report`)))
  return { reports: reports.map((line) => JSON.parse(line) as Report) }
}

const sum = (reports: ReadonlyArray<Report>, f: (report: Report) => number) =>
  reports.reduce((total, report) => total + f(report), 0)
const status = (report: Report, code: number) => report.statuses[String(code)] ?? 0

/** Requests a second over the whole run: from the earliest first request to the latest last. */
/**
 * The rate of the requests started while all four workers were sending (from the last one's
 * first request to the first one's last): what they reach together, without the ramps at either
 * end, where fewer of them send.
 */
const combinedRate = (reports: ReadonlyArray<Report>) => {
  const from = Math.max(...reports.map((r) => r.first))
  const to = Math.min(...reports.map((r) => r.last))
  const started = reports.flatMap((r) => r.requests.map(([start]) => start)).filter((t) => t >= from && t < to)
  return started.length / ((to - from) / 1000)
}

/** What the run looked like on the wire, for the failure messages: 429s, rate, the busiest second. */
const summary = (reports: ReadonlyArray<Report>) => {
  const starts = reports.flatMap((r) => r.requests.map(([start]) => start)).sort((a, b) => a - b)
  let busiest = 0
  for (let i = 0, j = 0; i < starts.length; i++) {
    while (starts[i]! - starts[j]! >= WINDOW_SECONDS * 1000) j++
    busiest = Math.max(busiest, i - j + 1)
  }
  const limited = sum(reports, (r) => status(r, 429))
  return `${starts.length} requests, ${limited} answered 429, ${combinedRate(reports).toFixed(1)}/s together, ` +
    `at most ${busiest} in ${WINDOW_SECONDS} seconds`
}

/** How often each number got this run's message, on the sandbox's own record. */
const onRecord = async (name: string) => {
  const answer = await fetch(`${sandboxUrl}/__sandbox/messages`)
  assert.strictEqual(answer.status, 200)
  const { messages } = await answer.json() as { messages: ReadonlyArray<{ to: string; text: string }> }
  const counts = new Map<string, number>()
  for (const m of messages) if (m.text === `run ${name}`) counts.set(m.to, (counts.get(m.to) ?? 0) + 1)
  return counts
}

const allRecipients = (chunks: number) =>
  Array.from(
    { length: WORKERS },
    (_, worker) => Array.from({ length: chunks * CHUNK_SIZE }, (_, index) => recipient(worker, index))
  ).flat()

/** Every worker reported, and printed nothing on stderr. */
const assertReportedCleanly = (run: Run) => {
  assert.strictEqual(run.reports.length, WORKERS)
  for (const w of workers) assert.strictEqual(w.stderr(), "")
}

/** Every worker's recipients accepted, each exactly once, and nothing else under this run. */
const assertEveryRecipientOnce = async (name: string, run: Run, chunks: number) => {
  for (const report of run.reports) {
    assert.strictEqual(report.failed, 0, `worker ${report.worker}: chunks failed`)
    assert.strictEqual(report.accepted, chunks * CHUNK_SIZE, `worker ${report.worker}: accepted`)
  }
  const counts = await onRecord(name)
  const expected = allRecipients(chunks)
  assert.strictEqual(counts.size, expected.length)
  for (const number of expected) assert.strictEqual(counts.get(number), 1, `${number} on the record`)
}

describe.runIf(redisAvailable)("shared pacing through Redis, four worker processes on one credential", () => {
  it("at a given limit: no 429 storm, at least 90% of the limit together, every recipient once", async () => {
    // 4 x 110 requests: more than a window allows (400), which unshared pacing would overrun
    const chunks = 110
    const run = await runWorkers({ name: "shared", apiKey: "shared-key", chunks, redis: true, limit: LIMIT })
    assertReportedCleanly(run)
    const limited = sum(run.reports, (r) => status(r, 429))
    assert.isAtMost(limited, WORKERS, summary(run.reports))
    assert.strictEqual(sum(run.reports, (r) => status(r, 200)), WORKERS * chunks)
    const rate = combinedRate(run.reports)
    assert.isAtLeast(rate, 0.9 * LIMIT, summary(run.reports))
    // the budget is the limit's, shared: together they do not outrun it
    assert.isAtMost(rate, LIMIT, summary(run.reports))
    await assertEveryRecipientOnce("shared", run, chunks)
  }, 60_000)

  it("at the limit learned from X-Rate-Limit-Limit: the same", async () => {
    const chunks = 50
    const run = await runWorkers({ name: "learned", apiKey: "learned-key", chunks, redis: true, limit: undefined })
    assertReportedCleanly(run)
    // each worker's first request goes before it knows the limit, unpaced: at most one 429 each
    const limited = sum(run.reports, (r) => status(r, 429))
    assert.isAtMost(limited, WORKERS, summary(run.reports))
    const rate = combinedRate(run.reports)
    assert.isAtLeast(rate, 0.9 * LIMIT, summary(run.reports))
    assert.isAtMost(rate, LIMIT, summary(run.reports))
    await assertEveryRecipientOnce("learned", run, chunks)
  }, 60_000)

  it("control: each worker paced on its own overruns the limit (many 429s)", async () => {
    // more than a window allows: 4 x 110 requests, each worker at the whole limit
    const chunks = 110
    const run = await runWorkers({ name: "control", apiKey: "control-key", chunks, redis: false, limit: LIMIT })
    assertReportedCleanly(run)
    const limited = sum(run.reports, (r) => status(r, 429))
    // each worker meets 429s for its chunks in flight once the window is spent: far more than the
    // shared runs' bound (WORKERS)
    assert.isAbove(limited, 2 * WORKERS, summary(run.reports))
    // retries are safe all the same: no number got the message twice
    const counts = await onRecord("control")
    assert.strictEqual(counts.size, sum(run.reports, (r) => r.accepted))
    for (const [number, count] of counts) assert.strictEqual(count, 1, `${number} on the record`)
  }, 60_000)
})
