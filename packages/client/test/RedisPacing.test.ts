/**
 * `RedisPacing` when Redis is not there, goes away or freezes, and when processes disagree on a
 * key's budget. Each test runs redis-servers of its own on free loopback ports, so that it can
 * kill them or freeze them (SIGSTOP). The faults are met by a child process pacing through
 * `RedisPacing.layer({ host, port })` as the README shows it (fixtures/redisPacingChild.ts): its
 * stderr must stay empty, and once its layer is closed it must end on its own.
 *
 * The bounds below are for hang bugs ("settles within"), with wide margins over the documented
 * defaults (a slot request gives up after 2 s, closing waits 1 s for Redis): CI machines are slow.
 *
 * Without a `redis-server` to start the suite fails in CI and is skipped elsewhere, saying so
 * (redis.ts).
 */
import type { Pacing } from "@smscx/client"
import * as RedisPacing from "@smscx/client/RedisPacing"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import { type ChildProcess, spawn } from "node:child_process"
import * as Crypto from "node:crypto"
import * as Net from "node:net"
import { inspect } from "node:util"
import { afterAll, assert, describe, it } from "vitest"
import { childLines } from "./childLines.js"
import type { Take } from "./fixtures/redisPacingChild.js"
import * as TestRedis from "./redis.js"

const ROOT = new URL("../../../", import.meta.url).pathname
const CHILD = new URL("./fixtures/redisPacingChild.ts", import.meta.url).pathname

/** The documented defaults: a slot request's timeout, and how long closing waits for QUIT. */
const TIMEOUT_MS = 2_000
const CLOSE_TIMEOUT_MS = 1_000
/** Added to every bound: a busy two-core machine runs late. */
const MARGIN_MS = 3_000
/** Past it, a child's answer is a hang and the test fails. */
const ANSWER_BOUND_MS = 20_000

const runs = TestRedis.suiteRuns(
  "RedisPacing.test.ts",
  TestRedis.hasServer ? undefined : "no redis-server to start (install it; .ci/run does)"
)
/** Keys of this run only. */
const runId = `smscx-test-${Crypto.randomUUID()}`

/** Every process this file started that may still run; afterAll ends each (by its handle). */
const processes = new Set<ChildProcess>()

afterAll(async () => {
  await Promise.all([...processes].map((child) =>
    new Promise<void>((resolve) => {
      child.once("exit", () => resolve())
      child.kill("SIGCONT")
      child.kill("SIGKILL")
    })
  ))
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

const track = (child: ChildProcess) => {
  processes.add(child)
  child.once("exit", () => processes.delete(child))
  return child
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once("exit", () => resolve()))

/** A redis-server of our own on `port`, once it accepts connections. */
const startRedis = async (port: number, ...options: ReadonlyArray<string>) => {
  const redis = track(spawn("redis-server", [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    ...options
  ], { stdio: ["ignore", "pipe", "ignore"] }))
  await new Promise<void>((resolve, reject) => {
    let output = ""
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), ANSWER_BOUND_MS)
    redis.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8")
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer)
        resolve()
      }
    })
    redis.once("exit", (code) => reject(new Error(`redis-server ended (code ${code}):\n${output}`)))
  })
  return redis
}

const kill = async (child: ChildProcess) => {
  child.kill("SIGKILL")
  await exited(child)
}

/** The child pacing through `RedisPacing.layer({ host: "127.0.0.1", port })`, once its layer is built. */
const startPacer = async (port: number) => {
  const child = track(spawn(process.execPath, ["--import", "tsx", CHILD, String(port), `${runId}-${port}`], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "pipe"]
  }))
  const { nextLine, stderr } = childLines(child, ANSWER_BOUND_MS)
  const nextAnswer = (what: string): Promise<unknown> => nextLine(what).then((line) => JSON.parse(line))
  assert.strictEqual(await nextAnswer("starting the child"), "ready")
  const send = (command: string) => {
    child.stdin!.write(`${command}\n`)
    return nextAnswer(command)
  }
  return {
    take: (n: number) => send(`take ${n}`) as Promise<ReadonlyArray<Take>>,
    interrupt: (ms: number) => send(`interrupt ${ms}`) as Promise<{ readonly interruptMs: number }>,
    close: () => send("close") as Promise<{ readonly closeMs: number }>,
    /** Resolves with the exit code once the child ends; rejects if it does not end within `ms`. */
    ended: (ms: number) =>
      Promise.race([
        exited(child).then(() => child.exitCode),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`the child did not end within ${ms} ms of closing`)), ms).unref()
        )
      ]),
    stderr
  }
}

type Pacer = Awaited<ReturnType<typeof startPacer>>

/** Every request failed, each with a PacingError whose message matches, within the timeout. */
const assertFailedInTime = (takes: ReadonlyArray<Take>, message: RegExp) => {
  for (const take of takes) {
    assert.isFalse(take.ok, JSON.stringify(take))
    assert.strictEqual(take.tag, "PacingError", JSON.stringify(take))
    assert.match(take.message ?? "", message)
    assert.isAtMost(take.ms, TIMEOUT_MS + MARGIN_MS, JSON.stringify(take))
  }
}

/** Closing is prompt, the child then ends on its own (nothing left open), and printed nothing. */
const assertClosesQuietly = async (pacer: Pacer) => {
  const { closeMs } = await pacer.close()
  assert.isAtMost(closeMs, CLOSE_TIMEOUT_MS + MARGIN_MS)
  assert.strictEqual(await pacer.ended(10_000), 0, pacer.stderr())
  assert.strictEqual(pacer.stderr(), "")
}

describe.runIf(runs)("RedisPacing when Redis is out of reach", () => {
  it("Redis not running at start: slot requests fail at once, closing is prompt, nothing printed", async () => {
    const port = await freePort()
    const pacer = await startPacer(port)
    assertFailedInTime(await pacer.take(8), /Redis at 127\.0\.0\.1:\d+\) is out of reach \(.*ECONNREFUSED/)
    // again, now that the client is reconnecting in the background
    assertFailedInTime(await pacer.take(8), /is out of reach/)
    assert.isAtMost((await pacer.interrupt(200)).interruptMs, MARGIN_MS)
    await assertClosesQuietly(pacer)
  }, 60_000)

  it("Redis killed mid-send: slot requests fail within the timeout, and succeed again once it is back", async () => {
    const port = await freePort()
    const redis = await startRedis(port)
    const pacer = await startPacer(port)
    for (const take of await pacer.take(3)) assert.isTrue(take.ok, JSON.stringify(take))
    await kill(redis)
    assertFailedInTime(await pacer.take(8), /is out of reach/)
    // the connection is retried in the background: a Redis back on its port serves the next requests
    const back = await startRedis(port)
    const deadline = Date.now() + 10_000
    let takes = await pacer.take(1)
    while (!takes[0]!.ok && Date.now() < deadline) takes = await pacer.take(1)
    assert.isTrue(takes[0]!.ok, JSON.stringify(takes))
    await assertClosesQuietly(pacer)
    await kill(back)
  }, 60_000)

  it(
    "Redis frozen mid-send (SIGSTOP): slot requests fail within the timeout, closing does not wait for it",
    async () => {
      const port = await freePort()
      const redis = await startRedis(port)
      const pacer = await startPacer(port)
      for (const take of await pacer.take(3)) assert.isTrue(take.ok, JSON.stringify(take))
      redis.kill("SIGSTOP")
      const takes = await pacer.take(8)
      assertFailedInTime(takes, /Redis at 127\.0\.0\.1:\d+\) did not answer a slot request within 2/)
      assert.isAtMost((await pacer.interrupt(200)).interruptMs, MARGIN_MS)
      await assertClosesQuietly(pacer)
      redis.kill("SIGCONT")
      await kill(redis)
    },
    60_000
  )

  it("Redis frozen at start: slot requests fail within the timeout, closing is prompt", async () => {
    const port = await freePort()
    const redis = await startRedis(port)
    redis.kill("SIGSTOP")
    const pacer = await startPacer(port)
    assertFailedInTime(await pacer.take(4), /Redis at 127\.0\.0\.1:\d+\) is connected but has not answered yet/)
    await assertClosesQuietly(pacer)
    redis.kill("SIGCONT")
    await kill(redis)
  }, 60_000)
})

const second = Duration.seconds(1)

describe.runIf(runs)("RedisPacing: one key, different budgets", () => {
  /**
   * Takers, each through its own connection (as separate processes would be) and each with its
   * own budget, taking slots of `key` for a second: how many slots they took in that second, and
   * what was logged.
   */
  const slotsInASecond = (port: number, key: string, budgets: ReadonlyArray<Pacing.Budget>) =>
    Effect.gen(function*() {
      const logs: Array<string> = []
      const pacings = yield* Effect.forEach(budgets, () => RedisPacing.make({ host: "127.0.0.1", port }))
      const start = Date.now()
      const slots: Array<number> = []
      yield* Effect.forEach(
        pacings,
        (pacing, i) =>
          pacing.take(key, budgets[i]!).pipe(
            Effect.tap(() => Effect.sync(() => slots.push(Date.now() - start))),
            Effect.repeat({ while: () => Date.now() - start < 1_000 })
          ),
        { concurrency: "unbounded" }
      ).pipe(
        Effect.provide(Logger.replace(
          Logger.defaultLogger,
          Logger.make(({ logLevel, message }) => logs.push(`${logLevel.label} ${String(message)}`))
        ))
      )
      return { slots: slots.filter((at) => at < 1_000).length, logs }
    }).pipe(Effect.scoped, Effect.runPromise)

  it("5/s and 50/s through two connections go together at 5/s (the smaller budget), with a warning", async () => {
    const port = await freePort()
    const redis = await startRedis(port)
    const key = `${runId}-mixed`
    const { logs, slots } = await slotsInASecond(port, key, [{ limit: 5, window: second }, {
      limit: 50,
      window: second
    }])
    // 5 a second, evenly spaced from the first: at most 6 slots start within one second
    assert.isAtMost(slots, 7, `${slots} slots in a second`)
    assert.isAtLeast(slots, 3, `${slots} slots in a second`)
    const warnings = logs.filter((line) => line.startsWith("WARN") && line.includes(key))
    assert.strictEqual(warnings.length, 1, logs.join("\n"))
    assert.match(warnings[0]!, /smaller budget/)
    // control: the 50/s budget alone on a key of its own does go fast, so the count above can fail
    const alone = await slotsInASecond(port, `${runId}-alone`, [{ limit: 50, window: second }])
    assert.isAtLeast(alone.slots, 25, `${alone.slots} slots in a second`)
    assert.deepStrictEqual(alone.logs, [])
    await kill(redis)
  }, 30_000)
})

describe.runIf(runs)("RedisPacing: errors", () => {
  it("a password Redis refuses: a PacingError that says so, with the password nowhere in it", async () => {
    const port = await freePort()
    const redis = await startRedis(port, "--requirepass", "the-right-one")
    const password = "not-the-right-one"
    const error = await RedisPacing.make({ host: "127.0.0.1", port, password }).pipe(
      Effect.flatMap((pacing) => Effect.flip(pacing.take(`${runId}-auth`, { limit: 10, window: second }))),
      Effect.scoped,
      Effect.runPromise
    )
    assert.strictEqual(error._tag, "PacingError")
    // ioredis's reply error carries the AUTH command it answered, password and all
    for (const shown of [error.message, inspect(error, { depth: 10 }), JSON.stringify(error), String(error)]) {
      assert.notInclude(shown, password)
    }
    assert.match(error.message, /WRONGPASS/)
    await kill(redis)
  })

  it("a budget that cannot be paced is a PacingError, asked of no Redis", async () => {
    const port = await freePort()
    for (const limit of [0, -1, Number.NaN, Number.MIN_VALUE]) {
      const error = await RedisPacing.make({ host: "127.0.0.1", port }).pipe(
        Effect.flatMap((pacing) => Effect.flip(pacing.take(`${runId}-bad`, { limit, window: second }))),
        Effect.scoped,
        Effect.runPromise
      )
      assert.strictEqual(error._tag, "PacingError")
      assert.match(error.message, /cannot be paced/)
    }
  })
})
