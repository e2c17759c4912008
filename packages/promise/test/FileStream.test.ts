import { createClient, SmsCx, TransportError } from "@smscx/promise"
import { Account, Optouts } from "@smscx/promise/Api"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { assert, describe, it } from "vitest"
import { API_KEY, httpClients, resources } from "./helpers.js"

const { listen, opened } = resources()

describe("file exports read whole", () => {
  it("are the server's bytes exactly, with small answers read between them (no pooled bytes)", async () => {
    const csv = Buffer.from("+31612340000,NL,link,2024-05-01 10:00:00\n".repeat(28).padEnd(1180, "#"))
    const server = Http.createServer((req, res) => {
      if (req.url?.endsWith("/csv")) {
        res.writeHead(200, { "content-type": "application/csv", "content-length": csv.byteLength })
        res.end(csv)
        return
      }
      const body = JSON.stringify({ balance: 1, currency: "eur", billing: "prepaid", note: "+447700900123 PIN 4242" })
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) })
      res.end(body)
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    opened.push(() => new Promise((resolve) => server.close(() => resolve())))
    const { port } = server.address() as AddressInfo
    // the default HTTP client (Node's own http module), as a Promise user gets it
    const client = createClient({ account: Account, optouts: Optouts }, {
      apiKey: API_KEY,
      baseUrl: `http://127.0.0.1:${port}`
    })
    opened.push(() => client.close())
    for (let i = 0; i < 10; i++) {
      await client.account.getAccountBalance()
      const file = await client.optouts.exportOptoutsToCSV()
      assert.strictEqual(file.bytes.byteLength, csv.byteLength)
      assert.isTrue(Buffer.from(file.bytes).equals(csv), "the export is exactly what the server sent")
      assert.strictEqual(file.bytes.buffer.byteLength, csv.byteLength, "its buffer holds nothing else")
    }
  })
})

/**
 * A loopback server answering the opt-out export with a declared 10 MiB that it sends slowly
 * (64 KiB every 20 ms): a download still arriving when the test acts. Gives its URL and how much
 * it wrote.
 */
const slowExport = async () => {
  const declared = 10 * 1024 * 1024
  const state = { written: 0 }
  const chunk = Buffer.alloc(64 * 1024, "+31612345678,NL,link,2024-05-01 10:00:00\n")
  const url = await listen((_, res) => {
    res.writeHead(200, {
      "content-type": "application/csv",
      "content-length": declared,
      "content-disposition": "attachment; filename=\"optouts.csv\""
    })
    const timer = setInterval(() => {
      if (state.written >= declared) {
        clearInterval(timer)
        return void res.end()
      }
      state.written += chunk.byteLength
      res.write(chunk)
    }, 20)
    res.on("close", () => clearInterval(timer))
  })
  return { url, declared, state }
}

describe.each(httpClients)("a streamed export, over %s", (_, over) => {
  /** Settles within `ms`, or rejects saying it hung. */
  const settles = <A>(promise: Promise<A>, ms = 10_000) =>
    Promise.race([
      promise,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`did not settle within ${ms} ms`)), ms))
    ])

  it("close() while the README's pipeTo writes it: pipeTo rejects with TransportError Closed", async () => {
    const { Writable } = await import("node:stream")
    const { createWriteStream, mkdtempSync, rmSync, statSync } = await import("node:fs")
    const { join } = await import("node:path")
    const { tmpdir } = await import("node:os")
    const dir = mkdtempSync(join(tmpdir(), "smscx-close-"))
    opened.push(async () => rmSync(dir, { recursive: true, force: true }))
    const { declared, url } = await slowExport()
    const client = createClient({ optouts: Optouts }, { apiKey: API_KEY, baseUrl: url, ...over })
    const file = await client.optouts.exportOptoutsToCSV.stream()
    const target = join(dir, file.fileName ?? "optouts.csv")
    const piped = file.body.pipeTo(Writable.toWeb(createWriteStream(target, { flags: "wx" })))
      .then(() => undefined, (e: unknown) => e)
    await new Promise((resolve) => setTimeout(resolve, 300))
    await settles(client.close())
    const error = await settles(piped)
    assert.instanceOf(error, TransportError, "the file did not end cleanly")
    assert.strictEqual((error as TransportError).reason, "Closed")
    assert.isBelow(statSync(target).size, declared)
  })

  it("aborting the call's signal after the stream was returned errors the body", async () => {
    const { state, url } = await slowExport()
    const client = createClient({ optouts: Optouts }, { apiKey: API_KEY, baseUrl: url, ...over })
    opened.push(() => client.close())
    const controller = new AbortController()
    const file = await client.optouts.exportOptoutsToCSV.stream({ signal: controller.signal })
    const reader = file.body.getReader()
    assert.isFalse((await reader.read()).done)
    const reason = new Error("the user left")
    controller.abort(reason)
    const read = await settles(
      (async () => {
        for (let i = 0; i < 10_000; i++) if ((await reader.read()).done) return "ended"
        return "still reading"
      })().then((outcome) => outcome, (e: unknown) => e)
    )
    assert.strictEqual(read, reason, "the body errors with the signal's reason, as fetch's does")
    const written = state.written
    await new Promise((resolve) => setTimeout(resolve, 200))
    assert.isAtMost(state.written - written, 64 * 1024 * 2, "the connection was closed: the server stopped writing")
  })
})

describe("file exports (Promise)", () => {
  /** A loopback server answering every request with `total` bytes of CSV, streamed. */
  const csv = async (total: number) => {
    const state = { written: 0, closed: 0 }
    const server = Http.createServer((_, res) => {
      res.writeHead(200, {
        "content-type": "application/csv",
        "content-disposition": "attachment; filename=\"optouts.csv\""
      })
      const chunk = Buffer.alloc(64 * 1024, 0x41)
      let sent = 0
      res.on("close", () => state.closed++)
      const pump = () => {
        while (sent < total) {
          sent += chunk.byteLength
          state.written += chunk.byteLength
          if (!res.write(chunk)) return void res.once("drain", pump)
        }
        res.end()
      }
      pump()
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    opened.push(() =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
    )
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, state }
  }

  it("read whole: { contentType, fileName, bytes }", async () => {
    const { url } = await csv(128 * 1024)
    const client = new SmsCx({ apiKey: API_KEY, baseUrl: url })
    opened.push(() => client.close())
    const file = await client.optouts.exportOptoutsToCSV()
    assert.strictEqual(file.bytes.byteLength, 128 * 1024)
    assert.deepStrictEqual([file.contentType, file.fileName], ["application/csv", "optouts.csv"])
  })

  it("stream(): a web ReadableStream read to its end, a cancelled one closes its connection", async () => {
    const total = 64 * 1024 * 1024
    const { state, url } = await csv(total)
    const client = new SmsCx({ apiKey: API_KEY, baseUrl: url })
    opened.push(() => client.close())
    const file = await client.optouts.exportOptoutsToCSV.stream()
    assert.deepStrictEqual([file.contentType, file.fileName], ["application/csv", "optouts.csv"])
    let received = 0
    for await (const chunk of file.body as unknown as AsyncIterable<Uint8Array>) received += chunk.byteLength
    assert.strictEqual(received, total)

    const second = await client.optouts.exportOptoutsToCSV.stream()
    const reader = second.body.getReader()
    await reader.read()
    await reader.cancel()
    await new Promise((resolve) => setTimeout(resolve, 200))
    assert.strictEqual(state.closed, 2, "both connections are closed")
    assert.isBelow(state.written, 2 * total, "the cancelled download stopped early")
  })

  it("close() ends a download left unread", async () => {
    const { state, url } = await csv(512 * 1024 * 1024)
    const client = new SmsCx({ apiKey: API_KEY, baseUrl: url })
    await client.optouts.exportOptoutsToCSV.stream()
    await client.close()
    await new Promise((resolve) => setTimeout(resolve, 200))
    assert.strictEqual(state.closed, 1)
  })
})
