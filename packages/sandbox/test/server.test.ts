import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpServer from "@effect/platform/HttpServer"
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import { Sandbox } from "@smscx/sandbox"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { spawn } from "node:child_process"
import { once } from "node:events"
import { createInterface } from "node:readline"

describe("over a loopback socket", () => {
  it.live("layerServer serves the API on 127.0.0.1", () =>
    Effect.gen(function*() {
      const server = yield* HttpServer.HttpServer
      const url = Sandbox.urlOf(server.address)
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/)
      const client = yield* HttpClient.HttpClient
      const response = yield* client.execute(
        HttpClientRequest.post(`${url}/sms`).pipe(
          HttpClientRequest.setHeader("X-API-KEY", "socket-key"),
          HttpClientRequest.bodyText(JSON.stringify({ to: ["+31612345678"], from: "InfoText", text: "Hi" }), "application/json")
        )
      )
      assert.strictEqual(response.status, 200)
      assert.strictEqual(response.headers["x-rate-limit-limit"], "1000")
      const body = yield* Schema.decodeUnknown(Api.Sms.sendSms.success.schema)(yield* response.json)
      assert.strictEqual(body.info.totalCost, 0.072)
      assert.strictEqual(yield* (yield* Sandbox.Sandbox).balance, 99.928)
    }).pipe(Effect.provide(Layer.merge(Sandbox.layerServer({ apiKeys: ["socket-key"] }), FetchHttpClient.layer))))

  it.live("start() is the same for Promise code: a url, a fetch resolving paths, close()", () =>
    Effect.promise(async () => {
      const server = await Sandbox.start({ port: 0, balance: 5 })
      try {
        const response = await server.fetch("/account/balance", { headers: { "X-API-KEY": "any" } })
        assert.deepStrictEqual(await response.json(), { balance: 5, currency: "eur", billing: "prepaid" })
        const absolute = await fetch(`${server.url}/nowhere`, { headers: { "X-API-KEY": "any" } })
        assert.strictEqual(absolute.status, 404)
      } finally {
        await server.close()
      }
      const closed = await server.fetch("/account/balance").then(() => "answered", () => "refused")
      assert.strictEqual(closed, "refused")
    }))
})

describe("the CLI", () => {
  it.live("listens on loopback and prints counts of credentials, never the secrets", () =>
    Effect.promise(async () => {
      const bin = new URL("../src/bin.ts", import.meta.url).pathname
      const child = spawn(
        process.execPath,
        ["--import", "tsx", bin, "--port", "0", "--api-key", "cli-key-SECRET", "--application", "app:app-SECRET", "--balance", "7"],
        { stdio: ["ignore", "pipe", "inherit"] }
      )
      try {
        const lines = createInterface({ input: child.stdout })
        const output: Array<string> = []
        for await (const line of lines) {
          output.push(line)
          if (line.startsWith("  Balance")) break
        }
        const text = output.join("\n")
        assert.notInclude(text, "SECRET")
        assert.include(text, "API keys (X-API-KEY): 1 configured")
        const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1]
        assert.isDefined(url)
        const denied = await fetch(`${url}/account/balance`, { headers: { "X-API-KEY": "other" } })
        assert.strictEqual(denied.status, 401)
        const allowed = await fetch(`${url}/account/balance`, { headers: { "X-API-KEY": "cli-key-SECRET" } })
        assert.deepStrictEqual(await allowed.json(), { balance: 7, currency: "eur", billing: "prepaid" })
      } finally {
        child.kill("SIGTERM")
        await once(child, "exit")
      }
    }))
})
