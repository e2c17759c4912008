/**
 * The pace of one bulk send: the rate limit it paces at (given, or read from the first answer's
 * `X-Rate-Limit-Limit`), and how long every chunk of it is held after a 429 or an answer saying
 * the window is spent. The shared `Pacing` spaces the requests; this decides what to ask it for.
 */
import type * as Errors from "@smscx/core/Errors"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Pacing from "../../Pacing.js"
import type { Settings } from "./options.js"

/** @internal What an answer's rate-limit headers ask of the send. */
type Verdict = "go on" | "end the send"

/** @internal The pace of one send (see the module). */
export class SendPace {
  /** Requests a window, once known. */
  private limit: number | undefined
  /** No chunk of this send starts before this time (ms): a 429's reset, or a spent window. */
  private holdUntil = 0
  private firstClaimed = false

  private constructor(
    private readonly settings: Settings,
    private readonly pacing: Pacing.Service,
    /** A 429 whose reset is later than this (ms) is not waited for, as a single call does not. */
    private readonly maxDelayMs: number,
    /** Done once the pace is known: given, or the first answer (or its failure) is in. */
    private readonly known: Deferred.Deferred<void>
  ) {
    this.limit = settings.limit
  }

  static make(settings: Settings, pacing: Pacing.Service, maxDelayMs: number): Effect.Effect<SendPace> {
    return Effect.gen(function*() {
      const known = yield* Deferred.make<void>()
      if (settings.limit !== undefined) yield* Deferred.succeed(known, undefined)
      return new SendPace(settings, pacing, maxDelayMs, known)
    })
  }

  /** True for the send's first chunk only: it goes alone when the pace is not given. */
  claimFirst(): boolean {
    const first = !this.firstClaimed
    this.firstClaimed = true
    return first
  }

  /** Waits until the pace is known (the first chunk answered, when the limit is not given). */
  get untilKnown(): Effect.Effect<void> {
    return Deferred.await(this.known)
  }

  /**
   * The first chunk is answered: the rest may go. It went unpaced, so once the pace is known it
   * takes its slot, and the next request leaves a gap after it as every other does.
   */
  get firstAnswered(): Effect.Effect<void> {
    return Effect.suspend(() => {
      const takeFirstSlot = this.limit === undefined || this.settings.limit !== undefined
        ? Effect.void
        : Effect.ignore(this.pacing.take(this.settings.pacingKey, this.budget(this.limit)))
      return Effect.zipRight(takeFirstSlot, Deferred.succeed(this.known, undefined))
    })
  }

  /** Waits for this send's turn: a hold to pass, then a pacing slot (when the pace is known). */
  get turn(): Effect.Effect<void, Pacing.PacingError> {
    return Effect.gen(this, function*() {
      const now = yield* Clock.currentTimeMillis
      if (this.holdUntil > now) yield* Effect.sleep(Duration.millis(this.holdUntil - now))
      if (this.limit !== undefined) yield* this.pacing.take(this.settings.pacingKey, this.budget(this.limit))
    })
  }

  /** A reset past maxDelay: no wait would be allowed for it, as for a single call. */
  beyondMaxDelay(reset: number | undefined): boolean {
    return reset !== undefined && Number.isFinite(reset) && reset * 1000 > this.maxDelayMs
  }

  /** Reads an answer's rate-limit headers at `now` (ms): the limit, and any hold they call for. */
  observe(answer: { readonly status: number; readonly rateLimit: Errors.RateLimit }, now: number): Verdict {
    const given = answer.rateLimit.limit
    if (this.settings.limit === undefined && given !== undefined && Number.isInteger(given) && given > 0) {
      this.limit = given
    }
    if (answer.status === 429) {
      const reset = answer.rateLimit.reset
      // the chunk that met it fails at once (its retry policy allows no such wait), and so does
      // the send: no other chunk waits for it, none more is sent
      if (this.beyondMaxDelay(reset)) return "end the send"
      const wait = reset !== undefined && Number.isFinite(reset) && reset > 0 ? reset : 1
      this.hold(now + wait * 1000)
    } else if (answer.rateLimit.remaining === 0 && this.limit !== undefined) {
      // the window is spent: the next request in it would be a 429. At the API's own limit that
      // is the end of a window our even pace filled, over within a gap or two; paced faster than
      // the API allows (a limit given too high), the rest of a window is unknown
      const apiLimit = answer.rateLimit.limit
      const wait = apiLimit !== undefined && this.limit <= apiLimit
        ? 2 * Duration.toMillis(Pacing.spacing(this.budget(this.limit)))
        : Duration.toMillis(this.settings.window)
      this.hold(now + wait)
    }
    return "go on"
  }

  private hold(until: number): void {
    this.holdUntil = Math.max(this.holdUntil, until)
  }

  private budget(limit: number): Pacing.Budget {
    return Pacing.budgetFor(limit, this.settings.window, this.settings.utilization)
  }
}
