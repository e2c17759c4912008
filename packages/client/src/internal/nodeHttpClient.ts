import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import { HttpTimeout } from "@smscx/transport"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import * as Https from "node:https"

/**
 * An answer read whole into memory. The API's answers are JSON documents (or CSV/XLSX exports)
 * that the SDK reads whole anyway, so there is no stream to manage, and no web `Response` or
 * Node stream adapter to build per call.
 */
class BufferedResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly status: number,
    private readonly rawHeaders: Http.IncomingHttpHeaders,
    private readonly body: Buffer
  ) {
    super()
  }

  // built on first use: a successful answer is usually read without its headers
  private cachedHeaders: Headers.Headers | undefined
  get headers(): Headers.Headers {
    return this.cachedHeaders ??= Headers.fromInput(
      this.rawHeaders as Record<string, string | ReadonlyArray<string> | undefined>
    )
  }

  private decodeError(cause: unknown) {
    return new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })
  }

  get cookies(): Cookies.Cookies {
    const setCookie = this.headers["set-cookie"]
    return Cookies.fromSetCookie(setCookie === undefined ? [] : setCookie.split(/,(?=\s*[^;,=\s]+=)/))
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }

  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return Effect.sync(() => this.body.toString("utf8"))
  }

  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.try({
      try: () => {
        const text = this.body.toString("utf8")
        return text === "" ? null : JSON.parse(text) as unknown
      },
      catch: (cause) => this.decodeError(cause)
    })
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return Effect.sync(() => new Uint8Array(this.body).buffer)
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.try({
      try: () => UrlParams.fromInput(new URLSearchParams(this.body.toString("utf8"))),
      catch: (cause) => this.decodeError(cause)
    })
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return Effect.tryPromise({
      try: () => new Response(new Uint8Array(this.body), { headers: this.headers }).formData(),
      catch: (cause) => this.decodeError(cause)
    })
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return Stream.succeed(new Uint8Array(this.body))
  }

  toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, {
      _id: "@effect/platform/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}

const bodyOf = (request: HttpClientRequest.HttpClientRequest): Uint8Array | string | undefined | null => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return undefined
    case "Uint8Array":
      return body.body
    case "Raw":
      return typeof body.body === "string" || body.body instanceof Uint8Array ? body.body : null
    default:
      // the SDK sends JSON and form bodies only; streams and multipart are not its business
      return null
  }
}

const requestError = (request: HttpClientRequest.HttpClientRequest, reason: "Transport" | "Encode" | "InvalidUrl", cause: unknown) =>
  new HttpClientError.RequestError({ request, reason, cause })

const send = (
  agents: Agents,
  request: HttpClientRequest.HttpClientRequest,
  deadline: Option.Option<Duration.Duration>
) =>
  Effect.async<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>((resume) => {
    const url = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
    if (url._tag === "Left") return resume(Effect.fail(requestError(request, "InvalidUrl", url.left)))
    const body = bodyOf(request)
    if (body === null) return resume(Effect.fail(requestError(request, "Encode", `unsupported body ${request.body._tag}`)))
    const headers: Record<string, string> = { ...request.headers }
    if (body !== undefined) {
      if (request.body.contentType !== undefined) headers["content-type"] ??= request.body.contentType
      headers["content-length"] = String(typeof body === "string" ? Buffer.byteLength(body) : body.byteLength)
    }
    const https = url.right.protocol === "https:"
    const nodeRequest = (https ? Https : Http).request(url.right, {
      method: request.method,
      headers,
      agent: https ? agents.https : agents.http
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
      const chunks: Array<Buffer> = []
      response.on("data", (chunk: Buffer) => chunks.push(chunk))
      response.on("error", fail)
      response.on("end", () =>
        finish(Effect.succeed(
          new BufferedResponse(request, response.statusCode ?? 0, response.headers, Buffer.concat(chunks))
        )))
    })
    nodeRequest.end(body)
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

// Built on makeWith rather than make: no AbortController, finalization registry or second span
// per request (the transport spans each operation itself); ~15% of a call on loopback.
const make = (agents: Agents): HttpClient.HttpClient =>
  Object.assign(
    HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
      (request) =>
        Effect.flatMap(request, (request) =>
          Effect.flatMap(FiberRef.get(HttpTimeout.current), (deadline) => send(agents, request, deadline))),
      Effect.succeed
    ),
    { [HttpTimeout.NativeTimeout]: true }
  )

/**
 * Node's own `http` module with keep-alive agents: on Node it costs less than half of what
 * `fetch` does per call and reuses connections to the API. The agents are destroyed with the layer.
 *
 * @internal
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = Layer.scoped(
  HttpClient.HttpClient,
  Effect.map(
    Effect.acquireRelease(
      Effect.sync(() => ({ http: new Http.Agent({ keepAlive: true }), https: new Https.Agent({ keepAlive: true }) })),
      (agents) => Effect.sync(() => {
        agents.http.destroy()
        agents.https.destroy()
      })
    ),
    make
  )
)
