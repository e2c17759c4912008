/**
 * Pacing of bulk sends: when the next request of a rate-limit budget may go. The API limits each
 * credential to `X-Rate-Limit-Limit` requests a window; bulk sending spaces its requests evenly
 * under that budget (a little under it, by `utilization`), so it runs near the allowed rate and
 * never bursts a window full at once.
 *
 * Replaceable: `layerMemory` (the default) paces one process; `RedisPacing.layer` shares one
 * budget between every process that uses the same Redis and key (several workers sending through
 * one account).
 *
 * @since 0.2.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"

/**
 * A rate-limit budget: `limit` requests per `window`.
 * @since 0.2.0
 * @category models
 */
export interface Budget {
  readonly limit: number
  readonly window: Duration.Duration
}

/**
 * The shared pacing store could not be reached (Redis down, say). The chunk that was waiting is
 * reported as failed, with its recipients, so it can be sent again.
 * @since 0.2.0
 * @category errors
 */
export class PacingError extends Schema.TaggedError<PacingError>()("PacingError", {
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}

/**
 * @since 0.2.0
 * @category models
 */
export interface Service {
  /** Waits until the next request under `budget` may go, and takes that slot. */
  readonly take: (key: string, budget: Budget) => Effect.Effect<void, PacingError>
}

/**
 * @since 0.2.0
 * @category tags
 */
export class Pacing extends Context.Tag("@smscx/client/Pacing")<Pacing, Service>() {}

/**
 * The gap between two requests under `budget`: the window shared evenly by its requests.
 * @since 0.2.0
 * @category utils
 */
export const spacing = (budget: Budget): Duration.Duration =>
  Duration.millis(Duration.toMillis(budget.window) / Math.max(Number.MIN_VALUE, budget.limit))

/**
 * The budget to pace at for an API limit of `limit` a window: `utilization` of it, and at most
 * `limit - 1`, since a window of any alignment can hold one evenly spaced request more than its
 * share (one at each end).
 * @since 0.2.0
 * @category utils
 */
export const budgetFor = (limit: number, window: Duration.Duration, utilization: number): Budget => ({
  limit: limit >= 2 ? Math.min(limit * utilization, limit - 1) : limit * utilization,
  window
})

/**
 * Pacing within one process: the takers of a key queue, and each leaves a full gap after the
 * one before it actually went. Slots are never reserved ahead: after the event loop stalls, the
 * queue goes on one gap at a time, never in a burst.
 * @since 0.2.0
 * @category constructors
 */
export const makeMemory: Effect.Effect<Service> = Effect.sync(() => {
  const keys = new Map<string, { next: number; readonly queue: Effect.Semaphore }>()
  const stateOf = (key: string) => {
    let state = keys.get(key)
    if (state === undefined) {
      state = { next: 0, queue: Effect.unsafeMakeSemaphore(1) }
      keys.set(key, state)
    }
    return state
  }
  return Pacing.of({
    take: (key, budget) =>
      Effect.suspend(() => {
        const state = stateOf(key)
        return state.queue.withPermits(1)(
          Effect.gen(function*() {
            const now = yield* Clock.currentTimeMillis
            if (state.next > now) yield* Effect.sleep(Duration.millis(state.next - now))
            state.next = (yield* Clock.currentTimeMillis) + Duration.toMillis(spacing(budget))
          })
        )
      })
  })
})

/**
 * @since 0.2.0
 * @category layers
 */
export const layerMemory: Layer.Layer<Pacing> = Layer.effect(Pacing, makeMemory)
