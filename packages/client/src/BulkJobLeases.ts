/**
 * Leases on a bulk job's chunks, for many workers on one job: each process runs the same job
 * (same `jobId`, same recipients, same message and options), cuts the same chunks from the same
 * input, and sends only the chunks whose lease it holds. A chunk done is marked so for good; a
 * chunk whose worker died is taken by another once its lease runs out, and sent again with the
 * same idempotency id, so the API replays the answer of a request that got there. A lease that
 * runs out under a worker still alive (a stalled event loop, a long retry) lets a second worker
 * send that chunk too: with the same id, which the API replays instead of sending again (within
 * its idempotency window): it costs a request, never a message.
 *
 * With a `BulkJobLeases` in its context, `BulkJob` works in this mode; `BulkJobRedis.layerWorker`
 * provides it, with the store, over one Redis.
 *
 * @since 0.4.0
 */
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type { BulkJobError } from "./BulkJobStore.js"

/**
 * What a claim found: the chunk is this worker's now, another's (its lease still runs), or done.
 * @since 0.4.0
 * @category models
 */
export type Claim = "claimed" | "held" | "done"

/**
 * @since 0.4.0
 * @category models
 */
export interface Service {
  /** Claims chunk `index` of job `jobId` for this worker, until its lease runs out (it is renewed while held). */
  readonly claim: (jobId: string, index: number) => Effect.Effect<Claim, BulkJobError>
  /** Chunk `index` is done (its `done` entry written): no worker takes it again. */
  readonly finish: (jobId: string, index: number) => Effect.Effect<void, BulkJobError>
  /** Chunk `index` failed here: its lease is given up at once, for another worker to take. */
  readonly release: (jobId: string, index: number) => Effect.Effect<void, BulkJobError>
  /** How long a lease runs unrenewed: a worker waiting for another's chunk looks again within it. */
  readonly lease: Duration.Duration
}

/**
 * @since 0.4.0
 * @category tags
 */
export class BulkJobLeases extends Context.Tag("@smscx/client/BulkJobLeases")<BulkJobLeases, Service>() {}
