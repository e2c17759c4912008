/**
 * A bulk job's shared queue of chunks, for many workers on one job: each process runs the same
 * job (same `jobId`, same recipients, same message and options) and reads the same input in the
 * same order. A worker takes the chunks waiting in the queue first; only when none is waiting does
 * it cut its next chunk and offer it, and the first worker to offer a chunk queues it (with its
 * recipients, so that any worker can send it) while the others drop their copy at once. Each
 * chunk queued goes to one worker; a worker holds the chunks it took while it renews them, and a
 * worker that dies leaves its chunks to be taken by another once their lease runs out, sent again
 * with the same idempotency id, so the API replays the answer of a request that got there. A lease
 * that runs out under a worker still alive (a stalled event loop, a long retry) lets a second
 * worker send that chunk too: with the same id, which the API replays instead of sending again
 * (within its idempotency window): it costs a request, never a message.
 *
 * With a `BulkJobQueue` in its context, `BulkJob` works in this mode; `BulkJobRedis.layerWorker`
 * provides it, with the store, over one Redis (a Streams consumer group a job).
 *
 * @since 0.4.0
 */
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type { BulkJobError } from "./BulkJobStore.js"

/**
 * A chunk as it is queued: everything a worker that did not cut it needs to send it.
 * @since 0.4.0
 * @category models
 */
export interface QueuedChunk {
  readonly index: number
  readonly idempotencyId: string
  readonly recipients: ReadonlyArray<string>
  /** Repeats removed from it when it was cut (for its `done` entry). */
  readonly removed: number
}

/**
 * A chunk taken by this worker: its queue entry's id with it.
 * @since 0.4.0
 * @category models
 */
export interface TakenChunk extends QueuedChunk {
  readonly entry: string
}

/**
 * What an offer found: the chunk is queued now, was offered before (with the same id), was
 * offered before with another id (another input), or the job is complete.
 * @since 0.4.0
 * @category models
 */
export type Offered = "offered" | "known" | "mismatch" | "complete"

/**
 * What a take found: a chunk, now this worker's; or none to take, with how many chunks other
 * workers hold (their chunks are taken over here once their lease runs out).
 * @since 0.4.0
 * @category models
 */
export type Taken =
  | { readonly _tag: "Chunk"; readonly chunk: TakenChunk }
  | { readonly _tag: "None"; readonly heldElsewhere: number }

/**
 * @since 0.4.0
 * @category models
 */
export interface Service {
  /**
   * A worker's run of job `jobId` begins: chunks set aside by earlier runs (failed too often) are
   * queued again, and those that failed in this worker before may be taken by it again.
   */
  readonly begin: (jobId: string) => Effect.Effect<void, BulkJobError>
  /**
   * Offers chunk `chunk.index` (`begin`, its checkpoint entry, is written with it): queued if it is
   * the next chunk no one offered, else compared with the one offered before.
   */
  readonly offer: (jobId: string, chunk: QueuedChunk, begin: string) => Effect.Effect<Offered, BulkJobError>
  /** Takes a chunk waiting, or one whose worker's lease ran out; held (and renewed) until done or failed. */
  readonly take: (jobId: string) => Effect.Effect<Taken, BulkJobError>
  /**
   * The chunk is answered: `done`, its checkpoint entry, is written and the chunk leaves the queue
   * (in one step); false when another worker had done it already (nothing written).
   */
  readonly done: (jobId: string, chunk: TakenChunk, done: string) => Effect.Effect<boolean, BulkJobError>
  /**
   * The chunk failed here: given up at once for another worker to take, or, once it has been
   * taken too often, set aside until a later run of the job.
   */
  readonly fail: (jobId: string, chunk: TakenChunk) => Effect.Effect<void, BulkJobError>
  /**
   * Writes `complete` (once) if every chunk queued is done and none is set aside, and lets the
   * job's keys expire; says whether the job is complete.
   */
  readonly complete: (jobId: string, complete: string) => Effect.Effect<boolean, BulkJobError>
  /**
   * A worker's run of job `jobId` ended holding `chunks` (those it was sending when it was stopped
   * or failed): they are renewed no more, and are taken by a worker once idle for the lease.
   */
  readonly end: (jobId: string, chunks: ReadonlyArray<TakenChunk>) => Effect.Effect<void>
  /** How long a chunk is held unrenewed: a worker waiting for another's chunks looks again within it. */
  readonly lease: Duration.Duration
}

/**
 * @since 0.4.0
 * @category tags
 */
export class BulkJobQueue extends Context.Tag("@smscx/client/BulkJobQueue")<BulkJobQueue, Service>() {}
