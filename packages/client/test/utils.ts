/**
 * The SDK against an in-process sandbox: `SmsCx.layerWithoutHttpClient` over the sandbox's
 * `HttpClient`, with the sandbox's state and every request the SDK sent, for tests to look at.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { SmsCx } from "@smscx/client"
import { Sandbox } from "@smscx/sandbox"
import type * as Transport from "@smscx/transport/Transport"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as TestServices from "effect/TestServices"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { assert } from "vitest"
import { violations } from "./contract.js"

export { Sandbox }

export const API_KEY = "test-key"

/** 2025-06-01T12:00:00Z: tests set the TestClock here, so scheduled dates are deterministic. */
export const NOW = Date.parse("2025-06-01T12:00:00Z")

/** Numbers the sandbox covers, with their transactional price per part. */
export const NL = "+31612345678" // 0.072
export const DE = "+4915123456789" // 0.079
export const GB = "+447400123456" // 0.041
/** Too short to be a Dutch mobile number. */
export const INVALID = "+3161234"
export const UNKNOWN_ID = "0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11"
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** One request the SDK sent, as it reached the wire. */
export interface Sent {
  readonly method: string
  /** The path, without the base URL. */
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  /** The body as text ("" without one). */
  readonly body: string
  /** The answer's status and (lower-cased) headers, once it came. */
  readonly response?: { readonly status: number; readonly headers: Readonly<Record<string, string>> }
}

/** Every request the SDK sent, oldest first. */
export class Requests extends Context.Tag("test/Requests")<Requests, Effect.Effect<ReadonlyArray<Sent>>>() {}

const decoder = new TextDecoder()
const bodyText = (request: HttpClientRequest.HttpClientRequest): string => {
  const body = request.body
  switch (body._tag) {
    case "Uint8Array":
      return decoder.decode(body.body)
    case "Raw":
      return String(body.body)
    default:
      return ""
  }
}

/** Wraps the `HttpClient` below it, recording each request. */
const recording = Layer.effectContext(Effect.gen(function*() {
  const client = yield* HttpClient.HttpClient
  const log: Array<Sent> = []
  const recorded = HttpClient.transform(client, (response, request) =>
    Effect.suspend(() => {
      const index = log.push({
        method: request.method,
        path: request.url.replace(Sandbox.baseUrl, ""),
        headers: request.headers,
        body: bodyText(request)
      }) - 1
      return Effect.tap(response, (r) =>
        Effect.sync(() => {
          log[index] = { ...log[index]!, response: { status: r.status, headers: r.headers } }
        }))
    }))
  return Context.make(HttpClient.HttpClient, recorded).pipe(
    Context.add(Requests, Effect.sync(() => log.slice()))
  )
}))

/** What the reference document (checked by ajv, see contract.ts) finds wrong in the answers so far. */
export class ContractViolations extends Context.Tag("test/ContractViolations")<ContractViolations, Array<string>>() {}

/**
 * The sandbox in-process, over `fetch`, with each answer checked against the reference document
 * as it passes (JSON bodies read from a clone; files only for their content type, unread).
 */
const checkedSandbox = (options: Sandbox.Options) => {
  const found: Array<string> = []
  const http = FetchHttpClient.layer.pipe(
    Layer.provide(Layer.effect(
      FetchHttpClient.Fetch,
      Effect.gen(function*() {
        const sandbox = yield* Sandbox.Sandbox
        const runtime = yield* Effect.runtime<never>()
        const handler = HttpApp.toWebHandlerRuntime(runtime)(sandbox.app)
        const fetch: typeof globalThis.fetch = async (input, init) => {
          const request = input instanceof Request
            ? (init === undefined ? input : new Request(input, init))
            : new Request(new URL(String(input), Sandbox.baseUrl), init)
          const response = await handler(request)
          const contentType = response.headers.get("content-type") ?? undefined
          const json = contentType?.startsWith("application/json") === true
          found.push(
            ...violations(
              request.method,
              new URL(request.url).pathname,
              response.status,
              contentType,
              json ? await response.clone().text() : ""
            )
          )
          return response
        }
        return fetch
      })
    )),
    Layer.provideMerge(Sandbox.layer(options))
  )
  return Layer.merge(http, Layer.succeed(ContractViolations, found))
}

/**
 * The SDK's services (API key `API_KEY` unless `client` says otherwise) over a new in-process
 * sandbox (accepting only `API_KEY` unless `sandbox` says otherwise), plus the sandbox's
 * state, the recorded requests and the (recording) `HttpClient`, to build more clients on.
 */
export const layer = (
  client: Transport.Options = { apiKey: API_KEY },
  sandbox: Sandbox.Options = {}
) => {
  const http = checkedSandbox({ apiKeys: [API_KEY], ...sandbox })
  const recorded = recording.pipe(Layer.provide(http))
  return Layer.mergeAll(
    SmsCx.layerWithoutHttpClient({ baseUrl: Sandbox.baseUrl, ...client }).pipe(Layer.provide(recorded)),
    recorded,
    Layer.project(http, Sandbox.Sandbox, Sandbox.Sandbox, (s) => s),
    Layer.project(http, ContractViolations, ContractViolations, (v) => v)
  )
}

/** Runs a test against `layer(client, sandbox)`, the TestClock set to `NOW` first. */
export const provide = (client?: Transport.Options, sandbox?: Sandbox.Options) =>
<A, E, R>(
  effect: Effect.Effect<A, E, R>
) =>
  Effect.zipRight(TestClock.setTime(NOW), effect).pipe(
    // and, when it passed, every answer the sandbox gave fits the reference document
    Effect.tap(() =>
      Effect.flatMap(ContractViolations, (found) =>
        found.length === 0
          ? Effect.void
          : Effect.dieMessage(`answers that do not fit spec/smscx-openapi.json:\n${found.slice(0, 10).join("\n")}`))
    ),
    Effect.provide(layer(client, sandbox))
  )

/** The sandbox's state. */
export const sandbox = Sandbox.Sandbox

/** The requests sent so far to `path`. */
export const sentTo = (path: string) =>
  Requests.pipe(
    Effect.flatten,
    Effect.map((all) => all.filter((r) => r.path === path || r.path.startsWith(`${path}?`)))
  )

/**
 * Waits (in real time, briefly) until some fiber sleeps on the TestClock: a forked call that
 * is waiting to retry. Fails after about two seconds.
 */
export const untilSleeping = Effect.gen(function*() {
  for (let i = 0; i < 2000; i++) {
    if (Chunk.isNonEmpty(yield* TestClock.sleeps())) return
    yield* TestServices.provideLive(Effect.sleep("1 millis"))
  }
  return yield* Effect.dieMessage("nothing ever slept on the TestClock")
})

/** Joins a fiber that must be done by now (waiting briefly, in real time, for it to settle). */
export const joinNow = <A, E>(fiber: Fiber.Fiber<A, E>) =>
  Effect.gen(function*() {
    for (let i = 0; i < 2000; i++) {
      const exit = yield* Fiber.poll(fiber)
      if (Option.isSome(exit)) return yield* exit.value
      yield* TestServices.provideLive(Effect.sleep("1 millis"))
    }
    return yield* Effect.dieMessage("the fiber is still running")
  })

/**
 * A loopback server that records the bodies POSTed to it (the sandbox's callbacks), for the
 * scope: its `url` for a path, and `waitFor(n)`, which waits briefly, in real time, until `n`
 * have arrived and asserts that exactly `n` did.
 */
export const callbackReceiver = Effect.gen(function*() {
  const received: Array<string> = []
  const server = Http.createServer((req, res) => {
    let body = ""
    req.on("data", (c) => (body += c))
    req.on("end", () => {
      received.push(body)
      res.writeHead(204).end()
    })
  })
  yield* Effect.acquireRelease(
    Effect.async<void>((resume) => void server.listen(0, "127.0.0.1", () => resume(Effect.void))),
    () => Effect.async<void>((resume) => void server.close(() => resume(Effect.void)))
  )
  const url = (path: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`
  const waitFor = (n: number) =>
    Effect.gen(function*() {
      for (let i = 0; i < 1000 && received.length < n; i++) {
        yield* TestServices.provideLive(Effect.sleep("5 millis"))
      }
      assert.strictEqual(received.length, n)
    })
  return { received, url, waitFor }
})
