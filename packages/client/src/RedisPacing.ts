/**
 * Pacing shared through Redis: every process that paces with the same Redis and key spends one
 * budget, so several workers sending bulk through one account stay, together, under its rate
 * limit. Built on `@effect/experimental`'s `RateLimiter` and its Redis store (a token bucket kept
 * by a Lua script, atomic in Redis); install `@effect/experimental` and `ioredis` to use it.
 *
 * @since 0.2.0
 */
import * as RateLimiter from "@effect/experimental/RateLimiter"
import * as RedisStore from "@effect/experimental/RateLimiter/Redis"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import type { RedisOptions } from "ioredis"
import * as Pacing from "./Pacing.js"

/**
 * @since 0.2.0
 * @category models
 */
export interface Options extends RedisOptions {
  /** Prefix of the Redis keys. Default `smscx:pacing:`. */
  readonly prefix?: string
}

/** How many times a taker that woke too late takes a new slot before it goes anyway. */
const MAX_RETAKES = 2

/**
 * The pacing over a `RateLimiter`: a bucket of one token refilled once per spacing, overdrawn as
 * requests queue, so that each request learns how long to wait for its slot. A taker that wakes
 * more than a gap late (its process stalled) takes a new slot instead of going at once, so that a
 * stall does not bunch requests up.
 * @since 0.2.0
 * @category constructors
 */
export const fromRateLimiter = (limiter: RateLimiter.RateLimiter): Pacing.Service =>
  Pacing.Pacing.of({
    take: (key, budget) => {
      const gap = Pacing.spacing(budget)
      const slot = Effect.gen(function*() {
        const { delay } = yield* limiter.consume({
          algorithm: "token-bucket",
          onExceeded: "delay",
          window: gap,
          limit: 1,
          key
        })
        const due = (yield* Clock.currentTimeMillis) + Duration.toMillis(delay)
        if (!Duration.isZero(delay)) yield* Effect.sleep(delay)
        return (yield* Clock.currentTimeMillis) - due
      })
      const takeFrom = (retakes: number): Effect.Effect<void, RateLimiter.RateLimiterError> =>
        Effect.flatMap(slot, (late) =>
          late > Duration.toMillis(gap) && retakes < MAX_RETAKES ? takeFrom(retakes + 1) : Effect.void)
      return takeFrom(0).pipe(
        Effect.mapError((cause) =>
          new Pacing.PacingError({ message: `the shared pacing store failed: ${cause.message}`, cause })
        )
      )
    }
  })

/**
 * The pacing on Redis; the connection closes with the scope.
 * @since 0.2.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Pacing.Service, never, Scope.Scope> =>
  Effect.gen(function*() {
    const store = yield* RedisStore.make(
      { ...options, prefix: options.prefix ?? "smscx:pacing:" } as Parameters<typeof RedisStore.make>[0]
    )
    const limiter = yield* Effect.provideService(RateLimiter.make, RateLimiter.RateLimiterStore, store)
    return fromRateLimiter(limiter)
  })

/**
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Pacing.Pacing> => Layer.scoped(Pacing.Pacing, make(options))
