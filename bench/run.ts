/**
 * `pnpm bench`: the SDK's speed and size, each as a ratio against a baseline measured in the same
 * run. Nothing here is a test: it prints figures.
 *
 * 1. sendSms round trips against the sandbox over loopback (the sandbox in a child process):
 *    bare `node:http` with a keep-alive agent, bare `fetch`, and the SDK (Effect and Promise, on
 *    its default Node client and on fetch), sequential and 16 in flight. Target: SDK <= 1.15x.
 * 2. Decoding a 25,000-recipient sendSms answer vs JSON.parse alone. Target: <= 3x.
 * 3. esbuild bundles (minified + gzip) of a program sending one SMS. Target: within `BUDGET` of
 *    scripts/bundle-size.ts (min+gz).
 * 4. The sandbox under load: sendSms at 64 in flight from bare `node:http` (keep-alive), req/s and
 *    latency p50/p99, against a bare `node:http` server answering a fixed sendSms answer (both in a
 *    child process), and the sandbox's peak memory.
 * 5. Bulk sending (bulk.ts): 1,000,000 recipients (100,000 with `--quick`) at a fixed rate limit,
 *    achieved/allowed rate (target >= 0.95) and peak RSS vs a plain loop over `fetch` (target <= 2x);
 *    100,000 recipients through 10% injected faults, checked on the sandbox's own record.
 * 6. The sandbox's accounting (sandbox-accounting.ts): 10,000 sendSms at once (2,000 with
 *    `--quick`), the balance running out part-way, and 1,000 idempotency ids each sent twice at
 *    once (300), in-process: sends a second, and the balance and the messages kept checked to the
 *    micro against the answers. The tests check the same at a few hundred sends.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { FetchClient, Sms, SmsCx } from "@smscx/client"
import { Api, JsonGuard } from "@smscx/core"
import { SmsCx as PromiseClient } from "@smscx/promise"
import { Sandbox } from "@smscx/sandbox"
import { Effect, Layer, ManagedRuntime } from "effect"
import { spawn } from "node:child_process"
import { once } from "node:events"
import * as Http from "node:http"
import { createInterface } from "node:readline"
import * as BundleSize from "../scripts/bundle-size.js"
import * as BulkBench from "./bulk.js"
import * as SandboxAccounting from "./sandbox-accounting.js"

const quick = process.argv.includes("--quick")
// read first, so that a mistyped flag fails before the other sections run
const bulkSettings = BulkBench.settingsOf(process.argv.slice(2))
const SEQUENTIAL = quick ? 300 : 3000
const CONCURRENT = quick ? 600 : 6000
const IN_FLIGHT = 16
const ROUNDS = quick ? 1 : 3
const apiKey = "bench-key"
const request = { to: ["+31612469000"], from: "InfoText", text: "Your order has shipped." }
// the same request as the SDK's: it adds an idempotency id to every send, which the sandbox keeps
const body = () => JSON.stringify({ ...request, idempotencyId: crypto.randomUUID() })

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })

// ---------------------------------------------------------------------------
// 1. Round trips
// ---------------------------------------------------------------------------

type Send = () => Promise<unknown>
interface Client {
  readonly name: string
  readonly send: Send
  readonly close: () => Promise<void>
}

const nodeHttpClient = (url: string): Client => {
  const agent = new Http.Agent({ keepAlive: true })
  const target = new URL("/sms", url)
  const send: Send = () =>
    new Promise((resolve, reject) => {
      const payload = body()
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
          const json = JSON.parse(Buffer.concat(chunks).toString("utf8"))
          if (res.statusCode === 200) resolve(json)
          else reject(new Error(`HTTP ${res.statusCode}`))
        })
        res.on("error", reject)
      })
      req.on("error", reject)
      req.end(payload)
    })
  return { name: "bare node:http (keep-alive)", send, close: async () => agent.destroy() }
}

const fetchClient = (url: string): Client => {
  const target = new URL("/sms", url)
  const send: Send = async () => {
    const res = await fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": apiKey },
      body: body()
    })
    const json = await res.json()
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`)
    return json
  }
  return { name: "bare fetch", send, close: async () => {} }
}

const effectClient = (url: string, transport: "node" | "fetch"): Client => {
  const layer = transport === "node"
    ? SmsCx.layer({ apiKey, baseUrl: url, retry: false })
    : SmsCx.layerWithoutHttpClient({ apiKey, baseUrl: url, retry: false }).pipe(Layer.provide(FetchClient.layer))
  const runtime = ManagedRuntime.make(layer)
  const sendSms = Effect.flatMap(Sms, (sms) => sms.sendSms(request))
  return {
    name: `SDK Effect (${transport === "node" ? "default: node:http" : "FetchClient"})`,
    send: () => runtime.runPromise(sendSms),
    close: () => runtime.dispose()
  }
}

const promiseClient = (url: string, transport: "node" | "fetch"): Client => {
  const client = new PromiseClient({ apiKey, baseUrl: url, retry: false, ...(transport === "fetch" ? { fetch } : {}) })
  return {
    name: `SDK Promise (${transport === "node" ? "default: node:http" : "{ fetch }"})`,
    send: () => client.sms.sendSms(request),
    close: () => client.close()
  }
}

/** µs per call, wall clock and this process's CPU (the client's own cost, without the server's). */
const sequential = async (send: Send, n: number) => {
  const start = performance.now()
  const cpu = process.cpuUsage()
  for (let i = 0; i < n; i++) await send()
  const used = process.cpuUsage(cpu)
  return { us: ((performance.now() - start) * 1000) / n, cpu: (used.user + used.system) / n }
}

const concurrent = async (send: Send, n: number, inFlight: number) => {
  let next = 0
  const start = performance.now()
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next++ < n) await send()
  }))
  return n / ((performance.now() - start) / 1000) // requests per second
}

/** The sandbox (or, `bare`, the load section's baseline server) in a child process: see server.ts. */
const startSandbox = async (kind: "sandbox" | "bare" = "sandbox") => {
  const args = [
    "--import",
    "tsx",
    new URL("server.ts", import.meta.url).pathname,
    ...(kind === "bare" ? ["--bare"] : [])
  ]
  const child = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "inherit"] })
  // never leave the sandbox behind, whatever happens to this process
  process.on("exit", () => child.kill("SIGTERM"))
  const exited = once(child, "exit")
  const lines = createInterface({ input: child.stdout })
  const [line] = (await once(lines, "line")) as [string]
  return {
    url: (JSON.parse(line) as { url: string }).url,
    /** Its memory in bytes: now, and the most it has held. */
    memory: async () => {
      child.stdin.write("memory\n")
      const [answer] = (await once(lines, "line")) as [string]
      return JSON.parse(answer) as { rss: number; maxRss: number }
    },
    stop: () => child.kill("SIGTERM"),
    /** Stops it and waits until it is gone, so that it takes no CPU from what runs next. */
    stopped: async () => {
      child.kill("SIGTERM")
      await exited
    }
  }
}

const roundTrips = async () => {
  const sandbox = await startSandbox()
  console.log(`\n## sendSms round trips against the sandbox at ${sandbox.url} (child process, loopback)`)
  console.log(
    `sequential: ${SEQUENTIAL} calls; concurrent: ${CONCURRENT} calls, ${IN_FLIGHT} in flight; best of ${ROUNDS}\n`
  )
  const makers = [
    () => nodeHttpClient(sandbox.url),
    () => fetchClient(sandbox.url),
    () => effectClient(sandbox.url, "node"),
    () => promiseClient(sandbox.url, "node"),
    () => effectClient(sandbox.url, "fetch"),
    () => promiseClient(sandbox.url, "fetch")
  ]
  const results: Array<{ name: string; us: number; cpu: number; rps: number }> = []
  for (const make of makers) {
    const client = make()
    await sequential(client.send, Math.min(1000, SEQUENTIAL)) // warm up: JIT, connections
    let us = Infinity
    let cpu = Infinity
    let rps = 0
    for (let round = 0; round < ROUNDS; round++) {
      const seq = await sequential(client.send, SEQUENTIAL)
      us = Math.min(us, seq.us)
      cpu = Math.min(cpu, seq.cpu)
      rps = Math.max(rps, await concurrent(client.send, CONCURRENT, IN_FLIGHT))
    }
    await client.close()
    results.push({ name: client.name, us, cpu, rps })
  }
  sandbox.stop()
  const [node, fetchBase] = results
  console.log(
    "| client | µs/call sequential | client CPU µs/call | req/s at 16 in flight | vs node:http (seq / 16) | vs fetch (seq / 16) |"
  )
  console.log("|---|---:|---:|---:|---:|---:|")
  for (const r of results) {
    const vs = (b: { us: number; rps: number }) => `${fmt(r.us / b.us, 2)}x / ${fmt(b.rps / r.rps, 2)}x`
    console.log(`| ${r.name} | ${fmt(r.us)} | ${fmt(r.cpu)} | ${fmt(r.rps)} | ${vs(node!)} | ${vs(fetchBase!)} |`)
  }
  console.log(
    "\n(ratios are cost ratios: time per call, and baseline req/s over the client's; target <= 1.15x for the SDK on its default client vs node:http, and on fetch vs fetch)"
  )
}

// ---------------------------------------------------------------------------
// 2. Decoding a 25,000-recipient answer
// ---------------------------------------------------------------------------

const decoding = async () => {
  const N = 25_000
  const to = Array.from({ length: N }, (_, i) => `+3161${String(2000000 + i).padStart(7, "0")}`)
  const sandbox = Sandbox.inProcessFetch({ apiKeys: [apiKey], balance: 1_000_000_000 })
  const res = await sandbox.fetch("http://sandbox.local/sms", {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": apiKey },
    body: JSON.stringify({ to, from: "InfoText", text: "Your order has shipped." })
  })
  const text = await res.text()
  await sandbox.close?.()
  if (res.status !== 200) throw new Error(`the sandbox answered ${res.status}: ${text.slice(0, 300)}`)
  const guard = JsonGuard.of(Api.Sms.sendSms.success.schema)!
  const time = (f: () => unknown, n = quick ? 5 : 20) => {
    for (let i = 0; i < 3; i++) f()
    const start = performance.now()
    for (let i = 0; i < n; i++) f()
    return (performance.now() - start) / n
  }
  const parse = time(() => JSON.parse(text))
  const decode = time(() => {
    const json = JSON.parse(text)
    if (!guard(json)) throw new Error("the schema guard rejected the sandbox's answer")
    return json
  })
  // the whole SDK call over an in-memory HttpClient: validating 25,000 recipients, encoding the
  // body, decoding the answer
  const memory = Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((req) => Effect.sync(() => HttpClientResponse.fromWeb(req, new Response(text, { status: 200 }))))
  )
  const runtime = ManagedRuntime.make(
    SmsCx.layerWithoutHttpClient({ apiKey, retry: false }).pipe(Layer.provide(memory))
  )
  const call = Effect.flatMap(Sms, (sms) => sms.sendSms({ to, from: "InfoText", text: "Your order has shipped." }))
  await runtime.runPromise(call)
  const start = performance.now()
  const calls = quick ? 3 : 10
  for (let i = 0; i < calls; i++) await runtime.runPromise(call)
  const whole = (performance.now() - start) / calls
  await runtime.dispose()
  console.log(`\n## Decoding a 25,000-recipient sendSms answer (${fmt(text.length / 1e6, 1)} MB)\n`)
  console.log("| step | ms | vs JSON.parse |")
  console.log("|---|---:|---:|")
  console.log(`| JSON.parse alone | ${fmt(parse, 1)} | 1.00x |`)
  console.log(`| SDK decode (JSON.parse + schema guard) | ${fmt(decode, 1)} | ${fmt(decode / parse, 2)}x |`)
  console.log(
    `| whole SDK call, in-memory HTTP (validate 25,000 recipients, encode, decode) | ${fmt(whole, 1)} | ${
      fmt(whole / parse, 2)
    }x |`
  )
  console.log("\n(target: SDK decode <= 3x JSON.parse)")
}

// ---------------------------------------------------------------------------
// 3. Bundle size
// ---------------------------------------------------------------------------

const bundles = async () => {
  console.log("\n## esbuild bundle of a program that sends one SMS (minified, ESM)\n")
  console.log(BundleSize.table(await BundleSize.measure()))
  console.log(
    `\n(target: <= ${BundleSize.BUDGET / 1000} KB min+gz for the budgeted programs, checked in CI by ` +
      "`pnpm bundle-size --check`; platform node uses node:http, browser uses fetch; -barrel imports from \"effect\" rather than \"effect/Effect\", which esbuild does not shake as well)"
  )
}

// ---------------------------------------------------------------------------
// 4. The sandbox under load
// ---------------------------------------------------------------------------

const LOAD = quick ? 2000 : 10_000
const LOAD_IN_FLIGHT = 64

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

const load = async () => {
  console.log(
    `\n## The sandbox under load: sendSms, ${LOAD_IN_FLIGHT} in flight, bare node:http client (keep-alive), loopback\n`
  )
  console.log(`${fmt(LOAD)} calls after ${fmt(LOAD / 10)} to warm up; best of ${ROUNDS} by req/s\n`)
  const results: Array<{ name: string; rps: number; p50: number; p99: number; idle: number; peak: number }> = []
  for (const kind of ["bare", "sandbox"] as const) {
    const server = await startSandbox(kind)
    const idle = (await server.memory()).rss
    const client = nodeHttpClient(server.url)
    await underLoad(client.send, LOAD / 10, LOAD_IN_FLIGHT)
    let best = { rps: 0, p50: 0, p99: 0 }
    for (let round = 0; round < ROUNDS; round++) {
      const run = await underLoad(client.send, LOAD, LOAD_IN_FLIGHT)
      if (run.rps > best.rps) best = run
    }
    await client.close()
    const peak = (await server.memory()).maxRss
    await server.stopped()
    results.push({
      name: kind === "bare" ? "bare node:http server, fixed answer" : "sandbox",
      ...best,
      idle,
      peak
    })
  }
  const [bare, sandbox] = results
  const mb = (bytes: number) => fmt(bytes / 2 ** 20)
  console.log("| server | req/s | p50 ms | p99 ms | RSS idle MB | peak RSS MB | cost vs bare server (req/s / p50) |")
  console.log("|---|---:|---:|---:|---:|---:|---:|")
  for (const r of results) {
    console.log(
      `| ${r.name} | ${fmt(r.rps)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${mb(r.idle)} | ${mb(r.peak)} | ${
        fmt(bare!.rps / r.rps, 2)
      }x / ${fmt(r.p50 / bare!.p50, 2)}x |`
    )
  }
  console.log(
    `\n(the sandbox answers ${
      fmt(sandbox!.rps / bare!.rps, 2)
    }x the req/s of a bare node:http server on this machine; ` +
      `each call sends a new idempotencyId, as the SDK does, so the sandbox also keeps every answer (up to 100,000) ` +
      `and every message: ${fmt((ROUNDS + 0.1) * LOAD)} by the end, in its peak RSS)`
  )
}

await roundTrips()
await decoding()
await bundles()
await load()
await BulkBench.run(bulkSettings)
await SandboxAccounting.run(quick ? { sends: 2000, pairs: 300 } : { sends: 10_000, pairs: 1000 })
