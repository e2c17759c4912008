/**
 * A child process spoken to line by line (the Redis suites' pacing processes): its stdout read
 * as lines, each `nextLine` bounded in time and failing at once if the child has ended, and its
 * stderr kept for the failure's message.
 */
import type { ChildProcess } from "node:child_process"
import { createInterface } from "node:readline"

export interface ChildLines {
  /** Its next line on stdout; rejects if it ends first, or prints nothing within the bound (then it is killed). */
  readonly nextLine: (what: string) => Promise<string>
  readonly stderr: () => string
}

export const childLines = (child: ChildProcess, boundMs: number): ChildLines => {
  let stderr = ""
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")))
  const lines: Array<string> = []
  const waiting: Array<(line: string) => void> = []
  createInterface({ input: child.stdout! }).on("line", (line) => {
    const waiter = waiting.shift()
    if (waiter === undefined) lines.push(line)
    else waiter(line)
  })
  const nextLine = (what: string) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL")
        reject(new Error(`${what}: nothing within ${boundMs} ms:\n${stderr}`))
      }, boundMs)
      const onExit = (code: number | null) => {
        clearTimeout(timer)
        reject(new Error(`${what}: the child process ended (code ${code}):\n${stderr}`))
      }
      if (child.exitCode !== null || child.signalCode !== null) return onExit(child.exitCode)
      child.once("exit", onExit)
      const settle = (line: string) => {
        clearTimeout(timer)
        child.off("exit", onExit)
        resolve(line)
      }
      const line = lines.shift()
      if (line === undefined) waiting.push(settle)
      else settle(line)
    })
  return { nextLine, stderr: () => stderr }
}
