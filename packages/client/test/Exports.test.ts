/**
 * File exports: read whole (`{ contentType, fileName, bytes }`), or streamed from the
 * connection (`stream`): a file far larger than anyone wants in memory streams with flat memory,
 * and leaving the stream early closes the connection.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import { Account, FetchClient, Optouts, Reports, SmsCx } from "@smscx/client"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as v8 from "node:v8"
import * as vm from "node:vm"
import * as NodeHttpClient from "../src/NodeHttpClient.js"

const MiB = 1024 * 1024

/** The engine's garbage collector (what `--expose-gc` gives). */
const gc: () => void = (() => {
  v8.setFlagsFromString("--expose-gc")
  return vm.runInNewContext("gc") as () => void
})()

/** Memory the process holds live (after a collection): what a buffered download would fill. */
const live = () => {
  gc()
  const { arrayBuffers, heapUsed } = process.memoryUsage()
  return arrayBuffers + heapUsed
}

/** A loopback server answering `/optouts/csv` with `total` bytes of CSV rows, streamed. */
const csvServer = (total: number, headers: Record<string, string> = {}) => {
  const state = { written: 0, closed: false }
  const handler: Http.RequestListener = (req, res) => {
    if (!req.url?.endsWith("/csv")) {
      res.writeHead(404, { "content-type": "application/json" })
      res.end(JSON.stringify({ error: { type: "not_found", code: 1004, message: "no such export", uri: "" } }))
      return
    }
    res.writeHead(200, {
      "content-type": "application/csv",
      "content-disposition": "attachment; filename=\"optouts.csv\"",
      ...headers
    })
    const row = Buffer.from("+31612345678,NL,link,2024-05-01 10:00:00\n".padEnd(64, " "))
    const chunk = Buffer.concat(Array.from({ length: 1024 }, () => row)) // 64 KiB
    res.on("close", () => state.closed = true)
    let sent = 0
    const pump = () => {
      while (sent < total) {
        sent += chunk.byteLength
        state.written += chunk.byteLength
        if (!res.write(chunk)) return void res.once("drain", pump)
      }
      res.end()
    }
    pump()
  }
  return Effect.acquireRelease(
    Effect.async<Http.Server>((resume) => {
      const server = Http.createServer(handler)
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
    }),
    (server) =>
      Effect.sync(() => {
        server.closeAllConnections()
        server.close()
      })
  ).pipe(Effect.map((server) => ({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, state })))
}

/** A CSV of 1,180 bytes, small enough for Node to allocate it from its shared Buffer pool. */
const SMALL_CSV = Buffer.from(
  Array.from({ length: 20 }, (_, i) => `+3161234${String(i).padStart(4, "0")},NL,link,2024-05-01 10:00:00\n`).join("")
    .padEnd(1180, "#")
)

/**
 * A loopback server answering the balance with a JSON full of other people's data, and the
 * opt-out export with SMALL_CSV: what a pooled buffer would leak is easy to see.
 */
const mixedServer = Effect.acquireRelease(
  Effect.async<Http.Server>((resume) => {
    const server = Http.createServer((req, res) => {
      if (req.url?.endsWith("/csv")) {
        res.writeHead(200, { "content-type": "application/csv", "content-length": SMALL_CSV.byteLength })
        res.end(SMALL_CSV)
        return
      }
      const balance = JSON.stringify({
        balance: 12.5,
        currency: "eur",
        billing: "prepaid",
        note: "+447700900123 PIN 4242"
      })
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(balance) })
      res.end(balance)
    })
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
  }),
  (server) =>
    Effect.sync(() => {
      server.closeAllConnections()
      server.close()
    })
).pipe(Effect.map((server) => ({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })))

const clients: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["the default Node client", NodeHttpClient.layer],
  ["FetchClient", FetchClient.layer]
]

describe.each(clients)("%s", (_, clientLayer) => {
  const services = (url: string, maxResponseBytes?: number) =>
    SmsCx.layerWithoutHttpClient({
      apiKey: "k",
      baseUrl: url,
      ...(maxResponseBytes === undefined ? {} : { maxResponseBytes })
    }).pipe(Layer.provide(clientLayer))

  it.live(
    "a 200 MB export streams with flat memory; content type and file name come with it",
    () =>
      Effect.gen(function*() {
        const total = 200 * MiB
        const { url } = yield* csvServer(total)
        // live memory, not RSS: RSS also counts garbage not yet collected and what other test
        // files left behind, which made the measure depend on the machine's load
        const before = live()
        let peak = before
        let received = 0
        yield* Effect.gen(function*() {
          const file = yield* Effect.flatMap(Optouts, (o) => o.exportOptoutsToCSV.stream())
          assert.strictEqual(file.contentType, "application/csv")
          assert.strictEqual(file.fileName, "optouts.csv")
          yield* Stream.runForEach(file.stream, (chunk) =>
            Effect.sync(() => {
              received += chunk.byteLength
              if ((received & (16 * MiB - 1)) < chunk.byteLength) peak = Math.max(peak, live())
            }))
        }).pipe(Effect.scoped, Effect.provide(services(url)))
        assert.strictEqual(received, total)
        // a buffered read would hold the 200 MB (and more); streaming holds a few chunks
        // (fetch's own stream queue may hold a few tens of MiB ahead of the reader: the bound is
        // half the file, far below what a buffered read holds)
        assert.isBelow(peak - before, 100 * MiB, `live memory grew by ${Math.round((peak - before) / MiB)} MiB`)
      }).pipe(Effect.scoped),
    { timeout: 60_000 }
  )

  it.live(
    "closing the layer's scope while a file streams: the stream fails with TransportError Closed",
    () =>
      Effect.gen(function*() {
        const total = 64 * MiB
        const { url } = yield* csvServer(total, { "content-length": String(total) })
        const layerScope = yield* Scope.make()
        const optouts = Context.get(yield* Layer.buildWithScope(services(url), layerScope), Optouts)
        let received = 0
        const reading = yield* Effect.fork(Effect.scoped(Effect.gen(function*() {
          const file = yield* optouts.exportOptoutsToCSV.stream()
          assert.strictEqual(file.contentLength, total)
          // a slow reader: the file is still arriving when the layer closes
          yield* Stream.runForEach(
            file.stream,
            (chunk) => Effect.zipRight(Effect.sync(() => received += chunk.byteLength), Effect.sleep("5 millis"))
          )
        })))
        yield* Effect.sleep("300 millis")
        yield* Scope.close(layerScope, Exit.void).pipe(Effect.timeout("5 seconds"))
        const exit = yield* Fiber.await(reading).pipe(Effect.timeout("10 seconds"))
        assert.isTrue(Exit.isFailure(exit), "the stream did not end as if the file were whole")
        const error = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
        assert.isTrue(Option.isSome(error), "a typed failure")
        const failure = Option.getOrThrow(error)
        assert.strictEqual(failure._tag, "TransportError")
        assert.strictEqual(failure._tag === "TransportError" ? failure.reason : undefined, "Closed")
        assert.isBelow(received, total)
      }).pipe(Effect.scoped),
    { timeout: 30_000 }
  )

  it.live(
    "a body cut short of its Content-Length fails the stream (reason Transport), never ends cleanly",
    () =>
      Effect.gen(function*() {
        const server = yield* Effect.acquireRelease(
          Effect.async<Http.Server>((resume) => {
            const server = Http.createServer((_, res) => {
              res.writeHead(200, { "content-type": "application/csv", "content-length": 1024 * 1024 })
              res.write(Buffer.alloc(256 * 1024, "x"), () => res.socket?.destroy())
            })
            server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
          }),
          (server) => Effect.sync(() => server.close())
        )
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
        const error = yield* Effect.gen(function*() {
          const file = yield* Effect.flatMap(Optouts, (o) => o.exportOptoutsToCSV.stream())
          return yield* Effect.flip(Stream.runDrain(file.stream))
        }).pipe(Effect.scoped, Effect.provide(services(url)), Effect.timeout("10 seconds"))
        assert.strictEqual(error._tag, "TransportError")
        assert.strictEqual(error.reason, "Transport")
      }).pipe(Effect.scoped),
    { timeout: 30_000 }
  )

  it.live("leaving the stream early closes the connection; the server stops writing", () =>
    Effect.gen(function*() {
      const total = 512 * MiB
      const { state, url } = yield* csvServer(total)
      yield* Effect.gen(function*() {
        const file = yield* Effect.flatMap(Optouts, (o) => o.exportOptoutsToCSV.stream())
        yield* Stream.runDrain(Stream.take(file.stream, 3))
      }).pipe(Effect.scoped, Effect.provide(services(url)))
      yield* Effect.sleep("200 millis")
      assert.isTrue(state.closed, "the connection is closed")
      assert.isBelow(state.written, total, "the server did not get to write the whole file")
    }).pipe(Effect.scoped), { timeout: 30_000 })

  it.live("read whole: { contentType, fileName, bytes }, within maxResponseBytes", () =>
    Effect.gen(function*() {
      const { url } = yield* csvServer(256 * 1024, {
        "content-disposition":
          "attachment; filename=\"x.csv\"; filename*=UTF-8''..%2F..%2Fetc%2Frapport%20%C3%A9t%C3%A9.csv"
      })
      const file = yield* Effect.flatMap(Optouts, (o) => o.exportOptoutsToCSV()).pipe(Effect.provide(services(url)))
      assert.strictEqual(file.bytes.byteLength, 256 * 1024)
      assert.strictEqual(file.contentType, "application/csv")
      assert.strictEqual(file.fileName, "rapport été.csv", "the extended name, without its directories")
      const tooLarge = yield* Effect.flip(
        Effect.flatMap(Optouts, (o) => o.exportOptoutsToCSV()).pipe(Effect.provide(services(url, 64 * 1024)))
      )
      assert.strictEqual(tooLarge._tag, "TransportError")
    }).pipe(Effect.scoped))

  it.live("an export read whole is the server's bytes exactly, however many small answers came before", () =>
    Effect.gen(function*() {
      const { url } = yield* mixedServer
      const layer = services(url)
      const got = yield* Effect.gen(function*() {
        const account = yield* Account
        const optouts = yield* Optouts
        // small answers fill Node's shared 8 KiB Buffer pool; exports read whole come between them
        return yield* Effect.forEach(Array.from({ length: 60 }, (_, i) => i), (i) =>
          i % 3 === 2
            ? Effect.map(optouts.exportOptoutsToCSV(), (file) => file.bytes)
            : Effect.as(account.getAccountBalance(), undefined), { concurrency: 4 })
      }).pipe(Effect.provide(layer))
      const exports = got.filter((bytes) => bytes !== undefined)
      assert.strictEqual(exports.length, 20)
      for (const bytes of exports) {
        assert.strictEqual(bytes.byteLength, SMALL_CSV.byteLength)
        assert.isTrue(Buffer.from(bytes).equals(SMALL_CSV), "the export is exactly what the server sent")
        assert.strictEqual(bytes.buffer.byteLength, SMALL_CSV.byteLength, "its buffer holds nothing else")
      }
    }).pipe(Effect.scoped))

  it.live("an error answer to a streamed export is the operation's typed error", () =>
    Effect.gen(function*() {
      const { url } = yield* csvServer(1024)
      const error = yield* Effect.flip(
        Effect.flatMap(Reports, (r) => r.exportCampaignReportToXLSX.stream("0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11"))
          .pipe(
            Effect.provide(services(url)),
            Effect.scoped
          )
      )
      assert.strictEqual(error._tag, "ResourceNotFoundException")
    }).pipe(Effect.scoped))
})

describe("a file the client has taken in whole", () => {
  it.live("closing the layer's scope before it is read: the stream fails with TransportError Closed", () =>
    Effect.gen(function*() {
      // fetch may hold the rest of a file ahead of its reader: here, all of it
      const chunk = new Uint8Array(64 * 1024).fill(44)
      const chunks = 16
      const bufferedFetch = (async () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              for (let i = 0; i < chunks; i++) controller.enqueue(chunk.slice())
              controller.close()
            }
          }),
          {
            status: 200,
            headers: { "content-type": "application/csv", "content-length": String(chunk.byteLength * chunks) }
          }
        )) as typeof globalThis.fetch
      const layerScope = yield* Scope.make()
      const optouts = Context.get(
        yield* Layer.buildWithScope(
          SmsCx.layerWithoutHttpClient({ apiKey: "k", baseUrl: "http://127.0.0.1:1" }).pipe(
            Layer.provide(FetchClient.layerWith(bufferedFetch))
          ),
          layerScope
        ),
        Optouts
      )
      const exit = yield* Effect.exit(Effect.scoped(Effect.gen(function*() {
        const file = yield* optouts.exportOptoutsToCSV.stream()
        // a failure of None is the stream's end
        const pull = Effect.mapError(yield* Stream.toPull(file.stream), Option.getOrElse(() => "ended"))
        yield* pull
        yield* Scope.close(layerScope, Exit.void)
        while (true) yield* pull
      })))
      assert.isTrue(Exit.isFailure(exit), "the stream did not end as if the file were whole")
      const failure = Option.getOrThrow(Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none())
      assert.strictEqual((failure as { readonly _tag: string })._tag, "TransportError")
      assert.strictEqual((failure as { readonly reason?: string }).reason, "Closed")
    }))
})
