/**
 * Bulk sending for the Promise client: `client.bulk.sms(recipients, message, options)` with any
 * iterable or async iterable of numbers, split into requests of at most 25,000, paced under the
 * account's rate limit, each retried safely, the outcome aggregated. `onProgress` hears of each
 * chunk; an `AbortSignal` stops the send (nothing leaves after it) and the outcome says what was
 * sent. A send that ends early otherwise (its input throws, `onProgress` throws, the client is
 * closed, ...) rejects with a `BulkSendError` whose `outcome` accounts for every chunk.
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
import * as ClientBulkJob from "@smscx/client/BulkJob"
import * as BulkJobQueue from "@smscx/client/BulkJobQueue"
import * as BulkJobStore from "@smscx/client/BulkJobStore"
import * as Pacing from "@smscx/client/Pacing"
import { RequestValidationError } from "@smscx/core/Errors"
import type * as Transport from "@smscx/transport/Transport"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { type ClientBase, runOnClient } from "./Client.js"

/**
 * @since 0.2.0
 */
export type { Channel, ChunkError, FailedChunk, Message } from "@smscx/client/Bulk"

/**
 * Totals so far, in plain numbers: as the Effect client's, with `elapsedMs` (milliseconds since
 * the send started) for its `elapsed` Duration.
 * @since 0.3.0
 * @category models
 */
export interface Progress extends Omit<ClientBulk.Progress, "elapsed"> {
  /** Milliseconds since the send started. */
  readonly elapsedMs: number
}

/**
 * What a send did, in plain values (`JSON.stringify` shows it as it is): the totals, the
 * accepted messages' ids, the invalid numbers, the campaigns, and the chunks that failed.
 * @since 0.3.0
 * @category models
 */
export interface Outcome<C extends ClientBulk.Channel> extends Omit<ClientBulk.Outcome<C>, "elapsed"> {
  /** Milliseconds the send took. */
  readonly elapsedMs: number
}

/** The Effect client's totals with plain numbers. */
const plain = <P extends { readonly elapsed: Duration.Duration }>(
  progress: P
): Omit<P, "elapsed"> & { readonly elapsedMs: number } => {
  const { elapsed, ...rest } = progress
  return { ...rest, elapsedMs: Duration.toMillis(elapsed) }
}

/**
 * A bulk send that ended early once it had begun: `cause` says why (the input's error, a
 * `RequestValidationError` for an item that is not a phone number, what `onProgress` threw, a
 * `TransportError` (reason `Closed`) when the client was closed, a 429 whose reset is past
 * `retry.maxDelay`); `outcome` says what was sent, and lists in `failed` the chunks that were not
 * (or whose fate is unknown), with their idempotency ids, for `retryFailed`. The same class as
 * the Effect client's (`instanceof` works with either), its `outcome` in plain values.
 * @since 0.2.0
 * @category errors
 */
export interface BulkSendError extends Omit<ClientBulk.BulkSendError, "outcome"> {
  readonly outcome: Outcome<ClientBulk.Channel>
}

/**
 * @since 0.2.0
 * @category errors
 */
export const BulkSendError: new(
  fields: {
    readonly operation: string
    readonly message: string
    readonly outcome: Outcome<ClientBulk.Channel>
    readonly cause?: unknown
  }
) => BulkSendError = ClientBulk.BulkSendError as never

/** The error with its outcome in plain values: a copy of the same class, keeping its stack. */
const plainError = (error: ClientBulk.BulkSendError): BulkSendError => {
  const outcome = error.outcome as ClientBulk.Outcome<ClientBulk.Channel> | Outcome<ClientBulk.Channel>
  if (!("elapsed" in outcome)) return error as unknown as BulkSendError
  const cause = (error as { readonly cause?: unknown }).cause
  const copy = new BulkSendError({
    operation: error.operation,
    message: error.message,
    outcome: plain(outcome),
    ...(cause === undefined ? {} : { cause })
  })
  Object.defineProperty(copy, "stack", { value: error.stack, writable: true, configurable: true, enumerable: false })
  return copy
}

/**
 * An event of a send in progress: a chunk sent or failed, with the totals so far.
 * @since 0.2.0
 * @category models
 */
export type ChunkEvent<C extends ClientBulk.Channel> =
  | Omit<Extract<ClientBulk.Event<C>, { readonly _tag: "ChunkSent" }>, "progress"> & { readonly progress: Progress }
  | Omit<Extract<ClientBulk.Event<C>, { readonly _tag: "ChunkFailed" }>, "progress"> & { readonly progress: Progress }

/**
 * @since 0.2.0
 * @category models
 */
export interface Options<C extends ClientBulk.Channel = ClientBulk.Channel>
  extends Omit<ClientBulk.Options, "stop" | "call">
{
  /** Each request's settings: `timeout`, `deadline` (milliseconds or a duration), `retry`, `headers`. */
  readonly call?: NonNullable<ClientBulk.Options["call"]>
  /**
   * Called after each chunk with the totals so far; a promise it returns is awaited before the
   * next call. A throw (or a rejected promise) stops the send: the requests in flight finish, and
   * the send rejects with a `BulkSendError` whose `cause` is what was thrown.
   */
  readonly onProgress?: (progress: Progress, event: ChunkEvent<C>) => void | PromiseLike<void>
  /**
   * Aborting stops the send: no request leaves after it, the requests in flight finish, the
   * chunks still waiting their turn are listed in `failed`, and the outcome says `stopped`.
   */
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
  ): Promise<Outcome<C>>
  /** Sends the failed chunks of an earlier outcome again, each with its own idempotency id. */
  readonly retryFailed: (
    failed: ReadonlyArray<ClientBulk.FailedChunk<C>>,
    message: ClientBulk.Message<C>,
    options?: Options<C>
  ) => Promise<Outcome<C>>
}

/**
 * One channel's send of a bulk job: runs the job, or resumes it (see `client.bulk.job`).
 * @since 0.4.0
 * @category models
 */
export type JobMethod<C extends ClientBulk.Channel> = (
  recipients: Recipients,
  message: ClientBulk.Message<C>,
  options?: Options<C>
) => Promise<Outcome<C>>

/**
 * A job's state as its checkpoints tell it, in plain values.
 * @since 0.4.0
 * @category models
 */
export interface JobStatus extends Omit<ClientBulkJob.Status, "progress"> {
  readonly progress: Progress
}

/**
 * A bulk job: a send named by its id, checkpointed in its store, resumed by a run again with the
 * same id (a chunk done is not sent again; one in flight goes again with its idempotency id, and
 * the API replays it). Rejects with a `BulkJobError` (from `@smscx/client/BulkJob`) when the id
 * was used for another send, or the store is corrupt or out of reach.
 * @since 0.4.0
 * @category models
 */
export type Job = { readonly [C in ClientBulk.Channel]: JobMethod<C> } & {
  /** The job's status; undefined when its store knows no such job. */
  readonly status: () => Promise<JobStatus | undefined>
  /** The job's outcome so far (`stopped` until complete); undefined when its store knows no such job. */
  readonly outcome: () => Promise<Outcome<ClientBulk.Channel> | undefined>
}

/**
 * @since 0.4.0
 * @category models
 */
export interface JobOptions {
  /**
   * Where its checkpoints are kept: `BulkJobFile.store({ directory })` (of
   * `@smscx/promise/BulkJobFile`) to survive a crash; by default, in memory, shared by the
   * client's jobs.
   */
  readonly store?: BulkJobStore.Service
  /**
   * Many workers on one job: `BulkJobRedis.worker(...)`'s `queue` (with its `store`), and each
   * process sends the chunks it takes from the job's queue; the outcome is the whole job's.
   */
  readonly queue?: BulkJobQueue.Service
}

/**
 * @since 0.2.0
 * @category models
 */
export type BulkClient = { readonly [C in ClientBulk.Channel]: Method<C> } & {
  /** The bulk job `jobId`: `client.bulk.job("spring-sale", { store }).sms(recipients, message, options)`. */
  readonly job: (jobId: string, options?: JobOptions) => Job
}

/**
 * @since 0.2.0
 * @category models
 */
export interface BulkOptions {
  /**
   * How bulk sends are paced: in-process by default; `(await RedisPacing.open(options)).pacing`
   * (of `@smscx/promise/RedisPacing`) to share one budget between processes.
   */
  readonly pacing?: Pacing.Service
}

const isAsyncIterable = (value: unknown): value is AsyncIterable<string> =>
  typeof value === "object" && value !== null && Symbol.asyncIterator in value

/** The recipients as the Effect client takes them. */
const sourceOf = (recipients: Recipients) =>
  isAsyncIterable(recipients) ? Stream.fromAsyncIterable(recipients, (error) => error) : recipients

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value === "object" || typeof value === "function") && value !== null &&
  typeof (value as { readonly then?: unknown }).then === "function"

/** An AbortSignal, or anything that behaves as one (another realm's, a polyfill). */
const isAbortSignal = (value: unknown): value is AbortSignal =>
  Predicate.isRecord(value) && typeof value.aborted === "boolean" && Predicate.isFunction(value.addEventListener)

/** The options only the Promise client has; the rest are the Effect client's, checked there. */
const PromiseOnlyOptions = Schema.Struct({
  onProgress: Schema.optional(Schema.declare(Predicate.isFunction, { message: () => "must be a function" })),
  signal: Schema.optional(Schema.declare(isAbortSignal, { message: () => "must be an AbortSignal" }))
})

const decodePromiseOnly = Schema.decodeUnknownEither(PromiseOnlyOptions, { errors: "first" })

/** Completes when `signal` aborts. */
const aborted = (signal: AbortSignal): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    if (signal.aborted) return resume(Effect.void)
    const onAbort = () => resume(Effect.void)
    signal.addEventListener("abort", onAbort, { once: true })
    return Effect.sync(() => signal.removeEventListener("abort", onAbort))
  })

const invalidOption = (operationId: string, option: string, problem: string) =>
  new RequestValidationError({
    operation: operationId,
    message: `${operationId} (bulk): option ${option} ${problem}`,
    issues: [{ path: ["options", option], message: problem }]
  })

/** A send that ended early for a reason of the Promise client's (`why`), with its outcome so far. */
const endedEarly = (
  operationId: string,
  why: string,
  outcome: ClientBulk.Outcome<ClientBulk.Channel>,
  cause: unknown
) =>
  new ClientBulk.BulkSendError({
    operation: operationId,
    message:
      `${operationId} (bulk): ${why} after ${outcome.recipients} recipients (${outcome.accepted} accepted, ${outcome.recipientsFailed} in failed chunks): ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
    outcome,
    cause
  })

/**
 * Tells `onProgress` of each event, awaiting a promise it returns. Its failure (a throw, a
 * rejected promise) is given to `failed` instead, and it is told nothing more.
 */
const progressReporter = <C extends ClientBulk.Channel>(
  onProgress: Options<C>["onProgress"],
  failed: (cause: unknown) => Effect.Effect<void>
) => {
  let failing = false
  const fail = (cause: unknown) => Effect.suspend(() => (failing = true, failed(cause)))
  return (event: Exclude<ClientBulk.Event<C>, { readonly _tag: "Completed" }>) =>
    Effect.suspend(() => {
      if (onProgress === undefined || failing) return Effect.void
      let returned: unknown
      try {
        const progress = plain(event.progress)
        returned = onProgress(progress, { ...event, progress } as ChunkEvent<C>)
      } catch (error) {
        return fail(error)
      }
      return isThenable(returned)
        ? Effect.catchAll(Effect.tryPromise({ try: () => Promise.resolve(returned), catch: (error) => error }), fail)
        : Effect.void
    })
}

/**
 * The bulk sends of a client (`SmsCx` has them as `client.bulk`; for a `createClient` client,
 * `bulkOf(client)`). Sends of one client share its pacing.
 * @since 0.2.0
 * @category constructors
 */
export const bulkOf = (client: ClientBase, options: BulkOptions = {}): BulkClient => {
  const pacing = options.pacing ?? Effect.runSync(Pacing.makeMemory)
  const bulk = Effect.provideService(ClientBulk.make, Pacing.Pacing, pacing)
  const methodOf = <C extends ClientBulk.Channel>(channel: C) => {
    const operation = ClientBulk.operations[channel]
    /**
     * One send on the client's runtime: the Promise-only options checked and turned into the
     * Effect ones (a stop from the signal or from `stop`; the outcome kept if the client's close
     * interrupts the send), the outcome and any BulkSendError in plain values.
     */
    const sending = (
      options: Options<C> | undefined,
      run: (
        effectOptions: ClientBulk.Options,
        stop: Effect.Effect<void>
      ) => Effect.Effect<ClientBulk.Outcome<C>, unknown, Transport.Transport>
    ): Promise<Outcome<C>> => {
      if (options !== undefined && !Predicate.isRecord(options)) {
        return Promise.reject(invalidOption(operation.id, "options", "must be an object"))
      }
      const decoded = decodePromiseOnly(options ?? {})
      if (Either.isLeft(decoded)) {
        const [issue] = ParseResult.ArrayFormatter.formatIssueSync(decoded.left.issue)
        return Promise.reject(invalidOption(operation.id, String(issue?.path[0]), issue?.message ?? "is not valid"))
      }
      const { signal } = decoded.right
      const { onProgress: _onProgress, signal: _signal, ...rest } = options ?? {}
      const stopped = Effect.runSync(Deferred.make<void>())
      let interrupted: ClientBulk.Outcome<ClientBulk.Channel> | undefined
      const effectOptions: ClientBulk.Options = {
        ...rest,
        stop: signal === undefined ? Deferred.await(stopped) : Effect.race(Deferred.await(stopped), aborted(signal)),
        onInterrupt: (outcome) => Effect.sync(() => (interrupted = outcome))
      }
      return client[runOnClient](operation, run(effectOptions, Deferred.succeed(stopped, undefined))).then(
        plain,
        (error: unknown) => {
          if (error instanceof ClientBulk.BulkSendError) throw plainError(error)
          // closed mid-send: the outcome so far, with the chunks in flight and their ids
          if (interrupted !== undefined) {
            throw plainError(endedEarly(operation.id, "the send ended early", interrupted, error))
          }
          throw error
        }
      )
    }
    /**
     * The outcome, `onProgress` told of each chunk. Its failure stops the send as an abort does;
     * once the chunks in flight are answered, the send rejects with it and the outcome.
     */
    const collect = (
      events: Stream.Stream<ClientBulk.Event<C>, unknown>,
      onProgress: Options<C>["onProgress"],
      stop: Effect.Effect<void>
    ) => {
      let failed: Option.Option<unknown> = Option.none()
      const report = progressReporter(onProgress, (cause) =>
        Effect.zipRight(
          Effect.sync(() => {
            if (Option.isNone(failed)) failed = Option.some(cause)
          }),
          stop
        ))
      return Effect.flatMap(
        Stream.runFoldEffect(
          events,
          undefined as ClientBulk.Outcome<C> | undefined,
          (outcome, event) =>
            event._tag === "Completed" ? Effect.succeed(event.outcome) : Effect.as(report(event), outcome)
        ),
        (outcome) => {
          if (outcome === undefined) return Effect.dieMessage("a bulk send ended without its outcome")
          return Option.match(failed, {
            onNone: () => Effect.succeed(outcome),
            onSome: (cause) =>
              Effect.fail(
                endedEarly(
                  operation.id,
                  "onProgress failed, so the send stopped",
                  outcome as ClientBulk.Outcome<ClientBulk.Channel>,
                  cause
                )
              )
          })
        }
      )
    }
    const method = (recipients: Recipients, message: ClientBulk.Message<C>, options?: Options<C>) =>
      sending(options, (effectOptions, stop) =>
        Effect.flatMap(bulk, (service) =>
          collect(
            service[channel].events(sourceOf(recipients), message, effectOptions),
            options?.onProgress,
            stop
          )))
    const retryFailed = (
      failed: ReadonlyArray<ClientBulk.FailedChunk<C>>,
      message: ClientBulk.Message<C>,
      options?: Options<C>
    ) =>
      sending(
        options,
        (effectOptions) =>
          Effect.flatMap(bulk, (service) => service[channel].retryFailed(failed, message, effectOptions))
      )
    const job =
      (jobs: Effect.Effect<ClientBulkJob.Service, never, Transport.Transport>, jobId: string): JobMethod<C> =>
      (recipients, message, options) =>
        sending(options, (effectOptions, stop) =>
          Effect.flatMap(jobs, (service) =>
            collect(
              (service[channel] as ClientBulkJob.Method<C>).events(jobId, sourceOf(recipients), message, effectOptions),
              options?.onProgress,
              stop
            )))
    return { method: Object.assign(method, { retryFailed }), job }
  }
  const channels = {
    sms: methodOf("sms"),
    viber: methodOf("viber"),
    whatsapp: methodOf("whatsapp"),
    multichannel: methodOf("multichannel")
  }
  const memoryStore = Effect.runSync(BulkJobStore.makeMemory)
  const job = (jobId: string, jobOptions: JobOptions = {}): Job => {
    const store = jobOptions.store ?? memoryStore
    const jobs = ClientBulkJob.make.pipe(
      Effect.provideService(Pacing.Pacing, pacing),
      Effect.provideService(BulkJobStore.BulkJobStore, store),
      (made) =>
        jobOptions.queue === undefined
          ? made
          : Effect.provideService(made, BulkJobQueue.BulkJobQueue, jobOptions.queue)
    )
    // status and outcome read the store only: no request is made
    const read = <A>(effect: Effect.Effect<A, ClientBulkJob.BulkJobError, BulkJobStore.BulkJobStore>) =>
      Effect.runPromise(Effect.either(Effect.provideService(effect, BulkJobStore.BulkJobStore, store))).then(
        Either.getOrThrowWith((error) => error)
      )
    return {
      sms: channels.sms.job(jobs, jobId),
      viber: channels.viber.job(jobs, jobId),
      whatsapp: channels.whatsapp.job(jobs, jobId),
      multichannel: channels.multichannel.job(jobs, jobId),
      status: () =>
        read(ClientBulkJob.status(jobId)).then(Option.match({
          onNone: () => undefined,
          onSome: (status) => ({ ...status, progress: plain(status.progress) })
        })),
      outcome: () => read(ClientBulkJob.outcome(jobId)).then(Option.match({ onNone: () => undefined, onSome: plain }))
    }
  }
  return {
    sms: channels.sms.method,
    viber: channels.viber.method,
    whatsapp: channels.whatsapp.method,
    multichannel: channels.multichannel.method,
    job
  }
}
