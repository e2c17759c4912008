/**
 * The models of exported files, streamed or whole, and of the download that streams one: shared by
 * `Operation` (which re-exports each) and the download itself, which an entry of a file export
 * carries.
 */
import type * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import type * as Errors from "../Errors.js"

/**
 * An operation as far as its download reads it: the method for its errors, the content type it
 * declares for an answer that names none.
 * @since 0.3.0
 * @category models
 */
export interface DownloadedOperation {
  readonly method: string
  readonly success: { readonly _tag: "File"; readonly contentType: string } | { readonly _tag: string }
}

/**
 * An exported file, streamed: its body is read from the connection as the stream is consumed,
 * never held whole in memory. The connection closes with the scope the download ran in.
 * @since 0.3.0
 * @category models
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

/**
 * A streamed answer, as the transport's HTTP clients give it (an `HttpClientResponse` of
 * `@effect/platform`, whose body is read as it is consumed; a `close` method ends its connection).
 * @since 0.3.0
 * @category models
 */
export interface StreamedAnswer {
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly request: { readonly url: string }
  readonly stream: Stream.Stream<Uint8Array, { readonly cause?: unknown }>
}

/**
 * The file of a streamed answer: `downloads` holds how to end each file still streaming, so
 * that closing the transport ends them (their streams then fail with reason `Closed`).
 * @since 0.3.0
 * @category models
 */
export type Download = <E>(
  operation: DownloadedOperation,
  answered: Effect.Effect<{ readonly response: StreamedAnswer }, E>,
  downloads: Set<() => void>
) => Effect.Effect<FileStream, E, Scope.Scope>

/**
 * An exported file (CSV or XLSX), read whole.
 * @since 0.1.0
 * @category models
 */
export interface ExportedFile {
  /** As the API sent it, e.g. `application/csv`. */
  readonly contentType: string
  /**
   * The server's suggested name, from `Content-Disposition`: a bare name that is safe to create
   * on Linux, macOS and Windows (no directories, no leading dot, no device name, no character
   * Windows refuses, at most 255 bytes); undefined when absent or when nothing safe is left.
   * Write it into a folder of your own, without overwriting.
   */
  readonly fileName: string | undefined
  readonly bytes: Uint8Array
}
