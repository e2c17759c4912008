/**
 * The bulk sender's public models: the channels and the operation each repeats, the options, the
 * progress, the outcome and the events. Declared here so that the sender's internals can use them
 * without importing the public module that imports them; `Bulk` re-exports each.
 */
import * as Api from "@smscx/core/Api"
import type * as Operation from "@smscx/core/Operation"
import type * as TransportModule from "@smscx/transport/Transport"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"

/**
 * The operation each channel's bulk send repeats: its send to a list of numbers (`to`, at most
 * 25,000), which takes an idempotency id.
 * @since 0.2.0
 * @category constants
 */
export const operations = {
  sms: Api.Sms.sendSms,
  viber: Api.Viber.sendViberMessage,
  whatsapp: Api.Whatsapp.sendWhatsappMessage,
  multichannel: Api.Multichannel.sendMultichannelMessage
} as const

/**
 * @since 0.2.0
 * @category models
 */
export type Channel = keyof typeof operations

/**
 * @since 0.2.0
 * @category models
 */
export type OperationOf<C extends Channel> = typeof operations[C]

/**
 * The message: the send's fields but its recipients and idempotency id (bulk sending sets both).
 * `allowInvalid` is true unless you say otherwise: an invalid number is reported in the outcome
 * instead of failing its whole chunk.
 * @since 0.2.0
 * @category models
 */
export type Message<C extends Channel> = Omit<Operation.InputOf<OperationOf<C>>, "to" | "idempotencyId">

/**
 * Why a chunk failed: the send's own errors (a shared pacing store out of reach is a
 * `TransportError` whose cause is the `PacingError`).
 * @since 0.2.0
 * @category models
 */
export type ChunkError<C extends Channel> = Operation.FailureOf<OperationOf<C>>

/**
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /** Recipients a request, at most (and by default) 25,000. */
  readonly chunkSize?: number
  /** Requests in flight at once. Default 4. */
  readonly concurrency?: number
  /**
   * The account's rate limit: `limit` requests per `window` (default 1 second). Without `limit`,
   * it is read from the first answer's `X-Rate-Limit-Limit` (the first chunk goes alone).
   */
  readonly rateLimit?: { readonly limit?: number; readonly window?: Duration.DurationInput }
  /**
   * The share of the rate limit to use, from 0.1 to 1. Default 0.97: a margin for clocks and
   * latency. (Bounded below so that no gap between two requests can grow to days.)
   */
  readonly utilization?: number
  /** The pacing budget's key: processes sharing one account (through `RedisPacing`) share it. Default `"default"`. */
  readonly pacingKey?: string
  /** Keep every accepted message's id in the outcome. Default true. */
  readonly collectMessageIds?: boolean
  /**
   * Remove repeated numbers (compared as given, spaces trimmed) before they are sent: `"chunk"`
   * (the default) within each request; `"all"` across the whole send, which keeps every number
   * seen in memory (about 100 bytes each); `false` sends them as given.
   */
  readonly deduplicate?: "chunk" | "all" | false
  /** Each request's settings (timeout, deadline, retry, headers). */
  readonly call?: Omit<TransportModule.CallOptions, "beforeAttempt" | "afterAttempt" | "extraBody" | "extraQuery">
  /**
   * Stops the send when it completes: no new chunk starts, the requests in flight finish, the
   * chunks still waiting their turn (for a pacing slot, a 429's reset, a retry) are not sent but
   * listed in `failed` with their idempotency id, and the outcome says `stopped`.
   */
  readonly stop?: Effect.Effect<unknown>
  /**
   * Told the outcome so far when the send is interrupted (or its events are no longer read): the
   * requests in flight are ended, so their chunks are listed in `failed` (a `TransportError`,
   * reason `Closed`) with their idempotency ids, to send again with `retryFailed`; those that
   * did reach the API are then not sent twice.
   */
  readonly onInterrupt?: (outcome: Outcome<Channel>) => Effect.Effect<void>
}

/**
 * A chunk that finally failed: its recipients and idempotency id, to send it again with
 * `Bulk.retryFailed` (the same id: if it did reach the API after all, nothing is sent twice).
 * @since 0.2.0
 * @category models
 */
export interface FailedChunk<C extends Channel> {
  readonly index: number
  readonly recipients: ReadonlyArray<string>
  readonly idempotencyId: string
  readonly error: ChunkError<C>
}

/**
 * Totals so far.
 * @since 0.2.0
 * @category models
 */
export interface Progress {
  /** Chunks answered successfully, and chunks that finally failed. */
  readonly chunksSent: number
  readonly chunksFailed: number
  /** Recipients in the chunks handled so far (sent or failed): the prefix of the input done. */
  readonly recipients: number
  readonly recipientsFailed: number
  /** Messages the API accepted. */
  readonly accepted: number
  /** Numbers the API found invalid. */
  readonly invalid: number
  /** Repeated numbers removed before sending (see `deduplicate`), and any the API dropped. */
  readonly duplicates: number
  /** What the accepted messages cost. */
  readonly cost: number
  readonly elapsed: Duration.Duration
}

/**
 * @since 0.2.0
 * @category models
 */
export interface Outcome<C extends Channel> extends Progress {
  /** The accepted messages' ids (empty when `collectMessageIds` is false). */
  readonly messageIds: ReadonlyArray<string>
  /** The numbers the API found invalid. */
  readonly invalidNumbers: ReadonlyArray<string>
  /** Each sent chunk's campaign id, in the order they were answered. */
  readonly campaignIds: ReadonlyArray<string>
  readonly failed: ReadonlyArray<FailedChunk<C>>
  /**
   * The send ended before its input did: stopped (`stop`, an AbortSignal), interrupted, or ended
   * early with a BulkSendError.
   */
  readonly stopped: boolean
}

/**
 * What a bulk send reports as it goes; the last event is `Completed`.
 * @since 0.2.0
 * @category models
 */
export type Event<C extends Channel> =
  | {
    readonly _tag: "ChunkSent"
    readonly index: number
    readonly size: number
    readonly idempotencyId: string
    readonly answer: Operation.SuccessOf<OperationOf<C>>
    readonly progress: Progress
  }
  | { readonly _tag: "ChunkFailed"; readonly chunk: FailedChunk<C>; readonly progress: Progress }
  | { readonly _tag: "Completed"; readonly outcome: Outcome<C> }

/**
 * Recipients: a Stream or any iterable. Its failure ends the send, once the chunks read before it
 * are answered, with a BulkSendError whose `cause` is that failure.
 * @since 0.2.0
 * @category models
 */
export type Recipients<E = never, R = never> = Stream.Stream<string, E, R> | Iterable<string>
