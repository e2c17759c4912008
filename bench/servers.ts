/**
 * The servers the benchmark calls, each in a child process on loopback (so that none shares the
 * client's event loop):
 * - `trivial`: a bare `node:http` server answering a fixed body (server.ts `--bare`), the baseline
 *   server of the per-call and load sections;
 * - `sandbox`: the SDK's sandbox (server.ts);
 * - `prism`: Stoplight Prism mocking the same OpenAPI document (`prism mock`, logging silenced,
 *   its best case).
 * Every child is stopped when this process exits, whatever the reason.
 */
import { spawn } from "node:child_process"
import { once } from "node:events"
import { createRequire } from "node:module"
import * as Net from "node:net"
import * as Path from "node:path"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"

export type Kind = "trivial" | "sandbox" | "prism"

export interface Server {
  readonly url: string
  /** Resident memory in bytes: now, and the most the process has held since it started. */
  readonly memory: () => Promise<{ rss: number; maxRss: number }>
  /** Stops it and waits until it is gone, so that it takes no CPU from what runs next. */
  readonly stopped: () => Promise<void>
}

const root = fileURLToPath(new URL("..", import.meta.url))

const freePort = async () => {
  const probe = Net.createServer()
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve))
  const { port } = probe.address() as Net.AddressInfo
  await new Promise((resolve) => probe.close(resolve))
  return port
}

/** Polls until something answers HTTP at `url`: Prism prints nothing when silenced. */
const answering = async (url: string, exited: Promise<unknown>, timeoutMs = 60_000) => {
  let gone = false
  void exited.then(() => (gone = true))
  const deadline = Date.now() + timeoutMs
  while (!gone && Date.now() < deadline) {
    const ok = await fetch(url).then((res) => res.arrayBuffer().then(() => true), () => false)
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(gone ? `the server at ${url} exited before it answered` : `nothing answered at ${url}`)
}

/** RSS of another process from /proc (Linux), in bytes: `VmRSS` now and `VmHWM` its peak. */
const procMemory = async (pid: number) => {
  const { readFile } = await import("node:fs/promises")
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "")
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024
  return { rss: kib("VmRSS"), maxRss: kib("VmHWM") }
}

const prism = async (): Promise<Server> => {
  const require = createRequire(import.meta.url)
  const bin = Path.join(Path.dirname(require.resolve("@stoplight/prism-cli/package.json")), "dist", "index.js")
  const port = await freePort()
  const spec = Path.join(root, "spec", "smscx-openapi.json")
  const child = spawn(
    process.execPath,
    [bin, "mock", spec, "--port", String(port), "--host", "127.0.0.1", "--verboseLevel", "silent"],
    { stdio: ["ignore", "ignore", "inherit"] }
  )
  const kill = () => child.kill("SIGTERM")
  process.on("exit", kill)
  const exited = once(child, "exit")
  const url = `http://127.0.0.1:${port}`
  await answering(url, exited)
  return {
    url,
    memory: () => procMemory(child.pid!),
    stopped: async () => {
      child.kill("SIGTERM")
      await exited
      process.off("exit", kill)
    }
  }
}

/** server.ts in a child process: it prints its URL, and answers `memory` on stdin. */
const ofServerTs = async (kind: "trivial" | "sandbox"): Promise<Server> => {
  const args = ["--import", "tsx", fileURLToPath(new URL("server.ts", import.meta.url))]
  if (kind === "trivial") args.push("--bare")
  const child = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "inherit"] })
  const kill = () => child.kill("SIGTERM")
  process.on("exit", kill)
  const exited = once(child, "exit")
  const lines = createInterface({ input: child.stdout })
  const [line] = (await once(lines, "line")) as [string]
  return {
    url: (JSON.parse(line) as { url: string }).url,
    memory: async () => {
      child.stdin.write("memory\n")
      const [answer] = (await once(lines, "line")) as [string]
      return JSON.parse(answer) as { rss: number; maxRss: number }
    },
    stopped: async () => {
      child.kill("SIGTERM")
      await exited
      process.off("exit", kill)
    }
  }
}

export const start = (kind: Kind): Promise<Server> => kind === "prism" ? prism() : ofServerTs(kind)
