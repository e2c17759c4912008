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
import type * as Errors from "@smscx/core/Errors"
import * as Issues from "@smscx/core/ParseIssues"
import { Transport } from "@smscx/transport/Transport"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { chunksAgain, chunksOf, type ChunkSource } from "./internal/bulk/chunks.js"
import { checkFailed, checkMessage, isRecipients } from "./internal/bulk/input.js"
import {
  type Channel,
  type Event,
  type FailedChunk,
  type Message,
  type OperationOf,
  operations,
  type Options,
  type Outcome,
  type Recipients
} from "./internal/bulk/model.js"
import { decodeOptions, invalidOption, type Settings } from "./internal/bulk/options.js"
import { send, type SendEnded } from "./internal/bulk/send.js"
import * as Pacing from "./Pacing.js"

export {
  type Channel,
  type ChunkError,
  type Event,
  type FailedChunk,
  type Message,
  type OperationOf,
  operations,
  type Options,
  type Outcome,
  type Progress,
  type Recipients
} from "./internal/bulk/model.js"

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
