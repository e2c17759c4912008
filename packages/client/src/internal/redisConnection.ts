/**
 * A Redis connection of its own for `RedisPacing` and `BulkJobRedis`, bounded whatever Redis
 * does: connecting and each command wait at most `timeout`, closing waits at most `closeTimeout`
 * for `QUIT` and then drops the connection, and nothing is printed (ioredis prints its errors
 * unless someone listens: the last one is kept for the caller's error messages instead).
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { Redis, type RedisOptions } from "ioredis"

/** The Lua commands a module defines on its connection, by name. */
type Commands = Record<string, { readonly lua: string; readonly numberOfKeys?: number }>

/** The connection, with what the caller's errors say about it. */
interface Connection<R extends Redis> {
  readonly redis: R
  /** How long a command may wait. */
  readonly limit: Duration.Duration
  /** Where Redis is, for messages (`host:port` or the socket path). */
  readonly where: string
  /** The last connection error ioredis reported since it was last ready, if any. */
  readonly lastError: () => string | undefined
}

/**
 * Opens a connection that closes with the scope. `defaults` are the `ioredis` options it starts
 * from (the caller's override them); `timeout` also becomes `connectTimeout` and
 * `commandTimeout` when finite.
 */
export const openConnection = <R extends Redis>(
  options: RedisOptions,
  bounds: {
    readonly defaults: RedisOptions
    readonly timeout: Duration.DurationInput
    readonly closeTimeout: Duration.DurationInput
    readonly commands: Commands
  }
): Effect.Effect<Connection<R>, never, Scope.Scope> =>
  Effect.gen(function*() {
    const limit = Duration.decode(bounds.timeout)
    const closeLimit = Duration.decode(bounds.closeTimeout)
    let lastError: string | undefined
    const redis = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const client = new Redis({
          ...bounds.defaults,
          ...(Duration.isFinite(limit)
            ? { connectTimeout: Duration.toMillis(limit), commandTimeout: Duration.toMillis(limit) }
            : {}),
          ...options
        }) as R
        // with a listener, ioredis prints nothing; the error goes into the caller's next error
        client.on("error", (error: unknown) => {
          lastError = error instanceof Error ? error.message : String(error)
        })
        client.on("ready", () => {
          lastError = undefined
        })
        for (const [name, command] of Object.entries(bounds.commands)) client.defineCommand(name, command)
        return client
      }),
      (client) =>
        // QUIT lets Redis finish what it was sent; a server that does not answer is dropped
        (client.status === "ready"
          // (interruptible: a finalizer is not, and the timeout must be able to give up on it)
          ? Effect.ignore(Effect.timeout(Effect.interruptible(Effect.tryPromise(() => client.quit())), closeLimit))
          : Effect.void).pipe(Effect.ensuring(Effect.sync(() => client.disconnect())))
    )
    const where = options.path ?? `${options.host ?? "localhost"}:${options.port ?? 6379}`
    return { redis, limit, where, lastError: () => lastError }
  })
