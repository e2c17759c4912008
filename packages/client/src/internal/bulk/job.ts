/**
 * One run of a bulk job: the job's log opened and checked, the input's chunks cut as a plain send
 * cuts them but with derived idempotency ids, each chunk done before skipped (its id checked
 * against the one it was sent with), each chunk begun but not done (in flight at a crash, or
 * failed) sent again with its id, each new chunk's `begin` written before it first leaves, and each
 * answer's `done` written as it comes. Events and the outcome cover the whole job.
 *
 * A worker, one of many on the job, shares the chunks through the job's queue: it takes the chunks
 * waiting there first, and cuts and offers its next chunk only when none is waiting (a chunk
 * someone offered before is dropped at once), so the queue stays short and no worker keeps the
 * chunks of another.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { Service as Queue, TakenChunk } from "../../BulkJobQueue.js"
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

/** @internal A worker's share of a job run by many: the job's queue, and the job's log as it is now. */
interface Worker {
  readonly queue: Queue
  /** The job's log read and folded again: the chunks every worker has done. */
  readonly reread: Effect.Effect<JobState, BulkJobError>
}

/**
 * @internal The events of one run of job `jobId`, its log open in the caller's scope. A `worker`
 * sends the chunks it takes from the job's queue, whoever cut them.
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
  /** A worker's chunks taken from the queue and not yet answered. */
  const takenOf = new Map<number, TakenChunk>()
  let indices = 0
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
  /** The input cut into chunks, each checked against the log; `repeats` told before their chunk. */
  const cutChunks = (onChunk: (chunk: ChunkToSend, repeats: number) => void) => {
    // repeats are told before their chunk is given (a chunk of repeats only is given to none)
    let pending = 0
    return chunksOf(
      options.operationId,
      options.recipients,
      settings,
      (index, recipients) => chunkIdOf(jobId, fingerprint, index, recipients)
    )((count) => (pending += count)).pipe(
      Stream.mapEffect((chunk): Effect.Effect<Option.Option<ChunkToSend>, BulkJobError> => {
        const repeats = pending
        pending = 0
        indices = Math.max(indices, chunk.index + 1)
        const sentAs = state.begun.get(chunk.index)
        if (sentAs !== undefined && sentAs !== chunk.idempotencyId) {
          return Effect.fail(mismatch(jobId, `its recipients differ from those sent before (chunk ${chunk.index})`))
        }
        if (state.done.has(chunk.index)) return Effect.succeed(Option.none())
        onChunk(chunk, repeats)
        return Effect.succeed(Option.some(chunk))
      }),
      Stream.filterMap((chunk) => chunk)
    )
  }
  const alone: ChunkSource<E | BulkJobError, R> = (removed) => {
    const repeatsOf = new Map<number, number>()
    return cutChunks((chunk, repeats) => repeatsOf.set(chunk.index, repeats)).pipe(
      Stream.mapEffect((chunk) => {
        const repeats = repeatsOf.get(chunk.index) ?? 0
        repeatsOf.delete(chunk.index)
        return given(chunk, repeats, removed)
      })
    )
  }
  /**
   * A worker's chunks: one waiting in the queue (or a dead worker's), else the next cut from the
   * input and offered (then taken, by whoever takes it first), until the input is read, nothing
   * waits and no other worker holds a chunk it could die with.
   */
  const queued = (queue: Queue): ChunkSource<E | BulkJobError, R> => (removed) =>
    Stream.unwrapScoped(Effect.gen(function*() {
      yield* queue.begin(jobId)
      const repeatsOf = new Map<number, number>()
      const pull = yield* Stream.toPull(cutChunks((chunk, repeats) => repeatsOf.set(chunk.index, repeats)))
      let exhausted = false
      /** Looks for another worker's chunks at least four times a lease, and once a second. */
      const pause = Duration.min(Duration.times(queue.lease, 0.25), Duration.seconds(1))
      const next = Effect.gen(function*() {
        while (true) {
          const taken = yield* queue.take(jobId)
          if (taken._tag === "Chunk") {
            const { chunk } = taken
            removed(chunk.removed)
            removedOf.set(chunk.index, chunk.removed)
            takenOf.set(chunk.index, chunk)
            // as a chunk of the send (its queue entry stays here, out of the outcome's `failed`)
            const { idempotencyId, index, recipients } = chunk
            return Option.some<ChunkToSend>({ index, recipients, idempotencyId })
          }
          if (!exhausted) {
            const read = yield* Effect.either(pull)
            if (Either.isLeft(read)) {
              if (Option.isSome(read.left)) return yield* Effect.fail(read.left.value)
              exhausted = true
              continue
            }
            for (const chunk of read.right) {
              const repeats = repeatsOf.get(chunk.index) ?? 0
              repeatsOf.delete(chunk.index)
              const begin = beginEntry(chunk.index, chunk.idempotencyId)
              const offered = yield* queue.offer(jobId, { ...chunk, removed: repeats }, begin)
              if (offered === "mismatch") {
                return yield* mismatch(
                  jobId,
                  `its recipients differ from those another worker sent (chunk ${chunk.index})`
                )
              }
              // completed by the other workers meanwhile
              if (offered === "complete") return Option.none<ChunkToSend>()
              if (offered === "offered") state.add({ begin: chunk.index, id: chunk.idempotencyId })
            }
            continue
          }
          if (taken.heldElsewhere === 0) return Option.none<ChunkToSend>()
          yield* Effect.sleep(pause)
        }
      })
      return Stream.repeatEffectOption(
        Effect.flatMap(
          Effect.mapError(next, Option.some),
          Option.match({ onNone: () => Effect.fail(Option.none()), onSome: Effect.succeed })
        )
      )
    }))
  const chunks = worker === undefined ? alone : queued(worker.queue)
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
          const taken = takenOf.get(event.index)
          takenOf.delete(event.index)
          return Effect.as(
            Effect.tap(
              worker === undefined || taken === undefined
                ? log.append([JSON.stringify(done)])
                : worker.queue.done(jobId, taken, JSON.stringify(done)),
              () => state.add(done)
            ),
            { ...event, progress: jobProgress(state, event.progress) }
          )
        }
        case "ChunkFailed": {
          const taken = takenOf.get(event.chunk.index)
          takenOf.delete(event.chunk.index)
          return Effect.as(
            worker === undefined || taken === undefined ? Effect.void : worker.queue.fail(jobId, taken),
            { ...event, progress: jobProgress(state, event.progress) }
          )
        }
        case "Completed": {
          const { elapsed, failed, stopped } = event.outcome
          const outcome = state.outcome<C>(elapsed, failed, stopped)
          if (failed.length > 0 || stopped) return Effect.succeed({ _tag: "Completed", outcome })
          if (worker === undefined) {
            return Effect.as(
              Effect.tap(log.append([completeEntry(indices)]), () => state.add({ complete: indices })),
              { _tag: "Completed" as const, outcome: state.outcome<C>(elapsed, [], false) }
            )
          }
          // a worker's outcome is the job's: every worker's chunks, as the log has them now; not
          // complete (stopped) while a chunk is set aside or was taken again meanwhile
          return Effect.flatMap(
            worker.queue.complete(jobId, completeEntry(indices)),
            (complete) =>
              Effect.map(worker.reread, (whole) => ({
                _tag: "Completed" as const,
                outcome: whole.outcome<C>(elapsed, [], !complete)
              }))
          )
        }
      }
    }),
    // the chunks a worker still holds at the end (cut by a stop, a failure) go idle for others
    Stream.ensuring(
      worker === undefined ? Effect.void : Effect.suspend(() => worker.queue.end(jobId, [...takenOf.values()]))
    ),
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
