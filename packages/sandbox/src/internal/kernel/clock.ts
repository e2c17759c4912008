/**
 * The sandbox's time: the Effect `Clock` it runs under (a `TestClock` in tests), plus an offset
 * the control API advances (`advanceTime`), so a demo or a test over HTTP can let an OTP expire
 * or a lookup complete without waiting.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"

/** @internal */
export interface TimeShift {
  /** Milliseconds added to the clock underneath. */
  readonly offsetMillis: () => number
  readonly advance: (millis: number) => void
  readonly reset: () => void
}

/** @internal */
export const makeShift = (): TimeShift => {
  let offset = 0
  return {
    offsetMillis: () => offset,
    advance: (millis) => {
      offset += millis
    },
    reset: () => {
      offset = 0
    }
  }
}

// the clock a shift made, known again so that a shift is applied once (the timers' fiber is
// forked from a request that already runs on it)
const shiftedClocks = new WeakMap<Clock.Clock, TimeShift>()

const shifted = (base: Clock.Clock, shift: TimeShift): Clock.Clock => {
  const clock: Clock.Clock = {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => base.unsafeCurrentTimeMillis() + shift.offsetMillis(),
    currentTimeMillis: Effect.map(base.currentTimeMillis, (millis) => millis + shift.offsetMillis()),
    unsafeCurrentTimeNanos: () => base.unsafeCurrentTimeNanos() + BigInt(shift.offsetMillis()) * 1_000_000n,
    currentTimeNanos: Effect.map(base.currentTimeNanos, (nanos) => nanos + BigInt(shift.offsetMillis()) * 1_000_000n),
    sleep: (duration) => base.sleep(duration)
  }
  shiftedClocks.set(clock, shift)
  return clock
}

/** Runs `effect` with the clock it would run with, shifted (once: not again if it already is). @internal */
export const withShift = <A, E, R>(effect: Effect.Effect<A, E, R>, shift: TimeShift): Effect.Effect<A, E, R> => {
  // each clock underneath shifted once, not once a run (a request)
  const made = new WeakMap<Clock.Clock, Clock.Clock>()
  const shiftedOf = (base: Clock.Clock) => {
    let clock = made.get(base)
    if (clock === undefined) {
      clock = shifted(base, shift)
      made.set(base, clock)
    }
    return clock
  }
  return Effect.clockWith((base) =>
    shiftedClocks.get(base) === shift ? effect : Effect.withClock(effect, shiftedOf(base))
  )
}
