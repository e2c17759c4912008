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
import * as Errors from "@smscx/core/Errors"
import type * as Operation from "@smscx/core/Operation"
import * as Issues from "@smscx/core/ParseIssues"
import * as RetryPolicy from "@smscx/transport/RetryPolicy"
import * as TransportModule from "@smscx/transport/Transport"
import { Transport } from "@smscx/transport/Transport"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
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

/** The largest chunk the API takes. */
const MAX_CHUNK = 25_000

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

/** A chunk to send: its recipients, and the id it was sent with before (a retry of a failed chunk). */
interface Unit {
  readonly index: number
  readonly recipients: ReadonlyArray<string>
  readonly idempotencyId: string
}

type Answer = {
  readonly info: {
    readonly campaignId?: string
    readonly totalPhoneNumbers?: number
    readonly totalValid?: number
    readonly totalInvalid?: number
    readonly totalCost?: number
    readonly invalid?: ReadonlyArray<unknown>
  }
  readonly data: ReadonlyArray<{ readonly msgId?: string }>
}

interface Resolved {
  readonly chunkSize: number
  readonly concurrency: number
  readonly limit: number | undefined
  readonly window: Duration.Duration
  readonly utilization: number
  readonly pacingKey: string
  readonly collectMessageIds: boolean
  readonly deduplicate: "chunk" | "all" | false
  readonly call: Options["call"]
  readonly stop: Effect.Effect<unknown> | undefined
  readonly onInterrupt: ((outcome: Outcome<Channel>) => Effect.Effect<void>) | undefined
}

const invalidOption = (channel: Channel, option: string, problem: string) =>
  new Errors.RequestValidationError({
    operation: operations[channel].id,
    message: `${operations[channel].id} (bulk): option ${option} ${problem}`,
    issues: [{ path: ["options", ...option.split(".")], message: problem }]
  })

const isWhole = (value: unknown, min: number, max: number): value is number =>
  Number.isInteger(value) && (value as number) >= min && (value as number) <= max

/** The lowest `utilization`: with the longest window and a limit of 1, a gap of 10 hours. */
const MIN_UTILIZATION = 0.1

/** The options' names, from an object the compiler holds to `Options`: none missing, none extra. */
const OPTION_NAMES: ReadonlyArray<string> = Object.keys(
  {
    chunkSize: true,
    concurrency: true,
    rateLimit: true,
    utilization: true,
    pacingKey: true,
    collectMessageIds: true,
    deduplicate: true,
    call: true,
    stop: true,
    onInterrupt: true
  } satisfies Record<keyof Options, true>
)

/** The options checked: a bad one is a RequestValidationError, before anything is read or sent. */
const resolve = (channel: Channel, options: Options = {}): Effect.Effect<Resolved, Errors.RequestValidationError> =>
  Effect.suspend(() => {
    if (!Predicate.isRecord(options)) return Effect.fail(invalidOption(channel, "options", "must be an object"))
    // a misspelt option would otherwise be a setting silently not applied
    const stray = Object.keys(options).find((name) => !OPTION_NAMES.includes(name))
    if (stray !== undefined) {
      return Effect.fail(
        invalidOption(channel, stray.slice(0, 40), `is not a bulk option (they are ${OPTION_NAMES.join(", ")})`)
      )
    }
    const {
      call,
      chunkSize,
      collectMessageIds,
      concurrency,
      deduplicate,
      onInterrupt,
      pacingKey,
      rateLimit,
      stop,
      utilization
    } = options
    if (chunkSize !== undefined && !isWhole(chunkSize, 1, MAX_CHUNK)) {
      return Effect.fail(invalidOption(channel, "chunkSize", `must be a whole number from 1 to ${MAX_CHUNK}`))
    }
    if (concurrency !== undefined && !isWhole(concurrency, 1, 64)) {
      return Effect.fail(invalidOption(channel, "concurrency", "must be a whole number from 1 to 64"))
    }
    if (rateLimit !== undefined && !Predicate.isRecord(rateLimit)) {
      return Effect.fail(invalidOption(channel, "rateLimit", "must be { limit?, window? }"))
    }
    if (rateLimit?.limit !== undefined && !isWhole(rateLimit.limit, 1, 1_000_000)) {
      return Effect.fail(invalidOption(channel, "rateLimit.limit", "must be a whole number from 1 to 1000000"))
    }
    const window = rateLimit?.window === undefined
      ? Option.some(Duration.seconds(1))
      : typeof rateLimit.window === "number" && !Number.isFinite(rateLimit.window)
      ? Option.none()
      : Duration.decodeUnknown(rateLimit.window)
    if (Option.isNone(window) || Duration.toMillis(window.value) < 1 || Duration.toHours(window.value) > 1) {
      return Effect.fail(invalidOption(channel, "rateLimit.window", "must be a duration from 1 ms to 1 hour"))
    }
    if (
      utilization !== undefined &&
      !(typeof utilization === "number" && utilization >= MIN_UTILIZATION && utilization <= 1)
    ) {
      return Effect.fail(invalidOption(channel, "utilization", `must be a number from ${MIN_UTILIZATION} to 1`))
    }
    if (pacingKey !== undefined && (typeof pacingKey !== "string" || pacingKey === "" || pacingKey.length > 200)) {
      return Effect.fail(invalidOption(channel, "pacingKey", "must be a non-empty string of at most 200 characters"))
    }
    if (collectMessageIds !== undefined && typeof collectMessageIds !== "boolean") {
      return Effect.fail(invalidOption(channel, "collectMessageIds", "must be true or false"))
    }
    if (deduplicate !== undefined && deduplicate !== "chunk" && deduplicate !== "all" && deduplicate !== false) {
      return Effect.fail(invalidOption(channel, "deduplicate", "must be \"chunk\", \"all\" or false"))
    }
    if (call !== undefined && !Predicate.isRecord(call)) {
      return Effect.fail(invalidOption(channel, "call", "must be an object of call options"))
    }
    if (stop !== undefined && !Effect.isEffect(stop)) {
      return Effect.fail(invalidOption(channel, "stop", "must be an Effect"))
    }
    if (onInterrupt !== undefined && typeof onInterrupt !== "function") {
      return Effect.fail(invalidOption(channel, "onInterrupt", "must be a function of the outcome"))
    }
    return Effect.succeed({
      chunkSize: chunkSize ?? MAX_CHUNK,
      concurrency: concurrency ?? 4,
      limit: rateLimit?.limit,
      window: window.value,
      utilization: utilization ?? 0.97,
      pacingKey: pacingKey ?? "default",
      collectMessageIds: collectMessageIds ?? true,
      deduplicate: deduplicate ?? "chunk",
      call: call as Options["call"],
      stop: stop as Effect.Effect<unknown> | undefined,
      onInterrupt: onInterrupt as Resolved["onInterrupt"]
    })
  })

/** The call options checked by the transport's own rules, before anything is read or sent. */
const checkCall = (channel: Channel, call: Options["call"]) =>
  Effect.suspend(() => {
    if (call === undefined) return Effect.void
    const checked = TransportModule.validateCall(call)
    return Either.isRight(checked)
      ? Effect.void
      : Effect.fail(invalidOption(channel, `call.${checked.left.option}`, checked.left.problem))
  })

/** Sums of money in millionths, so that thousands of chunks' costs add up exactly. */
const MICROS = 1_000_000

/** The totals of a send, updated as chunks are answered. */
class Totals {
  chunksSent = 0
  chunksFailed = 0
  recipients = 0
  recipientsFailed = 0
  accepted = 0
  invalid = 0
  duplicates = 0
  /** Repeats removed before sending, counted as chunks are read. */
  removed = 0
  costMicros = 0
  readonly messageIds: Array<string> = []
  readonly invalidNumbers: Array<string> = []
  readonly campaignIds: Array<string> = []
  readonly failed: Array<FailedChunk<any>> = []

  constructor(readonly started: number, readonly collectMessageIds: boolean) {}

  sent(unit: Unit, answer: Answer) {
    const info = answer.info
    const invalid = (info.invalid ?? []).filter(Predicate.isString)
    const valid = info.totalValid ?? answer.data.length
    const total = info.totalPhoneNumbers ?? unit.recipients.length
    this.chunksSent++
    this.recipients += unit.recipients.length
    this.accepted += valid
    this.invalid += info.totalInvalid ?? invalid.length
    this.duplicates += Math.max(0, total - valid - (info.totalInvalid ?? invalid.length))
    this.costMicros += Math.round((info.totalCost ?? 0) * MICROS)
    for (const number of invalid) this.invalidNumbers.push(number)
    if (info.campaignId !== undefined) this.campaignIds.push(info.campaignId)
    if (this.collectMessageIds) {
      for (const message of answer.data) if (message.msgId !== undefined) this.messageIds.push(message.msgId)
    }
  }

  failedChunk(chunk: FailedChunk<any>) {
    this.chunksFailed++
    this.recipients += chunk.recipients.length
    this.recipientsFailed += chunk.recipients.length
    this.failed.push(chunk)
  }

  progress(now: number): Progress {
    return {
      chunksSent: this.chunksSent,
      chunksFailed: this.chunksFailed,
      recipients: this.recipients,
      recipientsFailed: this.recipientsFailed,
      accepted: this.accepted,
      invalid: this.invalid,
      duplicates: this.duplicates + this.removed,
      cost: this.costMicros / MICROS,
      elapsed: Duration.millis(Math.max(0, now - this.started))
    }
  }

  outcome<C extends Channel>(now: number, stopped: boolean): Outcome<C> {
    return {
      ...this.progress(now),
      messageIds: this.messageIds,
      invalidNumbers: this.invalidNumbers,
      campaignIds: this.campaignIds,
      failed: this.failed,
      stopped
    }
  }
}

/**
 * A chunk read from the input and not yet answered. `phase` says whether its request is on the
 * wire (`attempting`): a stop cuts a chunk only while it is `waiting` its turn (the first answer,
 * a pacing slot, a 429's reset) or `between` two attempts, so nothing leaves after a stop, and
 * no request that left is abandoned by one.
 */
interface Flight {
  readonly unit: Unit
  phase: "waiting" | "attempting" | "between"
  /** The failure of its last attempt, if one failed: what it is reported with when cut. */
  lastError: unknown
  readonly cut: Deferred.Deferred<void>
}

/** A call's retry options: its own, field by field over the client's (as the transport merges them). */
const mergedRetry = (
  client: RetryPolicy.Options | false,
  own: RetryPolicy.Options | false | undefined
): RetryPolicy.Options | false =>
  own === undefined ? client : own === false ? false : client === false ? own : { ...client, ...own }

/**
 * The events of one bulk send over `units`. The first chunk goes alone when the rate limit is
 * not given, so that its answer's `X-Rate-Limit-Limit` sets the pace of the rest; a 429 holds
 * every chunk of this send until its `X-Rate-Limit-Reset` has passed (a reset past the retry
 * policy's `maxDelay` ends the send, as it fails a single call), and an answer saying
 * `X-Rate-Limit-Remaining: 0` until the window is surely over.
 *
 * Every chunk read is accounted for, whatever ends the send: an input failure lets the chunks
 * read go and then fails with a BulkSendError carrying the outcome; a stop cuts the chunks that
 * have not left (listed in `failed`); an interruption tells `onInterrupt` the outcome with the
 * chunks in flight listed in `failed`.
 */
const run = <C extends Channel, E, R>(
  transport: TransportModule.Service,
  pacing: Pacing.Service,
  channel: C,
  units: (totals: Totals) => Stream.Stream<Unit, E | Errors.RequestValidationError, R>,
  message: Message<C>,
  options: Resolved
): Stream.Stream<Event<C>, BulkSendError, R> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const operation = operations[channel]
    const url = `${transport.baseUrl}${operation.path}`
    const totals = new Totals(yield* Clock.currentTimeMillis, options.collectMessageIds)
    let limit = options.limit
    let holdUntil = 0
    /** No chunk starts once set; those waiting their turn are cut. */
    let stopped = false
    /** Why the send ends early with a BulkSendError: its input failed, or a reset past maxDelay. */
    let ending: Option.Option<unknown> = Option.none()
    let ended = false
    const active = new Set<Flight>()
    const stopLatch = yield* Deferred.make<void>()
    const learned = yield* Deferred.make<void>()
    if (limit !== undefined) yield* Deferred.succeed(learned, undefined)

    // the policy each call would have, watched so that a stop reaches a chunk between attempts
    const retry = mergedRetry(transport.retry, options.call?.retry)
    const policy = retry === false ? undefined : RetryPolicy.make(retry)
    const maxDelay = Duration.toMillis(
      retry === false || retry.maxDelay === undefined
        ? RetryPolicy.defaults.maxDelay
        : Duration.decode(retry.maxDelay)
    )

    const stopNow = () => {
      if (stopped) return
      stopped = true
      Deferred.unsafeDone(stopLatch, Effect.void)
      for (const flight of active) if (flight.phase !== "attempting") Deferred.unsafeDone(flight.cut, Effect.void)
    }
    if (options.stop !== undefined) {
      yield* Effect.forkScoped(Effect.andThen(options.stop, Effect.sync(stopNow)))
    }

    const unsent = (why: string) =>
      new Errors.TransportError({
        reason: "Closed",
        method: operation.method,
        url,
        message: `${operation.method} ${url}: not sent: ${why}`
      })
    /** What a chunk cut before it left (again) is reported with. */
    const cutError = (flight: Flight) =>
      flight.lastError ?? unsent("the send was stopped before this chunk left; nothing of it reached the API")
    /** A reset past maxDelay: no wait would be allowed for it, as for a single call. */
    const beyondMaxDelay = (reset: number | undefined) =>
      reset !== undefined && Number.isFinite(reset) && reset * 1000 > maxDelay

    const beforeAttempt = (flight: Flight) =>
      Effect.gen(function*() {
        flight.phase = "waiting"
        if (stopped) return yield* Effect.fail(cutError(flight) as Errors.TransportError)
        const now = yield* Clock.currentTimeMillis
        if (holdUntil > now) yield* Effect.sleep(Duration.millis(holdUntil - now))
        if (limit !== undefined) {
          yield* pacing.take(options.pacingKey, Pacing.budgetFor(limit, options.window, options.utilization)).pipe(
            // a pacing store out of reach is a failure of the infrastructure: retried as one
            Effect.mapError((error) =>
              new Errors.TransportError({
                reason: "Transport",
                method: operation.method,
                url,
                message: `${operation.method} ${url}: ${error.message}`,
                cause: error
              })
            )
          )
        }
        // checked and set in one step: a stop that came while this chunk waited keeps it home
        if (stopped) return yield* Effect.fail(cutError(flight) as Errors.TransportError)
        flight.phase = "attempting"
      })
    const afterAttempt = (answer: { readonly status: number; readonly rateLimit: Errors.RateLimit }) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.sync(() => {
          const given = answer.rateLimit.limit
          if (options.limit === undefined && given !== undefined && Number.isInteger(given) && given > 0) limit = given
          if (answer.status === 429) {
            const reset = answer.rateLimit.reset
            // the chunk that met it fails at once (its retry policy allows no such wait), and so
            // does the send: no other chunk waits for it, none more is sent
            if (beyondMaxDelay(reset)) return stopNow()
            const wait = reset !== undefined && Number.isFinite(reset) && reset > 0 ? reset : 1
            holdUntil = Math.max(holdUntil, now + wait * 1000)
          } else if (answer.rateLimit.remaining === 0 && limit !== undefined) {
            // the window is spent: the next request in it would be a 429. At the API's own limit
            // that is the end of a window our even pace filled, over within a gap or two; paced
            // faster than the API allows (a limit given too high), the rest of a window is unknown
            const apiLimit = answer.rateLimit.limit
            const wait = apiLimit !== undefined && limit <= apiLimit
              ? 2 * Duration.toMillis(Pacing.spacing(Pacing.budgetFor(limit, options.window, options.utilization)))
              : Duration.toMillis(options.window)
            holdUntil = Math.max(holdUntil, now + wait)
          }
        }))
    /** The call's policy, telling the flight when an attempt failed (it is then between attempts). */
    const watched = (flight: Flight): RetryPolicy.Policy | undefined =>
      policy === undefined ?
        undefined :
        (request) =>
          Schedule.tapInput(policy(request), (error: unknown) =>
            Effect.sync(() => {
              flight.phase = "between"
              flight.lastError = error
              if (stopped) Deferred.unsafeDone(flight.cut, Effect.void)
            }))

    const attempt = (flight: Flight) => {
      const { unit } = flight
      const own = watched(flight)
      return transport.callWithResponse(
        operation,
        // invalid numbers are reported in the outcome; they do not fail the other 24,999 of a chunk
        [{ allowInvalid: true, ...message, to: unit.recipients, idempotencyId: unit.idempotencyId }],
        {
          ...options.call,
          retry: own === undefined ? false : { policy: own },
          beforeAttempt: beforeAttempt(flight),
          afterAttempt
        }
      )
    }

    /** A chunk's answer (or final failure) recorded at once, so that an interruption after it loses nothing. */
    const record = (
      flight: Flight,
      result: Either.Either<{ readonly data: unknown }, unknown>,
      now: number
    ): Event<C> => {
      active.delete(flight)
      const { unit } = flight
      if (result._tag === "Right") {
        totals.sent(unit, result.right.data as Answer)
        return {
          _tag: "ChunkSent",
          index: unit.index,
          size: unit.recipients.length,
          idempotencyId: unit.idempotencyId,
          answer: result.right.data as Operation.SuccessOf<OperationOf<C>>,
          progress: totals.progress(now)
        }
      }
      const error = result.left
      if (
        Option.isNone(ending) && Errors.isApiError(error) && error.status === 429 &&
        beyondMaxDelay(error.rateLimit.reset)
      ) {
        ending = Option.some(error)
      }
      const chunk: FailedChunk<C> = { ...unit, error: error as ChunkError<C> }
      totals.failedChunk(chunk)
      return { _tag: "ChunkFailed", chunk, progress: totals.progress(now) }
    }

    // a chunk is read from the input only when a slot is free: no more than `concurrency` chunks
    // are ever held, and a stop leaves none read but unaccounted for
    const slots = yield* Effect.makeSemaphore(options.concurrency)
    let first = true
    // the first chunk went unpaced: once the pace is known, it takes its slot, so that the next
    // request leaves a gap after it as every other does
    const paceFirst = Effect.suspend(() =>
      limit === undefined || options.limit !== undefined
        ? Effect.void
        : Effect.ignore(pacing.take(options.pacingKey, Pacing.budgetFor(limit, options.window, options.utilization)))
    )
    const fly = (unit: Unit) =>
      Effect.gen(function*() {
        const flight: Flight = { unit, phase: "waiting", lastError: undefined, cut: yield* Deferred.make<void>() }
        active.add(flight)
        if (stopped) Deferred.unsafeDone(flight.cut, Effect.void)
        const isFirst = first
        first = false
        const sent = Effect.raceFirst(
          isFirst ? attempt(flight) : Effect.zipRight(Deferred.await(learned), attempt(flight)),
          Effect.zipRight(Deferred.await(flight.cut), Effect.suspend(() => Effect.fail(cutError(flight))))
        )
        // the first chunk's answer set the pace (or there was none to read): the rest may go
        const result = yield* Effect.either(
          isFirst ? Effect.ensuring(sent, Effect.zipRight(paceFirst, Deferred.succeed(learned, undefined))) : sent
        )
        return record(flight, result, yield* Clock.currentTimeMillis)
      }).pipe(Effect.ensuring(slots.release(1)))

    const input = units(totals).pipe(
      // an input that fails ends the send once the chunks read are answered
      Stream.catchAll((error) =>
        Stream.drain(Stream.fromEffect(Effect.sync(() => {
          if (Option.isNone(ending)) ending = Option.some(error)
        })))
      ),
      // the yield lets a stop that just completed be seen before the next chunk is taken
      Stream.tap(() => Effect.zipRight(Effect.yieldNow(), slots.take(1))),
      Stream.takeWhile(() => !stopped),
      Stream.interruptWhen(Deferred.await(stopLatch))
    )
    const events = Stream.mapEffect(input, fly, { concurrency: options.concurrency, unordered: true })
    const end = Stream.fromEffect(
      Effect.flatMap(Clock.currentTimeMillis, (now): Effect.Effect<Event<C>, BulkSendError> => {
        ended = true
        const outcome = totals.outcome<C>(now, stopped || Option.isSome(ending))
        if (Option.isNone(ending)) return Effect.succeed({ _tag: "Completed", outcome })
        const cause = ending.value
        return Effect.fail(
          new BulkSendError({
            operation: operation.id,
            message:
              `${operation.id} (bulk): the send ended early after ${outcome.recipients} recipients (${outcome.accepted} accepted, ${outcome.recipientsFailed} in failed chunks): ${
                Issues.thrown(cause)
              }`,
            outcome: outcome as Outcome<Channel>,
            cause
          })
        )
      })
    )
    // interrupted (or no longer read) before its end: the chunks in flight are reported with their
    // ids, so that what reached the API can be told from what did not by sending them again
    const interrupted = Effect.suspend(() => {
      if (ended || options.onInterrupt === undefined) return Effect.void
      ended = true
      const onInterrupt = options.onInterrupt
      return Effect.flatMap(Clock.currentTimeMillis, (now) => {
        for (const flight of active) {
          totals.failedChunk({
            ...flight.unit,
            error: (flight.phase === "attempting" || flight.lastError === undefined
              ? unsent(
                flight.phase === "attempting"
                  ? "the send was interrupted while this chunk was in flight: it may have reached the API"
                  : "the send was interrupted before this chunk left"
              )
              : flight.lastError) as ChunkError<Channel>
          })
        }
        active.clear()
        return Effect.catchAllCause(onInterrupt(totals.outcome<Channel>(now, true)), () => Effect.void)
      })
    })
    return Stream.ensuring(Stream.concat(events, end), interrupted)
  }))

const newId = Effect.sync(() => crypto.randomUUID())

/**
 * The recipients as chunks with their index and a new idempotency id each, repeats removed as
 * `deduplicate` says (and counted in `totals`). Anything but a string among them (or a string
 * too long to be a number) fails the input with a RequestValidationError when its chunk is read,
 * before that chunk is sent.
 */
const unitsOf = <E, R>(
  channel: Channel,
  recipients: Recipients<E, R>,
  options: Resolved
) =>
(totals: Totals): Stream.Stream<Unit, E | Errors.RequestValidationError, R> => {
  const stream = Predicate.hasProperty(recipients, Stream.StreamTypeId)
    ? recipients as Stream.Stream<string, E, R>
    : Stream.fromIterable(recipients as Iterable<string>)
  const seen = options.deduplicate === "all" ? new Set<string>() : undefined
  return stream.pipe(
    Stream.grouped(options.chunkSize),
    Stream.zipWithIndex,
    Stream.mapEffect(([chunk, index]) => {
      // per chunk, not per number: a million numbers are a few dozen steps
      const given = Chunk.toReadonlyArray(chunk) as ReadonlyArray<unknown>
      const numbers: Array<string> = []
      const distinct = seen ?? (options.deduplicate === "chunk" ? new Set<string>() : undefined)
      for (let i = 0; i < given.length; i++) {
        const number = given[i]
        // refused before its chunk is sent: the chunks before it go, then the send ends
        if (typeof number !== "string" || number.length > MAX_RECIPIENT_LENGTH) {
          return Effect.fail(
            invalidOption(
              channel,
              `recipients[${index * options.chunkSize + i}]`,
              `must be a phone number (a string of at most ${MAX_RECIPIENT_LENGTH} characters)`
            )
          )
        }
        const trimmed = number.trim()
        if (distinct !== undefined) {
          if (distinct.has(trimmed)) {
            totals.removed++
            continue
          }
          distinct.add(trimmed)
        }
        numbers.push(trimmed)
      }
      return Effect.map(newId, (idempotencyId): Unit => ({ index, recipients: numbers, idempotencyId }))
    }),
    // a chunk of repeats only ("all") has nothing left to send
    Stream.filter((unit) => unit.recipients.length > 0),
    // one request's chunk a pull: a stop is seen between any two of them
    Stream.rechunk(1)
  )
}

/** Far longer than any phone number (E.164: 15 digits), written with spaces or not. */
const MAX_RECIPIENT_LENGTH = 64

/** Stands in for the recipients while the message alone is checked. */
const PLACEHOLDER_RECIPIENT = "+31600000000"

/**
 * The message checked against the send's schema before anything is read or sent: a message that
 * cannot go would otherwise fail every chunk alike.
 */
const checkMessage = (channel: Channel, message: unknown) => {
  const operation = operations[channel]
  if (!Predicate.isRecord(message)) return Effect.fail(invalidOption(channel, "message", "must be an object"))
  const decoded = Schema.decodeUnknownEither(operation.input.schema as Schema.Schema<unknown, unknown>)({
    ...message,
    to: [PLACEHOLDER_RECIPIENT],
    idempotencyId: crypto.randomUUID()
  })
  if (decoded._tag === "Right") return Effect.void
  const { issues } = Issues.collect(decoded.left.issue)
  return Effect.fail(
    new Errors.RequestValidationError({
      operation: operation.id,
      message: Issues.message(`${operation.id} (bulk): the message is not valid`, issues),
      issues
    })
  )
}

/**
 * The failed chunks given to `retryFailed`: each as an outcome lists it (a whole index, its
 * recipients as strings, at most a request's worth, and its idempotency id), or a
 * RequestValidationError before anything is sent.
 */
const checkFailed = (channel: Channel, failed: unknown): Effect.Effect<void, Errors.RequestValidationError> =>
  Effect.suspend(() => {
    const problem = "must be the failed chunks of an outcome (outcome.failed)"
    if (!Array.isArray(failed)) return Effect.fail(invalidOption(channel, "failed", problem))
    for (let i = 0; i < failed.length; i++) {
      const chunk: unknown = failed[i]
      const fine = Predicate.isRecord(chunk) && isWhole(chunk.index, 0, Number.MAX_SAFE_INTEGER) &&
        typeof chunk.idempotencyId === "string" && chunk.idempotencyId !== "" && chunk.idempotencyId.length <= 255 &&
        Array.isArray(chunk.recipients) && chunk.recipients.length >= 1 && chunk.recipients.length <= MAX_CHUNK &&
        chunk.recipients.every((r: unknown) => typeof r === "string" && r.length <= MAX_RECIPIENT_LENGTH)
      if (!fine) return Effect.fail(invalidOption(channel, `failed[${i}]`, problem))
    }
    return Effect.void
  })

const isRecipients = (recipients: unknown): boolean =>
  Predicate.hasProperty(recipients, Stream.StreamTypeId) ||
  (typeof recipients === "object" && recipients !== null && Symbol.iterator in recipients)

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
    /** The options, the call options and the message checked, before anything is read or sent. */
    const prepare = (message: Message<C>, options: Options | undefined) =>
      Effect.flatMap(
        resolve(channel, options),
        (resolved) =>
          Effect.as(
            Effect.zipRight(checkCall(channel, resolved.call), checkMessage(channel, message)),
            resolved
          )
      )
    const events = <E, R>(recipients: Recipients<E, R>, message: Message<C>, options?: Options) =>
      Stream.unwrap(Effect.gen(function*() {
        const resolved = yield* prepare(message, options)
        if (!isRecipients(recipients)) {
          return yield* invalidOption(channel, "recipients", "must be a Stream or an iterable of phone numbers")
        }
        return run(transport, pacing, channel, unitsOf(channel, recipients, resolved), message, resolved)
      }))
    const retryFailed = (failed: ReadonlyArray<FailedChunk<C>>, message: Message<C>, options?: Options) =>
      Effect.flatMap(
        Effect.zipLeft(prepare(message, options), checkFailed(channel, failed)),
        (resolved) =>
          outcomeOf(run(
            transport,
            pacing,
            channel,
            () =>
              Stream.fromIterable(
                failed.map(({ idempotencyId, index, recipients }): Unit => ({ index, recipients, idempotencyId }))
              ),
            message,
            resolved
          ))
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
