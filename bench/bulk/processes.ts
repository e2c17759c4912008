/** The bulk benchmark's child processes: the sandbox, and each client's worker (bundled first). */
import { spawn } from "node:child_process"
import { once } from "node:events"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { API_KEY, BALANCE, type Figures, type Job } from "./shared.js"

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
export const startSandbox = async (flags: ReadonlyArray<string>) => {
  const bin = fileURLToPath(new URL("../../packages/sandbox/src/bin.ts", import.meta.url))
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
 * The worker (worker.ts) bundled, for the client processes: they run built JavaScript, as an application does.
 * Under tsx the SDK's process would also hold each module's transpiled source and source map (about
 * 90 MB more than the fetch loop's, which loads no module of ours). The SDK is a chunk of its own,
 * loaded only by the processes that import it.
 */
export const bundleWorker = async () => {
  const esbuild = await import("esbuild")
  const outdir = await Fs.mkdtemp(Path.join(Os.tmpdir(), "smscx-bench-bulk-"))
  await esbuild.build({
    entryPoints: [fileURLToPath(new URL("worker.ts", import.meta.url))],
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: ["esbuild"],
    outdir,
    logLevel: "warning"
  })
  return { script: Path.join(outdir, "worker.js"), remove: () => Fs.rm(outdir, { recursive: true, force: true }) }
}

/** One job in a client process of its own (running `script`, the bundled worker): its figures. */
export const runWorker = async (script: string, job: Job): Promise<Figures> => {
  const { exited, lines } = node([script, "--worker", JSON.stringify(job)])
  let last = ""
  lines.on("line", (line) => (last = line))
  const { code, signal } = await exited
  if (code !== 0) throw new Error(`the ${job.client} client process failed (${code ?? signal})`)
  return JSON.parse(last) as Figures
}
