import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import * as Https from "node:https"
import { urlToHttpOptions } from "node:url"
import * as HttpLimits from "../HttpLimits.js"
import * as HttpTimeout from "../HttpTimeout.js"
import type { Exchange, Outgoing } from "./bufferedClient.js"
import { Ending, makeClient, requestError, StreamedResponse, streamError } from "./bufferedClient.js"

/** What Node's `http.request` needs of a target, worked out once per target. */
interface Prepared {
  readonly https: boolean
  readonly options: ReturnType<typeof urlToHttpOptions>
  /** The `Host` header Node would send: the port only when it is not the scheme's. */
  readonly host: string
  /** The `Authorization` header Node would send for credentials in the URL. */
  readonly basic: string | undefined
}

const prepare = (url: URL): Prepared => {
  const options = urlToHttpOptions(url)
  return {
    https: url.protocol === "https:",
    options,
    host: url.host,
    basic: typeof options.auth === "string" ? `Basic ${Buffer.from(options.auth).toString("base64")}` : undefined
  }
}

/** Methods Node sends without a body unless given one; the others get `Content-Length: 0`. */
const BODILESS: ReadonlySet<string> = new Set(["GET", "HEAD", "DELETE", "OPTIONS", "TRACE", "CONNECT"])

/**
 * Starts one request: Node's `ClientRequest`, its headers given as a flat array, so that Node
 * stores them as they are (still checked) rather than by a `setHeader` each. It then adds none of
 * its own, so the array holds what it would have added from options: `Host`, `Authorization`
 * for credentials in the URL, the body's length. Whatever Node throws (a header it refuses)
 * escapes to the caller.
 */
const open = (agents: Agents, outgoing: Outgoing) => {
  const prepared = (outgoing.target.prepared ??= prepare(outgoing.target.url)) as Prepared
  const { body, headers, method } = outgoing
  const raw: Array<string> = headers.host === undefined ? ["host", prepared.host] : []
  // a body's length is the one it has, whatever a header said
  for (const name in headers) if (body === undefined || name !== "content-length") raw.push(name, headers[name]!)
  if (prepared.basic !== undefined && headers.authorization === undefined) raw.push("authorization", prepared.basic)
  if (body !== undefined) {
    raw.push("content-length", String(typeof body === "string" ? Buffer.byteLength(body) : body.byteLength))
  } else if (!BODILESS.has(method) && headers["content-length"] === undefined) {
    raw.push("content-length", "0")
  }
  // what Node would make of the URL and these options, spelled out: on Node 20 a spread
  // followed by more properties (as Node's own for a URL) takes V8's slow path (~2 us)
  const { hostname, path, port, protocol } = prepared.options
  return (prepared.https ? Https : Http).request({
    protocol,
    hostname,
    port,
    path,
    method,
    headers: raw,
    agent: prepared.https ? agents.https : agents.http
  })
}

/**
 * An exchange in flight: it ends once, by `fail` or `finish`, and its timer with it. A class,
 * not closures: no function is named per request in the test and benchmark runs (tsx).
 */
class Pending extends Ending {
  constructor(readonly request: Http.ClientRequest, readonly failed: (cause: unknown) => void) {
    super()
  }
  fail(cause: unknown) {
    if (!this.end()) return
    this.failed(cause)
    this.request.destroy()
  }
  cancel() {
    if (this.end()) this.request.destroy()
  }
}

/**
 * One request, its answer read whole (stopping at the limit: a hostile server cannot make the
 * client buffer more), the deadline enforced with one timer instead of racing fibers.
 */
const exchange = (agents: Agents): Exchange => (outgoing, timeoutMs, limit, answered, failed) => {
  const pending = new Pending(open(agents, outgoing), failed)
  if (timeoutMs !== undefined) {
    pending.timer = setTimeout(() => pending.fail(new HttpTimeout.TimeoutCause(Duration.millis(timeoutMs))), timeoutMs)
  }
  pending.request.on("error", (cause) => pending.fail(cause))
  pending.request.on("response", (response) => {
    if (Number(response.headers["content-length"] ?? Number.NaN) > limit) {
      return pending.fail(new HttpLimits.ResponseTooLargeCause(limit))
    }
    // most answers come in one chunk: an array and a copy only for more
    let first: Buffer | undefined
    let chunks: Array<Buffer> | undefined
    let size = 0
    response.on("data", (chunk: Buffer) => {
      size += chunk.byteLength
      if (size > limit) return pending.fail(new HttpLimits.ResponseTooLargeCause(limit))
      if (first === undefined) first = chunk
      else (chunks ??= [first]).push(chunk)
    })
    response.on("error", (cause) => pending.fail(cause))
    response.on("end", () => {
      if (!pending.end()) return
      answered(
        response.statusCode ?? 0,
        () => Headers.fromInput(response.headers as Record<string, string | ReadonlyArray<string> | undefined>),
        chunks !== undefined ? Buffer.concat(chunks, size) : first ?? new Uint8Array(0)
      )
    })
  })
  pending.request.end(outgoing.body)
  return () => pending.cancel()
}

/**
 * A streamed answer's body as what `Stream.fromReadableStream` reads: a reader over the
 * response's async iterator, pulled and ended (`return`, which ends the connection) as
 * `Stream.fromAsyncIterable` would. Not `fromAsyncIterable` itself: `fromReadableStream` is in
 * every bundle already (the platform's own answers use it), the other adds ~0.08 KB gzipped.
 * Not `Readable.toWeb`: on Node 20 its queue counts chunks against a byte limit, so a slow
 * reader would buffer a whole export.
 */
const readableOf = (response: Http.IncomingMessage): ReadableStream<Uint8Array> => {
  const getReader = () => {
    const iterator: AsyncIterator<Uint8Array> = response[Symbol.asyncIterator]()
    return { read: () => iterator.next(), cancel: () => Promise.resolve(iterator.return?.()) }
  }
  return { getReader } as unknown as ReadableStream<Uint8Array>
}

/** A request whose answer is streamed: the deadline covers the wait for its headers; the body is read at the caller's pace. */
const sendStreamed = (
  agents: Agents,
  request: HttpClientRequest.HttpClientRequest,
  outgoing: Outgoing,
  timeoutMs: number | undefined,
  limit: number
) =>
  Effect.async<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>((resume) => {
    const nodeRequest = open(agents, outgoing)
    let done = false
    const finish = (effect: Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>) => {
      if (done) return
      done = true
      if (timer !== undefined) clearTimeout(timer)
      resume(effect)
    }
    const fail = (cause: unknown) => finish(Effect.fail(requestError(request, "Transport", cause)))
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
      fail(new HttpTimeout.TimeoutCause(Duration.millis(timeoutMs)))
      nodeRequest.destroy()
    }, timeoutMs)
    nodeRequest.on("error", fail)
    nodeRequest.on("response", (response) => {
      let streamedResponse: StreamedResponse | undefined = undefined
      const onError = streamError(request, () => streamedResponse!)
      streamedResponse = new StreamedResponse(
        request,
        response.statusCode ?? 0,
        Headers.fromInput(response.headers as Record<string, string | ReadonlyArray<string> | undefined>),
        Stream.fromReadableStream(() => readableOf(response), onError),
        () => nodeRequest.destroy(),
        limit
      )
      finish(Effect.succeed(streamedResponse))
    })
    nodeRequest.end(outgoing.body)
    return Effect.sync(() => {
      done = true
      if (timer !== undefined) clearTimeout(timer)
      nodeRequest.destroy()
    })
  })

interface Agents {
  readonly http: Http.Agent
  readonly https: Https.Agent
}

const make = (agents: Agents): HttpClient.HttpClient =>
  makeClient(
    exchange(agents),
    (request, outgoing, timeoutMs, limit) => sendStreamed(agents, request, outgoing, timeoutMs, limit)
  )

/**
 * Node's own `http` module with keep-alive agents: on Node it costs less than half of what
 * `fetch` does per call and reuses connections to the API. Agents it makes are destroyed with the
 * layer; agents given to it (a proxy agent, say) stay the caller's.
 *
 * @internal
 */
export const layerWith = (given: { readonly httpAgent?: Http.Agent; readonly httpsAgent?: Https.Agent }) =>
  Layer.scoped(
    HttpClient.HttpClient,
    Effect.map(
      Effect.acquireRelease(
        Effect.sync((): Agents => ({
          http: given.httpAgent ?? new Http.Agent({ keepAlive: true }),
          https: given.httpsAgent ?? new Https.Agent({ keepAlive: true })
        })),
        (agents) =>
          Effect.sync(() => {
            if (given.httpAgent === undefined) agents.http.destroy()
            if (given.httpsAgent === undefined) agents.https.destroy()
          })
      ),
      make
    )
  )

/** @internal */
export const layer: Layer.Layer<HttpClient.HttpClient> = layerWith({})
