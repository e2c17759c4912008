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
import type { Service as Leases } from "../../BulkJobLeases.js"
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

/** @internal A worker's share of a job run by many: its leases, and the job's log as it is now. */
interface Worker {
  readonly leases: Leases
  /** The job's log read and folded again: the chunks every worker has done. */
  readonly reread: Effect.Effect<JobState, BulkJobError>
}

/**
 * @internal The events of one run of job `jobId`, its log open in the caller's scope. A `worker`
 * sends only the chunks it claims; a chunk another worker holds is kept aside and, once the input
 * is read, waited for: done by its holder, or taken over here once its lease runs out.
 */
export const runJob = <C extends Bulk.Channel, E, R>(options: {
  readonly jobId: string
  readonly operationId: string
  readonly recipients: Bulk.Recipients<E, R>
  readonly settings: Settings
  readonly opened: Effect.Effect.Success<ReturnType<typeof openJob>>
  readonly sendOver: SendOver<C>
  readonly worker?: Worker | undefined
}): Stream.Stream<Bulk.Event<C>, BulkJobError | RunEnded<C>, R> => {
  const { jobId, opened: { fingerprint, log, state }, settings, worker } = options
  if (state.complete !== undefined) {
    // done before: its outcome, nothing read or sent
    return Stream.make<[Bulk.Event<C>]>({ _tag: "Completed", outcome: state.outcome<C>(Duration.zero, [], false) })
  }
  /** Repeats removed from each chunk of this run, for its `done` entry. */
  const removedOf = new Map<number, number>()
  let indices = 0
  /** A worker's chunks held by another worker when read: their repeats too. */
  const heldElsewhere = new Map<number, { readonly chunk: ChunkToSend; readonly repeats: number }>()
  /** The chunk given to the send: its `begin` written first, unless it was begun before. */
  const given = (chunk: ChunkToSend, repeats: number, removed: (count: number) => void) => {
    removed(repeats)
    removedOf.set(chunk.index, repeats)
    const sentAs = state.begun.get(chunk.index)
    // in flight before (or failed): again with its id, which the API replays if it got there
    if (sentAs !== undefined) return Effect.succeed(chunk)
    const begin = beginEntry(chunk.index, chunk.idempotencyId)
    return Effect.as(
      Effect.tap(log.append([begin]), () => state.add({ begin: chunk.index, id: chunk.idempotencyId })),
      chunk
    )
  }
  /** Once the input is read: the chunks held elsewhere, each given here if its lease ran out, until all are done. */
  const takenOver = (removed: (count: number) => void): Stream.Stream<ChunkToSend, BulkJobError> =>
    worker === undefined ? Stream.empty : Stream.repeatEffectOption(Effect.gen(function*() {
      while (heldElsewhere.size > 0) {
        for (const [index, { chunk, repeats }] of heldElsewhere) {
          const claim = yield* Effect.mapError(worker.leases.claim(jobId, index), Option.some)
          if (claim === "held") continue
          heldElsewhere.delete(index)
          if (claim === "claimed") return yield* Effect.mapError(given(chunk, repeats, removed), Option.some)
        }
        // a chunk held elsewhere is done, or its lease out, within one lease: look at least four
        // times in it, and once a second (a claim a chunk waited for: the end is not held up)
        if (heldElsewhere.size > 0) {
          yield* Effect.sleep(Duration.min(Duration.times(worker.leases.lease, 0.25), Duration.seconds(1)))
        }
      }
      return yield* Effect.fail(Option.none())
    }))
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
        if (worker === undefined) return Effect.map(given(chunk, repeats, removed), Option.some)
        return Effect.flatMap(worker.leases.claim(jobId, chunk.index), (claim) => {
          if (claim === "claimed") return Effect.map(given(chunk, repeats, removed), Option.some)
          if (claim === "held") heldElsewhere.set(chunk.index, { chunk, repeats })
          return Effect.succeed(Option.none())
        })
      }),
      Stream.filterMap((chunk) => chunk),
      Stream.concat(Stream.suspend(() => takenOver(removed)))
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
            Effect.tap(log.append([JSON.stringify(done)]), () =>
              Effect.zipRight(
                Effect.sync(() => state.add(done)),
                worker === undefined ? Effect.void : worker.leases.finish(jobId, event.index)
              )),
            { ...event, progress: jobProgress(state, event.progress) }
          )
        }
        case "ChunkFailed":
          return Effect.as(
            worker === undefined ? Effect.void : worker.leases.release(jobId, event.chunk.index),
            { ...event, progress: jobProgress(state, event.progress) }
          )
        case "Completed": {
          const { elapsed, failed, stopped } = event.outcome
          const outcome = state.outcome<C>(elapsed, failed, stopped)
          if (failed.length > 0 || stopped) return Effect.succeed({ _tag: "Completed", outcome })
          // a worker's outcome is the job's: every worker's chunks, as the log has them now
          return Effect.map(
            Effect.tap(
              worker === undefined ? Effect.succeed(state) : worker.reread,
              (whole) => Effect.tap(log.append([completeEntry(indices)]), () => whole.add({ complete: indices }))
            ),
            (whole) => ({ _tag: "Completed" as const, outcome: whole.outcome<C>(elapsed, [], false) })
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
