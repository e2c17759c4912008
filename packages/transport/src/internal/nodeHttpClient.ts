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
import { urlToHttpOptions } from "node:url"
import * as HttpLimits from "../HttpLimits.js"
import * as HttpTimeout from "../HttpTimeout.js"
import { bodyOf, BufferedResponse, makeClient, requestError, StreamedResponse, streamError } from "./bufferedClient.js"

const send = (
  agents: Agents,
  request: HttpClientRequest.HttpClientRequest,
  deadline: Option.Option<Duration.Duration>,
  limit: number,
  streamed: boolean
) =>
  Effect.async<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>((resume) => {
    // the URL parsed once for as long as the client sends to the same one (without a query)
    let target = agents.last
    if (
      target === undefined || target.url !== request.url || request.urlParams.length > 0 || request.hash._tag === "Some"
    ) {
      const url = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
      if (url._tag === "Left") return resume(Effect.fail(requestError(request, "InvalidUrl", url.left)))
      target = { url: request.url, https: url.right.protocol === "https:", options: urlToHttpOptions(url.right) }
      if (request.urlParams.length === 0 && request.hash._tag === "None") agents.last = target
    }
    const body = bodyOf(request)
    if (body === null) {
      return resume(Effect.fail(requestError(request, "Encode", `unsupported body ${request.body._tag}`)))
    }
    // node copies the headers it is given: a copy of ours only when a body adds to them
    let headers: Record<string, string> = request.headers
    if (body !== undefined) {
      // a spread, not Object.assign: a header named `__proto__` (Headers can hold one) would be lost
      headers = { ...request.headers }
      if (request.body.contentType !== undefined) headers["content-type"] ??= request.body.contentType
      headers["content-length"] = String(typeof body === "string" ? Buffer.byteLength(body) : body.byteLength)
    }
    // what Node would make of the URL and these options, spelled out: on Node 20 a spread
    // followed by more properties (as Node's own for a URL) takes V8's slow path (~2 us)
    const { auth, hostname, path, port, protocol } = target.options
    const nodeRequest = (target.https ? Https : Http).request({
      protocol,
      hostname,
      port,
      path,
      auth,
      method: request.method,
      headers,
      agent: target.https ? agents.https : agents.http
    })
    let done = false
    const finish = (effect: Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>) => {
      if (done) return
      done = true
      if (timer !== undefined) clearTimeout(timer)
      resume(effect)
    }
    const fail = (cause: unknown) => finish(Effect.fail(requestError(request, "Transport", cause)))
    // the transport's deadline, enforced here with one timer instead of racing fibers
    const timer = Option.isSome(deadline)
      ? setTimeout(() => {
        fail(new HttpTimeout.TimeoutCause(deadline.value))
        nodeRequest.destroy()
      }, Duration.toMillis(deadline.value))
      : undefined
    nodeRequest.on("error", fail)
    nodeRequest.on("response", (response) => {
      if (streamed) {
        // the deadline covered the wait for the headers; the body is read at the caller's pace
        let streamedResponse: StreamedResponse | undefined = undefined
        const onError = streamError(request, () => streamedResponse!)
        streamedResponse = new StreamedResponse(
          request,
          response.statusCode ?? 0,
          Headers.fromInput(response.headers as Record<string, string | ReadonlyArray<string> | undefined>),
          Stream.fromAsyncIterable(response as AsyncIterable<Uint8Array>, onError),
          () => nodeRequest.destroy(),
          limit
        )
        return finish(Effect.succeed(streamedResponse))
      }
      const chunks: Array<Buffer> = []
      let size = 0
      const tooLarge = () => {
        fail(new HttpLimits.ResponseTooLargeCause(limit))
        nodeRequest.destroy()
      }
      if (Number(response.headers["content-length"] ?? Number.NaN) > limit) return tooLarge()
      response.on("data", (chunk: Buffer) => {
        size += chunk.byteLength
        // stop reading at the limit: a hostile server cannot make the client buffer more
        if (size > limit) return tooLarge()
        chunks.push(chunk)
      })
      response.on("error", fail)
      response.on("end", () =>
        finish(Effect.succeed(
          new BufferedResponse(
            request,
            response.statusCode ?? 0,
            () => Headers.fromInput(response.headers as Record<string, string | ReadonlyArray<string> | undefined>),
            Buffer.concat(chunks)
          )
        )))
    })
    nodeRequest.end(body)
    return Effect.sync(() => {
      done = true
      if (timer !== undefined) clearTimeout(timer)
      nodeRequest.destroy()
    })
  })

/** Where a request goes, as Node's `http.request` takes it. */
interface Target {
  readonly url: string
  readonly https: boolean
  readonly options: ReturnType<typeof urlToHttpOptions>
}

interface Agents {
  readonly http: Http.Agent
  readonly https: Https.Agent
  /** The URL the client last sent to, parsed: most send to one over and over (the balance, sendSms). */
  last: Target | undefined
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
          last: undefined
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
