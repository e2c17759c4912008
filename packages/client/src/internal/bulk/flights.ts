/**
 * The chunks of a bulk send in flight, and its stop. A stop cuts a chunk only while it waits its
 * turn (the first answer, a pacing slot, a 429's reset) or sits between two attempts, never while
 * its request is on the wire: nothing leaves after a stop, and no request that left is abandoned.
 */
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import type { ChunkToSend } from "./chunks.js"

/** @internal A chunk read from the input and not yet answered. */
export class Flight {
  /** Whether its request is on the wire (`attempting`), or it waits (`waiting`, `between` attempts). */
  private phase: "waiting" | "attempting" | "between" = "waiting"
  private failure: unknown = undefined

  constructor(readonly chunk: ChunkToSend, readonly cut: Deferred.Deferred<void>) {}

  /** Its request is on the wire: a stop does not cut it. */
  get onTheWire(): boolean {
    return this.phase === "attempting"
  }

  /** The failure of its last attempt, if one failed: what it is reported with when cut. */
  get lastError(): unknown {
    return this.failure
  }

  /** Waiting its turn before an attempt. */
  waitTurn(): void {
    this.phase = "waiting"
  }

  /** Its request leaves. */
  leave(): void {
    this.phase = "attempting"
  }

  /** An attempt failed with `error`: it waits for the next. */
  betweenAttempts(error: unknown): void {
    this.phase = "between"
    this.failure = error
  }

  cutNow(): void {
    Deferred.unsafeDone(this.cut, Effect.void)
  }
}

/** @internal The flights of one send and its stop. */
export class Flights {
  private stopped = false
  private readonly active = new Set<Flight>()

  private constructor(
    /** Done at the stop: the input is read no further. */
    readonly stopLatch: Deferred.Deferred<void>
  ) {}

  static make: Effect.Effect<Flights> = Effect.map(Deferred.make<void>(), (latch) => new Flights(latch))

  /** No chunk starts once stopped; those waiting their turn are cut. */
  get isStopped(): boolean {
    return this.stopped
  }

  stop(): void {
    if (this.stopped) return
    this.stopped = true
    Deferred.unsafeDone(this.stopLatch, Effect.void)
    for (const flight of this.active) if (!flight.onTheWire) flight.cutNow()
  }

  /** A chunk read, now in flight (cut at once if the send is already stopped). */
  start(chunk: ChunkToSend): Effect.Effect<Flight> {
    return Effect.map(Deferred.make<void>(), (cut) => {
      const flight = new Flight(chunk, cut)
      this.active.add(flight)
      if (this.stopped) flight.cutNow()
      return flight
    })
  }

  /** An attempt of `flight` failed: it waits between attempts, and a stop now cuts it. */
  attemptFailed(flight: Flight, error: unknown): void {
    flight.betweenAttempts(error)
    if (this.stopped) flight.cutNow()
  }

  /** `flight` is answered (or finally failed): no longer in flight. */
  landed(flight: Flight): void {
    this.active.delete(flight)
  }

  /** Every flight still in the air, taken out (the send was interrupted). */
  takeAll(): ReadonlyArray<Flight> {
    const all = [...this.active]
    this.active.clear()
    return all
  }
}
