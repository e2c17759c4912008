/**
 * Bulk sending for the Promise client: `client.bulk.sms(recipients, message, options)` with any
 * iterable or async iterable of numbers, split into requests of at most 25,000, paced under the
 * account's rate limit, each retried safely, the outcome aggregated. `onProgress` hears of each
 * chunk; an `AbortSignal` stops the send between chunks and the outcome says what was sent.
 *
 * @example
 * ```ts
 * const outcome = await client.bulk.sms(readNumbers("customers.csv"), { from: "InfoText", text: "Sale today" }, {
 *   onProgress: (p) => console.log(`${p.recipients} done, ${p.accepted} accepted`)
 * })
 * if (outcome.failed.length > 0) await client.bulk.sms.retryFailed(outcome.failed, message)
 * ```
 *
 * @since 0.2.0
 */
import * as ClientBulk from "@smscx/client/Bulk"
import * as Pacing from "@smscx/client/Pacing"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { type ClientBase, runOnClient } from "./Client.js"

/**
 * @since 0.2.0
 */
export type { Channel, ChunkError, FailedChunk, Message, Outcome, Progress } from "@smscx/client/Bulk"

/**
 * An event of a send in progress: a chunk sent or failed, with the totals so far.
 * @since 0.2.0
 * @category models
 */
export type ChunkEvent<C extends ClientBulk.Channel> = Exclude<ClientBulk.Event<C>, { readonly _tag: "Completed" }>

/**
 * @since 0.2.0
 * @category models
 */
export interface Options<C extends ClientBulk.Channel = ClientBulk.Channel>
  extends Omit<ClientBulk.Options, "stop" | "call">
{
  /** Each request's settings: `timeout`, `deadline` (milliseconds or a duration), `retry`, `headers`. */
  readonly call?: NonNullable<ClientBulk.Options["call"]>
  /** Called after each chunk with the totals so far; a throw stops the send and rejects with it. */
  readonly onProgress?: (progress: ClientBulk.Progress, event: ChunkEvent<C>) => void
  /** Aborting stops the send between chunks: the chunks in flight finish, and the outcome says `stopped`. */
  readonly signal?: AbortSignal
}

/**
 * Recipients: any iterable or async iterable of phone numbers, read as chunks are sent.
 * @since 0.2.0
 * @category models
 */
export type Recipients = Iterable<string> | AsyncIterable<string>

/**
 * One channel's bulk send.
 * @since 0.2.0
 * @category models
 */
export interface Method<C extends ClientBulk.Channel> {
  (
    recipients: Recipients,
    message: ClientBulk.Message<C>,
    options?: Options<C>
  ): Promise<ClientBulk.Outcome<C>>
  /** Sends the failed chunks of an earlier outcome again, each with its own idempotency id. */
  readonly retryFailed: (
    failed: ReadonlyArray<ClientBulk.FailedChunk<C>>,
    message: ClientBulk.Message<C>,
    options?: Options<C>
  ) => Promise<ClientBulk.Outcome<C>>
}

/**
 * @since 0.2.0
 * @category models
 */
export type BulkClient = { readonly [C in ClientBulk.Channel]: Method<C> }

/**
 * @since 0.2.0
 * @category models
 */
export interface BulkOptions {
  /**
   * How bulk sends are paced: in-process by default; a shared service (e.g. from
   * `RedisPacing.make` of `@smscx/client/RedisPacing`) to share one budget between processes.
   */
  readonly pacing?: Pacing.Service
}

const isAsyncIterable = (value: unknown): value is AsyncIterable<string> =>
  typeof value === "object" && value !== null && Symbol.asyncIterator in value

/** Completes when `signal` aborts (never without one). */
const aborted = (signal: AbortSignal | undefined): Effect.Effect<void> | undefined =>
  signal === undefined ? undefined : Effect.async<void>((resume) => {
    if (signal.aborted) return resume(Effect.void)
    const onAbort = () => resume(Effect.void)
    signal.addEventListener("abort", onAbort, { once: true })
    return Effect.sync(() => signal.removeEventListener("abort", onAbort))
  })

/**
 * The bulk sends of a client (`SmsCx` has them as `client.bulk`; for a `createClient` client,
 * `bulkOf(client)`). Sends of one client share its pacing.
 * @since 0.2.0
 * @category constructors
 */
export const bulkOf = (client: ClientBase, options: BulkOptions = {}): BulkClient => {
  const pacing = options.pacing ?? Effect.runSync(Pacing.makeMemory)
  const withBulk = <A, E>(f: (bulk: ClientBulk.Service) => Effect.Effect<A, E>) =>
    Effect.flatMap(
      Effect.provideService(ClientBulk.make, Pacing.Pacing, pacing),
      f
    )
  const methodOf = <C extends ClientBulk.Channel>(channel: C): Method<C> => {
    const operation = ClientBulk.operations[channel]
    const effectOptions = (options: Options<C> | undefined): ClientBulk.Options => {
      const { onProgress: _onProgress, signal, ...rest } = options ?? {}
      const stop = aborted(signal)
      return stop === undefined ? rest : { ...rest, stop }
    }
    const collect = (events: Stream.Stream<ClientBulk.Event<C>, unknown>, options: Options<C> | undefined) => {
      const onProgress = options?.onProgress
      return Effect.flatMap(
        Stream.runFoldEffect(
          events,
          undefined as ClientBulk.Outcome<C> | undefined,
          (outcome, event) =>
            event._tag === "Completed"
              ? Effect.succeed(event.outcome)
              : onProgress === undefined
              ? Effect.succeed(outcome)
              : Effect.as(Effect.try({ try: () => onProgress(event.progress, event), catch: (e) => e }), outcome)
        ),
        (outcome) =>
          outcome === undefined ? Effect.dieMessage("a bulk send ended without its outcome") : Effect.succeed(outcome)
      )
    }
    const method = (recipients: Recipients, message: ClientBulk.Message<C>, options?: Options<C>) => {
      const source = isAsyncIterable(recipients)
        ? Stream.fromAsyncIterable(recipients, (error) => error)
        : recipients
      return client[runOnClient](
        operation,
        withBulk((bulk) => collect(bulk[channel].events(source, message, effectOptions(options)), options))
      )
    }
    const retryFailed = (
      failed: ReadonlyArray<ClientBulk.FailedChunk<C>>,
      message: ClientBulk.Message<C>,
      options?: Options<C>
    ) =>
      client[runOnClient](
        operation,
        withBulk((bulk) => bulk[channel].retryFailed(failed, message, effectOptions(options)))
      )
    return Object.assign(method, { retryFailed })
  }
  return {
    sms: methodOf("sms"),
    viber: methodOf("viber"),
    whatsapp: methodOf("whatsapp"),
    multichannel: methodOf("multichannel")
  }
}
