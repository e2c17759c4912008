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
import * as v8 from "node:v8"
import * as vm from "node:vm"
import * as NodeHttpClient from "../src/NodeHttpClient.js"

/** A loopback server for one test; `handler` answers (or does not). */
const server = (handler: Http.RequestListener) =>
  Effect.acquireRelease(
    Effect.async<Http.Server>((resume) => {
      const s = Http.createServer(handler)
      s.listen(0, "127.0.0.1", () => resume(Effect.succeed(s)))
    }),
    (s) =>
      Effect.async<void>((resume) => {
        s.closeAllConnections()
        s.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`))

const received: Array<
  { method?: string | undefined; url?: string | undefined; headers: Http.IncomingHttpHeaders; body: string }
> = []
const echo: Http.RequestListener = (req, res) => {
  let body = ""
  req.on("data", (c: Buffer) => body += c.toString("utf8"))
  req.on("end", () => {
    received.push({ method: req.method, url: req.url, headers: req.headers, body })
    res.writeHead(201, {
      "content-type": "application/json",
      "x-rate-limit-limit": "100",
      "set-cookie": ["a=1", "b=2"]
    })
    res.end(JSON.stringify({ ok: true, body }))
  })
}

/** The engine's garbage collector (what `--expose-gc` gives), to collect while a request waits. */
const gc: () => void = (() => {
  v8.setFlagsFromString("--expose-gc")
  return vm.runInNewContext("gc") as () => void
})()

/** A server that streams `total` bytes of JSON-ish filler in 64 KiB chunks; counts what it wrote. */
const streaming =
  (total: number, declareLength: boolean, written: { bytes: number }): Http.RequestListener => (_, res) => {
    res.writeHead(200, {
      "content-type": "application/json",
      ...(declareLength ? { "content-length": String(total) } : {})
    })
    const chunk = Buffer.alloc(64 * 1024, 0x20)
    const pump = () => {
      while (written.bytes < total) {
        written.bytes += chunk.byteLength
        if (!res.write(chunk)) return void res.once("drain", pump)
      }
      res.end()
    }
    res.on("close", () => written.bytes = Math.min(written.bytes, total))
    pump()
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

  it.live("one URL after another, with and without a query, each goes where it says", () =>
    Effect.gen(function*() {
      const url = yield* server(echo)
      const client = yield* HttpClient.HttpClient
      const sent = [
        HttpClientRequest.get(`${url}/account/balance`),
        HttpClientRequest.get(`${url}/account/balance`).pipe(HttpClientRequest.setUrlParam("q", "a b")),
        HttpClientRequest.get(`${url}/account/balance`),
        HttpClientRequest.get(`${url}/sms/abc`),
        HttpClientRequest.get(`${url}/account/balance`)
      ]
      for (const request of sent) yield* Effect.flatMap(client.execute(request), (response) => response.text)
      assert.deepStrictEqual(received.splice(0).map((request) => request.url), [
        "/account/balance",
        "/account/balance?q=a+b",
        "/account/balance",
        "/sms/abc",
        "/account/balance"
      ])
    }).pipe(Effect.scoped, Effect.provide(clientLayer)))

  it("enforces the transport's deadline itself", () => {
    assert.isTrue(HttpTimeout.NativeTimeout in Effect.runSync(Effect.provide(HttpClient.HttpClient, clientLayer)))
  })

  it.live("an answer slower than the deadline is a TransportError with reason Timeout, promptly", () =>
    Effect.gen(function*() {
      // never answers
      const url = yield* server(() => {})
      const started = Date.now()
      const error = yield* Effect.flip(
        Effect.flatMap(Account, (a) => a.getAccountBalance()).pipe(
          Effect.provide(
            SmsCx.layerWithoutHttpClient({ apiKey: "k", baseUrl: url, timeout: "200 millis", retry: false })
          ),
          Effect.provide(clientLayer)
        )
      )
      assert.instanceOf(error, TransportError)
      assert.strictEqual((error as TransportError).reason, "Timeout")
      assert.match(error.message, /timed out after 200ms/)
      assert.isBelow(Date.now() - started, 2000)
    }).pipe(Effect.scoped))

  it.live("the deadline fires even when the garbage collector runs while the request waits", () =>
    Effect.gen(function*() {
      const url = yield* server(() => {})
      const fiber = yield* Effect.fork(Effect.flip(
        Effect.flatMap(Account, (a) => a.getAccountBalance()).pipe(
          Effect.provide(
            SmsCx.layerWithoutHttpClient({ apiKey: "k", baseUrl: url, timeout: "300 millis", retry: false })
          ),
          Effect.provide(clientLayer)
        )
      ))
      // collect repeatedly while the request is pending: a deadline held only by a collectable
      // AbortSignal (AbortSignal.timeout under AbortSignal.any, on Node 20) is lost here
      for (let i = 0; i < 5; i++) {
        yield* Effect.sleep("50 millis")
        gc()
      }
      const error = yield* Effect.timeout(Effect.fromFiber(fiber), "5 seconds")
      assert.instanceOf(error, TransportError)
      assert.strictEqual((error as TransportError).reason, "Timeout")
    }).pipe(Effect.scoped))

  for (const declareLength of [true, false]) {
    it.live(`an answer over maxResponseBytes (${declareLength ? "declared" : "chunked"}) stops reading: ResponseTooLarge`, () =>
      Effect.gen(function*() {
        const written = { bytes: 0 }
        const total = 256 * 1024 * 1024
        const url = yield* server(streaming(total, declareLength, written))
        const error = yield* Effect.flip(
          Effect.flatMap(Account, (a) => a.getAccountBalance()).pipe(
            Effect.provide(
              SmsCx.layerWithoutHttpClient({ apiKey: "k", baseUrl: url, maxResponseBytes: 1024 * 1024, retry: false })
            ),
            Effect.provide(clientLayer)
          )
        )
        assert.instanceOf(error, TransportError)
        assert.strictEqual((error as TransportError).reason, "ResponseTooLarge")
        assert.include(error.message, "1048576 bytes")
        assert.isBelow(written.bytes, total, "the client stopped reading long before the end")
      }).pipe(Effect.scoped))
  }

  it.live("a refused connection is a TransportError with reason Transport", () =>
    Effect.gen(function*() {
      // a port that was just free: bind, read, close
      const url = yield* Effect.scoped(server(echo))
      const result = yield* Effect.either(
        Effect.flatMap(Account, (a) => a.getAccountBalance()).pipe(
          Effect.provide(SmsCx.layerWithoutHttpClient({ apiKey: "k", baseUrl: url, retry: false })),
          Effect.provide(clientLayer)
        )
      )
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

describe("NodeHttpClient.layerWith and trace propagation", () => {
  it.live("requests go through the agents given; the layer leaves them to their owner", () =>
    Effect.gen(function*() {
      const url = yield* server(echo)
      // a socket the agent creates is a request that went through it
      let sockets = 0
      const agent = new Http.Agent({ keepAlive: true })
      const createConnection = agent.createConnection.bind(agent)
      agent.createConnection = ((...args: Parameters<typeof createConnection>) => {
        sockets++
        return createConnection(...args)
      }) as typeof agent.createConnection
      yield* Effect.flatMap(Account, (a) => a.getAccountBalance()).pipe(
        Effect.provide(SmsCx.layerWithoutHttpClient({ apiKey: "k", baseUrl: url, retry: false })),
        Effect.provide(NodeHttpClient.layerWith({ httpAgent: agent })),
        Effect.ignore
      )
      received.splice(0)
      assert.strictEqual(sockets, 1)
      // the layer is gone; the agent still works for its owner
      const status = yield* Effect.async<number>((resume) => {
        Http.get(url, { agent }, (res) => {
          res.resume()
          resume(Effect.succeed(res.statusCode ?? 0))
        })
      })
      received.splice(0)
      assert.strictEqual(status, 201)
      agent.destroy()
    }).pipe(Effect.scoped))

  it.live("each call carries its span as a W3C traceparent; tracePropagation: false sends none", () =>
    Effect.gen(function*() {
      const url = yield* server(echo)
      const call = (tracePropagation?: boolean) =>
        Effect.flatMap(Account, (a) => a.getAccountBalance()).pipe(
          Effect.provide(
            SmsCx.layerWithoutHttpClient({
              apiKey: "k",
              baseUrl: url,
              retry: false,
              ...(tracePropagation === undefined ? {} : { tracePropagation })
            })
          ),
          Effect.provide(NodeHttpClient.layer),
          Effect.ignore
        )
      yield* call().pipe(Effect.withSpan("caller"))
      const [traced] = received.splice(0)
      assert.match(String(traced!.headers["traceparent"]), /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/)
      yield* call(false)
      const [untraced] = received.splice(0)
      assert.isUndefined(untraced!.headers["traceparent"])
      // outside any span, with no tracer installed, the call makes no span but still starts a trace
      yield* call()
      yield* call()
      const roots = received.splice(0).map((request) => String(request.headers["traceparent"]))
      for (const root of roots) assert.match(root, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/)
      assert.notStrictEqual(roots[0]!.slice(3, 35), roots[1]!.slice(3, 35))
      assert.notStrictEqual(roots[0]!.slice(3, 35), String(traced!.headers["traceparent"]).slice(3, 35))
    }).pipe(Effect.scoped))
})
