/**
 * Bulk job checkpoints in local files, one a job (`<directory>/<jobId>.jsonl`): one process
 * works on a job at a time. Each entry is a line appended and flushed to the disk (`fdatasync`)
 * before the job goes on, so a `kill -9` (or a power cut, as far as the disk keeps its word) loses
 * nothing that was written. A line cut short by a crash while it was being written (the file's
 * last, without its newline) was never acknowledged, so it is dropped; anything else that is
 * not a job's record is refused (`BulkJobError`, reason `Corrupt`), never silently restarted.
 *
 * Node.js only (`node:fs`).
 *
 * @example
 * ```ts
 * const JobsLive = BulkJob.layer.pipe(Layer.provide(BulkJobFile.layer({ directory: "./jobs" })))
 * // Promise: client.bulk.job("spring-sale", { store: BulkJobFile.store({ directory: "./jobs" }) })
 * ```
 *
 * @since 0.4.0
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { BulkJobError, BulkJobStore, type Service } from "./BulkJobStore.js"
import { isJobId } from "./internal/bulk/jobIds.js"

/**
 * @since 0.4.0
 * @category models
 */
export interface Options {
  /** The directory the jobs' files are kept in (created if missing). */
  readonly directory: string
}

const storeError = (jobId: string, what: string, cause: unknown) =>
  new BulkJobError({
    reason: "Store",
    jobId,
    message: `bulk job ${jobId}: ${what}: ${cause instanceof Error ? cause.message : String(cause)}`,
    cause
  })

/** The complete lines of `text`, and the length of the text they take (a torn last line left out). */
const linesOf = (text: string): { readonly lines: ReadonlyArray<string>; readonly complete: number } => {
  const end = text.lastIndexOf("\n") + 1
  return { lines: text.slice(0, end).split("\n").slice(0, -1), complete: Buffer.byteLength(text.slice(0, end)) }
}

/**
 * The store, as a plain value (for the Promise client's `client.bulk.job(jobId, { store })`).
 * @since 0.4.0
 * @category constructors
 */
export const store = (options: Options): Service => {
  const fileOf = (jobId: string) =>
    isJobId(jobId)
      ? Effect.succeed(Path.join(options.directory, `${jobId}.jsonl`))
      : Effect.fail(
        new BulkJobError({ reason: "InvalidJob", jobId: String(jobId).slice(0, 140), message: "not a job id" })
      )
  return BulkJobStore.of({
    open: (jobId, header) =>
      Effect.gen(function*() {
        const file = yield* fileOf(jobId)
        const handle = yield* Effect.acquireRelease(
          Effect.tryPromise({
            try: async () => {
              await Fs.mkdir(options.directory, { recursive: true })
              return Fs.open(file, "a+")
            },
            catch: (cause) => storeError(jobId, `cannot open ${file}`, cause)
          }),
          (handle) => Effect.promise(() => handle.close().catch(() => undefined))
        )
        const io = <A>(what: string, run: () => Promise<A>) =>
          Effect.tryPromise({ try: run, catch: (cause) => storeError(jobId, `${what} ${file}`, cause) })
        const text = yield* io("cannot read", () => handle.readFile("utf8"))
        const { complete, lines } = linesOf(text)
        const write = (entries: ReadonlyArray<string>) =>
          io("cannot write", async () => {
            await handle.write(entries.map((entry) => `${entry}\n`).join(""))
            await handle.datasync()
          })
        if (complete < Buffer.byteLength(text)) {
          // a line torn by a crash: never acknowledged, so nothing relied on it
          yield* io("cannot truncate", () => handle.truncate(complete))
        }
        if (lines.length === 0) {
          yield* write([header])
          // the new file's name, made durable in its directory too
          yield* io("cannot flush the directory of", async () => {
            const directory = await Fs.open(options.directory, "r")
            await directory.sync().finally(() => directory.close())
          })
        }
        return {
          entries: lines.length === 0 ? [header] : lines,
          where: file,
          append: (entries) => entries.length === 0 ? Effect.void : write(entries)
        }
      }),
    read: (jobId) =>
      Effect.flatMap(fileOf(jobId), (file) =>
        Effect.tryPromise({
          try: () =>
            Fs.readFile(file, "utf8").then(
              (text) => linesOf(text).lines,
              (error: NodeJS.ErrnoException) => error.code === "ENOENT" ? [] : Promise.reject(error)
            ),
          catch: (cause) => storeError(jobId, `cannot read ${file}`, cause)
        }))
  })
}

/**
 * @since 0.4.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service> => Effect.sync(() => store(options))

/**
 * @since 0.4.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<BulkJobStore> => Layer.effect(BulkJobStore, make(options))
