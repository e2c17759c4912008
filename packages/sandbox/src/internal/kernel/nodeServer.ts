/**
 * An `HttpServer` on Node's `http` module, without `@effect/platform-node` (whose required peers,
 * `@effect/cluster`, `@effect/rpc` and `@effect/sql`, the sandbox has no use for). Each Node
 * request is served as it is (`nodeRequest.ts`), and the `HttpServerResponse` written straight
 * back: no web `Request` or `Response` in between, which cost a fifth to a third of a request's
 * time under load. An answer in memory (bytes, or text as a raw body) goes out in one write; any
 * other body through its web form, streamed with backpressure.
 *
 * The request body is read only as the app reads it. A body the app stops reading (as at the body
 * size limit) or never reads is drained and discarded, never destroyed: destroying the request
 * destroys the socket before the answer is written.
 *
 * Closing the scope stops listening, closes idle keep-alive connections, answers the requests
 * still in flight with `Connection: close`, and cuts the answers still streaming (server-sent
 * events: they end only when their client leaves).
 *
 * A response marked as a socket-level fault (`faults.ts`) is never written: `reset` and
 * `lostAnswer` reset the connection, `stall` holds it without a byte until the client goes away,
 * the fault's longest stall passes (then it is reset) or the server closes (which destroys every
 * connection still stalled).
 */
import * as Cookies from "@effect/platform/Cookies"
import * as HttpApp from "@effect/platform/HttpApp"
import type * as HttpMiddleware from "@effect/platform/HttpMiddleware"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Runtime from "effect/Runtime"
import type * as Scope from "effect/Scope"
import * as Http from "node:http"
import * as Faults from "./faults.js"
import { NodeRequest } from "./nodeRequest.js"

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
 * Streams a web body with backpressure. A body of declared length that comes in one chunk is
 * written with `end`, headers and body in one write.
 */
const writeWebBody = async (
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

/**
 * The headers to write: the response's, its cookies, and `Connection: close` once the server is
 * closing.
 */
const headersOf = (response: HttpServerResponse.HttpServerResponse, closing: boolean): Http.OutgoingHttpHeaders => {
  const headers: Http.OutgoingHttpHeaders = { ...response.headers }
  if (!Cookies.isEmpty(response.cookies)) headers["set-cookie"] = Cookies.toSetCookieHeaders(response.cookies)
  if (closing) headers["connection"] = "close"
  return headers
}

/**
 * Writes the response: an answer in memory (every answer of the sandbox's app) in one write,
 * anything else (a stream, a form, a raw body) through its web form, streamed with backpressure.
 */
const respond = (
  response: HttpServerResponse.HttpServerResponse,
  outgoing: Http.ServerResponse,
  closing: boolean
): Promise<void> | void => {
  const body = response.body
  if (body._tag === "Empty" || body._tag === "Uint8Array") {
    const headers = headersOf(response, closing)
    if (body._tag === "Uint8Array") headers["content-length"] = String(body.body.byteLength)
    outgoing.writeHead(response.status, response.statusText, headers)
    return void (body._tag === "Empty" ? outgoing.end() : outgoing.end(body.body))
  }
  // text as it is (the app's JSON answers): Node writes it in one go with the headers, encoded
  // on the way, where bytes go in a second buffer of the same write
  if (body._tag === "Raw" && typeof body.body === "string") {
    const headers = headersOf(response, closing)
    headers["content-length"] = String(Buffer.byteLength(body.body))
    outgoing.writeHead(response.status, response.statusText, headers)
    return void outgoing.end(body.body)
  }
  const web = HttpServerResponse.toWeb(response)
  const headers: Http.OutgoingHttpHeaders = {}
  web.headers.forEach((value, name) => {
    headers[name] = value
  })
  const cookies = web.headers.getSetCookie()
  if (cookies.length > 0) headers["set-cookie"] = cookies
  if (closing) headers["connection"] = "close"
  outgoing.writeHead(web.status, web.statusText === "" ? undefined : web.statusText, headers)
  if (web.body === null) return void outgoing.end()
  return writeWebBody(web.body, outgoing, headers["content-length"] !== undefined)
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

/** The request's path and query, as the app reads it; undefined when it is not a URL. */
const pathOf = (target: string, origin: string): string | undefined => {
  if (target.startsWith("/")) return target
  try {
    const url = new URL(target, origin)
    return url.pathname + url.search
  } catch {
    return undefined
  }
}

// the tracer of a runtime nobody gave one: its spans go nowhere
const nativeTracer = Effect.runSync(Effect.tracer)

type Write = (request: HttpServerRequest.HttpServerRequest, response: HttpServerResponse.HttpServerResponse) => void

/** The platform's way: a scope, a server span and the middleware around every request. */
const general = (
  runtime: Runtime.Runtime<never>,
  app: HttpApp.Default<unknown, unknown>,
  write: Write,
  middleware: HttpMiddleware.HttpMiddleware | undefined
) => {
  const runFork = Runtime.runFork(runtime)
  const handled = HttpApp.toHandled(app, (request, response) => Effect.sync(() => write(request, response)), middleware)
  return (request: NodeRequest) => {
    runFork(Effect.provideService(handled, HttpServerRequest.HttpServerRequest, request) as Effect.Effect<unknown>)
  }
}

/**
 * With no middleware and no tracer to see a span, one fiber per request runs the app and writes
 * its response: the scope, span and handlers of the platform's way cost a large share of a
 * request the sandbox answers from memory. A failure answers as the platform's would.
 */
const lean = (runtime: Runtime.Runtime<never>, app: HttpApp.Default<unknown, unknown>, write: Write) => {
  const answered = Effect.matchCauseEffect(app as HttpApp.Default<unknown>, {
    onSuccess: (response) =>
      Effect.withFiberRuntime<void>((fiber) => {
        write(Context.unsafeGet(fiber.currentContext, HttpServerRequest.HttpServerRequest), response)
        return Effect.void
      }),
    onFailure: (cause) =>
      Effect.withFiberRuntime<void>((fiber) =>
        Effect.map(
          HttpServerError.causeResponse(cause),
          ([response]) => write(Context.unsafeGet(fiber.currentContext, HttpServerRequest.HttpServerRequest), response)
        )
      )
  })
  return (request: NodeRequest) => {
    const context = Context.add(runtime.context, HttpServerRequest.HttpServerRequest, request)
    Runtime.runFork(Runtime.make({ context, fiberRefs: runtime.fiberRefs, runtimeFlags: runtime.runtimeFlags }))(
      answered
    )
  }
}

/**
 * A Node `http` server listening on `options`, as an `HttpServer`. The server is closed with the
 * scope.
 * @internal
 */
const make = (options: {
  readonly port: number
  readonly host: string
}): Effect.Effect<HttpServer.HttpServer, HttpServerError.ServeError, Scope.Scope> =>
  Effect.gen(function*() {
    // answers a request: the app served, run on its runtime
    let run: ((request: NodeRequest) => void) | undefined
    let closing = false
    let origin = ""
    // connections held by a `stall`, destroyed when the server closes
    const stalled = new Set<Http.ServerResponse>()
    // answers still streaming (server-sent events, which never end by themselves), ended likewise
    const streaming = new Set<Http.ServerResponse>()

    const stall = (outgoing: Http.ServerResponse, maxStallMillis: number) => {
      const timer = setTimeout(() => reset(outgoing), maxStallMillis)
      timer.unref()
      stalled.add(outgoing)
      outgoing.once("close", () => {
        clearTimeout(timer)
        stalled.delete(outgoing)
      })
    }

    const answer = (response: HttpServerResponse.HttpServerResponse, outgoing: Http.ServerResponse) => {
      const fault = Faults.socketFaultOf(response.headers[Faults.MARKER])
      if (fault === undefined) {
        const written = respond(response, outgoing, closing)
        if (written !== undefined) {
          streaming.add(outgoing)
          outgoing.once("close", () => streaming.delete(outgoing))
          written.catch((error: unknown) => outgoing.destroy(error instanceof Error ? error : new Error(String(error))))
        }
        return
      }
      // nothing of the marked response is written
      if (fault.kind === "stall") return stall(outgoing, fault.maxStallMillis)
      reset(outgoing)
    }

    const onRequest = (incoming: Http.IncomingMessage, outgoing: Http.ServerResponse) => {
      if (run === undefined) return plain(outgoing, 503)
      const url = pathOf(incoming.url ?? "/", origin)
      if (url === undefined) return plain(outgoing, 400)
      // no interruption when the client goes away: the handler is short and works in memory
      run(new NodeRequest(incoming, outgoing, url))
    }

    const server = yield* Effect.acquireRelease(
      Effect.sync(() => Http.createServer(onRequest)),
      (server) =>
        Effect.async<void>((resume) => {
          closing = true
          for (const outgoing of stalled) outgoing.destroy()
          for (const outgoing of streaming) outgoing.destroy()
          if (!server.listening) return resume(Effect.void)
          server.close(() => resume(Effect.void))
          server.closeIdleConnections()
        })
    )

    yield* Effect.async<void, HttpServerError.ServeError>((resume) => {
      const onError = (cause: Error) => resume(Effect.fail(new HttpServerError.ServeError({ cause })))
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
          const tracer = yield* Effect.tracer
          const write = (
            request: HttpServerRequest.HttpServerRequest,
            response: HttpServerResponse.HttpServerResponse
          ) => {
            if (request instanceof NodeRequest) {
              try {
                answer(response, request.outgoing)
              } catch (error) {
                request.outgoing.destroy(error instanceof Error ? error : new Error(String(error)))
              }
            }
          }
          const current = middleware === undefined && tracer === nativeTracer
            ? lean(runtime, app, write)
            : general(runtime, app, write, middleware)
          run = current
          yield* Effect.addFinalizer(() =>
            Effect.sync(() => {
              if (run === current) run = undefined
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
}): Layer.Layer<HttpServer.HttpServer, HttpServerError.ServeError> => Layer.scoped(HttpServer.HttpServer, make(options))

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
