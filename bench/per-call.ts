/**
 * Per-call cost of the SDK: `getAccountBalance` against a trivial loopback server (a child process
 * answering a fixed body, keep-alive, no work: see servers.ts), so that the server does not hide
 * the client. Clients: bare `node:http` (keep-alive agent), bare `fetch`, the SDK's Effect client
 * (default Node client and FetchClient) and Promise client (default and `{ fetch }`).
 *
 * Each round runs every client in turn (interleaved: ABCDEF ABCDEF ...), first sequentially (wall
 * µs per call, and this process's CPU per call, the client's own cost) and then 16 in flight
 * (req/s); the figures are the medians over rounds, and each SDK client is compared with its
 * baseline of the same run: node:http for the default clients, fetch for the fetch ones.
 */
import { Account, FetchClient, SmsCx } from "@smscx/client"
import { SmsCx as PromiseClient } from "@smscx/promise"
import { Effect, Layer, ManagedRuntime } from "effect"
import * as Http from "node:http"
import { fmt, median, verdict } from "./figures.js"
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
const apiKey = "bench-key"
const SEQUENTIAL_TARGET = 1.15
const IN_FLIGHT_TARGET = 0.85

type Call = () => Promise<unknown>
interface Client {
  readonly name: string
  /** The bare client this one is compared with; none for the baselines themselves. */
  readonly baseline?: "node:http" | "fetch"
  readonly call: Call
  readonly close: () => Promise<void>
}

const nodeHttpClient = (url: string): Client => {
  const agent = new Http.Agent({ keepAlive: true })
  const target = new URL("/account/balance", url)
  const call: Call = () =>
    new Promise((resolve, reject) => {
      const req = Http.request(target, { agent, headers: { "x-api-key": apiKey } }, (res) => {
        const chunks: Array<Buffer> = []
        res.on("data", (c: Buffer) => chunks.push(c))
        res.on("end", () => {
          const json = JSON.parse(Buffer.concat(chunks).toString("utf8"))
          if (res.statusCode === 200) resolve(json)
          else reject(new Error(`HTTP ${res.statusCode}`))
        })
        res.on("error", reject)
      })
      req.on("error", reject)
      req.end()
    })
  return { name: "node:http", call, close: async () => agent.destroy() }
}

const fetchClient = (url: string): Client => {
  const target = new URL("/account/balance", url)
  const call: Call = async () => {
    const res = await fetch(target, { headers: { "x-api-key": apiKey } })
    const json = await res.json()
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`)
    return json
  }
  return { name: "fetch", call, close: async () => {} }
}

const effectClient = (url: string, transport: "node" | "fetch"): Client => {
  const layer = transport === "node"
    ? SmsCx.layer({ apiKey, baseUrl: url, retry: false })
    : SmsCx.layerWithoutHttpClient({ apiKey, baseUrl: url, retry: false }).pipe(Layer.provide(FetchClient.layer))
  const runtime = ManagedRuntime.make(layer)
  const getAccountBalance = Effect.flatMap(Account, (account) => account.getAccountBalance())
  return {
    name: `SDK Effect (${transport === "node" ? "default: node:http" : "FetchClient"})`,
    baseline: transport === "node" ? "node:http" : "fetch",
    call: () => runtime.runPromise(getAccountBalance),
    close: () => runtime.dispose()
  }
}

const promiseClient = (url: string, transport: "node" | "fetch"): Client => {
  const client = new PromiseClient({ apiKey, baseUrl: url, retry: false, ...(transport === "fetch" ? { fetch } : {}) })
  return {
    name: `SDK Promise (${transport === "node" ? "default: node:http" : "{ fetch }"})`,
    baseline: transport === "node" ? "node:http" : "fetch",
    call: () => client.account.getAccountBalance(),
    close: () => client.close()
  }
}

/** µs per call, wall clock and this process's CPU. */
const sequential = async (call: Call, n: number) => {
  const start = performance.now()
  const cpu = process.cpuUsage()
  for (let i = 0; i < n; i++) await call()
  const used = process.cpuUsage(cpu)
  return { us: ((performance.now() - start) * 1000) / n, cpu: (used.user + used.system) / n }
}

/** Requests per second, `inFlight` calls at a time. */
const concurrent = async (call: Call, n: number, inFlight: number) => {
  let next = 0
  const start = performance.now()
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next++ < n) await call()
  }))
  return n / ((performance.now() - start) / 1000)
}

export const run = async (settings: Settings) => {
  const server = await Servers.start("trivial")
  console.log(
    `\n## Per call: getAccountBalance against a trivial loopback server at ${server.url} ` +
      "(child process, fixed body, keep-alive)\n"
  )
  console.log(
    `${settings.rounds} interleaved rounds, medians; each round: ${fmt(settings.sequential)} calls one at a time, ` +
      `then ${fmt(settings.concurrent)} calls ${IN_FLIGHT} in flight, per client\n`
  )
  const clients = [
    nodeHttpClient(server.url),
    fetchClient(server.url),
    effectClient(server.url, "node"),
    promiseClient(server.url, "node"),
    effectClient(server.url, "fetch"),
    promiseClient(server.url, "fetch")
  ]
  const rounds = clients.map(() => ({ us: [] as Array<number>, cpu: [] as Array<number>, rps: [] as Array<number> }))
  try {
    // warm up: JIT, connections
    for (const client of clients) await sequential(client.call, Math.min(1000, settings.sequential))
    for (let round = 0; round < settings.rounds; round++) {
      for (const [i, client] of clients.entries()) {
        const seq = await sequential(client.call, settings.sequential)
        rounds[i]!.us.push(seq.us)
        rounds[i]!.cpu.push(seq.cpu)
      }
      for (const [i, client] of clients.entries()) {
        rounds[i]!.rps.push(await concurrent(client.call, settings.concurrent, IN_FLIGHT))
      }
    }
  } finally {
    for (const client of clients) await client.close()
    await server.stopped()
  }
  const results = clients.map((client, i) => ({
    client,
    us: median(rounds[i]!.us),
    cpu: median(rounds[i]!.cpu),
    rps: median(rounds[i]!.rps)
  }))
  const baselineOf = (name: string) => results.find((r) => r.client.name === name)!
  console.log(
    `| client | µs/call sequential | client CPU µs/call | req/s at ${IN_FLIGHT} in flight | ` +
      `sequential vs baseline (target <= ${SEQUENTIAL_TARGET}x) | req/s vs baseline (target >= ${IN_FLIGHT_TARGET}) |`
  )
  console.log("|---|---:|---:|---:|---:|---:|")
  for (const r of results) {
    const versus = (() => {
      if (r.client.baseline === undefined) return "baseline | baseline"
      const base = baselineOf(r.client.baseline)
      const seq = r.us / base.us
      const rps = r.rps / base.rps
      return `${fmt(seq, 2)}x vs ${r.client.baseline}: ${verdict(seq <= SEQUENTIAL_TARGET)} | ` +
        `${fmt(rps, 2)} of ${r.client.baseline}: ${verdict(rps >= IN_FLIGHT_TARGET)}`
    })()
    console.log(`| ${r.client.name} | ${fmt(r.us)} | ${fmt(r.cpu)} | ${fmt(r.rps)} | ${versus} |`)
  }
}
