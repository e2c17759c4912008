/**
 * A file export streamed from the connection: the answer's headers are in, its body is read as
 * the stream is consumed. The stream fails rather than end short of the file. Carried by the
 * file operations' entries (`Operation.fileResponse`): programs without any do not bundle it.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Errors from "../Errors.js"
import * as Issues from "../ParseIssues.js"
import { fileNameOf } from "./contentDisposition.js"
import type { DownloadedOperation, FileStream, StreamedAnswer } from "./files.js"

/**
 * The file of a streamed answer. `downloads` holds how to end each file still streaming:
 * closing the transport ends them, and their streams fail with reason Closed rather than end as
 * if the file were whole.
 * @internal
 */
export const download = <E>(
  operation: DownloadedOperation,
  answered: Effect.Effect<{ readonly response: StreamedAnswer }, E>,
  downloads: Set<() => void>
): Effect.Effect<FileStream, E, Scope.Scope> =>
  Effect.gen(function*() {
    /** Set once the download is ended from outside: its scope, or the transport's, closed. */
    let ended = false
    const { response } = yield* Effect.acquireRelease(answered, ({ response }) =>
      Effect.sync(() => endDownload(response)))
    function endDownload(r: StreamedAnswer) {
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
      contentType: headers["content-type"] ?? declaredType(operation),
      fileName: fileNameOf(headers["content-disposition"]),
      contentLength: declared,
      stream: response.stream.pipe(
        // ended from outside, it stops at once: chunks the client had already taken in (fetch
        // may hold the rest of a file) would otherwise still come, and the file end as if whole
        Stream.takeWhile(() => !ended),
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

/** The content type the operation documents, for an answer without one. */
const declaredType = (operation: DownloadedOperation) =>
  "contentType" in operation.success && typeof operation.success.contentType === "string"
    ? operation.success.contentType
    : "application/octet-stream"
