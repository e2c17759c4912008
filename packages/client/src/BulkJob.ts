/**
 * Bulk jobs: a bulk send named by a `jobId` that survives a crash. Its chunks are cut
 * deterministically and each chunk's idempotency id is derived from the job id, the chunk's index
 * and its recipients and message, so a chunk sent again is the very request sent before. Every
 * chunk is checkpointed in a `BulkJobStore` (memory, `BulkJobFile`): `begin` before its request
 * first leaves, `done` with its answer's totals. Run again with the same `jobId` (after a crash,
 * a stop, a failure), the job skips the chunks done, sends those begun but not done again with
 * their ids (the API replays the answer of any that reached it), and goes on; the outcome covers
 * the whole job, every run.
 *
 * With a `BulkJobQueue` in its context (`BulkJobRedis.layerWorker`), any number of processes run
 * one job together: each reads the same recipients and cuts the same chunks, the first to cut a
 * chunk queues it, and each sends the chunks it takes from the queue; the outcome each returns is
 * the whole job's (`stopped` when it is not complete: a chunk failed in several workers is set
 * aside for the next run).
 *
 * The guarantee rests on two things: a chunk done is never sent again; a chunk in flight at a
 * crash relies on the API's idempotency replay of its id (see the README for the window).
 *
 * @example
 * ```ts
 * const jobs = yield* BulkJob.BulkJob
 * const outcome = yield* jobs.sms("spring-sale", recipients, { from: "InfoText", text: "Sale today" })
 * ```
 *
 * @since 0.4.0
 */
import type * as Errors from "@smscx/core/Errors"
import * as Issues from "@smscx/core/ParseIssues"
import { Transport } from "@smscx/transport/Transport"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { BulkSendError } from "./Bulk.js"
import { BulkJobQueue } from "./BulkJobQueue.js"
import { BulkJobError, BulkJobStore } from "./BulkJobStore.js"
import { fold } from "./internal/bulk/checkpoint.js"
import { checkMessage, isRecipients } from "./internal/bulk/input.js"
import { openJob, RunEnded, runJob } from "./internal/bulk/job.js"
import { isJobId } from "./internal/bulk/jobIds.js"
import {
  type Channel,
  type Event,
  type Message,
  type OperationOf,
  operations,
  type Options,
  type Outcome,
  type Progress,
  type Recipients
} from "./internal/bulk/model.js"
import { decodeOptions, invalidOption } from "./internal/bulk/options.js"
import { send } from "./internal/bulk/send.js"
import * as Pacing from "./Pacing.js"

export { BulkJobError } from "./BulkJobStore.js"

/**
 * A job's state as its checkpoints tell it, readable by any process that reaches its store.
 * @since 0.4.0
 * @category models
 */
export interface Status {
  readonly jobId: string
  readonly channel: Channel
  /** The totals over the chunks done (`elapsed` is zero: a job's runs are not timed together). */
  readonly progress: Progress
  /** Chunks begun and not done: in flight, or failed and to be sent again by the next run. */
  readonly chunksInFlight: number
  /** Every chunk of the input is done. */
  readonly complete: boolean
}

/**
 * One channel's bulk job: runs (or resumes) job `jobId`; `events` for the progress as it goes.
 * @since 0.4.0
 * @category models
 */
export interface Method<C extends Channel> {
  <E = never, R = never>(
    jobId: string,
    recipients: Recipients<E, R>,
    message: Message<C>,
    options?: Options
  ): Effect.Effect<Outcome<C>, Errors.RequestValidationError | BulkSendError | BulkJobError, R>
  readonly events: <E = never, R = never>(
    jobId: string,
    recipients: Recipients<E, R>,
    message: Message<C>,
    options?: Options
  ) => Stream.Stream<Event<C>, Errors.RequestValidationError | BulkSendError | BulkJobError, R>
}

/**
 * @since 0.4.0
 * @category models
 */
export type Service = { readonly [C in Channel]: Method<C> } & {
  /** The job's status; none when the store knows no such job. */
  readonly status: (jobId: string) => Effect.Effect<Option.Option<Status>, BulkJobError>
  /** The job's outcome so far (`stopped` until it is complete); none when the store knows no such job. */
  readonly outcome: (jobId: string) => Effect.Effect<Option.Option<Outcome<Channel>>, BulkJobError>
}

/**
 * @since 0.4.0
 * @category tags
 */
export class BulkJob extends Context.Tag("@smscx/client/BulkJob")<BulkJob, Service>() {}

const invalidJob = (jobId: unknown) =>
  new BulkJobError({
    reason: "InvalidJob",
    jobId: String(jobId).slice(0, 140),
    message: "a job id is 1 to 128 letters, digits, '.', '_', '-' or ':'"
  })

/**
 * The bulk jobs over a `Transport`, a `Pacing` and a `BulkJobStore`.
 * @since 0.4.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, Transport | Pacing.Pacing | BulkJobStore> = Effect.gen(function*() {
  const transport = yield* Transport
  const pacing = yield* Pacing.Pacing
  const store = yield* BulkJobStore
  const queue = yield* Effect.serviceOption(BulkJobQueue)
  const methodOf = <C extends Channel>(channel: C): Method<C> => {
    const operation: OperationOf<C> = operations[channel]
    const events = <E, R>(jobId: string, recipients: Recipients<E, R>, message: Message<C>, options?: Options) =>
      Stream.unwrapScoped(Effect.gen(function*() {
        const settings = yield* Effect.zipLeft(decodeOptions(operation.id, options), checkMessage(operation, message))
        if (!isRecipients(recipients)) {
          return yield* invalidOption(operation.id, "recipients", "must be a Stream or an iterable of phone numbers")
        }
        if (!isJobId(jobId)) return yield* invalidJob(jobId)
        const opened = yield* openJob(store, jobId, channel, message, settings)
        return runJob<C, E, R>({
          jobId,
          operationId: operation.id,
          recipients,
          settings,
          opened,
          sendOver: (chunks) => send(transport, pacing, operation, chunks, message, settings),
          worker: Option.isNone(queue) ? undefined : {
            queue: queue.value,
            reread: Effect.flatMap(
              store.read(jobId),
              (entries) =>
                Either.match(fold(jobId, opened.log.where, entries), { onLeft: Effect.fail, onRight: Effect.succeed })
            )
          }
        }).pipe(Stream.mapError((error) =>
          error instanceof RunEnded
            ? new BulkSendError({
              operation: operation.id,
              message: `${operation.id} (bulk job ${jobId}): this run ended early, the job at ${
                (error.outcome as Outcome<C>).recipients
              } recipients (${error.outcome.accepted} accepted): ${Issues.thrown(error.cause)}`,
              outcome: error.outcome,
              cause: error.cause
            })
            : error
        ))
      }))
    const method = <E, R>(jobId: string, recipients: Recipients<E, R>, message: Message<C>, options?: Options) =>
      Effect.flatMap(
        Stream.runLast(Stream.filter(events(jobId, recipients, message, options), (e) => e._tag === "Completed")),
        (last) =>
          Option.isSome(last) && last.value._tag === "Completed"
            ? Effect.succeed(last.value.outcome)
            : Effect.dieMessage("a bulk job ended without its outcome")
      )
    return Object.assign(method, { events })
  }
  return BulkJob.of({
    sms: methodOf("sms"),
    viber: methodOf("viber"),
    whatsapp: methodOf("whatsapp"),
    multichannel: methodOf("multichannel"),
    status: (jobId) => Effect.provideService(status(jobId), BulkJobStore, store),
    outcome: (jobId) => Effect.provideService(outcome(jobId), BulkJobStore, store)
  })
})

const stateOf = (jobId: string) =>
  Effect.gen(function*() {
    if (!isJobId(jobId)) return yield* invalidJob(jobId)
    const entries = yield* (yield* BulkJobStore).read(jobId)
    if (entries.length === 0) return Option.none()
    return Option.some(
      yield* Either.match(fold(jobId, `the store of ${jobId}`, entries), {
        onLeft: Effect.fail,
        onRight: Effect.succeed
      })
    )
  })

/**
 * Job `jobId`'s status as its store tells it (no request is made); none when the store knows no
 * such job.
 * @since 0.4.0
 * @category accessors
 */
export const status = (jobId: string): Effect.Effect<Option.Option<Status>, BulkJobError, BulkJobStore> =>
  Effect.map(
    stateOf(jobId),
    Option.map((state): Status => ({
      jobId,
      channel: state.header.channel as Channel,
      progress: state.progress(Duration.zero),
      chunksInFlight: state.inFlight,
      complete: state.complete !== undefined
    }))
  )

/**
 * Job `jobId`'s outcome so far as its store tells it (`stopped` until it is complete, `failed`
 * empty: a chunk not done is to be sent by the next run); none when the store knows no such job.
 * @since 0.4.0
 * @category accessors
 */
export const outcome = (jobId: string): Effect.Effect<Option.Option<Outcome<Channel>>, BulkJobError, BulkJobStore> =>
  Effect.map(
    stateOf(jobId),
    Option.map((state) => state.outcome<Channel>(Duration.zero, [], state.complete === undefined))
  )

/**
 * Bulk jobs with in-process pacing (`Pacing.layerMemory`); provide another `Pacing` (e.g.
 * `RedisPacing.layer`) with `layerWithoutPacing` to share a budget between processes.
 * @since 0.4.0
 * @category layers
 */
export const layer: Layer.Layer<BulkJob, never, Transport | BulkJobStore> = Layer.effect(BulkJob, make).pipe(
  Layer.provide(Pacing.layerMemory)
)

/**
 * @since 0.4.0
 * @category layers
 */
export const layerWithoutPacing: Layer.Layer<BulkJob, never, Transport | Pacing.Pacing | BulkJobStore> = Layer
  .effect(BulkJob, make)
