/**
 * Where a bulk job's checkpoints are kept: an append-only log of entries per job (its header,
 * then each chunk begun and each chunk done), read back whole when the job is run again. The job
 * (`BulkJob`) writes and checks the entries; a store only keeps them in order and durably.
 *
 * Stores: `layerMemory` (this process, gone with it), `BulkJobFile.layer` (a local file, one
 * process, surviving `kill -9`).
 *
 * @since 0.4.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"

/**
 * A bulk job that cannot go on, before anything (more) of it is sent:
 * - `InvalidJob`: the job id is not one (1 to 128 letters, digits, `.`, `_`, `-`, `:`);
 * - `Mismatch`: the job id was used before with another message, channel or chunking, or with
 *   other recipients (a chunk read differs from the one sent under that id before);
 * - `Corrupt`: the checkpoint store holds something that is not a job's record, or one written
 *   by another job or another version; it is refused, never silently started afresh;
 * - `Store`: the checkpoint store could not be read or written (a file, Redis out of reach).
 * @since 0.4.0
 * @category errors
 */
export class BulkJobError extends Schema.TaggedError<BulkJobError>()("BulkJobError", {
  reason: Schema.Literal("InvalidJob", "Mismatch", "Corrupt", "Store"),
  jobId: Schema.String,
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}

/**
 * One job's log, open for appending.
 * @since 0.4.0
 * @category models
 */
export interface Log {
  /** The entries found when it was opened, oldest first (the header first). */
  readonly entries: ReadonlyArray<string>
  /** Where it is kept, for messages (a file's path, a Redis key). */
  readonly where: string
  /** Appends `entries`, durably: once this succeeds, a crash does not lose them. */
  readonly append: (entries: ReadonlyArray<string>) => Effect.Effect<void, BulkJobError>
}

/**
 * @since 0.4.0
 * @category models
 */
export interface Service {
  /**
   * The job's log, opened for appending until the scope closes; `header` is written first when
   * the job has no log yet (then `entries` is `[header]`).
   */
  readonly open: (jobId: string, header: string) => Effect.Effect<Log, BulkJobError, Scope.Scope>
  /** The job's entries, oldest first; none when the job is unknown. Any process may read them. */
  readonly read: (jobId: string) => Effect.Effect<ReadonlyArray<string>, BulkJobError>
}

/**
 * @since 0.4.0
 * @category tags
 */
export class BulkJobStore extends Context.Tag("@smscx/client/BulkJobStore")<BulkJobStore, Service>() {}

/**
 * Checkpoints in this process's memory: a job run again in the same process resumes, nothing
 * survives the process.
 * @since 0.4.0
 * @category constructors
 */
export const makeMemory: Effect.Effect<Service> = Effect.sync(() => {
  const logs = new Map<string, Array<string>>()
  return BulkJobStore.of({
    open: (jobId, header) =>
      Effect.sync(() => {
        let log = logs.get(jobId)
        if (log === undefined) {
          log = [header]
          logs.set(jobId, log)
        }
        const kept = log
        return {
          entries: [...kept],
          where: `memory:${jobId}`,
          append: (entries) => Effect.sync(() => void kept.push(...entries))
        }
      }),
    read: (jobId) => Effect.sync(() => [...(logs.get(jobId) ?? [])])
  })
})

/**
 * @since 0.4.0
 * @category layers
 */
export const layerMemory: Layer.Layer<BulkJobStore> = Layer.effect(BulkJobStore, makeMemory)
