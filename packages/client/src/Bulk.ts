/**
 * Bulk sending: a message to any number of recipients (an Effect `Stream` or any iterable),
 * split into requests of at most 25,000 numbers, sent with bounded concurrency, paced under the
 * account's rate limit, each retried safely (every chunk carries its own idempotency id, the same
 * on each attempt), and the outcome aggregated: messages accepted, invalid numbers, duplicates,
 * cost, and the chunks that finally failed with their error and recipients, to send again.
 *
 * Memory stays flat: recipients are read as chunks are sent, never held beyond the chunks in
 * flight (message ids are kept only with `collectMessageIds`, the default; for millions, read them
 * from the events instead).
 *
 * Every recipient is accounted for, whatever ends the send: a failure once it has begun is a
 * `BulkSendError` carrying the outcome (the requests in flight awaited first), a stop cuts the
 * chunks still waiting their turn and lists them in `failed`, and an interruption tells
 * `onInterrupt` the outcome with the chunks in flight and their idempotency ids.
 *
 * @example
 * ```ts
 * const bulk = yield* Bulk
 * const outcome = yield* bulk.sms(recipients, { from: "InfoText", text: "Sale today" })
 * console.log(outcome.accepted, outcome.cost, outcome.failed.length)
 * ```
 *
 * @since 0.2.0
 */
import * as Api from "@smscx/core/Api"
import type * as Errors from "@smscx/core/Errors"
import type * as Operation from "@smscx/core/Operation"
import * as Issues from "@smscx/core/ParseIssues"
import type * as TransportModule from "@smscx/transport/Transport"
import { Transport } from "@smscx/transport/Transport"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { chunksAgain, chunksOf, type ChunkSource } from "./internal/bulk/chunks.js"
import { checkFailed, checkMessage, isRecipients } from "./internal/bulk/input.js"
import { decodeOptions, invalidOption, type Settings } from "./internal/bulk/options.js"
import { send, type SendEnded } from "./internal/bulk/send.js"
import * as Pacing from "./Pacing.js"

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
 * A bulk send that ended early, once it had begun reading its recipients: its input failed (an
 * iterable or Stream that threw, or an item that is not a phone number, refused before its chunk
 * was sent), the API answered a 429 whose `X-Rate-Limit-Reset` is past the retry policy's
 * `maxDelay` (as a single call fails at once), or (Promise client) `onProgress` threw or the
 * client was closed. `cause` says why; `outcome` accounts for what was done: the chunks that
 * were sent (every request in flight when it ended was awaited), and in `failed` those that were
 * not, with their recipients and idempotency ids. Recipients past `outcome.recipients` in the
 * input were never read.
 * @since 0.2.0
 * @category errors
 */
export class BulkSendError extends Schema.TaggedError<BulkSendError>()("BulkSendError", {
  operation: Schema.String,
  message: Schema.String,
  outcome: Schema.declare((u: unknown): u is Outcome<Channel> => Predicate.isRecord(u)),
  cause: Schema.optional(Schema.Defect)
}) {
  /** As a logger writes it: the outcome's totals, its lists (numbers, ids: maybe millions) as counts. */
  override toJSON(): unknown {
    const { campaignIds, failed, invalidNumbers, messageIds, ...totals } = this.outcome
    return {
      _tag: this._tag,
      operation: this.operation,
      message: this.message,
      outcome: {
        ...totals,
        failedChunks: failed.length,
        messageIds: messageIds.length,
        invalidNumbers: invalidNumbers.length,
        campaignIds: campaignIds.length
      }
    }
  }
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

/**
 * One channel's bulk send: the outcome, or `events` for the progress as it goes.
 * @since 0.2.0
 * @category models
 */
export interface Method<C extends Channel> {
  <E = never, R = never>(
    recipients: Recipients<E, R>,
    message: Message<C>,
    options?: Options
  ): Effect.Effect<Outcome<C>, Errors.RequestValidationError | BulkSendError, R>
  readonly events: <E = never, R = never>(
    recipients: Recipients<E, R>,
    message: Message<C>,
    options?: Options
  ) => Stream.Stream<Event<C>, Errors.RequestValidationError | BulkSendError, R>
  /** Sends the failed chunks of an earlier outcome again, each with its own idempotency id. */
  readonly retryFailed: (
    failed: ReadonlyArray<FailedChunk<C>>,
    message: Message<C>,
    options?: Options
  ) => Effect.Effect<Outcome<C>, Errors.RequestValidationError | BulkSendError>
}

/**
 * @since 0.2.0
 * @category models
 */
export type Service = { readonly [C in Channel]: Method<C> }

/**
 * @since 0.2.0
 * @category tags
 */
export class Bulk extends Context.Tag("@smscx/client/Bulk")<Bulk, Service>() {}

/** The error a send that ended early fails with, its message saying how far it got. */
const bulkSendError = (operationId: string, { cause, outcome }: SendEnded<Channel>) =>
  new BulkSendError({
    operation: operationId,
    message:
      `${operationId} (bulk): the send ended early after ${outcome.recipients} recipients (${outcome.accepted} accepted, ${outcome.recipientsFailed} in failed chunks): ${
        Issues.thrown(cause)
      }`,
    outcome,
    cause
  })

const outcomeOf = <C extends Channel, E, R>(events: Stream.Stream<Event<C>, E, R>) =>
  Effect.flatMap(
    Stream.runLast(Stream.filter(events, (event) => event._tag === "Completed")),
    (last) =>
      Option.isSome(last) && last.value._tag === "Completed"
        ? Effect.succeed(last.value.outcome)
        : Effect.dieMessage("a bulk send ended without its outcome")
  )

/**
 * The bulk sends over a `Transport` and a `Pacing`.
 * @since 0.2.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, Transport | Pacing.Pacing> = Effect.gen(function*() {
  const transport = yield* Transport
  const pacing = yield* Pacing.Pacing
  const methodOf = <C extends Channel>(channel: C): Method<C> => {
    const operation: OperationOf<C> = operations[channel]
    /** The options (call options included) and the message checked, before anything is read or sent. */
    const prepare = (message: Message<C>, options: Options | undefined) =>
      Effect.zipLeft(decodeOptions(operation.id, options), checkMessage(operation, message))
    const sendChunks = <E, R>(chunks: ChunkSource<E, R>, message: Message<C>, settings: Settings) =>
      Stream.mapError(
        send(transport, pacing, operation, chunks, message, settings),
        (ended) => bulkSendError(operation.id, ended as SendEnded<Channel>)
      )
    const events = <E, R>(recipients: Recipients<E, R>, message: Message<C>, options?: Options) =>
      Stream.unwrap(Effect.gen(function*() {
        const settings = yield* prepare(message, options)
        if (!isRecipients(recipients)) {
          return yield* invalidOption(operation.id, "recipients", "must be a Stream or an iterable of phone numbers")
        }
        return sendChunks(chunksOf(operation.id, recipients, settings), message, settings)
      }))
    const retryFailed = (failed: ReadonlyArray<FailedChunk<C>>, message: Message<C>, options?: Options) =>
      Effect.flatMap(
        Effect.zipLeft(prepare(message, options), checkFailed(operation.id, failed)),
        (settings) => outcomeOf(sendChunks(chunksAgain(failed), message, settings))
      )
    const method = <E, R>(recipients: Recipients<E, R>, message: Message<C>, options?: Options) =>
      outcomeOf(events(recipients, message, options))
    return Object.assign(method, { events, retryFailed })
  }
  return Bulk.of({
    sms: methodOf("sms"),
    viber: methodOf("viber"),
    whatsapp: methodOf("whatsapp"),
    multichannel: methodOf("multichannel")
  })
})

/**
 * Bulk sending with in-process pacing (`Pacing.layerMemory`); provide another `Pacing` (e.g.
 * `RedisPacing.layer`) with `layerWithoutPacing` to share a budget between processes.
 * @since 0.2.0
 * @category layers
 */
export const layer: Layer.Layer<Bulk, never, Transport> = Layer.effect(Bulk, make).pipe(
  Layer.provide(Pacing.layerMemory)
)

/**
 * @since 0.2.0
 * @category layers
 */
export const layerWithoutPacing: Layer.Layer<Bulk, never, Transport | Pacing.Pacing> = Layer.effect(Bulk, make)
