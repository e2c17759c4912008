/**
 * A fixed-window request counter per credential.
 */

/** @internal */
export interface Decision {
  readonly allowed: boolean
  readonly limit: number
  readonly remaining: number
  /** Whole seconds until the current window ends (at least 1). */
  readonly resetSeconds: number
}

/** @internal */
interface RateLimiter {
  /** Counts a request of `key` at `now` (epoch millis, the sandbox's clock); synchronous. */
  readonly take: (key: string, now: number) => Decision
}

interface Window {
  readonly start: number
  count: number
}

/** @internal */
export const make = (limit: number, windowSeconds: number): RateLimiter => {
  const windowMillis = windowSeconds * 1000
  const windows = new Map<string, Window>()
  const prune = (now: number) => {
    for (const [key, window] of windows) {
      if (now >= window.start + windowMillis) windows.delete(key)
    }
  }
  return {
    take: (key, now) => {
      let window = windows.get(key)
      if (window === undefined || now >= window.start + windowMillis) {
        // many distinct credentials (e.g. a key-guessing loop) must not grow the map forever
        if (windows.size >= 10_000) prune(now)
        window = { start: now, count: 0 }
        windows.set(key, window)
      }
      window.count++
      return {
        allowed: window.count <= limit,
        limit,
        remaining: Math.max(0, limit - window.count),
        resetSeconds: Math.max(1, Math.ceil((window.start + windowMillis - now) / 1000))
      }
    }
  }
}
