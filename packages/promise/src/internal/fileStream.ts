/**
 * A file export's Effect download as the Promise client's `FileStream`: its body a web
 * `ReadableStream` pulled chunk by chunk from the connection as the reader asks.
 */
import type * as Operation from "@smscx/core/Operation"
import type * as Transport from "@smscx/transport/Transport"
import * as Cause from "effect/Cause"
import type * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { type Calls, closed } from "./calls.js"
import type { FileStream } from "./models.js"

/**
 * The next chunk of a pulled stream, or undefined at its end (a pull fails with None there).
 * @internal
 */
export const nextChunk = <A, E>(pull: Effect.Effect<Chunk.Chunk<A>, Option.Option<E>>) =>
  Effect.catchAll(pull, (end) => Option.isNone(end) ? Effect.succeed(undefined) : Effect.fail(end.value))

/**
 * Runs the download as one of the client's calls and hands back its file. The connection lives in
 * a scope of its own, closed when the body ends, is cancelled, or is stopped: the client closes
 * (the body errors with a `TransportError`, reason `Closed`), the call's signal aborts (it errors
 * with the signal's reason). A stopped body errors, never ends as if the file were whole.
 * @internal
 */
export const fileStreamOf = async (
  calls: Calls,
  operation: Operation.Any,
  download: Effect.Effect<Transport.FileStream, unknown, Scope.Scope>,
  signal: AbortSignal | undefined
): Promise<FileStream> => {
  const scope = Effect.runSync(Scope.make())
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined
  /** Why the body was stopped from outside: it errors with it, never ends as if whole. */
  let stopped: { readonly reason: unknown } | undefined
  // read through a function: TypeScript keeps the narrowing from before an await
  const stoppedNow = () => stopped
  const onAbort = () => void stop(signal!.reason)
  const release = () => {
    forgetOnClose()
    signal?.removeEventListener("abort", onAbort)
    return Scope.close(scope, Exit.void)
  }
  const stop = (reason: unknown): Promise<void> => {
    if (stopped === undefined) {
      stopped = { reason }
      try {
        controller?.error(reason)
      } catch {
        // already closed or errored: nothing more to tell the reader
      }
    }
    return Effect.runPromise(release())
  }
  const forgetOnClose = calls.stopOnClose(() =>
    stop(closed(operation, "the client was closed while the file was arriving: the file is incomplete"))
  )
  try {
    const file = await calls.run(operation, Scope.extend(download, scope), signal)
    const pull = nextChunk(await Effect.runPromise(Scope.extend(Stream.toPull(file.stream), scope)))
    const body = new ReadableStream<Uint8Array>({
      start: (c) => {
        controller = c
      },
      pull: async (controller) => {
        if (stopped !== undefined) return controller.error(stopped.reason)
        const exit = await Effect.runPromiseExit(pull)
        // stopped while this read waited: what it gives is not the file's end
        const stoppedMeanwhile = stoppedNow()
        if (stoppedMeanwhile !== undefined) return controller.error(stoppedMeanwhile.reason)
        if (Exit.isSuccess(exit) && exit.value !== undefined) {
          for (const bytes of exit.value) controller.enqueue(bytes)
          return
        }
        await Effect.runPromise(release())
        if (Exit.isSuccess(exit)) controller.close()
        else controller.error(Cause.squash(exit.cause))
      },
      cancel: () => Effect.runPromise(release())
    })
    // as fetch does: aborting the signal after the answer came errors its body
    if (signal !== undefined) {
      if (signal.aborted) await stop(signal.reason)
      else signal.addEventListener("abort", onAbort, { once: true })
    }
    return { contentType: file.contentType, fileName: file.fileName, contentLength: file.contentLength, body }
  } catch (error) {
    await Effect.runPromise(release())
    throw error
  }
}
