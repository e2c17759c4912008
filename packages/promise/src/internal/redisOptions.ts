/**
 * The Redis options of the Promise package's Redis subpaths (`RedisPacing`, `BulkJobRedis`):
 * where Redis is, and durations as milliseconds, turned into the Effect client's options. Its own
 * fields, not `ioredis`'s `RedisOptions`, so that the bundled declarations need no `ioredis`
 * types installed.
 */
import { InvalidOptionsError } from "@smscx/core/Errors"

/** Where Redis is. The password goes to `ioredis` only: never into a log or an error. */
export interface Connection {
  /** Default `127.0.0.1`. */
  readonly host?: string
  /** Default 6379. */
  readonly port?: number
  readonly username?: string
  readonly password?: string
  /** The Redis database number. Default 0. */
  readonly db?: number
}

/**
 * The options with each of `durations` (milliseconds) as a duration of the Effect client, or the
 * first one's error that is not a finite count of milliseconds, 0 or more.
 */
export const withDurations = <O extends object, const K extends keyof O & string>(
  options: O,
  durations: ReadonlyArray<K>
): Omit<O, K> & { readonly [P in K]?: `${number} millis` } => {
  const converted: Record<string, unknown> = { ...(options as Record<string, unknown>) }
  for (const option of durations) {
    const value: unknown = options[option]
    if (value === undefined) continue
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new InvalidOptionsError({ option, message: `${option} must be a finite number of milliseconds, 0 or more` })
    }
    converted[option] = `${value} millis`
  }
  return converted as Omit<O, K> & { readonly [P in K]?: `${number} millis` }
}
