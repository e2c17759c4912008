/**
 * What the SDK's two HTTP clients (Node's `http`, and `fetch`) share: answers read whole, and a
 * client shell that hands each request the transport's deadline.
 */
import * as Cookies from "@effect/platform/Cookies"
import type * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberRef from "effect/FiberRef"
import * as Inspectable from "effect/Inspectable"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as HttpLimits from "../HttpLimits.js"
import * as HttpTimeout from "../HttpTimeout.js"

/**
 * What the SDK's two kinds of answer share: everything but how the body is held.
 */
abstract class ResponseBase extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId

  constructor(readonly request: HttpClientRequest.HttpClientRequest, readonly status: number) {
    super()
  }

  abstract readonly headers: Headers.Headers
  abstract readonly text: Effect.Effect<string, HttpClientError.ResponseError>
  abstract readonly arrayBuffer: Effect.Effect<ArrayBuffer, HttpClientError.ResponseError>
  abstract readonly stream: Stream.Stream<Uint8Array, HttpClientError.ResponseError>

  protected decodeError(cause: unknown) {
    return new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })
  }

  get cookies(): Cookies.Cookies {
    const setCookie = this.headers["set-cookie"]
    return Cookies.fromSetCookie(setCookie === undefined ? [] : setCookie.split(/,(?=\s*[^;,=\s]+=)/))
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }

  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => text === "" ? null : JSON.parse(text) as unknown,
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => UrlParams.fromInput(new URLSearchParams(text)),
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return Effect.flatMap(this.arrayBuffer, (buffer) =>
      Effect.tryPromise({
        try: () => new Response(buffer, { headers: this.headers }).formData(),
        catch: (cause) => this.decodeError(cause)
      }))
  }

  toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, {
      _id: "@effect/platform/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}

/**
 * An answer read whole into memory. The API's answers are JSON documents (or CSV/XLSX exports)
 * that the SDK reads whole anyway, so there is no stream to manage per call.
 *
 * @internal
 */
export class BufferedResponse extends ResponseBase {
  constructor(
    request: HttpClientRequest.HttpClientRequest,
    status: number,
    private readonly readHeaders: () => Headers.Headers,
    private readonly body: Uint8Array
  ) {
    super(request, status)
  }

  // built on first use: a successful answer is usually read without its headers
  private cachedHeaders: Headers.Headers | undefined
  get headers(): Headers.Headers {
    return this.cachedHeaders ??= this.readHeaders()
  }

  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return Effect.sync(() => decoder.decode(this.body))
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return Effect.sync(() => ownBuffer(this.body))
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return Stream.succeed(this.body)
  }
}

const decoder = new TextDecoder()

/**
 * The bytes of a view, copied into an `ArrayBuffer` of their own. Never `view.buffer`, nor
 * `Buffer#slice().buffer` (a Node `Buffer`'s `slice` is a view, not a copy): a small `Buffer` is a
 * window on an 8 KiB pool shared by the whole process, so its `.buffer` holds other answers' bytes.
 *
 * @internal
 */
const ownBuffer = (view: Uint8Array): ArrayBuffer =>
  view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength) as ArrayBuffer

/** Chunks joined into one array of `size` bytes (one chunk is returned as it is). @internal */
export const concat = (chunks: Iterable<Uint8Array>, size: number): Uint8Array => {
  const all = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    if (offset === 0 && chunk.byteLength === size) return chunk
    all.set(chunk, offset)
    offset += chunk.byteLength
  }
  return all
}

/**
 * An answer whose body is read from the connection as it is consumed (a streamed export).
 * `close` ends the connection when the body is not read to its end.
 *
 * @internal
 */
export class StreamedResponse extends ResponseBase {
  constructor(
    request: HttpClientRequest.HttpClientRequest,
    status: number,
    readonly headers: Headers.Headers,
    readonly stream: Stream.Stream<Uint8Array, HttpClientError.ResponseError>,
    readonly close: () => void,
    /** What `text`, `json` and `arrayBuffer` read at most (an error answer, say). */
    private readonly limit: number
  ) {
    super(request, status)
  }

  private get bytes(): Effect.Effect<Uint8Array, HttpClientError.ResponseError> {
    // pulled chunk by chunk with toPull (as the Promise client's file streams are): runForEach
    // would bundle Stream's sinks and runners, ~0.7 KB gzipped, for this one loop
    return Effect.scoped(Effect.gen(this, function*() {
      const pull = yield* Stream.toPull(this.stream)
      let size = 0
      const chunks: Array<Uint8Array> = []
      while (true) {
        const next = yield* Effect.either(pull)
        // a failure of None is the end of the stream
        if (Either.isLeft(next)) {
          return yield* Option.match(next.left, {
            onNone: () => Effect.succeed(concat(chunks, size)),
            onSome: Effect.fail
          })
        }
        for (const chunk of next.right) {
          size += chunk.byteLength
          if (size > this.limit) return yield* this.decodeError(new HttpLimits.ResponseTooLargeCause(this.limit))
          chunks.push(chunk)
        }
      }
    }))
  }

  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return Effect.map(this.bytes, (bytes) => decoder.decode(bytes))
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return Effect.map(this.bytes, ownBuffer)
  }
}

/** The ResponseError of a body that failed while streaming. @internal */
export const streamError =
  (request: HttpClientRequest.HttpClientRequest, response: () => HttpClientResponse.HttpClientResponse) =>
  (cause: unknown) => new HttpClientError.ResponseError({ request, response: response(), reason: "Decode", cause })

/**
 * The body of a request as the SDK sends it (JSON and form bodies are bytes by then); `null` for
 * bodies it never sends (streams, multipart).
 *
 * @internal
 */
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
      return null
  }
}

/** @internal */
export const requestError = (
  request: HttpClientRequest.HttpClientRequest,
  reason: "Transport" | "Encode" | "InvalidUrl",
  cause: unknown
) => new HttpClientError.RequestError({ request, reason, cause })

/**
 * Where a request goes: its URL, and a slot where the client keeps what it made of it, so that a
 * target sent to over and over (an operation's URL) is parsed once.
 * @internal
 */
export interface Target {
  readonly url: URL
  prepared: unknown
}

/**
 * A request as the SDK's clients send it, with nothing left to work out: the method, the target
 * (query included), the headers (the body's content type included; the client adds its length)
 * and the body.
 *
 * A class, not an object literal, as every per-call object that points into a call and lives
 * while its request is out: V8 may pretenure a literal's allocation site (allocate its objects
 * in the old generation) when overlapping calls make them look long-lived, and each such object
 * then keeps what it points to alive through every young collection until a full one, the whole
 * call promoted. Objects made by a constructor are never pretenured.
 * @internal
 */
export class Outgoing {
  constructor(
    readonly method: string,
    readonly target: Target,
    readonly headers: Readonly<Record<string, string>>,
    readonly body: string | Uint8Array | undefined
  ) {}
}

/**
 * An exchange in flight, as both clients keep it: it ends once (by its answer, its failure, its
 * deadline or its caller), and its deadline's timer with it.
 * @internal
 */
export class Ending {
  done = false
  timer: ReturnType<typeof setTimeout> | undefined = undefined
  /** Ends the exchange, if it is not over: true when this call ended it. */
  end(): boolean {
    if (this.done) return false
    this.done = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    return true
  }
}

/** A whole answer: its status, its headers (built when asked for) and its body. @internal */
type Answered = (status: number, headers: () => Headers.Headers, body: Uint8Array) => void

/**
 * Sends one request and reads its whole answer (at most `limit` bytes) within `timeoutMs`, then
 * calls `answered`, or `failed` with the cause (a `TimeoutCause`, a `ResponseTooLargeCause`, the
 * connection's error): once, and neither after the returned cancel function is called. Plain
 * callbacks, no Effect: the transport's direct calls run it inside one `Effect.async`.
 * @internal
 */
export type Exchange = (
  outgoing: Outgoing,
  timeoutMs: number | undefined,
  limit: number,
  answered: Answered,
  failed: (cause: unknown) => void
) => () => void

/** Sends one request whose answer is streamed (see `HttpLimits.streamed`), within the deadline for its headers. @internal */
type SendStreamed = (
  request: HttpClientRequest.HttpClientRequest,
  outgoing: Outgoing,
  timeoutMs: number | undefined,
  limit: number
) => Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>

/** Sends one request and reads its answer, given the attempt's deadline, size limit and mode. @internal */
type Send = (
  request: HttpClientRequest.HttpClientRequest,
  deadline: Option.Option<Duration.Duration>,
  maxResponseBytes: number,
  streamed: boolean
) => Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>

/**
 * Carried by the SDK's own clients: their `send`, which the transport calls with the deadline,
 * limit and mode as arguments instead of setting three fiber refs around `execute` per attempt.
 *
 * @internal
 */
const DirectSend: unique symbol = Symbol.for("@smscx/transport/DirectSend")

/** Carried by the SDK's own clients: their `Exchange`, for the transport's direct calls. */
const DirectExchange: unique symbol = Symbol.for("@smscx/transport/DirectExchange")

/** The client's own `send`, when it is one of the SDK's. @internal */
export const directSendOf = (http: HttpClient.HttpClient): Send | undefined =>
  (http as { readonly [DirectSend]?: Send })[DirectSend]

/** The client's own `Exchange`, when it is one of the SDK's. @internal */
export const exchangeOf = (http: HttpClient.HttpClient): Exchange | undefined =>
  (http as { readonly [DirectExchange]?: Exchange })[DirectExchange]

/**
 * The target of the URL last sent to without a query: most calls send to one over and over (a
 * POST's body varies, its URL does not), and the target keeps what the client works out of it.
 * @internal
 */
export interface LastTarget {
  url: string
  target: Target | undefined
}

/** @internal */
export const lastTarget = (): LastTarget => ({ url: "", target: undefined })

/**
 * The request's target: `last`'s when the URL is the same and has no query, else a new one
 * (remembered in `last` when it has no query), or the error of a URL that does not parse.
 * @internal
 */
export const targetOf = (last: LastTarget, request: HttpClientRequest.HttpClientRequest): Target | Error => {
  const target = last.target
  if (
    target !== undefined && last.url === request.url && request.urlParams.length === 0 && request.hash._tag === "None"
  ) {
    return target
  }
  const url = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
  if (url._tag === "Left") return url.left
  const made: Target = { url: url.right, prepared: undefined }
  if (request.urlParams.length === 0 && request.hash._tag === "None") {
    last.url = request.url
    last.target = made
  }
  return made
}

/**
 * The request as an `Outgoing`, or the RequestError that stops it (a URL that does not parse, a
 * body the SDK never sends).
 */
const outgoingOf = (
  last: LastTarget,
  request: HttpClientRequest.HttpClientRequest
): Outgoing | HttpClientError.RequestError => {
  const target = targetOf(last, request)
  if (target instanceof Error) return requestError(request, "InvalidUrl", target)
  const body = bodyOf(request)
  if (body === null) return requestError(request, "Encode", `unsupported body ${request.body._tag}`)
  // the clients copy the headers they are given: a copy of ours only when the body adds its type
  const contentType = body === undefined ? undefined : request.body.contentType
  const headers = contentType === undefined || request.headers["content-type"] !== undefined
    ? request.headers
    // a spread, not Object.assign: a header named `__proto__` (Headers can hold one) would be lost
    : { ...request.headers, "content-type": contentType }
  return new Outgoing(request.method, target, headers, body)
}

const millisOf = (deadline: Option.Option<Duration.Duration>) =>
  deadline._tag === "Some" ? Duration.toMillis(deadline.value) : undefined

/**
 * An `HttpClient` over an `Exchange` (and a way to send requests whose answers are streamed),
 * given the transport's deadline (which it enforces itself). Built on makeWith rather than make:
 * no AbortController, finalization registry or second span per request (the transport spans
 * each operation itself); ~15% of a call on loopback.
 *
 * @internal
 */
export const makeClient = (exchange: Exchange, sendStreamed: SendStreamed): HttpClient.HttpClient => {
  const last = lastTarget()
  const send: Send = (request, deadline, limit, streamed) => {
    const outgoing = outgoingOf(last, request)
    if (outgoing instanceof HttpClientError.RequestError) return Effect.fail(outgoing)
    if (streamed) return sendStreamed(request, outgoing, millisOf(deadline), limit)
    return Effect.async<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>((resume) => {
      const cancel = exchange(
        outgoing,
        millisOf(deadline),
        limit,
        (status, headers, body) => resume(Effect.succeed(new BufferedResponse(request, status, headers, body))),
        (cause) => resume(Effect.fail(requestError(request, "Transport", cause)))
      )
      return Effect.sync(cancel)
    })
  }
  return Object.assign(
    HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
      (request) =>
        Effect.flatMap(request, (request) =>
          Effect.flatMap(
            FiberRef.get(HttpTimeout.current),
            (deadline) =>
              Effect.flatMap(
                FiberRef.get(HttpLimits.maxResponseBytes),
                (limit) =>
                  Effect.flatMap(FiberRef.get(HttpLimits.streamed), (streamed) =>
                    send(request, deadline, limit, streamed))
              )
          )),
      Effect.succeed
    ),
    { [HttpTimeout.NativeTimeout]: true, [DirectSend]: send, [DirectExchange]: exchange }
  )
}
