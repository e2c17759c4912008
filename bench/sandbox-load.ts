/**
 * The sandbox under load: sendSms (`POST /sms`, the same body each call but a new idempotency id,
 * as the SDK sends) at 64 in flight from a bare `node:http` client (keep-alive) over loopback,
 * against the sandbox, Stoplight Prism mocking the same OpenAPI document, and a bare `node:http`
 * server answering a fixed body, each in a child process (servers.ts). Rounds interleave (trivial,
 * sandbox, Prism, trivial, ...); req/s and latency p50/p99 are medians over rounds. Targets: the
 * sandbox at least 4x Prism's req/s and 0.4x the bare server's. Also the sandbox's RSS after the
 * run (it keeps every message and answer it was sent).
 */
import * as Http from "node:http"
import { fmt, mb, median, verdict } from "./figures.js"
import * as Servers from "./servers.js"

export interface Settings {
  readonly rounds: number
  /** Calls per round and server. */
  readonly calls: number
}

export const settingsOf = (quick: boolean): Settings =>
  quick ? { rounds: 3, calls: 2000 } : { rounds: 5, calls: 10_000 }

const IN_FLIGHT = 64
const VS_PRISM_TARGET = 4
const VS_TRIVIAL_TARGET = 0.4
const apiKey = "bench-key"
const request = { to: ["+31612469000"], from: "InfoText", text: "Your order has shipped." }

type Send = () => Promise<void>

const sender = (url: string) => {
  const agent = new Http.Agent({ keepAlive: true })
  const target = new URL("/sms", url)
  const attempt = (payload: string, again = true): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = Http.request(target, {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "x-api-key": apiKey,
          "content-length": Buffer.byteLength(payload)
        }
      }, (res) => {
        const chunks: Array<Buffer> = []
        res.on("data", (c: Buffer) => chunks.push(c))
        res.on("end", () => {
          JSON.parse(Buffer.concat(chunks).toString("utf8"))
          if (res.statusCode === 200) resolve()
          else reject(new Error(`${url} answered HTTP ${res.statusCode}`))
        })
        res.on("error", reject)
      })
      req.on("error", (error: NodeJS.ErrnoException) => {
        // a kept-alive connection the server closed as idle as this request went out on it
        // (rounds leave each server's connections idle for seconds, the sandbox and Prism close
        // them after 5): sent once more, on a new one, as Node's documentation advises
        if (again && req.reusedSocket && error.code === "ECONNRESET") attempt(payload, false).then(resolve, reject)
        else reject(error)
      })
      req.end(payload)
    })
  const send: Send = () => attempt(JSON.stringify({ ...request, idempotencyId: crypto.randomUUID() }))
  return { send, close: () => agent.destroy() }
}

/** `n` calls, `inFlight` at a time: req/s, and each call's latency (ms) at the median and the 99th percentile. */
const underLoad = async (send: Send, n: number, inFlight: number) => {
  const latencies = new Float64Array(n)
  let next = 0
  const start = performance.now()
  await Promise.all(Array.from({ length: inFlight }, async () => {
    for (let i = next++; i < n; i = next++) {
      const sent = performance.now()
      await send()
      latencies[i] = performance.now() - sent
    }
  }))
  const seconds = (performance.now() - start) / 1000
  latencies.sort()
  const at = (q: number) => latencies[Math.min(n - 1, Math.floor(q * n))]!
  return { rps: n / seconds, p50: at(0.5), p99: at(0.99) }
}

const names: Record<Servers.Kind, string> = {
  trivial: "bare node:http server, fixed body",
  sandbox: "sandbox",
  prism: "Prism (prism mock, logging silenced)"
}

export const run = async (settings: Settings) => {
  console.log(
    `\n## The sandbox under load: POST /sms, ${IN_FLIGHT} in flight, bare node:http client (keep-alive), loopback\n`
  )
  console.log(
    `${settings.rounds} interleaved rounds of ${fmt(settings.calls)} calls per server after ` +
      `${fmt(settings.calls / 10)} to warm up, medians\n`
  )
  const kinds = ["trivial", "sandbox", "prism"] as const
  const servers = await Promise.all(kinds.map(Servers.start))
  const senders = servers.map((server) => sender(server.url))
  const rounds = kinds.map(() => ({ rps: [] as Array<number>, p50: [] as Array<number>, p99: [] as Array<number> }))
  let sandboxMemory: { rss: number; maxRss: number } | undefined
  try {
    for (const { send } of senders) await underLoad(send, settings.calls / 10, IN_FLIGHT)
    for (let round = 0; round < settings.rounds; round++) {
      for (const [i, { send }] of senders.entries()) {
        const figures = await underLoad(send, settings.calls, IN_FLIGHT)
        rounds[i]!.rps.push(figures.rps)
        rounds[i]!.p50.push(figures.p50)
        rounds[i]!.p99.push(figures.p99)
      }
    }
    sandboxMemory = await servers[kinds.indexOf("sandbox")]!.memory()
  } finally {
    for (const { close } of senders) close()
    for (const server of servers) await server.stopped()
  }
  const results = kinds.map((kind, i) => ({
    kind,
    rps: median(rounds[i]!.rps),
    p50: median(rounds[i]!.p50),
    p99: median(rounds[i]!.p99)
  }))
  const of = (kind: Servers.Kind) => results.find((r) => r.kind === kind)!
  const sandbox = of("sandbox")
  console.log("| server | req/s | p50 ms | p99 ms | sandbox's req/s over this one's | target |")
  console.log("|---|---:|---:|---:|---:|---|")
  for (const r of results) {
    const ratio = sandbox.rps / r.rps
    const target = r.kind === "prism"
      ? `>= ${VS_PRISM_TARGET}x: ${verdict(ratio >= VS_PRISM_TARGET)}`
      : r.kind === "trivial"
      ? `>= ${VS_TRIVIAL_TARGET}x: ${verdict(ratio >= VS_TRIVIAL_TARGET)}`
      : ""
    console.log(
      `| ${names[r.kind]} | ${fmt(r.rps)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${fmt(ratio, 2)}x | ${target} |`
    )
  }
  const sent = (settings.rounds + 0.1) * settings.calls
  console.log(
    `\nsandbox RSS after the run: ${mb(sandboxMemory.rss)} MB (peak ${mb(sandboxMemory.maxRss)} MB), ` +
      `holding the ${fmt(sent)} messages and answers it was sent`
  )
}
