/**
 * Nothing keeps the process alive after close(): a child process meets trickles, slow headers,
 * 50 MB answers and a cut answer through each client, closes it, and exits by itself, promptly.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as ChildProcess from "node:child_process"
import { fileURLToPath } from "node:url"
import { faultServer } from "./faultClients.js"
import type { Report } from "./fixtures/closeThenExit.js"

const CHILD = fileURLToPath(new URL("fixtures/closeThenExit.ts", import.meta.url))
const ROOT = fileURLToPath(new URL("../../..", import.meta.url))
/** From the child's report (written after close()) to its exit. */
const EXIT_BOUND = 3_000
/** The whole run, startup included; past it the child is killed and the test fails. */
const RUN_BOUND = 45_000

interface ChildRun {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly report: Report | undefined
  /** Milliseconds from the report to the exit. */
  readonly exitAfter: number | undefined
  readonly stderr: string
}

const runChild = (args: ReadonlyArray<string>) =>
  Effect.async<ChildRun>((resume) => {
    const child = ChildProcess.spawn(process.execPath, ["--import", "tsx", CHILD, ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    let reportedAt: number | undefined
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8")
      if (reportedAt === undefined && stdout.includes("\n")) reportedAt = performance.now()
    })
    child.stderr.on("data", (chunk: Buffer) => stderr += chunk.toString("utf8"))
    const killer = setTimeout(() => child.kill("SIGKILL"), RUN_BOUND)
    let exitedAt = 0
    child.once("exit", () => exitedAt = performance.now())
    // after "exit", once stdout and stderr are read to their end
    child.once("close", (code, signal) => {
      clearTimeout(killer)
      const line = stdout.split("\n")[0]
      resume(Effect.succeed({
        code,
        signal,
        report: line === undefined || line === "" ? undefined : JSON.parse(line) as Report,
        exitAfter: reportedAt === undefined ? undefined : exitedAt - reportedAt,
        stderr
      }))
    })
    return Effect.sync(() => {
      clearTimeout(killer)
      child.kill("SIGKILL")
    })
  })

describe("a closed client lets the process exit by itself", () => {
  const runs = [
    ["promise", "node", "the Promise client, default client"],
    ["promise", "fetch", "the Promise client over fetch"],
    ["effect", "node", "an Effect program over SmsCx.layer"],
    ["effect", "fetch", "an Effect program over FetchClient"]
  ] as const

  for (const [style, client, title] of runs) {
    it.live(
      `${title}: trickle, slow headers, 50 MB answers, a cut answer, then close: exit 0, promptly`,
      () =>
        Effect.gen(function*() {
          const server = yield* faultServer()
          const run = yield* runChild([style, client, String(server.port)])
          assert.deepStrictEqual([run.code, run.signal], [0, null], run.stderr)
          assert.isDefined(run.report, `no report; stderr:\n${run.stderr}`)
          const report = run.report!
          assert.deepStrictEqual(report.outcomes, [
            "TransportError Timeout",
            "TransportError Timeout",
            "TransportError ResponseTooLarge",
            "ok",
            "TransportError Transport",
            "ok"
          ])
          assert.notInclude(report.resources, "TCPSocketWrap", `resources: ${report.resources.join(", ")}`)
          assert.notInclude(report.resources, "Timeout", `resources: ${report.resources.join(", ")}`)
          if (client === "node") assert.strictEqual(report.openConnections, 0, "the client's connections all ended")
          assert.isBelow(run.exitAfter!, EXIT_BOUND, "the process lingered after close()")
        }).pipe(Effect.scoped),
      RUN_BOUND + 5_000
    )
  }
})
