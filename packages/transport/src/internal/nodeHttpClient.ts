import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import * as Https from "node:https"
import * as HttpLimits from "../HttpLimits.js"
import * as HttpTimeout from "../HttpTimeout.js"
import { bodyOf, BufferedResponse, makeClient, requestError, StreamedResponse, streamError } from "./bufferedClient.js"
import * as RequestTarget from "./requestTarget.js"

/**
 * One request and its answer: what its listeners share. A class, so that a call makes no named
 * closures (under a loader that keeps function names, as tsx does, each costs a defineProperty).
 */
class Exchange {
  done = false
  timer: ReturnType<typeof setTimeout> | undefined = undefined
  nodeRequest!: Http.ClientRequest

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly limit: number,
    readonly resume: (
      effect: Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>
    ) => void
  ) {}

  finish(effect: Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>) {
    if (this.done) return
    this.done = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.resume(effect)
  }

  fail(cause: unknown) {
    this.finish(Effect.fail(requestError(this.request, "Transport", cause)))
  }

  /** Ends the request with `cause`: the deadline passed, or the answer is too large. */
  abandon(cause: unknown) {
    this.fail(cause)
    this.nodeRequest.destroy()
  }

  streamed(response: Http.IncomingMessage) {
    // the deadline covered the wait for the headers; the body is read at the caller's pace
    const request = this.request
    const nodeRequest = this.nodeRequest
    let streamedResponse: StreamedResponse | undefined = undefined
    streamedResponse = new StreamedResponse(
      request,
      response.statusCode ?? 0,
      Headers.fromInput(response.headers as Record<string, string | ReadonlyArray<string> | undefined>),
      Stream.fromAsyncIterable(response as AsyncIterable<Uint8Array>, streamError(request, () => streamedResponse!)),
      () => nodeRequest.destroy(),
      this.limit
    )
    this.finish(Effect.succeed(streamedResponse))
  }

  buffered(response: Http.IncomingMessage) {
    const limit = this.limit
    if (Number(response.headers["content-length"] ?? Number.NaN) > limit) {
      return this.abandon(new HttpLimits.ResponseTooLargeCause(limit))
    }
    const chunks: Array<Buffer> = []
    let size = 0
    response.on("data", (chunk: Buffer) => {
      size += chunk.byteLength
      // stop reading at the limit: a hostile server cannot make the client buffer more
      if (size > limit) return this.abandon(new HttpLimits.ResponseTooLargeCause(limit))
      chunks.push(chunk)
    })
    response.on("error", (cause) => this.fail(cause))
    response.on("end", () =>
      this.finish(Effect.succeed(
        new BufferedResponse(
          this.request,
          response.statusCode ?? 0,
          () => Headers.fromInput(response.headers as Record<string, string | ReadonlyArray<string> | undefined>),
          Buffer.concat(chunks)
        )
      )))
  }
}

const send = (
  agents: Agents,
  request: HttpClientRequest.HttpClientRequest,
  deadline: Option.Option<Duration.Duration>,
  limit: number,
  streamed: boolean
) =>
  Effect.async<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>((resume) => {
    // the URL parsed only when its origin is new or its path needs the parser
    let target: RequestTarget.Target | URL | undefined = RequestTarget.targetOf(agents.origin, request)
    if (target === undefined) {
      const url = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
      if (url._tag === "Left") return resume(Effect.fail(requestError(request, "InvalidUrl", url.left)))
      target = url.right
    }
    const body = bodyOf(request)
    if (body === null) {
      return resume(Effect.fail(requestError(request, "Encode", `unsupported body ${request.body._tag}`)))
    }
    // node copies the headers it is given: a copy of ours only when a body adds to them
    let headers: Record<string, string> = request.headers
    if (body !== undefined) {
      // assigned rather than spread: on Node 20 adding to a spread copy is V8's slow path (~2 us)
      headers = Object.assign({}, request.headers)
      if (request.body.contentType !== undefined) headers["content-type"] ??= request.body.contentType
      headers["content-length"] = String(typeof body === "string" ? Buffer.byteLength(body) : body.byteLength)
    }
    const exchange = new Exchange(request, limit, resume)
    let nodeRequest: Http.ClientRequest
    if (target instanceof URL) {
      const https = target.protocol === "https:"
      nodeRequest = (https ? Https : Http).request(target, {
        method: request.method,
        headers,
        agent: https ? agents.https : agents.http
      })
    } else {
      // spelled out: on Node 20 a spread followed by more properties takes V8's slow path (~2 us)
      const { https, options } = target.origin
      nodeRequest = (https ? Https : Http).request({
        protocol: options.protocol,
        hostname: options.hostname,
        port: options.port,
        path: target.path,
        method: request.method,
        headers,
        agent: https ? agents.https : agents.http
      })
    }
    exchange.nodeRequest = nodeRequest
    // the transport's deadline, enforced here with one timer instead of racing fibers
    if (Option.isSome(deadline)) {
      exchange.timer = setTimeout(
        () => exchange.abandon(new HttpTimeout.TimeoutCause(deadline.value)),
        Duration.toMillis(deadline.value)
      )
    }
    nodeRequest.on("error", (cause) => exchange.fail(cause))
    nodeRequest.on("response", (response) => streamed ? exchange.streamed(response) : exchange.buffered(response))
    nodeRequest.end(body)
    return Effect.sync(() => {
      exchange.done = true
      if (exchange.timer !== undefined) clearTimeout(exchange.timer)
      nodeRequest.destroy()
    })
  })

interface Agents {
  readonly http: Http.Agent
  readonly https: Https.Agent
  /** The origin this client last sent to, parsed. */
  readonly origin: RequestTarget.OriginCache
}

const make = (agents: Agents): HttpClient.HttpClient =>
  makeClient((request, deadline, limit, streamed) => send(agents, request, deadline, limit, streamed))

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
        Effect.sync(() => ({
          http: given.httpAgent ?? new Http.Agent({ keepAlive: true }),
          https: given.httpsAgent ?? new Https.Agent({ keepAlive: true }),
          origin: { last: undefined }
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
