/**
 * Per-call cost of the SDK against a trivial loopback server (a child process answering a fixed
 * body, keep-alive, no work: see servers.ts), so that the server does not hide the client, for
 * two operations: `getAccountBalance` (no input) and `sendSms` to one recipient with a short text
 * (a JSON body, checked and encoded, with its idempotency id). Clients: bare `node:http`
 * (keep-alive agent), bare `fetch` (both sending the same request as the SDK: for sendSms, the
 * same POST and JSON body, idempotency id included), the SDK's Effect client (default Node client
 * and FetchClient) and Promise client (default and `{ fetch }`).
 *
 * Each round runs every client in turn (interleaved: ABCDEF ABCDEF ...), first sequentially (wall
 * µs per call, and this process's CPU per call, the client's own cost) and then 16 in flight
 * (req/s); the figures are the medians over rounds, and each SDK client is compared with its
 * baseline of the same run: node:http for the default clients, fetch for the fetch ones.
 *
 * The Effect style has a second reference, its floor: the same bare request run as one
 * `Effect.async` by the same runtime's `runPromise`, as any Effect program calling out pays (a
 * fiber per run, resumed through Effect's scheduler). The SDK's Effect client is compared with it
 * too: what is left is the SDK's own work.
 */
import { Account, FetchClient, Sms, SmsCx } from "@smscx/client"
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
/** A bare request given callbacks: what the baselines send, as a Promise or as one Effect.async. */
type Send = (resolve: (value: unknown) => void, reject: (error: unknown) => void) => void
interface Client {
  readonly name: string
  /** The bare client this one is compared with; none for the baselines themselves. */
  readonly baseline?: "node:http" | "fetch"
  /** For the SDK's Effect clients: the bare client run in Effect, the Effect style's floor. */
  readonly floor?: string
  readonly call: Call
  readonly close: () => Promise<void>
}

/** The operation measured. */
type Measured = "getAccountBalance" | "sendSms"

// what the trivial server's fixed sendSms answer was sent (see server.ts)
const sms = { to: ["+31612469000"], from: "InfoText", text: "Your order has shipped." }

/** The bare clients' request: the SDK's on the wire (a send carries a new idempotency id). */
const bareRequest = (measured: Measured, url: string) =>
  measured === "getAccountBalance"
    ? {
      target: new URL("/account/balance", url),
      method: "GET",
      headers: { "x-api-key": apiKey },
      body: () => undefined
    }
    : {
      target: new URL("/sms", url),
      method: "POST",
      headers: { "x-api-key": apiKey, "content-type": "application/json" },
      body: () => JSON.stringify({ ...sms, idempotencyId: crypto.randomUUID() })
    }

const nodeHttpSend = (measured: Measured, url: string, agent: Http.Agent): Send => {
  const { body, headers, method, target } = bareRequest(measured, url)
  return (resolve, reject) => {
    const req = Http.request(target, { agent, method, headers }, (res) => {
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
    req.end(body())
  }
}

const fetchSend = (measured: Measured, url: string): Send => {
  const { body, headers, method, target } = bareRequest(measured, url)
  const call = async () => {
    const res = await fetch(target, { method, headers, body: body() ?? null })
    const json = await res.json()
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`)
    return json
  }
  return (resolve, reject) => void call().then(resolve, reject)
}

const nodeHttpClient = (measured: Measured, url: string): Client => {
  const agent = new Http.Agent({ keepAlive: true })
  const send = nodeHttpSend(measured, url, agent)
  return { name: "node:http", call: () => new Promise(send), close: async () => agent.destroy() }
}

const fetchClient = (measured: Measured, url: string): Client => {
  const send = fetchSend(measured, url)
  return { name: "fetch", call: () => new Promise(send), close: async () => {} }
}

const floorName = (transport: "node" | "fetch") => `${transport === "node" ? "node:http" : "fetch"} in Effect (floor)`

/** The bare client run as one `Effect.async` by the runtime the SDK's Effect client of the same transport uses. */
const effectFloor = (measured: Measured, url: string, transport: "node" | "fetch"): Client => {
  const agent = transport === "node" ? new Http.Agent({ keepAlive: true }) : undefined
  const send = agent !== undefined ? nodeHttpSend(measured, url, agent) : fetchSend(measured, url)
  const runtime = ManagedRuntime.make(effectLayer(url, transport))
  const program = Effect.async<unknown, unknown>((resume) =>
    send((value) => resume(Effect.succeed(value)), (error) => resume(Effect.fail(error)))
  )
  return {
    name: floorName(transport),
    call: () => runtime.runPromise(program),
    close: async () => {
      agent?.destroy()
      await runtime.dispose()
    }
  }
}

const effectLayer = (url: string, transport: "node" | "fetch") =>
  transport === "node"
    ? SmsCx.layer({ apiKey, baseUrl: url, retry: false })
    : SmsCx.layerWithoutHttpClient({ apiKey, baseUrl: url, retry: false }).pipe(Layer.provide(FetchClient.layer))

const effectClient = (measured: Measured, url: string, transport: "node" | "fetch"): Client => {
  const runtime = ManagedRuntime.make(effectLayer(url, transport))
  const program: Effect.Effect<unknown, unknown, Account | Sms> = measured === "getAccountBalance"
    ? Effect.flatMap(Account, (account) => account.getAccountBalance())
    : Effect.flatMap(Sms, (service) => service.sendSms(sms))
  return {
    name: `SDK Effect (${transport === "node" ? "default: node:http" : "FetchClient"})`,
    baseline: transport === "node" ? "node:http" : "fetch",
    floor: floorName(transport),
    call: () => runtime.runPromise(program),
    close: () => runtime.dispose()
  }
}

const promiseClient = (measured: Measured, url: string, transport: "node" | "fetch"): Client => {
  const client = new PromiseClient({ apiKey, baseUrl: url, retry: false, ...(transport === "fetch" ? { fetch } : {}) })
  return {
    name: `SDK Promise (${transport === "node" ? "default: node:http" : "{ fetch }"})`,
    baseline: transport === "node" ? "node:http" : "fetch",
    call: measured === "getAccountBalance" ? () => client.account.getAccountBalance() : () => client.sms.sendSms(sms),
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
  try {
    for (const measured of ["getAccountBalance", "sendSms"] as const) await measure(measured, server.url, settings)
  } finally {
    await server.stopped()
  }
}

const measure = async (measured: Measured, url: string, settings: Settings) => {
  console.log(
    `\n## Per call: ${
      measured === "getAccountBalance" ? "getAccountBalance" : "sendSms (one recipient, a short text)"
    } against a trivial loopback server at ${url} (child process, fixed body, keep-alive)\n`
  )
  console.log(
    `${settings.rounds} interleaved rounds, medians; each round: ${fmt(settings.sequential)} calls one at a time, ` +
      `then ${fmt(settings.concurrent)} calls ${IN_FLIGHT} in flight, per client\n`
  )
  const clients = [
    nodeHttpClient(measured, url),
    fetchClient(measured, url),
    effectFloor(measured, url, "node"),
    effectFloor(measured, url, "fetch"),
    effectClient(measured, url, "node"),
    promiseClient(measured, url, "node"),
    effectClient(measured, url, "fetch"),
    promiseClient(measured, url, "fetch")
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
      return `${fmt(seq, 2)}x vs ${r.client.baseline}: ${verdict(seq <= SEQUENTIAL_TARGET)} | ` +
        `${fmt(rps, 2)} of ${r.client.baseline}: ${verdict(rps >= IN_FLIGHT_TARGET)}`
    })()
    const floor = r.client.floor === undefined
      ? ""
      : `${fmt(r.us / baselineOf(r.client.floor).us, 2)}x / ${fmt(r.rps / baselineOf(r.client.floor).rps, 2)}`
    console.log(`| ${r.client.name} | ${fmt(r.us)} | ${fmt(r.cpu)} | ${fmt(r.rps)} | ${versus} | ${floor} |`)
  }
}
