/**
 * The Node server answers from Node's request and writes the app's response itself (no web
 * `Request`/`Response`): what it writes must be what the in-process fetch answers, bodies it does
 * not read must not stall a keep-alive connection, and headers must read as a web `Headers` reads
 * them.
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import type * as HttpMiddleware from "@effect/platform/HttpMiddleware"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { assert, describe, it } from "@effect/vitest"
import { Sandbox } from "@smscx/sandbox"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Http from "node:http"
import * as NodeServer from "../src/internal/kernel/nodeServer.js"

interface Answer {
  readonly status: number
  readonly headers: Http.IncomingHttpHeaders
  readonly body: string
  readonly socket: unknown
}

/** One request through `agent`, with raw headers (a name may repeat). */
const request = (
  agent: Http.Agent,
  url: string,
  options: { readonly method: string; readonly path: string; readonly headers: Array<string>; readonly body?: string }
) =>
  new Promise<Answer>((resolve, reject) => {
    const target = new URL(options.path, url)
    const outgoing = Http.request(
      { agent, host: target.hostname, port: target.port, path: target.pathname, method: options.method },
      (incoming) => {
        const chunks: Array<Buffer> = []
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk))
        incoming.on("end", () =>
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: Buffer.concat(chunks).toString("utf8"),
            socket: incoming.socket
          }))
      }
    )
    for (let i = 0; i < options.headers.length; i += 2) {
      outgoing.appendHeader(options.headers[i]!, options.headers[i + 1]!)
    }
    outgoing.on("error", reject)
    outgoing.end(options.body)
  })

/** Headers that differ between any two answers. */
const varying = new Set(["x-request-id", "x-response-time", "date", "connection", "keep-alive"])

const stable = (headers: Record<string, string | Array<string> | undefined>) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !varying.has(name)).sort(([a], [b]) => a < b ? -1 : 1))

const sms = JSON.stringify({ to: ["+31612345678"], from: "InfoText", text: "Hi" })

describe("the Node server", () => {
  it.live("a body the app never reads is drained: the next request on the connection is answered", () =>
    Effect.promise(async () => {
      const server = await Sandbox.start({ port: 0, apiKeys: ["node-key"] })
      const agent = new Http.Agent({ keepAlive: true, maxSockets: 1 })
      try {
        // refused before its body is read (no credential)
        const refused = await request(agent, server.url, {
          method: "POST",
          path: "/sms",
          headers: ["Content-Type", "application/json"],
          body: sms.repeat(2000)
        })
        assert.strictEqual(refused.status, 401)
        const sent = await request(agent, server.url, {
          method: "POST",
          path: "/sms",
          headers: ["Content-Type", "application/json", "X-API-KEY", "node-key"],
          body: sms
        })
        assert.strictEqual(sent.status, 200)
        assert.strictEqual(sent.socket, refused.socket, "the same keep-alive connection")
      } finally {
        agent.destroy()
        await server.close()
      }
    }))

  it.live("answers as the in-process fetch does: status, headers and body", () =>
    Effect.promise(async () => {
      const server = await Sandbox.start({ port: 0, apiKeys: ["node-key"] })
      const inProcess = Sandbox.inProcessFetch({ apiKeys: ["node-key"] })
      const agent = new Http.Agent({ keepAlive: true })
      try {
        const cases = [
          { method: "POST", path: "/sms", headers: ["Content-Type", "application/json"], body: sms },
          { method: "GET", path: "/account/balance", headers: ["X-API-KEY", "node-key"] },
          { method: "POST", path: "/sms", headers: ["X-API-KEY", "node-key"], body: "{not json" },
          { method: "DELETE", path: "/account/balance", headers: ["X-API-KEY", "node-key"] },
          { method: "GET", path: "/nowhere", headers: ["X-API-KEY", "node-key"] }
        ]
        for (const example of cases) {
          const socket = await request(agent, server.url, example)
          const headers = new Headers()
          for (let i = 0; i < example.headers.length; i += 2) {
            headers.append(example.headers[i]!, example.headers[i + 1]!)
          }
          const web = await inProcess.fetch(`${Sandbox.baseUrl}${example.path}`, {
            method: example.method,
            headers,
            ...(example.body === undefined ? {} : { body: example.body })
          })
          const webBody = await web.text()
          const label = `${example.method} ${example.path}`
          assert.strictEqual(socket.status, web.status, label)
          assert.strictEqual(socket.body, webBody, label)
          const webHeaders: Record<string, string> = { "content-length": String(Buffer.byteLength(webBody)) }
          web.headers.forEach((value, name) => void (webHeaders[name] = value))
          if (web.status === 204) delete webHeaders["content-length"]
          assert.deepStrictEqual(stable(socket.headers), stable(webHeaders), label)
        }
      } finally {
        agent.destroy()
        await inProcess.close()
        await server.close()
      }
    }))

  it.live("a repeated header reads as a web Headers reads it: the values joined with \", \"", () =>
    Effect.promise(async () => {
      const server = await Sandbox.start({ port: 0, apiKeys: ["node-key"] })
      const agent = new Http.Agent({ keepAlive: false })
      try {
        // two keys make one unknown credential, "node-key, node-key", as over fetch
        const answer = await request(agent, server.url, {
          method: "GET",
          path: "/account/balance",
          headers: ["X-API-KEY", "node-key", "X-API-KEY", "node-key"]
        })
        const web = await fetch(`${server.url}/account/balance`, {
          headers: [["X-API-KEY", "node-key"], ["X-API-KEY", "node-key"]]
        })
        assert.strictEqual(answer.status, web.status)
        assert.strictEqual(answer.body, await web.text())
      } finally {
        agent.destroy()
        await server.close()
      }
    }))

  it.live("a request in flight when the server closes is answered, with Connection: close", () =>
    Effect.promise(async () => {
      const server = await Sandbox.start({ port: 0, apiKeys: ["node-key"] })
      const target = new URL("/sms", server.url)
      const answered = new Promise<Http.IncomingMessage>((resolve, reject) => {
        const outgoing = Http.request({
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            "Content-Length": String(Buffer.byteLength(sms)),
            "X-API-KEY": "node-key"
          }
        }, resolve)
        outgoing.on("error", reject)
        // half the body now, the rest once the server is closing
        outgoing.write(sms.slice(0, 10))
        setTimeout(() => {
          closed = server.close()
          setTimeout(() => outgoing.end(sms.slice(10)), 50)
        }, 100)
      })
      let closed: Promise<void> | undefined
      const incoming = await answered
      incoming.resume()
      assert.strictEqual(incoming.statusCode, 200)
      assert.strictEqual(incoming.headers["connection"], "close")
      await closed
    }))
})

describe("the Node server's two ways of running an app", () => {
  // without middleware or a tracer, one lean fiber a request; with either, the platform's way
  const answers = (app: HttpApp.Default<unknown>, middleware?: HttpMiddleware.HttpMiddleware) =>
    Effect.scoped(Effect.gen(function*() {
      const server = yield* Layer.build(NodeServer.layer({ port: 0, host: "127.0.0.1" }))
      const http = Context.get(server, HttpServer.HttpServer)
      yield* middleware === undefined ? http.serve(app) : http.serve(app, middleware)
      const address = http.address as HttpServer.TcpAddress
      return yield* Effect.promise(async () => {
        const response = await fetch(`http://127.0.0.1:${address.port}/`)
        return { status: response.status, body: await response.text(), header: response.headers.get("x-app") }
      })
    }))

  it.live("answer alike: a response, a failure, a defect, a response thrown as a defect", () =>
    Effect.gen(function*() {
      const apps: ReadonlyArray<HttpApp.Default<unknown>> = [
        HttpServerResponse.text("hello", { status: 201, headers: { "x-app": "yes" } }),
        Effect.fail("no"),
        Effect.die(new Error("bug")),
        Effect.die(HttpServerResponse.text("told", { status: 418 }))
      ]
      let middlewareRan = 0
      const middleware: HttpMiddleware.HttpMiddleware = (app) => Effect.zipLeft(app, Effect.sync(() => middlewareRan++))
      const lean = yield* Effect.forEach(apps, (app) => answers(app))
      const platform = yield* Effect.forEach(apps, (app) => answers(app, middleware))
      assert.deepStrictEqual(lean, platform)
      assert.deepStrictEqual(lean.map((a) => a.status), [201, 500, 500, 418])
      assert.deepStrictEqual(lean[0], { status: 201, body: "hello", header: "yes" })
      // the middleware ran where the app succeeded
      assert.strictEqual(middlewareRan, 2)
    }).pipe(Effect.withUnhandledErrorLogLevel(Option.none())))
})
