/**
 * Request bodies, read with a size limit: a declared `Content-Length` over it is refused before
 * a byte is read, and a streamed body (chunked, or longer than declared) is read only until it
 * passes the limit, so no body sits whole in memory past it. `HttpServerRequest.text` has no
 * limit (a web `Request`'s `text()`). Over a socket the request is Node's (`nodeRequest.ts`),
 * read straight from the socket; past the limit the rest is drained, the socket left open for
 * the 413.
 */
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { type ApiFailure, failure, Generic } from "./errors.js"
import { NodeRequest, readText } from "./nodeRequest.js"

/**
 * The default limit, 16 MiB. The largest legitimate request, a send to 25,000 recipients
 * (about 20 bytes each as JSON) with a 1530-character text (6 bytes a character at worst, as
 * `\uXXXX`) and every option, is well under 1 MB; 16 MiB leaves room for pretty-printed or
 * padded bodies and stays far from memory trouble.
 * @internal
 */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024

const bytesOf = (request: HttpServerRequest.HttpServerRequest): Stream.Stream<Uint8Array, ApiFailure> => {
  const source = request.source
  // a web Request (of any realm) without a body: the platform's stream fails on it
  if (typeof source === "object" && source !== null && "body" in source && source.body === null) return Stream.empty
  return Stream.mapError(request.stream, () => failure(Generic.invalidBody))
}

const decoder = new TextDecoder()

const concat = (chunks: ReadonlyArray<Uint8Array>, size: number): Uint8Array => {
  const all = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    all.set(chunk, offset)
    offset += chunk.length
  }
  return all
}

/**
 * The body as UTF-8 text, or 413 past `maxBytes`. The 413 closes the connection: the rest of
 * the body is not read.
 * @internal
 */
export const text = (
  request: HttpServerRequest.HttpServerRequest,
  maxBytes: number
): Effect.Effect<string, ApiFailure> =>
  Effect.suspend(() => {
    const tooLarge = () => failure(Generic.payloadTooLarge(maxBytes), { headers: { Connection: "close" } })
    const declared = Number(request.headers["content-length"] ?? "0")
    if (declared > maxBytes) return Effect.fail(tooLarge())
    if (request instanceof NodeRequest) {
      return Effect.mapError(
        readText(request.source, maxBytes),
        (reason) => reason === "TooLarge" ? tooLarge() : failure(Generic.invalidBody)
      )
    }
    const chunks: Array<Uint8Array> = []
    let size = 0
    return bytesOf(request).pipe(
      Stream.runForEach((chunk) => {
        size += chunk.length
        if (size > maxBytes) return Effect.fail(tooLarge())
        chunks.push(chunk)
        return Effect.void
      }),
      Effect.map(() => decoder.decode(concat(chunks, size)))
    )
  })
