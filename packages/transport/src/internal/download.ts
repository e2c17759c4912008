/**
 * A file export streamed from the connection: the answer's headers are in, its body is read as
 * the stream is consumed. The stream fails rather than end short of the file.
 */
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Errors from "@smscx/core/Errors"
import type * as Operation from "@smscx/core/Operation"
import * as Issues from "@smscx/core/ParseIssues"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"

/**
 * An exported file, streamed: its body is read from the connection as the stream is consumed,
 * never held whole in memory. The connection closes with the scope the download ran in.
 * @internal
 */
export interface FileStream {
  /** As the API sent it, e.g. `application/csv`. */
  readonly contentType: string
  /**
   * The server's suggested name, from `Content-Disposition`: a bare name that is safe to create
   * on Linux, macOS and Windows (no directories, no leading dot, no device name, no character
   * Windows refuses, at most 255 bytes); undefined when absent or when nothing safe is left.
   * Write it into a folder of your own, without overwriting.
   */
  readonly fileName: string | undefined
  /** `Content-Length`, when the API declares it. */
  readonly contentLength: number | undefined
  /**
   * Fails rather than end short of the file: reason `Closed` when the transport (its layer's
   * scope) or the download's scope closed while it arrived, `Transport` when the body ends
   * before its `Content-Length`.
   */
  readonly stream: Stream.Stream<Uint8Array, Errors.TransportError>
}

/** @internal */
export const notAFile = (operation: Operation.Any) =>
  new Errors.RequestValidationError({
    operation: operation.id,
    message: `${operation.id} does not answer a file`,
    issues: []
  })

/**
 * The file of a streamed answer (`file`: what the operation documents: the content type, for an
 * answer without one, and how to read the file name). `downloads` holds how to end each file still streaming:
 * closing the transport ends them, and their streams fail with reason Closed rather than end as
 * if the file were whole.
 * @internal
 */
export const stream = <E>(
  operation: Operation.Any,
  file: Extract<Operation.Success, { readonly _tag: "File" }>,
  answered: Effect.Effect<{ readonly response: HttpClientResponse.HttpClientResponse }, E>,
  downloads: Set<() => void>
): Effect.Effect<FileStream, E, Scope.Scope> =>
  Effect.gen(function*() {
    /** Set once the download is ended from outside: its scope, or the transport's, closed. */
    let ended = false
    const { response } = yield* Effect.acquireRelease(answered, ({ response }) =>
      Effect.sync(() => endDownload(response)))
    function endDownload(r: HttpClientResponse.HttpClientResponse) {
      ended = true
      downloads.delete(end)
      // a body left unread keeps its connection: end it with the scope
      if ("close" in r && typeof r.close === "function") {
        r.close()
      }
    }
    const end = () =>
      endDownload(response)
    downloads.add(end)
    const headers = response.headers
    const length = Number(headers["content-length"])
    const declared = Number.isSafeInteger(length) && length >= 0 ? length : undefined
    const url = response.request.url
    let received = 0
    const failed = (reason: "Transport" | "Closed", why: string, cause?: unknown) =>
      new Errors.TransportError({
        reason,
        method: operation.method,
        url,
        message: `${operation.method} ${url}: ${why} (${received}${
          declared === undefined ? "" : ` of ${declared}`
        } bytes)`,
        ...(cause === undefined ? {} : { cause })
      })
    const closedEarly = () => failed("Closed", "the client was closed while the file was arriving")
    return {
      contentType: headers["content-type"] ?? file.contentType,
      fileName: file.fileNameOf(headers["content-disposition"]),
      contentLength: declared,
      stream: response.stream.pipe(
        Stream.map((chunk) => {
          received += chunk.byteLength
          return chunk
        }),
        Stream.mapError((error) =>
          ended && received !== declared
            ? closedEarly()
            : failed("Transport", `the file stopped arriving: ${Issues.thrown(error.cause)}`, error)
        ),
        // an end that is not the file's: closed from outside, or short of its Content-Length
        Stream.concat(Stream.suspend(() =>
          declared !== undefined && received === declared
            ? Stream.empty
            : ended
            ? Stream.fail(closedEarly())
            : declared !== undefined && received < declared
            ? Stream.fail(failed("Transport", "the file ended before its Content-Length"))
            : Stream.empty
        ))
      )
    }
  })
