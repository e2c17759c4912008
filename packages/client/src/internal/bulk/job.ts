/**
 * One run of a bulk job: the job's log opened and checked, the input's chunks cut as a plain send
 * cuts them but with derived idempotency ids, each chunk done before skipped (its id checked
 * against the one it was sent with), each chunk begun but not done (in flight at a crash, or
 * failed) sent again with its id, each new chunk's `begin` written before it first leaves, and each
 * answer's `done` written as it comes. Events and the outcome cover the whole job.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { BulkJobError, type Service as Store } from "../../BulkJobStore.js"
import { beginEntry, completeEntry, doneEntry, fold, headerEntry, type JobState } from "./checkpoint.js"
import { chunksOf, type ChunkSource, type ChunkToSend } from "./chunks.js"
import { chunkIdOf, fingerprintOf } from "./jobIds.js"
import type * as Bulk from "./model.js"
import type { Settings } from "./options.js"
import type { SendEnded } from "./send.js"
import type { SendAnswerTotals } from "./totals.js"

/** @internal What a run needs besides its job: the plain send over given chunks. */
type SendOver<C extends Bulk.Channel> = <E, R>(
  chunks: ChunkSource<E, R>
) => Stream.Stream<Bulk.Event<C>, SendEnded<C>, R>

/** @internal A run that ended early (not for its job's store): why, and the job's outcome. */
export class RunEnded<C extends Bulk.Channel> {
  constructor(readonly cause: unknown, readonly outcome: Bulk.Outcome<C>) {}
}

const mismatch = (jobId: string, problem: string) =>
  new BulkJobError({
    reason: "Mismatch",
    jobId,
    message: `bulk job ${jobId}: ${problem}; nothing more of it was sent (use another job id for another send)`
  })

/** @internal The job's log opened (and begun, for a new job) and folded, its header checked against this run's. */
export const openJob = (
  store: Store,
  jobId: string,
  channel: Bulk.Channel,
  message: unknown,
  settings: Settings
) =>
  Effect.gen(function*() {
    const fingerprint = yield* fingerprintOf({
      channel,
      message,
      chunkSize: settings.chunkSize,
      deduplicate: settings.deduplicate
    })
    const log = yield* store.open(jobId, headerEntry({ jobId, channel, fingerprint }))
    const state = yield* Either.match(fold(jobId, log.where, log.entries), {
      onLeft: Effect.fail,
      onRight: Effect.succeed
    })
    if (state.header.channel !== channel) {
      return yield* mismatch(jobId, `it is a ${state.header.channel} job, not ${channel}`)
    }
    if (state.header.fingerprint !== fingerprint) {
      return yield* mismatch(jobId, "it was begun with another message or chunking (chunkSize, deduplicate)")
    }
    return { log, state, fingerprint }
  })

/** The event's progress over the whole job: every chunk done, and this run's failures. */
const jobProgress = (state: JobState, run: Bulk.Progress): Bulk.Progress => {
  const done = state.progress(run.elapsed)
  return {
    ...done,
    chunksFailed: run.chunksFailed,
    recipients: done.recipients + run.recipientsFailed,
    recipientsFailed: run.recipientsFailed
  }
}

/** @internal The events of one run of job `jobId`, its log open in the caller's scope. */
export const runJob = <C extends Bulk.Channel, E, R>(options: {
  readonly jobId: string
  readonly operationId: string
  readonly recipients: Bulk.Recipients<E, R>
  readonly settings: Settings
  readonly opened: Effect.Effect.Success<ReturnType<typeof openJob>>
  readonly sendOver: SendOver<C>
}): Stream.Stream<Bulk.Event<C>, BulkJobError | RunEnded<C>, R> => {
  const { jobId, opened: { fingerprint, log, state }, settings } = options
  if (state.complete !== undefined) {
    // done before: its outcome, nothing read or sent
    return Stream.make<[Bulk.Event<C>]>({ _tag: "Completed", outcome: state.outcome<C>(Duration.zero, [], false) })
  }
  /** Repeats removed from each chunk of this run, for its `done` entry. */
  const removedOf = new Map<number, number>()
  let indices = 0
  const chunks: ChunkSource<E | BulkJobError, R> = (removed) => {
    // repeats are told before their chunk is given (a chunk of repeats only is given to none)
    let pending = 0
    const cut = chunksOf(
      options.operationId,
      options.recipients,
      settings,
      (index, recipients) => chunkIdOf(jobId, fingerprint, index, recipients)
    )((count) => (pending += count))
    return cut.pipe(
      Stream.mapEffect((chunk): Effect.Effect<Option.Option<ChunkToSend>, BulkJobError> => {
        const repeats = pending
        pending = 0
        indices = Math.max(indices, chunk.index + 1)
        const sentAs = state.begun.get(chunk.index)
        if (sentAs !== undefined && sentAs !== chunk.idempotencyId) {
          return Effect.fail(mismatch(jobId, `its recipients differ from those sent before (chunk ${chunk.index})`))
        }
        if (state.done.has(chunk.index)) return Effect.succeed(Option.none())
        removed(repeats)
        removedOf.set(chunk.index, repeats)
        // in flight before (or failed): again with its id, which the API replays if it got there
        if (sentAs !== undefined) return Effect.succeed(Option.some(chunk))
        const begin = beginEntry(chunk.index, chunk.idempotencyId)
        return Effect.as(
          Effect.tap(log.append([begin]), () => state.add({ begin: chunk.index, id: chunk.idempotencyId })),
          Option.some(chunk)
        )
      }),
      Stream.filterMap((chunk) => chunk)
    )
  }
  return options.sendOver(chunks).pipe(
    Stream.mapEffect((event): Effect.Effect<Bulk.Event<C>, BulkJobError> => {
      switch (event._tag) {
        case "ChunkSent": {
          const done = doneEntry(
            event,
            removedOf.get(event.index) ?? 0,
            event.answer as SendAnswerTotals,
            settings.collectMessageIds
          )
          removedOf.delete(event.index)
          return Effect.as(
            Effect.tap(log.append([JSON.stringify(done)]), () => state.add(done)),
            { ...event, progress: jobProgress(state, event.progress) }
          )
        }
        case "ChunkFailed":
          return Effect.succeed({ ...event, progress: jobProgress(state, event.progress) })
        case "Completed": {
          const { elapsed, failed, stopped } = event.outcome
          const outcome = state.outcome<C>(elapsed, failed, stopped)
          if (failed.length > 0 || stopped) return Effect.succeed({ _tag: "Completed", outcome })
          return Effect.as(
            Effect.tap(log.append([completeEntry(indices)]), () => state.add({ complete: indices })),
            { _tag: "Completed" as const, outcome: state.outcome<C>(elapsed, [], false) }
          )
        }
      }
    }),
    Stream.catchAll((error): Stream.Stream<never, BulkJobError | RunEnded<C>> =>
      error instanceof BulkJobError
        ? Stream.fail(error)
        : error.cause instanceof BulkJobError
        ? Stream.fail(error.cause)
        : Stream.fail(
          new RunEnded(error.cause, state.outcome<C>(error.outcome.elapsed, error.outcome.failed, true))
        )
    )
  )
}
