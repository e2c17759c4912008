/**
 * An `HttpServer` on Node's `http` module, without `@effect/platform-node` (whose required peers,
 * `@effect/cluster`, `@effect/rpc` and `@effect/sql`, the sandbox has no use for). Each Node
 * request becomes a web `Request`, answered by `HttpApp.toWebHandlerRuntime` (as in-process), and
 * the web `Response` is written back: status, headers, body streamed with backpressure.
 *
 * The request body is a `ReadableStream` pulled from the Node request only as the app reads it.
 * Cancelling it (the app stops reading, as at the body size limit) does not destroy the request,
 * which would destroy the socket before the answer is written: the rest of the body is drained
 * and discarded instead, as Node does for a body nobody read.
 *
 * Closing the scope stops listening, closes idle keep-alive connections, and answers the requests
 * still in flight with `Connection: close`.
 *
 * A response marked as a socket-level fault (`faults.ts`) is never written: `reset` and
 * `lostAnswer` reset the connection, `stall` holds it without a byte until the client goes away,
 * the fault's longest stall passes (then it is reset) or the server closes (which destroys every
 * connection still stalled).
 */
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServer from "@effect/platform/HttpServer"
import { ServeError } from "@effect/platform/HttpServerError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Http from "node:http"
import * as Faults from "./faults.js"

type Handler = (request: Request) => Promise<Response>

/**
 * The request body as a web stream, read from the socket only on demand (`highWaterMark: 0`).
 * `release` (also the stream's `cancel`) stops feeding it and drains the rest of the body.
 */
const bodyOf = (incoming: Http.IncomingMessage) => {
  let done = false
  let controller!: ReadableStreamDefaultController<Uint8Array>
  const onData = (chunk: Buffer) => {
    controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))
    if ((controller.desiredSize ?? 0) <= 0) incoming.pause()
  }
  const onEnd = () => {
    release()
    controller.close()
  }
  const onError = (error: Error) => {
    release()
    controller.error(error)
  }
  // the client went away before the end of the body
  const onClose = () => onError(new Error("the request was aborted"))
  const release = () => {
    if (done) return
    done = true
    incoming.off("data", onData)
    incoming.off("end", onEnd)
    incoming.off("error", onError)
    incoming.off("close", onClose)
    // drained, not destroyed: destroying the request destroys the socket under the answer
    incoming.resume()
  }
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c
      incoming.on("data", onData)
      incoming.pause()
      incoming.once("end", onEnd)
      incoming.once("error", onError)
      incoming.once("close", onClose)
    },
    pull() {
      incoming.resume()
    },
    cancel: release
  }, { highWaterMark: 0 })
  return { stream, release }
}

const toRequest = (incoming: Http.IncomingMessage, outgoing: Http.ServerResponse, origin: string): Request => {
  const path = incoming.url ?? "/"
  const url = path.startsWith("/") ? origin + path : new URL(path, origin)
  const headers: Array<[string, string]> = []
  const raw = incoming.rawHeaders
  for (let i = 0; i < raw.length; i += 2) headers.push([raw[i]!, raw[i + 1]!])
  const method = incoming.method ?? "GET"
  let body: ReadableStream<Uint8Array> | null = null
  if (method !== "GET" && method !== "HEAD") {
    const { release, stream } = bodyOf(incoming)
    // a body the app did not read (or not to the end) must not stall the connection
    outgoing.once("finish", release)
    body = stream
  }
  // no `signal`: a client going away does not interrupt the handler, which is short and works in
  // memory (an `AbortSignal` per request cost several percent of throughput)
  const init: RequestInit & { duplex: "half" } = { method, headers, body, duplex: "half" }
  return new Request(url, init)
}

const waitWritable = (outgoing: Http.ServerResponse) =>
  new Promise<void>((resolve) => {
    const done = () => {
      outgoing.off("drain", done)
      outgoing.off("close", done)
      resolve()
    }
    outgoing.on("drain", done)
    outgoing.on("close", done)
  })

/**
 * Streams the body with backpressure. A body of declared length that comes in one chunk (every
 * answer made from a string or bytes) is written with `end`, headers and body in one write.
 */
const writeBody = async (
  body: ReadableStream<Uint8Array>,
  outgoing: Http.ServerResponse,
  sized: boolean
): Promise<void> => {
  const reader = body.getReader()
  try {
    // a sized body's first chunk, held to go out with `end` if it is the only one
    let held: Uint8Array | undefined
    let first = sized
    for (;;) {
      if (outgoing.destroyed) return void (await reader.cancel())
      const { done, value } = await reader.read()
      if (done) break
      if (first) {
        first = false
        held = value
        continue
      }
      if (held !== undefined) {
        outgoing.write(held)
        held = undefined
      }
      if (!outgoing.write(value)) await waitWritable(outgoing)
    }
    outgoing.end(held)
  } catch (error) {
    outgoing.destroy(error instanceof Error ? error : new Error(String(error)))
  }
}

const respond = (response: Response, outgoing: Http.ServerResponse, closing: boolean): Promise<void> | void => {
  const headers: Http.OutgoingHttpHeaders = {}
  response.headers.forEach((value, name) => {
    headers[name] = value
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) headers["set-cookie"] = cookies
  if (closing) headers["connection"] = "close"
  outgoing.writeHead(response.status, response.statusText === "" ? undefined : response.statusText, headers)
  if (response.body === null) return void outgoing.end()
  return writeBody(response.body, outgoing, headers["content-length"] !== undefined)
}

/** An RST to the client (ECONNRESET) where Node can send one, else a plain close. */
const reset = (outgoing: Http.ServerResponse) => {
  const socket = outgoing.socket
  if (socket !== null && typeof socket.resetAndDestroy === "function") socket.resetAndDestroy()
  else outgoing.destroy()
}

const plain = (outgoing: Http.ServerResponse, status: number) => {
  outgoing.writeHead(status, { "content-length": "0", connection: "close" })
  outgoing.end()
}

/**
 * A Node `http` server listening on `options`, as an `HttpServer`. The server is closed with the
 * scope.
 * @internal
 */
const make = (options: {
  readonly port: number
  readonly host: string
}): Effect.Effect<HttpServer.HttpServer, ServeError, Scope.Scope> =>
  Effect.gen(function*() {
    let handler: Handler | undefined
    let closing = false
    let origin = ""
    // connections held by a `stall`, destroyed when the server closes
    const stalled = new Set<Http.ServerResponse>()

    const stall = (outgoing: Http.ServerResponse, maxStallMillis: number) => {
      const timer = setTimeout(() => reset(outgoing), maxStallMillis)
      timer.unref()
      stalled.add(outgoing)
      outgoing.once("close", () => {
        clearTimeout(timer)
        stalled.delete(outgoing)
      })
    }

    const answer = (response: Response, outgoing: Http.ServerResponse): Promise<void> | void => {
      const fault = Faults.socketFaultOf(response.headers)
      if (fault === undefined) return respond(response, outgoing, closing)
      // nothing of the marked response is written
      void response.body?.cancel()
      if (fault.kind === "stall") return stall(outgoing, fault.maxStallMillis)
      reset(outgoing)
    }

    const onRequest = (incoming: Http.IncomingMessage, outgoing: Http.ServerResponse) => {
      if (handler === undefined) return plain(outgoing, 503)
      let request: Request
      try {
        request = toRequest(incoming, outgoing, origin)
      } catch {
        return plain(outgoing, 400)
      }
      handler(request).then((response) => answer(response, outgoing)).catch((error: unknown) => {
        outgoing.destroy(error instanceof Error ? error : new Error(String(error)))
      })
    }

    const server = yield* Effect.acquireRelease(
      Effect.sync(() => Http.createServer(onRequest)),
      (server) =>
        Effect.async<void>((resume) => {
          closing = true
          for (const outgoing of stalled) outgoing.destroy()
          if (!server.listening) return resume(Effect.void)
          server.close(() => resume(Effect.void))
          server.closeIdleConnections()
        })
    )

    yield* Effect.async<void, ServeError>((resume) => {
      const onError = (cause: Error) => resume(Effect.fail(new ServeError({ cause })))
      server.once("error", onError)
      server.listen({ port: options.port, host: options.host }, () => {
        server.off("error", onError)
        resume(Effect.void)
      })
    })

    const info = server.address()
    const address: HttpServer.Address = typeof info === "string" || info === null
      ? { _tag: "UnixAddress", path: info ?? "" }
      : { _tag: "TcpAddress", hostname: info.address === "::" ? "0.0.0.0" : info.address, port: info.port }
    origin = address._tag === "TcpAddress"
      ? `http://${address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname}:${address.port}`
      : "http://localhost"

    return HttpServer.make({
      address,
      serve: (app, middleware) =>
        Effect.gen(function*() {
          const runtime = yield* Effect.runtime<never>()
          const current = HttpApp.toWebHandlerRuntime(runtime)(app, middleware)
          handler = current
          yield* Effect.addFinalizer(() =>
            Effect.sync(() => {
              if (handler === current) handler = undefined
            })
          )
        })
    })
  })

/**
 * @internal
 */
export const layer = (options: {
  readonly port: number
  readonly host: string
}): Layer.Layer<HttpServer.HttpServer, ServeError> => Layer.scoped(HttpServer.HttpServer, make(options))

const codeOf = (cause: unknown): string | undefined =>
  typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string"
    ? cause.code
    : undefined

/**
 * What stopped a server listening on `host`:`port`, in one line a user can act on: the address,
 * the system's code and what to choose instead. `cause` is the `ServeError`'s.
 * @internal
 */
export const listenFailure = (cause: unknown, host: string, port: number): string => {
  const code = codeOf(cause)
  const another = "choose another with --port, or --port 0 for a free one"
  switch (code) {
    case "EADDRINUSE":
      return `port ${port} on ${host} is in use (EADDRINUSE); ${another}`
    case "EACCES":
      return `no permission to listen on port ${port} on ${host} (EACCES; ports below 1024 need privileges); ${another}`
    case "EADDRNOTAVAIL":
      return `${host} is not an address of this machine (EADDRNOTAVAIL); choose another with --host (default 127.0.0.1)`
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `host ${host} not found (${code}); choose another with --host (default 127.0.0.1)`
    default: {
      const message = cause instanceof Error ? cause.message : String(cause)
      return `cannot listen on port ${port} on ${host}: ${message}${code === undefined ? "" : ` (${code})`}`
    }
  }
}
