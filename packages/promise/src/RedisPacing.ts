/**
 * Bulk pacing shared through Redis, for Promise users: every process that paces with the same
 * Redis and key spends one budget, so that several workers sending bulk through one account stay,
 * together, under its rate limit. Install `ioredis` to use it; Node.js only, not in the barrel.
 *
 * `open(options)` connects and gives the pacing to hand to `Bulk.bulkOf(client, { pacing })`, and
 * `close()` to end the connection. Redis out of reach never holds a send up: a slot request that
 * gets no answer within `timeout` (milliseconds, default 2,000, connecting included) fails, the
 * chunk is retried as after a transport failure, and the connection is retried in the background.
 * The pacing is this package's own (made with the copy of Effect inlined in it), which its client
 * takes; the Effect client's `@smscx/client/RedisPacing` is for `@smscx/client`.
 *
 * @example
 * ```ts
 * import { Bulk, SmsCx } from "@smscx/promise"
 * import * as RedisPacing from "@smscx/promise/RedisPacing"
 *
 * const redis = await RedisPacing.open({ host: "127.0.0.1", port: 6379 })
 * const bulk = Bulk.bulkOf(new SmsCx({ apiKey: process.env.SMSCX_API_KEY }), { pacing: redis.pacing })
 * try {
 *   await bulk.sms(["+14155550123"], { from: "InfoText", text: "Sale today" })
 * } finally {
 *   await redis.close()
 * }
 * ```
 *
 * @since 0.4.0
 */
import type * as Pacing from "@smscx/client/Pacing"
import * as ClientRedisPacing from "@smscx/client/RedisPacing"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import { type Connection, withDurations } from "./internal/redisOptions.js"

/**
 * Where Redis is and how long to wait for it.
 * @since 0.4.0
 * @category models
 */
export interface Options extends Connection {
  /** Prefix of the Redis keys. Default `smscx:pacing:`. */
  readonly prefix?: string
  /** Milliseconds a slot request may wait for Redis, connecting included. Default 2,000. */
  readonly timeout?: number
  /** Milliseconds closing waits for Redis to acknowledge `QUIT` before dropping it. Default 1,000. */
  readonly closeTimeout?: number
}

/**
 * An open Redis pacing: `pacing` for `Bulk.bulkOf(client, { pacing })`, `close()` to end its
 * connection (bounded by `closeTimeout`, whatever Redis does).
 * @since 0.4.0
 * @category models
 */
export interface RedisPacing {
  readonly pacing: Pacing.Service
  readonly close: () => Promise<void>
}

/**
 * Connects (in the background: it does not wait for Redis) and gives the shared pacing. Throws an
 * `InvalidOptionsError` for a `timeout` or `closeTimeout` that is not a count of milliseconds,
 * before anything connects.
 * @since 0.4.0
 * @category constructors
 */
export const open = async (options: Options = {}): Promise<RedisPacing> => {
  const made = withDurations(options, ["timeout", "closeTimeout"])
  const scope = Effect.runSync(Scope.make())
  const pacing = await Effect.runPromise(Scope.extend(
    ClientRedisPacing.make(made),
    scope
  ))
  let closing: Promise<void> | undefined
  return {
    pacing,
    close: () => (closing ??= Effect.runPromise(Scope.close(scope, Exit.void)))
  }
}
