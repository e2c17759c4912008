/**
 * A bulk job survives `kill -9`: a worker process (fixtures/jobWorker.ts) sends a job with a file
 * checkpoint through a loopback server in front of an in-process sandbox, which SIGKILLs the
 * worker at random requests, at the worst moments: before a request reaches the sandbox, or once
 * the sandbox has performed it and before its answer leaves (sent and billed, never known to the
 * worker). The worker is started again after each kill. At the end the sandbox's own record shows
 * every recipient accepted exactly once and the debit equal to the job's cost. The control run
 * (today's bulk send with its random ids, and the caller's own note of each chunk answered) is
 * killed once so, and sends recipients twice: the assertions can fail.
 *
 * The same with the checkpoints in Redis (`BulkJobRedis`, 2 kills), when `SMSCX_TEST_REDIS_URL`
 * is set (CI sets it; without it the suite fails in CI and that test is skipped elsewhere).
 *
 * Size: 10,000 recipients in chunks of 100, 5 kills. `SMSCX_JOB_KILL_TOTAL=100000` runs the
 * issue's full size (chunks of 1,000); `SMSCX_JOB_KILLS` sets the kills.
 */
import { Sandbox } from "@smscx/sandbox"
import { type ChildProcess, spawn } from "node:child_process"
import * as Crypto from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, assert, describe, it } from "vitest"
import { recipientOf } from "./fixtures/jobWorker.js"
import { behindServer, type Completed, deleteKeys, forward } from "./fixtures/sandboxBehindServer.js"
import * as TestRedis from "./redis.js"

const ROOT = new URL("../../../", import.meta.url).pathname
const WORKER = new URL("./fixtures/jobWorker.ts", import.meta.url).pathname
const TOTAL = Number(process.env.SMSCX_JOB_KILL_TOTAL ?? 10_000)
const KILLS = Number(process.env.SMSCX_JOB_KILLS ?? 5)
const CHUNK_SIZE = TOTAL >= 100_000 ? 1_000 : 100
const API_KEY = "kill-key"
const BALANCE = 10_000_000
/** Past it, a worker that prints nothing more is killed and the test fails. */
const PROCESS_BOUND = 60_000

const redisUrl = TestRedis.givenUrl ?? ""
const redisRuns = TestRedis.suiteRuns(
  "BulkJobKill.test.ts (Redis)",
  redisUrl === "" ? "no Redis: set SMSCX_TEST_REDIS_URL (.ci/run starts one)" : undefined
)
/** Keys of this run only. */
const redisPrefix = `smscx-test-kill-${Crypto.randomUUID()}:`

const children = new Set<ChildProcess>()
const directories: Array<string> = []

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL")
  for (const directory of directories) fs.rmSync(directory, { recursive: true, force: true })
  if (redisRuns) await deleteKeys(redisUrl, [`${redisPrefix}*`])
})

/** A kill: at the sandbox's `request`-th request, before it is performed or after (its answer then lost). */
interface Kill {
  readonly request: number
  readonly when: "before" | "after"
}

/**
 * A sandbox behind a loopback server that kills `victim()` as `kills` say; each kill ends that
 * request's connection without an answer.
 */
const killingSandbox = async (kills: ReadonlyArray<Kill>, victim: () => ChildProcess | undefined) => {
  const inProcess = Sandbox.inProcessFetch({ apiKeys: [API_KEY], balance: BALANCE, maxMessages: TOTAL * 3 })
  let requests = 0
  let killed = 0
  let next = 0
  // A worker has several requests in flight: a kill due while its victim is already doomed waits
  // for the next worker's requests, so that each kill ends a process of its own.
  const doomed = new WeakSet<ChildProcess>()
  const server = await behindServer(inProcess, BALANCE, async (req, parts, res) => {
    const request = ++requests
    const child = victim()
    const due = next < kills.length && request >= kills[next]!.request && child !== undefined &&
      !doomed.has(child)
    const kill = due ? kills[next++] : undefined
    if (kill !== undefined) doomed.add(child!)
    const die = () => {
      killed++
      child?.kill("SIGKILL")
      res.socket?.destroy()
    }
    if (kill?.when === "before") return die()
    const answer = await forward(inProcess, req, parts)
    if (kill?.when === "after") return die()
    res.writeHead(answer.status, answer.headers)
    res.end(answer.body)
  })
  return { ...server, killed: () => killed }
}

/** Starts the worker again after each SIGKILL until it completes; its outcome. */
const runUntilComplete = async (
  mode: "job" | "control",
  kills: ReadonlyArray<Kill>,
  redis: { readonly url: string; readonly prefix: string } | undefined = undefined
) => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), `smscx-kill-${mode}-`))
  directories.push(directory)
  let current: ChildProcess | undefined
  const sandbox = await killingSandbox(kills, () => current)
  try {
    for (let start = 1; start <= kills.length + 3; start++) {
      const child = spawn(process.execPath, ["--import", "tsx", WORKER], {
        cwd: ROOT,
        env: {
          ...process.env,
          SANDBOX_URL: sandbox.url,
          API_KEY,
          DIRECTORY: directory,
          JOB_ID: `kill-${mode}`,
          TOTAL: String(TOTAL),
          CHUNK_SIZE: String(CHUNK_SIZE),
          MODE: mode,
          ...(redis === undefined ? {} : { REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix })
        },
        stdio: ["ignore", "pipe", "pipe"]
      })
      current = child
      children.add(child)
      let stdout = ""
      let stderr = ""
      child.stdout.on("data", (part: Buffer) => (stdout += part.toString("utf8")))
      child.stderr.on("data", (part: Buffer) => (stderr += part.toString("utf8")))
      const bound = setTimeout(() => child.kill("SIGKILL"), PROCESS_BOUND)
      const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once("exit", (code, signal) => resolve({ code, signal }))
      )
      clearTimeout(bound)
      children.delete(child)
      const complete = /^complete (.*)$/m.exec(stdout)
      if (complete !== null) {
        const outcome = JSON.parse(complete[1]!) as Completed
        if (outcome.failed > 0) continue
        return { outcome, starts: start, killed: sandbox.killed(), ...(await sandbox.record()) }
      }
      if (exit.signal !== "SIGKILL" || sandbox.killed() < start) {
        throw new Error(`the ${mode} worker ended (${exit.code ?? exit.signal}) unkilled:\n${stderr.slice(-2_000)}`)
      }
    }
    throw new Error(`the ${mode} worker did not complete in ${kills.length + 3} starts`)
  } finally {
    await sandbox.close()
  }
}

/** `count` kills at distinct random requests among the first `within`, each before or after at random. */
const randomKills = (count: number, within: number): ReadonlyArray<Kill> => {
  const requests = new Set<number>()
  while (requests.size < count) requests.add(2 + Math.floor(Math.random() * (within - 2)))
  return [...requests].sort((a, b) => a - b).map((request) => ({
    request,
    when: Math.random() < 0.5 ? "before" : "after"
  }))
}

/** A job killed `kills` times and started again until it completes, and its kill plan. */
const killedJob = async (kills: number, redis?: { readonly url: string; readonly prefix: string }) => {
  const chunks = Math.ceil(TOTAL / CHUNK_SIZE)
  const plan = randomKills(kills, Math.floor(chunks * 0.9))
  const run = await runUntilComplete("job", plan, redis)
  return { run, plan: JSON.stringify(plan) }
}

describe("BulkJob, killed with SIGKILL", () => {
  it(
    `${TOTAL} recipients, ${KILLS} kills: each recipient accepted exactly once, the debit the job's cost`,
    async () => {
      const { plan, run } = await killedJob(KILLS)
      assert.strictEqual(run.killed, KILLS, `every kill happened (${plan})`)
      assert.strictEqual(run.starts, KILLS + 1)
      assert.strictEqual(run.counts.size, TOTAL, `none lost (${plan})`)
      const twice = [...run.counts].filter(([, n]) => n !== 1)
      assert.deepStrictEqual(twice, [], `none sent twice (${plan})`)
      assert.isTrue(run.counts.has(recipientOf(TOTAL - 1)))
      assert.strictEqual(run.outcome.accepted, TOTAL, "the outcome covers the whole job")
      assert.strictEqual(run.outcome.recipients, TOTAL)
      assert.strictEqual(run.debitMicros, Math.round(run.outcome.cost * 1e6), "the debit is the job's cost")
    },
    240_000
  )

  it.runIf(redisRuns)(`the same with the checkpoints in Redis: ${TOTAL} recipients, 2 kills`, async () => {
    const { plan, run } = await killedJob(2, { url: redisUrl, prefix: redisPrefix })
    assert.strictEqual(run.killed, 2, `every kill happened (${plan})`)
    assert.strictEqual(run.counts.size, TOTAL, `none lost (${plan})`)
    assert.deepStrictEqual([...run.counts].filter(([, n]) => n !== 1), [], `none sent twice (${plan})`)
    assert.strictEqual(run.outcome.accepted, TOTAL)
    assert.strictEqual(run.debitMicros, Math.round(run.outcome.cost * 1e6), "the debit is the job's cost")
  }, 240_000)

  it("control: today's bulk send, killed once after a chunk was performed, sends recipients twice", async () => {
    const run = await runUntilComplete("control", [{ request: 3, when: "after" }])
    assert.strictEqual(run.killed, 1)
    assert.strictEqual(run.counts.size, TOTAL, "none lost")
    const twice = [...run.counts.values()].filter((n) => n > 1).length
    assert.isAtLeast(twice, CHUNK_SIZE, "the chunk answered but not noted went again under a new id")
  }, 120_000)
})
