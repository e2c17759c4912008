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
import { readFileSync } from "node:fs"
import * as Http from "node:http"
import * as Net from "node:net"
import { createInterface } from "node:readline"
import * as NodeServer from "../src/internal/kernel/nodeServer.js"

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
          HttpClientRequest.bodyText(
            JSON.stringify({ to: ["+31612345678"], from: "InfoText", text: "Hi" }),
            "application/json"
          )
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

describe("request body size over a socket", () => {
  const headers = { "X-API-KEY": "k", "Content-Type": "application/json" }
  const sms = JSON.stringify({ to: ["+31612345678"], from: "InfoText", text: "Hi" })
  const WRITTEN_AT_MOST = 64 * 1024 * 1024

  interface Outcome {
    readonly status: number | undefined
    readonly headers: Http.IncomingHttpHeaders
    readonly json: { readonly error: { readonly type: string; readonly code: number } }
    /** Bytes of the body sent when the answer came. */
    readonly written: number
  }

  /**
   * POSTs a body that goes on until the server answers (or WRITTEN_AT_MOST): chunked, or with
   * a declared `Content-Length` and nothing sent.
   */
  const postEndless = (url: string, declared?: number) =>
    new Promise<Outcome>((resolve, reject) => {
      const request = Http.request(`${url}/sms`, {
        method: "POST",
        headers: declared === undefined ? headers : { ...headers, "Content-Length": String(declared) }
      })
      const chunk = Buffer.alloc(16 * 1024, 0x20)
      let written = 0
      let answered = false
      const pump = (): void => {
        while (!answered && written < WRITTEN_AT_MOST) {
          written += chunk.length
          if (!request.write(chunk)) {
            request.once("drain", pump)
            return
          }
        }
        if (!answered) request.end()
      }
      request.on("response", (response) => {
        answered = true
        const at = written
        let text = ""
        response.setEncoding("utf8")
        response.on("data", (data: string) => {
          text += data
        })
        response.on("end", () => {
          request.destroy()
          resolve({ status: response.statusCode, headers: response.headers, json: JSON.parse(text), written: at })
        })
      })
      // once answered, the server closing the connection under the rest of the body is expected
      request.on("error", (error) => {
        if (!answered) reject(error)
      })
      if (declared === undefined) pump()
      else request.flushHeaders()
    })

  it.live(
    "a chunked body over maxBodyBytes is answered 413 before it ends; the server goes on serving",
    () =>
      Effect.promise(async () => {
        const server = await Sandbox.start({ maxBodyBytes: 1024 })
        try {
          const chunked = await postEndless(server.url)
          assert.strictEqual(chunked.status, 413)
          assert.deepStrictEqual([chunked.json.error.type, chunked.json.error.code], ["invalid_body", 1009])
          assert.strictEqual(chunked.headers["connection"], "close")
          assert.isBelow(chunked.written, WRITTEN_AT_MOST)

          // a declared length over the limit: answered without waiting for a byte of the body
          const declared = await postEndless(server.url, WRITTEN_AT_MOST)
          assert.strictEqual(declared.status, 413)
          assert.strictEqual(declared.json.error.code, 1009)
          assert.strictEqual(declared.written, 0)

          const next = await server.fetch("/sms", { method: "POST", headers, body: sms })
          assert.strictEqual(next.status, 200)
          const balance = await server.fetch("/account/balance", { headers })
          assert.deepStrictEqual(await balance.json(), { balance: 99.928, currency: "eur", billing: "prepaid" })
        } finally {
          await server.close()
        }
      }),
    60_000
  )
})

/** Runs the CLI to its end: its exit code and output. The environment has no npm_* variables but `env`. */
const runCli = async (args: ReadonlyArray<string>, env: Record<string, string> = {}) => {
  const bin = new URL("../src/bin.ts", import.meta.url).pathname
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("npm_")))
  const child = spawn(process.execPath, ["--import", "tsx", bin, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...clean, ...env }
  })
  let stdout = ""
  let stderr = ""
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
  const timer = setTimeout(() => child.kill("SIGTERM"), 30_000)
  const [code] = (await once(child, "exit")) as [number | null]
  clearTimeout(timer)
  return { code, stdout, stderr }
}

describe("the CLI", () => {
  it.live(
    "a busy port or an address not of this machine: one line saying so, exit code 1",
    () =>
      Effect.promise(async () => {
        const busy = Net.createServer()
        await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve))
        const port = (busy.address() as Net.AddressInfo).port
        try {
          const [inUse, notHere] = await Promise.all([
            runCli(["--port", String(port)]),
            // 192.0.2.1: TEST-NET-1, reserved for documentation, on no machine's interface
            runCli(["--port", "0", "--host", "192.0.2.1"])
          ])
          assert.deepStrictEqual([inUse.code, inUse.stderr], [
            1,
            `smscx-sandbox: port ${port} on 127.0.0.1 is in use (EADDRINUSE); choose another with --port, ` +
            "or --port 0 for a free one\n"
          ])
          assert.notInclude(inUse.stdout, "listening")
          assert.deepStrictEqual([notHere.code, notHere.stderr], [
            1,
            "smscx-sandbox: 192.0.2.1 is not an address of this machine (EADDRNOTAVAIL); choose another with " +
            "--host (default 127.0.0.1)\n"
          ])
        } finally {
          await new Promise((resolve) => busy.close(resolve))
        }
      }),
    60_000
  )

  it("names the system's code and what to do for each way listening fails", () => {
    const failure = (code: string | undefined, host = "127.0.0.1", port = 80) =>
      NodeServer.listenFailure(Object.assign(new Error(`listen ${code}: it failed`), { code }), host, port)
    assert.strictEqual(
      failure("EACCES"),
      "no permission to listen on port 80 on 127.0.0.1 (EACCES; ports below 1024 need privileges); choose " +
        "another with --port, or --port 0 for a free one"
    )
    assert.strictEqual(
      failure("ENOTFOUND", "sandbox.invalid"),
      "host sandbox.invalid not found (ENOTFOUND); choose another with --host (default 127.0.0.1)"
    )
    assert.strictEqual(failure("EMFILE"), "cannot listen on port 80 on 127.0.0.1: listen EMFILE: it failed (EMFILE)")
    assert.strictEqual(
      NodeServer.listenFailure("not an error", "::1", 4010),
      "cannot listen on port 4010 on ::1: not an error"
    )
  })

  it.live(
    "--version prints the package's version; help and usage errors name the command as it was run",
    () =>
      Effect.promise(async () => {
        const manifest: { readonly version: string } = JSON.parse(
          readFileSync(new URL("../package.json", import.meta.url), "utf8")
        )
        const [version, npx, usage] = await Promise.all([
          runCli(["--version"]),
          // npx and npm exec set npm_command=exec
          runCli(["--help"], { npm_command: "exec", npm_lifecycle_event: "npx" }),
          runCli(["--port", "x"])
        ])
        // after a version bump, pnpm build regenerates src/internal/version.ts
        assert.deepStrictEqual([version.code, version.stdout], [0, `${manifest.version}\n`])
        assert.strictEqual(npx.code, 0)
        assert.match(npx.stdout, /^Usage: npx @smscx\/sandbox \[options\]\n/)
        assert.include(npx.stdout, `-v, --version            print the version (${manifest.version})`)
        assert.strictEqual(usage.code, 2)
        assert.match(usage.stderr, /^smscx-sandbox: --port: not a valid value: x\n\nUsage: smscx-sandbox \[options\]/)
      }),
    60_000
  )

  it.live("listens on loopback and prints counts of credentials, never the secrets", () =>
    Effect.promise(async () => {
      const bin = new URL("../src/bin.ts", import.meta.url).pathname
      const child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          bin,
          "--port",
          "0",
          "--api-key",
          "cli-key-SECRET",
          "--application",
          "app:app-SECRET",
          "--balance",
          "7",
          "--max-body-bytes",
          "2048",
          "--max-messages",
          "1",
          "--allowed-host",
          "sandbox.test"
        ],
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
        assert.include(text, "Request bodies up to 2048 bytes")
        assert.include(text, `Control API: ${url}/__sandbox/ (messages, callbacks, stats, balance, time, channels`)
        assert.include(text, `Inbox (web): ${url}/__sandbox/ui`)
        assert.include(text, "GET it for the index")
        const index = await fetch(`${url}/__sandbox/`).then((r) => r.json())
        assert.deepInclude(index.routes, {
          method: "GET",
          path: "/__sandbox/messages",
          takes: "?to=+31...&campaignId=&q=&offset=&limit=",
          description: "the outbox, oldest first, with each message's text (an OTP's PIN is in it); paged with limit"
        })
        const outbox = await fetch(`${url}/__sandbox/messages`)
        assert.deepStrictEqual(await outbox.json(), { messages: [] })
        // the names it answers as, and the history it keeps
        assert.include(text, "Answers as localhost, 127.0.0.1, [::1], sandbox.test")
        const as = (host: string) =>
          new Promise<number | undefined>((resolve, reject) => {
            Http.get(`${url}/__sandbox/stats`, { headers: { Host: host } }, (response) => {
              response.resume()
              resolve(response.statusCode)
            }).on("error", reject)
          })
        assert.strictEqual(await as("sandbox.test:4010"), 200)
        assert.strictEqual(await as("evil.example"), 403)
        for (const to of ["+31612345678", "+4915123456789"]) {
          const sent = await fetch(`${url}/sms`, {
            method: "POST",
            headers: { "X-API-KEY": "cli-key-SECRET", "Content-Type": "application/json" },
            body: JSON.stringify({ to: [to], from: "InfoText", text: "Hi" })
          })
          assert.strictEqual(sent.status, 200)
        }
        const stats = await fetch(`${url}/__sandbox/stats`).then((r) => r.json())
        assert.deepInclude(stats, { messagesKept: 1, messagesDropped: 1, maxMessages: 1 })
        const tooLarge = await fetch(`${url}/sms`, {
          method: "POST",
          headers: { "X-API-KEY": "cli-key-SECRET", "Content-Type": "application/json" },
          body: JSON.stringify({ to: ["+31612345678"], from: "InfoText", text: "a".repeat(2048) })
        })
        assert.strictEqual(tooLarge.status, 413)
      } finally {
        child.kill("SIGTERM")
        await once(child, "exit")
      }
    }))
})
