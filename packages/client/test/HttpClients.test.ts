import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import { Account, FetchClient, SmsCx, TransportError } from "@smscx/client"
import { HttpTimeout } from "@smscx/transport"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Layer from "effect/Layer"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as NodeHttpClient from "../src/internal/nodeHttpClient.js"

/** A loopback server for one test; `handler` answers (or does not). */
const server = (handler: Http.RequestListener) =>
  Effect.acquireRelease(
    Effect.async<Http.Server>((resume) => {
      const s = Http.createServer(handler)
      s.listen(0, "127.0.0.1", () => resume(Effect.succeed(s)))
    }),
    (s) => Effect.async<void>((resume) => {
      s.closeAllConnections()
      s.close(() => resume(Effect.void))
    })
  ).pipe(Effect.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`))

const received: Array<{ method?: string | undefined; url?: string | undefined; headers: Http.IncomingHttpHeaders; body: string }> = []
const echo: Http.RequestListener = (req, res) => {
  let body = ""
  req.on("data", (c: Buffer) => body += c.toString("utf8"))
  req.on("end", () => {
    received.push({ method: req.method, url: req.url, headers: req.headers, body })
    res.writeHead(201, { "content-type": "application/json", "x-rate-limit-limit": "100", "set-cookie": ["a=1", "b=2"] })
    res.end(JSON.stringify({ ok: true, body }))
  })
}

const clients: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["the default Node client", NodeHttpClient.layer],
  ["FetchClient", FetchClient.layer]
]

describe.each(clients)("%s", (_, clientLayer) => {
  it.live("sends method, URL, query, headers and body; reads status, headers and the whole body", () =>
    Effect.gen(function*() {
      const url = yield* server(echo)
      const client = yield* HttpClient.HttpClient
      const response = yield* client.execute(
        HttpClientRequest.post(`${url}/sms?x=1`).pipe(
          HttpClientRequest.setUrlParam("short_response", "true"),
          HttpClientRequest.setHeader("x-api-key", "k"),
          HttpClientRequest.bodyText("{\"to\":[\"+31612469000\"]}", "application/json")
        )
      )
      assert.strictEqual(response.status, 201)
      assert.strictEqual(response.headers["x-rate-limit-limit"], "100")
      assert.deepStrictEqual(yield* response.json, { ok: true, body: "{\"to\":[\"+31612469000\"]}" })
      const [sent] = received.splice(0)
      assert.strictEqual(sent!.method, "POST")
      assert.strictEqual(sent!.url, "/sms?x=1&short_response=true")
      assert.strictEqual(sent!.headers["x-api-key"], "k")
      assert.strictEqual(sent!.headers["content-type"], "application/json")
      assert.strictEqual(sent!.headers["content-length"], "23")
      assert.deepStrictEqual(response.cookies.cookies["b"]?.value, "2")
    }).pipe(Effect.scoped, Effect.provide(clientLayer)))

  it("enforces the transport's deadline itself", () => {
    assert.isTrue(HttpTimeout.NativeTimeout in Effect.runSync(Effect.provide(HttpClient.HttpClient, clientLayer)))
  })

  it.live("an answer slower than the deadline is a TransportError with reason Timeout, promptly", () =>
    Effect.gen(function*() {
      // never answers
      const url = yield* server(() => {})
      const started = Date.now()
      const error = yield* Effect.flip(Effect.flatMap(Account, (a) => a.getAccountBalance()).pipe(
        Effect.provide(SmsCx.layerWithoutHttpClient({ apiKey: "k", baseUrl: url, timeout: "200 millis" })),
        Effect.provide(clientLayer)
      ))
      assert.instanceOf(error, TransportError)
      assert.strictEqual((error as TransportError).reason, "Timeout")
      assert.match(error.message, /timed out after 200ms/)
      assert.isBelow(Date.now() - started, 2000)
    }).pipe(Effect.scoped))

  it.live("a refused connection is a TransportError with reason Transport", () =>
    Effect.gen(function*() {
      // a port that was just free: bind, read, close
      const url = yield* Effect.scoped(server(echo))
      const result = yield* Effect.either(Effect.flatMap(Account, (a) => a.getAccountBalance()).pipe(
        Effect.provide(SmsCx.layerWithoutHttpClient({ apiKey: "k", baseUrl: url, retry: false })),
        Effect.provide(clientLayer)
      ))
      assert.isTrue(Either.isLeft(result))
      const error = (result as Either.Left<unknown, unknown>).left
      assert.instanceOf(error, TransportError)
      assert.strictEqual((error as TransportError).reason, "Transport")
    }))

  it.live("interrupting a call destroys its request", () =>
    Effect.gen(function*() {
      let closed = false
      const url = yield* server((req) => req.on("close", () => closed = true))
      const client = yield* HttpClient.HttpClient
      yield* client.get(url).pipe(Effect.timeout("100 millis"), Effect.ignore)
      yield* Effect.sleep("100 millis")
      assert.isTrue(closed)
    }).pipe(Effect.scoped, Effect.provide(clientLayer)))
})

