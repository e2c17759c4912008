/**
 * A Node request as an `HttpServerRequest`, read straight from the `IncomingMessage`: no web
 * `Request` in between (building one, its headers and its body stream cost a fifth to a third of
 * a request's time under load). Headers are read once, on first use, as a web `Headers` would
 * give them: names in lower case, repeated ones joined with ", ".
 *
 * The body is read only when asked for: as a stream (`stream`, and everything made from it), or
 * whole by the body reader (`body.ts`), which reads the `IncomingMessage` itself. A body nobody
 * read, or read in part, is drained once the answer is written, never destroyed with the socket
 * under the answer.
 */
import * as Cookies from "@effect/platform/Cookies"
import type * as Headers from "@effect/platform/Headers"
import * as IncomingMessage from "@effect/platform/HttpIncomingMessage"
import type { HttpMethod } from "@effect/platform/HttpMethod"
import * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Multipart from "@effect/platform/Multipart"
import type * as Socket from "@effect/platform/Socket"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type * as Http from "node:http"

/** The headers of a Node request as a web `Headers` gives them. */
const headersOf = (incoming: Http.IncomingMessage): Headers.Headers => {
  const headers: Record<string, string> = {}
  const raw = incoming.rawHeaders
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase()
    const value = raw[i + 1]!
    const previous = headers[name]
    headers[name] = previous === undefined ? value : `${previous}, ${value}`
  }
  return headers as Headers.Headers
}

/**
 * The body as a stream, read from the socket only as it is pulled. Stopping early (an error, an
 * interruption) drains the rest.
 */
const streamOf = (incoming: Http.IncomingMessage, onError: (cause: unknown) => HttpServerError.RequestError) =>
  Stream.async<Uint8Array, HttpServerError.RequestError>((emit) => {
    const onData = (chunk: Buffer) => {
      void emit.single(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))
    }
    const onEnd = () => void emit.end()
    // the client went away before the end of the body
    const onClose = () => {
      if (!incoming.complete) void emit.fail(onError(new Error("the request was aborted")))
    }
    const onFailure = (error: Error) => void emit.fail(onError(error))
    incoming.on("data", onData)
    incoming.once("end", onEnd)
    incoming.once("close", onClose)
    incoming.once("error", onFailure)
    return Effect.sync(() => {
      incoming.off("data", onData)
      incoming.off("end", onEnd)
      incoming.off("close", onClose)
      incoming.off("error", onFailure)
      // drained, not destroyed: destroying the request destroys the socket under the answer
      incoming.resume()
    })
  })

const decoder = new TextDecoder()

/**
 * The whole body as UTF-8 text (as a web `Request`'s `text()` decodes it), or `TooLarge` as soon
 * as it passes `maxBytes`: reading stops there and the rest is drained, not kept.
 * @internal
 */
export const readText = (
  incoming: Http.IncomingMessage,
  maxBytes: number
): Effect.Effect<string, "TooLarge" | "Aborted"> =>
  Effect.async<string, "TooLarge" | "Aborted">((resume) => {
    const chunks: Array<Buffer> = []
    let size = 0
    const stop = () => {
      incoming.off("data", onData)
      incoming.off("end", onEnd)
      incoming.off("close", onClose)
      incoming.off("error", onFailure)
      // drained, not destroyed: destroying the request destroys the socket under the answer
      incoming.resume()
    }
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength
      if (size > maxBytes) {
        stop()
        return resume(Effect.fail("TooLarge"))
      }
      chunks.push(chunk)
    }
    const onEnd = () => {
      stop()
      resume(Effect.succeed(decoder.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size))))
    }
    const onFailure = () => {
      stop()
      resume(Effect.fail("Aborted"))
    }
    // the client went away before the end of the body
    const onClose = () => {
      if (!incoming.complete) onFailure()
    }
    // read already (by someone else): nothing more will come
    if (incoming.readableEnded) return resume(Effect.succeed(""))
    incoming.on("data", onData)
    incoming.once("end", onEnd)
    incoming.once("close", onClose)
    incoming.once("error", onFailure)
    return Effect.sync(stop)
  })

/** @internal */
export class NodeRequest extends Inspectable.Class implements HttpServerRequest.HttpServerRequest {
  readonly [HttpServerRequest.TypeId]: HttpServerRequest.TypeId = HttpServerRequest.TypeId
  readonly [IncomingMessage.TypeId]: IncomingMessage.TypeId = IncomingMessage.TypeId
  private headersOverride: Headers.Headers | undefined
  private cachedCookies: Readonly<Record<string, string>> | undefined
  private textEffect: Effect.Effect<string, HttpServerError.RequestError> | undefined

  constructor(
    readonly source: Http.IncomingMessage,
    /** Where the answer goes. */
    readonly outgoing: Http.ServerResponse,
    readonly url: string,
    headers?: Headers.Headers,
    private readonly remoteAddressOverride?: string
  ) {
    super()
    this.headersOverride = headers
  }

  get method(): HttpMethod {
    return (this.source.method ?? "GET").toUpperCase() as HttpMethod
  }

  get originalUrl(): string {
    return this.source.url ?? "/"
  }

  get headers(): Headers.Headers {
    this.headersOverride ??= headersOf(this.source)
    return this.headersOverride
  }

  // as a web request's: unknown over a socket too (the app falls back to loopback's)
  get remoteAddress(): Option.Option<string> {
    return this.remoteAddressOverride === undefined ? Option.none() : Option.some(this.remoteAddressOverride)
  }

  get cookies(): Readonly<Record<string, string>> {
    const cookies = this.cachedCookies ?? Cookies.parseHeader(this.headers["cookie"] ?? "")
    this.cachedCookies = cookies
    return cookies
  }

  private decodeError(cause: unknown): HttpServerError.RequestError {
    return new HttpServerError.RequestError({ request: this, reason: "Decode", cause })
  }

  get stream(): Stream.Stream<Uint8Array, HttpServerError.RequestError> {
    return streamOf(this.source, (cause) => this.decodeError(cause))
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpServerError.RequestError> {
    return Effect.map(Stream.runCollect(this.stream), (chunks) => {
      const all = Buffer.concat([...chunks])
      return all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer
    })
  }

  // the body can be read once: its text is kept for whoever asks again
  get text(): Effect.Effect<string, HttpServerError.RequestError> {
    this.textEffect ??= Effect.runSync(
      Effect.cached(Effect.map(this.arrayBuffer, (bytes) => new TextDecoder().decode(bytes)))
    )
    return this.textEffect
  }

  get json(): Effect.Effect<unknown, HttpServerError.RequestError> {
    return Effect.flatMap(
      this.text,
      (text) => Effect.try({ try: () => JSON.parse(text) as unknown, catch: (cause) => this.decodeError(cause) })
    )
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpServerError.RequestError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => UrlParams.fromInput(new URLSearchParams(text)),
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get multipartStream(): Stream.Stream<Multipart.Part, Multipart.MultipartError> {
    return Stream.pipeThroughChannel(
      Stream.mapError(this.stream, (cause) => new Multipart.MultipartError({ reason: "InternalError", cause })),
      Multipart.makeChannel(this.headers)
    )
  }

  get multipart() {
    return Multipart.toPersisted(this.multipartStream)
  }

  get upgrade(): Effect.Effect<Socket.Socket, HttpServerError.RequestError> {
    return Effect.fail(
      new HttpServerError.RequestError({
        request: this,
        reason: "Decode",
        description: "not an upgradeable request"
      })
    )
  }

  modify(options: {
    readonly url?: string
    readonly headers?: Headers.Headers
    readonly remoteAddress?: string
  }): HttpServerRequest.HttpServerRequest {
    return new NodeRequest(
      this.source,
      this.outgoing,
      options.url ?? this.url,
      options.headers ?? this.headersOverride,
      options.remoteAddress ?? this.remoteAddressOverride
    )
  }

  toJSON(): unknown {
    return IncomingMessage.inspect(this, {
      _id: "@effect/platform/HttpServerRequest",
      method: this.method,
      url: this.originalUrl
    })
  }
}
