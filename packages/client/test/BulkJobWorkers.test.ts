/**
 * Many workers, one bulk job: four worker processes (fixtures/jobWorker.ts with `LEASE_MS`) run
 * the same job on one Redis (`BulkJobRedis.layerWorker`), paced together (`RedisPacing`), through
 * a loopback server in front of an in-process sandbox that injects faults (5xx, 503, resets,
 * answers lost after the work was done) and holds a rate limit. Workers are SIGKILLed at random
 * moments and a new one started in each one's place. At the end the sandbox's own record shows
 * every recipient accepted exactly once, the debit equal to the job's cost as every worker
 * reports it, and next to no 429s (the shared limit held).
 *
 * The assertions can fail: a chunk sent by two workers under two ids, or a dead worker's chunk
 * never taken over, shows in the counts (BulkJobKill.test.ts's control shows the first).
 *
 * Size: 20,000 recipients in chunks of 100, 4 kills. `SMSCX_JOB_WORKERS_TOTAL=200000` runs the
 * issue's size (chunks of 1,000); `SMSCX_JOB_WORKERS_KILLS` sets the kills.
 */
import { Sandbox } from "@smscx/sandbox"
import { type ChildProcess, spawn } from "node:child_process"
import * as Crypto from "node:crypto"
import * as os from "node:os"
import { afterAll, assert, describe, it } from "vitest"
import { recipientOf } from "./fixtures/jobWorker.js"
import { behindServer, type Completed, deleteKeys, forward } from "./fixtures/sandboxBehindServer.js"
import * as TestRedis from "./redis.js"

const ROOT = new URL("../../../", import.meta.url).pathname
const WORKER = new URL("./fixtures/jobWorker.ts", import.meta.url).pathname
const TOTAL = Number(process.env.SMSCX_JOB_WORKERS_TOTAL ?? 20_000)
const KILLS = Number(process.env.SMSCX_JOB_WORKERS_KILLS ?? 4)
const WORKERS = 4
const CHUNK_SIZE = TOTAL >= 200_000 ? 1_000 : 100
const API_KEY = "workers-key"
const BALANCE = 10_000_000
/** The credential's limit on the sandbox, and the workers' shared pace: requests a window. */
const LIMIT = 150
const WINDOW_SECONDS = 5
/** A dead worker's chunks are taken over within it. */
const LEASE_MS = 3_000
/** Past it, a worker that has not completed is killed and the test fails. */
const PROCESS_BOUND = 90_000

const redisUrl = TestRedis.givenUrl ?? ""
const redisRuns = TestRedis.suiteRuns(
  "BulkJobWorkers.test.ts",
  redisUrl === "" ? "no Redis: set SMSCX_TEST_REDIS_URL (.ci/run starts one)" : undefined
)
/** Keys of this run only (the job's log and leases, the pacing budget). */
const runId = `smscx-test-workers-${Crypto.randomUUID()}`

const children = new Set<ChildProcess>()

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL")
  if (redisRuns) await deleteKeys(redisUrl, [`${runId}*`, `smscx:pacing:${runId}*`])
})

/** The sandbox behind a loopback server, faults on, calling `onRequest` with each request's number. */
const faultySandbox = async (onRequest: (request: number) => void) => {
  const inProcess = Sandbox.inProcessFetch({
    apiKeys: [API_KEY],
    balance: BALANCE,
    maxMessages: TOTAL * 3,
    rateLimit: { limit: LIMIT, windowSeconds: WINDOW_SECONDS },
    faults: {
      seed: Math.floor(Math.random() * 1e9),
      rules: [
        { kind: "serverError", rate: 0.02 },
        { kind: "unavailable", rate: 0.02 },
        { kind: "reset", rate: 0.02 },
        { kind: "lostAnswer", rate: 0.03 }
      ]
    }
  })
  let requests = 0
  const statuses = new Map<number | "dropped", number>()
  const count = (status: number | "dropped") => statuses.set(status, (statuses.get(status) ?? 0) + 1)
  const server = await behindServer(inProcess, BALANCE, async (req, parts, res) => {
    onRequest(++requests)
    try {
      const answer = await forward(inProcess, req, parts)
      count(answer.status)
      res.writeHead(answer.status, answer.headers)
      res.end(answer.body)
    } catch {
      // a reset or a lost answer: the connection ends without one
      count("dropped")
      res.socket?.destroy()
    }
  })
  return { ...server, statuses, requests: () => requests }
}

describe.runIf(redisRuns)("BulkJob, many workers on one job", () => {
  it(`${WORKERS} workers, ${TOTAL} recipients, ${KILLS} kills, faults on: each recipient accepted once`, async () => {
    const chunks = Math.ceil(TOTAL / CHUNK_SIZE)
    const killAt = new Set<number>()
    while (killAt.size < KILLS) killAt.add(5 + Math.floor(Math.random() * Math.floor(chunks * 0.8)))
    const plan = JSON.stringify([...killAt].sort((a, b) => a - b))
    const live = new Set<ChildProcess>()
    const completed: Array<Completed> = []
    const failures: Array<string> = []
    let killed = 0
    let starts = 0
    let allDone: () => void = () => {}
    const finished = new Promise<void>((resolve) => (allDone = resolve))

    const sandbox = await faultySandbox((request) => {
      if (!killAt.has(request) || live.size === 0) return
      const victims = [...live]
      const victim = victims[Math.floor(Math.random() * victims.length)]!
      live.delete(victim)
      killed++
      victim.kill("SIGKILL")
    })
    const startWorker = () => {
      starts++
      const child = spawn(process.execPath, ["--import", "tsx", WORKER], {
        cwd: ROOT,
        env: {
          ...process.env,
          SANDBOX_URL: sandbox.url,
          API_KEY,
          DIRECTORY: os.tmpdir(),
          JOB_ID: "workers",
          TOTAL: String(TOTAL),
          CHUNK_SIZE: String(CHUNK_SIZE),
          MODE: "job",
          REDIS_URL: redisUrl,
          REDIS_PREFIX: `${runId}:`,
          LEASE_MS: String(LEASE_MS),
          PACING_KEY: runId,
          RATE_LIMIT: String(LIMIT),
          WINDOW_SECONDS: String(WINDOW_SECONDS)
        },
        stdio: ["ignore", "pipe", "pipe"]
      })
      live.add(child)
      children.add(child)
      let stdout = ""
      let stderr = ""
      child.stdout.on("data", (part: Buffer) => (stdout += part.toString("utf8")))
      child.stderr.on("data", (part: Buffer) => (stderr += part.toString("utf8")))
      const bound = setTimeout(() => child.kill("SIGKILL"), PROCESS_BOUND)
      child.once("exit", (code, signal) => {
        clearTimeout(bound)
        children.delete(child)
        const wasKilled = !live.delete(child) && signal === "SIGKILL"
        const complete = /^complete (.*)$/m.exec(stdout)
        if (wasKilled) {
          // one started in its place, as a supervisor would
          startWorker()
        } else if (complete !== null) {
          completed.push(JSON.parse(complete[1]!) as Completed)
        } else {
          failures.push(`a worker ended (${code ?? signal}) without completing:\n${stderr.slice(-2_000)}`)
        }
        if (children.size === 0) allDone()
      })
    }
    try {
      for (let i = 0; i < WORKERS; i++) startWorker()
      await finished
    } finally {
      await sandbox.close()
    }
    assert.deepStrictEqual(failures, [], `plan ${plan}`)
    assert.strictEqual(killed, KILLS, `every kill happened (${plan})`)
    assert.strictEqual(starts, WORKERS + KILLS)
    assert.strictEqual(completed.length, WORKERS, "the workers alive at the end each completed")
    const { counts, debitMicros } = await sandbox.record()
    assert.strictEqual(counts.size, TOTAL, `none lost (${plan})`)
    assert.deepStrictEqual([...counts].filter(([, n]) => n !== 1), [], `none sent twice (${plan})`)
    assert.isTrue(counts.has(recipientOf(TOTAL - 1)))
    for (const outcome of completed) {
      // each worker's outcome is the whole job's
      assert.strictEqual(outcome.accepted, TOTAL)
      assert.strictEqual(outcome.recipients, TOTAL)
      assert.strictEqual(outcome.failed, 0)
      assert.strictEqual(debitMicros, Math.round(outcome.cost * 1e6), "the debit is the job's cost")
    }
    // each chunk is sent by one worker: the requests are the chunks, the faults' retries and the
    // chunks of the dead taken over (4 workers each sending every chunk would be 4 times as many)
    const faults = (sandbox.statuses.get(500) ?? 0) + (sandbox.statuses.get(503) ?? 0) +
      (sandbox.statuses.get("dropped") ?? 0)
    const bound = chunks + 2 * faults + KILLS * 8 + 10
    console.log(
      `workers: ${sandbox.requests()} requests for ${chunks} chunks (bound ${bound}), ${
        JSON.stringify([...sandbox.statuses])
      }`
    )
    assert.isAtMost(sandbox.requests(), bound, "no chunk sent by every worker")
    const tooMany = sandbox.statuses.get(429) ?? 0
    assert.isAtMost(tooMany, 5, `the shared limit held (${JSON.stringify([...sandbox.statuses])})`)
    assert.isAbove(faults, 0, "faults were injected")
  }, 240_000)
})
