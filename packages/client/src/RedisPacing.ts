/**
 * Pacing shared through Redis: every process that paces with the same Redis and key spends one
 * budget, so several workers sending bulk through one account stay, together, under its rate
 * limit. Each slot is taken by one Lua script, atomic in Redis, on Redis's own clock; install
 * `ioredis` to use it.
 *
 * Redis out of reach never holds a send up: a slot request that gets no answer within `timeout`
 * (default 2 seconds, connecting included) fails with a `PacingError` saying why, the connection
 * is retried quietly in the background, and closing the layer's scope ends the connection within
 * `closeTimeout` whatever Redis does. Nothing is printed: connection errors are kept for the
 * `PacingError`'s message.
 *
 * Processes that disagree on the budget of a key (limits of 5/s and 50/s, say) all go at the
 * slowest budget asked for on that key within the last minute: a shared budget never runs faster
 * than any of its processes allows.
 *
 * The client is this module's own, not `@effect/experimental`'s Redis store's: that store makes
 * its client out of sight (no error listener, a `quit()` that waits forever for a frozen server),
 * and its token bucket refills at each caller's own rate, so the fastest caller would set the pace.
 *
 * @since 0.2.0
 */
import type * as RateLimiter from "@effect/experimental/RateLimiter"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { type Redis, type RedisOptions } from "ioredis"
import { openConnection } from "./internal/redisConnection.js"
import * as Pacing from "./Pacing.js"

/**
 * Any `ioredis` option (they override `redisDefaults`), and the pacing's own.
 * @since 0.2.0
 * @category models
 */
export interface Options extends RedisOptions {
  /** Prefix of the Redis keys. Default `smscx:pacing:`. */
  readonly prefix?: string
  /**
   * How long a slot request may wait for Redis (connecting included) before it fails with a
   * `PacingError`; also the default `connectTimeout` and `commandTimeout`. Default 2 seconds.
   */
  readonly timeout?: Duration.DurationInput
  /**
   * How long closing waits for Redis to acknowledge `QUIT` before it drops the connection.
   * Default 1 second.
   */
  readonly closeTimeout?: Duration.DurationInput
}

/**
 * The `ioredis` options the pacing starts from, so that nothing waits for Redis without bound
 * (besides these, `connectTimeout` and `commandTimeout` are `timeout`): a request waiting for a
 * connection fails at the first failed attempt to connect (`maxRetriesPerRequest: 0`) instead of
 * queueing until Redis returns; the connection is retried in the background, at most a second
 * apart, for as long as the layer lives. Options given to `make` / `layer` override them.
 * @since 0.2.0
 * @category constants
 */
export const redisDefaults: RedisOptions = {
  maxRetriesPerRequest: 0,
  // a socket Redis does not close after QUIT (or without it) is destroyed this soon
  disconnectTimeout: 500,
  retryStrategy: (attempts) => Math.min(100 * attempts, 1_000)
}

const DEFAULT_TIMEOUT = Duration.seconds(2)
const DEFAULT_CLOSE_TIMEOUT = Duration.seconds(1)

/** How long a budget asked for binds its key after it was last asked (a floor; see the script). */
const BUDGET_HOLD = Duration.minutes(1)

/** The longest gap the script's arithmetic keeps exact (microseconds added to Redis's clock). */
const MAX_GAP = Duration.days(365 * 10)

/** How many times a taker that woke too late takes a new slot before it goes anyway. */
const MAX_RETAKES = 2

/**
 * Takes the next slot of a key. KEYS[1]: when the next slot is free (microseconds on Redis's
 * clock); KEYS[2]: the gaps asked for recently, each scored with when it stops binding the key.
 * ARGV: this taker's gap, and how long a gap binds the key (microseconds). The widest gap still
 * binding is the key's pace. Returns how long to wait for the slot, and the gap used.
 */
const SLOT_SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local gap_asked = tonumber(ARGV[1])
local hold = tonumber(ARGV[2])
local time = redis.call("TIME")
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
redis.call("ZADD", KEYS[2], now + math.max(hold, 2 * gap_asked), ARGV[1])
redis.call("ZREMRANGEBYSCORE", KEYS[2], "-inf", now)
local gap = gap_asked
for _, asked in ipairs(redis.call("ZRANGE", KEYS[2], 0, -1)) do
  gap = math.max(gap, tonumber(asked))
end
redis.call("PEXPIRE", KEYS[2], math.ceil(math.max(hold, 2 * gap) / 1000))
local slot = math.max(tonumber(redis.call("GET", KEYS[1])) or now, now)
redis.call("SET", KEYS[1], slot + gap, "PX", math.ceil((slot + gap - now) / 1000) + 1000)
return { slot - now, gap }
`

/** A slot request that got no answer within `timeout`. */
class TimeoutError extends Error {}

/** The script's answer: microseconds to wait, and the gap in microseconds. */
const SlotAnswer = Schema.Tuple(Schema.NonNegativeInt, Schema.NonNegativeInt)

interface RedisWithSlots extends Redis {
  smscxPacingSlot(next: string, gaps: string, gap: number, hold: number): Promise<unknown>
}

/** One slot: how long to wait for it, and the gap the key is paced at. */
interface Slot {
  readonly delay: Duration.Duration
  readonly gap: Duration.Duration
}

/**
 * Waits for the slots `slot` hands out. A taker that wakes more than a gap late (its process
 * stalled) takes a new slot instead of going at once, so that a stall does not bunch requests up.
 */
const takeSlots = <E>(slot: Effect.Effect<Slot, E>): Effect.Effect<void, E> => {
  const takeOne = Effect.gen(function*() {
    const { delay, gap } = yield* slot
    const due = (yield* Clock.currentTimeMillis) + Duration.toMillis(delay)
    if (!Duration.isZero(delay)) yield* Effect.sleep(delay)
    return { late: (yield* Clock.currentTimeMillis) - due, gap }
  })
  const retaking = (retakes: number): Effect.Effect<void, E> =>
    Effect.flatMap(
      takeOne,
      ({ gap, late }) => late > Duration.toMillis(gap) && retakes < MAX_RETAKES ? retaking(retakes + 1) : Effect.void
    )
  return retaking(0)
}

/**
 * The pacing over a `RateLimiter` (`@effect/experimental`): a bucket of one token refilled once
 * per spacing, overdrawn as requests queue, so that each request learns how long to wait for its
 * slot. The limiter keeps no budget of its own, so every process must ask the same budget of a
 * key; `make` agrees on one in Redis.
 * @since 0.2.0
 * @category constructors
 */
export const fromRateLimiter = (limiter: RateLimiter.RateLimiter): Pacing.Service =>
  Pacing.Pacing.of({
    take: (key, budget) => {
      const gap = Pacing.spacing(budget)
      const slot = limiter.consume({ algorithm: "token-bucket", onExceeded: "delay", window: gap, limit: 1, key }).pipe(
        Effect.map(({ delay }): Slot => ({ delay, gap }))
      )
      return takeSlots(slot).pipe(
        Effect.mapError((cause) =>
          new Pacing.PacingError({ message: `the shared pacing store failed: ${cause.message}`, cause })
        )
      )
    }
  })

/**
 * The pacing on Redis, over a connection of its own that closes with the scope.
 * @since 0.2.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Pacing.Service, never, Scope.Scope> =>
  Effect.gen(function*() {
    const { closeTimeout, prefix, timeout, ...redisOptions } = options
    const keyPrefix = prefix ?? "smscx:pacing:"
    const { lastError, limit, redis, where } = yield* openConnection<RedisWithSlots>(redisOptions, {
      defaults: redisDefaults,
      timeout: timeout ?? DEFAULT_TIMEOUT,
      closeTimeout: closeTimeout ?? DEFAULT_CLOSE_TIMEOUT,
      commands: { smscxPacingSlot: { lua: SLOT_SCRIPT, numberOfKeys: 2 } }
    })
    /** Why a slot request failed: Redis out of reach, silent, or refusing it. */
    const failure = (cause: unknown) => {
      const store = `the shared pacing store (Redis at ${where})`
      const reason = cause instanceof Error ? cause.message : String(cause)
      const lastSeen = lastError() === undefined ? "" : `: ${lastError()}`
      const message = redis.status === "connect"
        ? `${store} is connected but has not answered yet${lastSeen}`
        : redis.status !== "ready"
        ? `${store} is out of reach (${redis.status}${lastSeen})`
        : cause instanceof TimeoutError
        ? `${store} did not answer a slot request within ${Duration.format(limit)}`
        : reason === "Command timed out"
        ? `${store} did not answer a slot request within ${
          Duration.format(Duration.millis(redis.options.commandTimeout ?? 0))
        }`
        : `${store} failed a slot request: ${reason}`
      // only the cause's name and message: an ioredis reply error carries the command it answered,
      // and for a refused AUTH that is the password
      const kept = new Error(reason)
      kept.name = cause instanceof Error ? cause.name : "Error"
      return new Pacing.PacingError({ message, cause: kept })
    }
    const warned = new Set<string>()

    return Pacing.Pacing.of({
      take: (key, budget) =>
        Effect.suspend(() => {
          const gapAsked = Pacing.spacing(budget)
          if (!(budget.limit > 0) || !Duration.lessThanOrEqualTo(gapAsked, MAX_GAP)) {
            return Effect.fail(
              new Pacing.PacingError({
                message: `the budget of ${budget.limit} per ${Duration.format(budget.window)} cannot be paced`
              })
            )
          }
          const gapAskedMicros = Math.ceil(Duration.toMillis(gapAsked) * 1000)
          const request = Effect.tryPromise({
            try: () =>
              redis.smscxPacingSlot(
                `${keyPrefix}${key}:next`,
                `${keyPrefix}${key}:budgets`,
                gapAskedMicros,
                Duration.toMillis(BUDGET_HOLD) * 1000
              ),
            catch: failure
          }).pipe(
            Effect.timeoutFail({ duration: limit, onTimeout: () => failure(new TimeoutError()) }),
            Effect.flatMap((answer) =>
              Schema.decodeUnknown(SlotAnswer)(answer).pipe(
                Effect.mapError((cause) => failure(new Error(`an answer that is not a slot: ${cause.message}`)))
              )
            ),
            Effect.tap(([, gap]) =>
              gap > gapAskedMicros && !warned.has(key)
                ? Effect.zipRight(
                  Effect.sync(() => warned.add(key)),
                  Effect.logWarning(
                    `pacing key "${key}": another process paces it at a smaller budget, one request every ` +
                      `${Duration.format(Duration.micros(BigInt(gap)))} (this one asked ${budget.limit} per ` +
                      `${Duration.format(budget.window)}); all go at the smaller one`
                  )
                )
                : Effect.void
            ),
            Effect.map(([delay, gap]): Slot => ({
              delay: Duration.micros(BigInt(delay)),
              gap: Duration.micros(BigInt(gap))
            }))
          )
          return takeSlots(request)
        })
    })
  })

/**
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Pacing.Pacing> => Layer.scoped(Pacing.Pacing, make(options))
