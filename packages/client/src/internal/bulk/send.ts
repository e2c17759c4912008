/**
 * The send loop of a bulk send: chunks read as slots free up, each sent with its own idempotency
 * id under the send's pace and retried by the call's policy, each answer (or final failure)
 * recorded at once, and the send's end: completed, stopped, ended early, or interrupted.
 */
import * as Errors from "@smscx/core/Errors"
import type * as Operation from "@smscx/core/Operation"
import * as RetryPolicy from "@smscx/transport/RetryPolicy"
import type * as Transport from "@smscx/transport/Transport"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import type * as Pacing from "../../Pacing.js"
import type { ChunkSource, ChunkToSend } from "./chunks.js"
import { type Flight, Flights } from "./flights.js"
import type * as Bulk from "./model.js"
import type { Settings } from "./options.js"
import { SendPace } from "./pace.js"
import { type SendAnswerTotals, Totals } from "./totals.js"

/** @internal A send that ended early: why, and the outcome with every chunk read accounted for. */
export class SendEnded<C extends Bulk.Channel> {
  constructor(readonly cause: unknown, readonly outcome: Bulk.Outcome<C>) {}
}

/** A call's retry options: its own, field by field over the client's (as the transport merges them). */
const mergedRetry = (
  client: RetryPolicy.Options | false,
  own: RetryPolicy.Options | false | undefined
): RetryPolicy.Options | false =>
  own === undefined ? client : own === false ? false : client === false ? own : { ...client, ...own }

/**
 * @internal The events of one bulk send of `chunks`. The first chunk goes alone when the rate
 * limit is not given, so that its answer's `X-Rate-Limit-Limit` sets the pace of the rest (see
 * `SendPace`). Every chunk read is accounted for, whatever ends the send: an input failure lets
 * the chunks read go and then fails with `SendEnded`; a stop cuts the chunks that have not left
 * (listed in `failed`); an interruption tells `onInterrupt` the outcome with the chunks in flight
 * listed in `failed`.
 */
export const send = <C extends Bulk.Channel, E, R>(
  transport: Transport.Service,
  pacing: Pacing.Service,
  operation: Bulk.OperationOf<C>,
  chunks: ChunkSource<E, R>,
  message: Bulk.Message<C>,
  settings: Settings
): Stream.Stream<Bulk.Event<C>, SendEnded<C>, R> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const url = `${transport.baseUrl}${operation.path}`
    const totals = new Totals(yield* Clock.currentTimeMillis, settings.collectMessageIds)
    const flights = yield* Flights.make
    /** Why the send ends early: its input failed, or a 429's reset is past maxDelay. */
    let ending: Option.Option<unknown> = Option.none()
    /** Set once the outcome is given, by the end or by an interruption. */
    let ended = false

    // the policy each call would have, watched so that a stop reaches a chunk between attempts
    const retry = mergedRetry(transport.retry, settings.call?.retry)
    const policy = retry === false ? undefined : RetryPolicy.make(retry)
    const maxDelayMs = Duration.toMillis(
      retry === false || retry.maxDelay === undefined ? RetryPolicy.defaults.maxDelay : Duration.decode(retry.maxDelay)
    )
    const pace = yield* SendPace.make(settings, pacing, maxDelayMs)

    if (settings.stop !== undefined) {
      yield* Effect.forkScoped(Effect.andThen(settings.stop, Effect.sync(() => flights.stop())))
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
      (flight.lastError ??
        unsent("the send was stopped before this chunk left; nothing of it reached the API")) as Errors.TransportError
    // a pacing store out of reach is a failure of the infrastructure: retried as one
    const pacingFailed = (error: Pacing.PacingError) =>
      new Errors.TransportError({
        reason: "Transport",
        method: operation.method,
        url,
        message: `${operation.method} ${url}: ${error.message}`,
        cause: error
      })

    const beforeAttempt = (flight: Flight) =>
      Effect.gen(function*() {
        flight.waitTurn()
        if (flights.isStopped) return yield* Effect.fail(cutError(flight))
        yield* Effect.mapError(pace.turn, pacingFailed)
        // checked and set in one step: a stop that came while this chunk waited keeps it home
        if (flights.isStopped) return yield* Effect.fail(cutError(flight))
        flight.leave()
      })
    const afterAttempt = (answer: { readonly status: number; readonly rateLimit: Errors.RateLimit }) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        if (pace.observe(answer, now) === "end the send") flights.stop()
      })
    /** The call's policy, telling the flight when an attempt failed (it is then between attempts). */
    const watched = (flight: Flight): RetryPolicy.Policy | undefined =>
      policy === undefined ?
        undefined :
        (request) =>
          Schedule.tapInput(
            policy(request),
            (error: unknown) => Effect.sync(() => flights.attemptFailed(flight, error))
          )

    const attempt = (flight: Flight) => {
      const { chunk } = flight
      const flightPolicy = watched(flight)
      return transport.callWithResponse(
        operation,
        // invalid numbers are reported in the outcome; they do not fail the other 24,999 of a chunk
        [{ allowInvalid: true, ...message, to: chunk.recipients, idempotencyId: chunk.idempotencyId }],
        {
          ...settings.call,
          retry: flightPolicy === undefined ? false : { policy: flightPolicy },
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
    ): Bulk.Event<C> => {
      flights.landed(flight)
      const { chunk } = flight
      if (result._tag === "Right") {
        totals.sent(chunk, result.right.data as SendAnswerTotals)
        return {
          _tag: "ChunkSent",
          index: chunk.index,
          size: chunk.recipients.length,
          idempotencyId: chunk.idempotencyId,
          answer: result.right.data as Operation.SuccessOf<Bulk.OperationOf<C>>,
          progress: totals.progress(now)
        }
      }
      const error = result.left
      if (
        Option.isNone(ending) && Errors.isApiError(error) && error.status === 429 &&
        pace.beyondMaxDelay(error.rateLimit.reset)
      ) {
        ending = Option.some(error)
      }
      const failed: Bulk.FailedChunk<C> = { ...chunk, error: error as Bulk.ChunkError<C> }
      totals.failedChunk(failed)
      return { _tag: "ChunkFailed", chunk: failed, progress: totals.progress(now) }
    }

    // a chunk is read from the input only when a slot is free: no more than `concurrency` chunks
    // are ever held, and a stop leaves none read but unaccounted for
    const slots = yield* Effect.makeSemaphore(settings.concurrency)
    const fly = (chunk: ChunkToSend) =>
      Effect.gen(function*() {
        const flight = yield* flights.start(chunk)
        const isFirst = pace.claimFirst()
        const sent = Effect.raceFirst(
          isFirst ? attempt(flight) : Effect.zipRight(pace.untilKnown, attempt(flight)),
          Effect.zipRight(Deferred.await(flight.cut), Effect.suspend(() => Effect.fail(cutError(flight))))
        )
        // the first chunk's answer set the pace (or there was none to read): the rest may go
        const result = yield* Effect.either(isFirst ? Effect.ensuring(sent, pace.firstAnswered) : sent)
        return record(flight, result, yield* Clock.currentTimeMillis)
      }).pipe(Effect.ensuring(slots.release(1)))

    const input = chunks((count) => totals.removedRepeats(count)).pipe(
      // an input that fails ends the send once the chunks read are answered
      Stream.catchAll((error) =>
        Stream.drain(Stream.fromEffect(Effect.sync(() => {
          if (Option.isNone(ending)) ending = Option.some(error)
        })))
      ),
      // the yield lets a stop that just completed be seen before the next chunk is taken
      Stream.tap(() => Effect.zipRight(Effect.yieldNow(), slots.take(1))),
      Stream.takeWhile(() => !flights.isStopped),
      Stream.interruptWhen(Deferred.await(flights.stopLatch))
    )
    const events = Stream.mapEffect(input, fly, { concurrency: settings.concurrency, unordered: true })
    const end = Stream.fromEffect(
      Effect.flatMap(Clock.currentTimeMillis, (now): Effect.Effect<Bulk.Event<C>, SendEnded<C>> => {
        ended = true
        const outcome = totals.outcome<C>(now, flights.isStopped || Option.isSome(ending))
        return Option.match(ending, {
          onNone: () => Effect.succeed({ _tag: "Completed" as const, outcome }),
          onSome: (cause) => Effect.fail(new SendEnded(cause, outcome))
        })
      })
    )
    // interrupted (or no longer read) before its end: the chunks in flight are reported with their
    // ids, so that what reached the API can be told from what did not by sending them again
    const interrupted = Effect.suspend(() => {
      if (ended || settings.onInterrupt === undefined) return Effect.void
      ended = true
      const onInterrupt = settings.onInterrupt
      return Effect.flatMap(Clock.currentTimeMillis, (now) => {
        for (const flight of flights.takeAll()) {
          const onTheWire = flight.onTheWire
          totals.failedChunk({
            ...flight.chunk,
            error: (onTheWire || flight.lastError === undefined
              ? unsent(
                onTheWire
                  ? "the send was interrupted while this chunk was in flight: it may have reached the API"
                  : "the send was interrupted before this chunk left"
              )
              : flight.lastError) as Bulk.ChunkError<Bulk.Channel>
          })
        }
        return Effect.catchAllCause(onInterrupt(totals.outcome<Bulk.Channel>(now, true)), () => Effect.void)
      })
    })
    return Stream.ensuring(Stream.concat(events, end), interrupted)
  }))
