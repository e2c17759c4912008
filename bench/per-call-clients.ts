/**
 * The clients the per-call benchmark measures (per-call.ts), each run in a process of its own
 * (per-call-child.ts): bare `node:http`, bare `fetch`, the Effect style's floors (the bare request
 * as one `Effect.async`), the SDK's Effect client and its Promise client. Each is driven the way
 * its users call it: an `await` per call for the bare clients and the Promise client; for the
 * Effect client, one Effect program making every call (or, in the `runPromise` rows, a
 * `runPromise` per call, as code bridging single calls from Promises does).
 */
import { Account, FetchClient, Sms, SmsCx } from "@smscx/client"
import { SmsCx as PromiseClient } from "@smscx/promise"
import { Effect, Layer, ManagedRuntime } from "effect"
import * as Http from "node:http"

const apiKey = "bench-key"

type Call = () => Promise<unknown>
/** A bare request given callbacks: what the baselines send, as a Promise or as one Effect.async. */
type Send = (resolve: (value: unknown) => void, reject: (error: unknown) => void) => void
/** How a client is driven: `n` calls one at a time (wall and CPU µs per call), and `n` calls `inFlight` at a time (req/s). */
export interface Driver {
  readonly sequential: (n: number) => Promise<{ readonly us: number; readonly cpu: number }>
  readonly concurrent: (n: number, inFlight: number) => Promise<number>
}
/** A client ready to measure. */
export interface Client extends Driver {
  readonly close: () => Promise<void>
}

/** The operation measured. */
export type Measured = "getAccountBalance" | "sendSms"

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

/** An answer's JSON, which must be a 200's. */
const jsonOf = async (res: Response) => {
  const json = await res.json()
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`)
  return json
}

/**
 * Bare `fetch`; with `deadlineMs`, as a client that enforces a deadline must send it: with a
 * controller of its own (its signal is the only way to abort a fetch) and a timer that aborts
 * it, cleared on the answer.
 */
const fetchSend = (measured: Measured, url: string, deadlineMs?: number): Send => {
  const { body, headers, method, target } = bareRequest(measured, url)
  const call = deadlineMs === undefined
    ? async () => jsonOf(await fetch(target, { method, headers, body: body() ?? null }))
    : async () => {
      const controller = new AbortController()
      const timer = setTimeout(() => controller.abort(), deadlineMs)
      try {
        return await jsonOf(await fetch(target, { method, headers, body: body() ?? null, signal: controller.signal }))
      } finally {
        clearTimeout(timer)
      }
    }
  return (resolve, reject) => void call().then(resolve, reject)
}

/** Driven by an `await` per call: the bare clients and the Promise client. */
const awaiting = (call: Call): Driver => ({
  sequential: async (n) => {
    const start = performance.now()
    const cpu = process.cpuUsage()
    for (let i = 0; i < n; i++) await call()
    return perCall(start, cpu, n)
  },
  concurrent: async (n, inFlight) => {
    let next = 0
    const start = performance.now()
    await Promise.all(Array.from({ length: inFlight }, async () => {
      while (next++ < n) await call()
    }))
    return n / ((performance.now() - start) / 1000)
  }
})

/** Driven by one Effect program making every call, `yield*` after `yield*` or in `inFlight` fibers at once. */
const programmed = <R>(
  runtime: ManagedRuntime.ManagedRuntime<R, unknown>,
  call: Effect.Effect<unknown, unknown, R>
): Driver => {
  const calls = (take: () => boolean) => Effect.whileLoop({ while: take, body: () => call, step: () => {} })
  return {
    sequential: async (n) => {
      let i = 0
      const start = performance.now()
      const cpu = process.cpuUsage()
      await runtime.runPromise(calls(() => i++ < n))
      return perCall(start, cpu, n)
    },
    concurrent: async (n, inFlight) => {
      let next = 0
      const take = () => next++ < n
      const start = performance.now()
      await runtime.runPromise(
        Effect.all(Array.from({ length: inFlight }, () => calls(take)), { concurrency: "unbounded", discard: true })
      )
      return n / ((performance.now() - start) / 1000)
    }
  }
}

const perCall = (start: number, cpu: NodeJS.CpuUsage, n: number) => {
  const used = process.cpuUsage(cpu)
  return { us: ((performance.now() - start) * 1000) / n, cpu: (used.user + used.system) / n }
}

/** A client the benchmark measures: how it is named and compared, and how it is made. */
export interface Kind {
  readonly name: string
  /** The bare client this one is compared with; none for the baselines themselves. */
  readonly baseline?: "node:http" | "fetch"
  /** For the SDK's Effect clients: the name of their floor, the bare client run the same way in Effect. */
  readonly floor?: string
  /** A floor, or the Effect client run a `runPromise` per call: compared with its bare client, not judged against the targets. */
  readonly reference?: true
  readonly make: (measured: Measured, url: string) => Client
}

type Transport = "node" | "fetch"
/** How an Effect client is run: one program making every call, or a `runPromise` per call. */
type Run = "program" | "runPromise"

const bareName = (transport: Transport) => transport === "node" ? "node:http" : "fetch"

const bare = (transport: Transport): Kind => ({
  name: bareName(transport),
  make: (measured, url) => {
    if (transport === "fetch") {
      return { ...awaiting(() => new Promise(fetchSend(measured, url))), close: async () => {} }
    }
    const agent = new Http.Agent({ keepAlive: true })
    const send = nodeHttpSend(measured, url, agent)
    return { ...awaiting(() => new Promise(send)), close: async () => agent.destroy() }
  }
})

/**
 * Bare `fetch` with a deadline: what enforcing one costs in undici (a signal per request), a
 * reference for the SDK's fetch clients, which enforce theirs the same way.
 */
const fetchWithDeadline: Kind = {
  name: "fetch with a deadline (reference)",
  baseline: "fetch",
  reference: true,
  make: (measured, url) => ({
    ...awaiting(() => new Promise(fetchSend(measured, url, 30_000))),
    close: async () => {}
  })
}

const floorName = (transport: Transport, run: Run) =>
  `${bareName(transport)} in Effect${run === "runPromise" ? ", runPromise per call" : ""} (floor)`

const effectLayer = (url: string, transport: Transport) =>
  transport === "node"
    ? SmsCx.layer({ apiKey, baseUrl: url, retry: false })
    : SmsCx.layerWithoutHttpClient({ apiKey, baseUrl: url, retry: false }).pipe(Layer.provide(FetchClient.layer))

const driven = <R>(
  runtime: ManagedRuntime.ManagedRuntime<R, unknown>,
  call: Effect.Effect<unknown, unknown, R>,
  run: Run
) => run === "program" ? programmed(runtime, call) : awaiting(() => runtime.runPromise(call))

/** The bare client run as one `Effect.async` by the runtime the SDK's Effect client of the same transport uses. */
const effectFloor = (transport: Transport, run: Run): Kind => ({
  name: floorName(transport, run),
  baseline: bareName(transport),
  reference: true,
  make: (measured, url) => {
    const agent = transport === "node" ? new Http.Agent({ keepAlive: true }) : undefined
    const send = agent !== undefined ? nodeHttpSend(measured, url, agent) : fetchSend(measured, url)
    const runtime = ManagedRuntime.make(effectLayer(url, transport))
    const call = Effect.async<unknown, unknown>((resume) =>
      send((value) => resume(Effect.succeed(value)), (error) => resume(Effect.fail(error)))
    )
    return {
      ...driven(runtime, call, run),
      close: async () => {
        agent?.destroy()
        await runtime.dispose()
      }
    }
  }
})

const effectClient = (transport: Transport, run: Run): Kind => ({
  name: `SDK Effect (${transport === "node" ? "default: node:http" : "FetchClient"}${
    run === "runPromise" ? ", runPromise per call" : ""
  })`,
  baseline: bareName(transport),
  floor: floorName(transport, run),
  // a fiber per call is Effect's own cost, not the SDK's (the floor pays it too): a Promise
  // user has the Promise client; the targets judge the Effect client run as Effect users run it
  ...(run === "runPromise" ? { reference: true } : {}),
  make: (measured, url) => {
    const runtime = ManagedRuntime.make(effectLayer(url, transport))
    const call: Effect.Effect<unknown, unknown, Account | Sms> = measured === "getAccountBalance"
      ? Effect.flatMap(Account, (account) => account.getAccountBalance())
      : Effect.flatMap(Sms, (service) => service.sendSms(sms))
    return { ...driven(runtime, call, run), close: () => runtime.dispose() }
  }
})

const promiseClient = (transport: Transport): Kind => ({
  name: `SDK Promise (${transport === "node" ? "default: node:http" : "{ fetch }"})`,
  baseline: bareName(transport),
  make: (measured, url) => {
    const client = new PromiseClient({
      apiKey,
      baseUrl: url,
      retry: false,
      ...(transport === "fetch" ? { fetch } : {})
    })
    return {
      ...awaiting(
        measured === "getAccountBalance" ? () => client.account.getAccountBalance() : () => client.sms.sendSms(sms)
      ),
      close: () => client.close()
    }
  }
})

/** Every client measured, in the order of the table. */
export const kinds: ReadonlyArray<Kind> = [
  bare("node"),
  bare("fetch"),
  fetchWithDeadline,
  effectFloor("node", "program"),
  effectFloor("fetch", "program"),
  effectClient("node", "program"),
  promiseClient("node"),
  effectClient("fetch", "program"),
  promiseClient("fetch"),
  effectFloor("node", "runPromise"),
  effectClient("node", "runPromise")
]
