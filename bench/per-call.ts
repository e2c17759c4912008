/**
 * Per-call cost of the SDK against a trivial loopback server (a child process answering a fixed
 * body, keep-alive, no work: see servers.ts), so that the server does not hide the client, for
 * two operations: `getAccountBalance` (no input) and `sendSms` to one recipient with a short text
 * (a JSON body, checked and encoded, with its idempotency id). Clients: bare `node:http`
 * (keep-alive agent), bare `fetch` (both sending the same request as the SDK: for sendSms, the
 * same POST and JSON body, idempotency id included), the SDK's Effect client (default Node client
 * and FetchClient) and Promise client (default and `{ fetch }`).
 *
 * Each client runs in a process of its own, as in a user's program, which holds one: clients
 * sharing a process would share its JIT state and its heap, and each would pay for the others'
 * garbage and for call sites made polymorphic by them. That process runs the clients' code
 * bundled by esbuild, as the packages' builds ship it (not tsx's transpilation of the sources,
 * which names every function made at run time). Each round runs every client in turn
 * (interleaved: ABCDEF ABCDEF ...), first sequentially (wall µs per call, and the client
 * process's CPU per call, the client's own cost) and then 16 in flight (req/s); the figures are
 * the medians over rounds, and each SDK client is compared with its baseline of the same run:
 * node:http for the default clients, fetch for the fetch ones.
 *
 * Each style is driven the way its users call it. The bare clients and the Promise client: an
 * `await` per call, in one loop or in 16 loops at once. The Effect client: one Effect program that
 * makes the calls, `yield*` after `yield*`, or in 16 fibers at once, run by one `runPromise`.
 * Its floor is the same program making the bare request as one `Effect.async`: what any Effect
 * program calling out pays (a fiber resumed through Effect's scheduler); what is left over the
 * floor is the SDK's own work. A last pair of rows calls `runPromise` once per call instead, as
 * code bridging single calls from Promises does: that pays a new fiber per call, and is shown
 * beside the same floor run the same way.
 */
import * as esbuild from "esbuild"
import { type ChildProcess, fork } from "node:child_process"
import { once } from "node:events"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { fmt, median, verdict } from "./figures.js"
import type { Message } from "./per-call-child.js"
import * as Clients from "./per-call-clients.js"
import * as Servers from "./servers.js"

export interface Settings {
  readonly rounds: number
  /** Calls per round, one at a time. */
  readonly sequential: number
  /** Calls per round, `IN_FLIGHT` at a time. */
  readonly concurrent: number
}

export const settingsOf = (quick: boolean): Settings =>
  quick ? { rounds: 5, sequential: 500, concurrent: 1000 } : { rounds: 9, sequential: 2000, concurrent: 4000 }

const IN_FLIGHT = 16
const SEQUENTIAL_TARGET = 1.15
const IN_FLIGHT_TARGET = 0.85

/**
 * The child program, bundled once by esbuild (ESM, not minified), as the packages' builds ship
 * it: not tsx's transpilation of the sources, which names every function made at run time.
 */
const bundled = async (dir: string) => {
  const outfile = Path.join(dir, "per-call-child.mjs")
  await esbuild.build({
    entryPoints: [fileURLToPath(new URL("per-call-child.ts", import.meta.url))],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile,
    logLevel: "error",
    // for the CommonJS modules bundled in
    banner: {
      js:
        `import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);`
    }
  })
  return outfile
}

/** A client in its child process: `ask` sends one message and waits for its answer. */
interface Child {
  readonly ask: <A>(message: Message) => Promise<A>
  readonly stopped: () => Promise<void>
}

/** The children still running, killed when this process exits, whatever the reason (one listener for all). */
const running = new Set<() => void>()
process.on("exit", () => {
  for (const kill of running) kill()
})

const childOf = async (program: string, kind: number, measured: Clients.Measured, url: string): Promise<Child> => {
  const child: ChildProcess = fork(program, [], { execArgv: [], stdio: ["ignore", "inherit", "inherit", "ipc"] })
  const kill = () => child.kill("SIGKILL")
  running.add(kill)
  const exited = once(child, "exit")
  const ask = async <A>(message: Message): Promise<A> => {
    const answered = once(child, "message") as Promise<[{ result?: A; error?: string }]>
    child.send(message)
    const [reply] = await Promise.race([answered, exited.then(() => [{ error: "the child exited" }] as const)])
    if (reply.error !== undefined) throw new Error(`${Clients.kinds[kind]!.name}: ${reply.error}`)
    return reply.result as A
  }
  await ask({ op: "start", kind, measured, url })
  return {
    ask,
    stopped: async () => {
      if (child.connected) await ask({ op: "close" }).catch(kill)
      if (child.exitCode === null && child.signalCode === null) await exited
      running.delete(kill)
    }
  }
}

export const run = async (settings: Settings) => {
  const dir = await Fs.mkdtemp(Path.join(Os.tmpdir(), "smscx-per-call-"))
  const server = await Servers.start("trivial")
  try {
    const program = await bundled(dir)
    for (const measured of ["getAccountBalance", "sendSms"] as const) {
      await measure(program, measured, server.url, settings)
    }
  } finally {
    await server.stopped()
    await Fs.rm(dir, { recursive: true, force: true })
  }
}

const measure = async (program: string, measured: Clients.Measured, url: string, settings: Settings) => {
  console.log(
    `\n## Per call: ${
      measured === "getAccountBalance" ? "getAccountBalance" : "sendSms (one recipient, a short text)"
    } against a trivial loopback server at ${url} (child process, fixed body, keep-alive)\n`
  )
  console.log(
    `${settings.rounds} interleaved rounds, medians; each round: ${fmt(settings.sequential)} calls one at a time, ` +
      `then ${fmt(settings.concurrent)} calls ${IN_FLIGHT} in flight, per client\n`
  )
  const kinds = Clients.kinds
  const children: Array<Child> = []
  const rounds = kinds.map(() => ({ us: [] as Array<number>, cpu: [] as Array<number>, rps: [] as Array<number> }))
  type Sequential = { readonly us: number; readonly cpu: number }
  try {
    for (const kind of kinds.keys()) children.push(await childOf(program, kind, measured, url))
    // warm up: JIT, connections
    for (const child of children) {
      await child.ask({ op: "sequential", n: Math.min(1000, settings.sequential) })
      await child.ask({ op: "concurrent", n: Math.min(1000, settings.concurrent), inFlight: IN_FLIGHT })
    }
    for (let round = 0; round < settings.rounds; round++) {
      for (const [i, child] of children.entries()) {
        const seq = await child.ask<Sequential>({ op: "sequential", n: settings.sequential })
        rounds[i]!.us.push(seq.us)
        rounds[i]!.cpu.push(seq.cpu)
      }
      for (const [i, child] of children.entries()) {
        rounds[i]!.rps.push(await child.ask<number>({ op: "concurrent", n: settings.concurrent, inFlight: IN_FLIGHT }))
      }
    }
  } finally {
    for (const child of children) await child.stopped()
  }
  const results = kinds.map((client, i) => ({
    client,
    us: median(rounds[i]!.us),
    cpu: median(rounds[i]!.cpu),
    rps: median(rounds[i]!.rps)
  }))
  const baselineOf = (name: string) => results.find((r) => r.client.name === name)!
  console.log(
    `| client | µs/call sequential | client CPU µs/call | req/s at ${IN_FLIGHT} in flight | ` +
      `sequential vs baseline (target <= ${SEQUENTIAL_TARGET}x) | req/s vs baseline (target >= ${IN_FLIGHT_TARGET}) | ` +
      `vs the Effect floor: sequential / req/s |`
  )
  console.log("|---|---:|---:|---:|---:|---:|---:|")
  for (const r of results) {
    const versus = (() => {
      if (r.client.baseline === undefined) return "baseline | baseline"
      const base = baselineOf(r.client.baseline)
      const seq = r.us / base.us
      const rps = r.rps / base.rps
      const judged = (met: boolean) => r.client.reference ? "reference" : verdict(met)
      return `${fmt(seq, 2)}x vs ${r.client.baseline}: ${judged(seq <= SEQUENTIAL_TARGET)} | ` +
        `${fmt(rps, 2)} of ${r.client.baseline}: ${judged(rps >= IN_FLIGHT_TARGET)}`
    })()
    const floor = r.client.floor === undefined
      ? ""
      : `${fmt(r.us / baselineOf(r.client.floor).us, 2)}x / ${fmt(r.rps / baselineOf(r.client.floor).rps, 2)}`
    console.log(`| ${r.client.name} | ${fmt(r.us)} | ${fmt(r.cpu)} | ${fmt(r.rps)} | ${versus} | ${floor} |`)
  }
}
