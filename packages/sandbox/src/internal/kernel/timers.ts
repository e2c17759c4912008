/**
 * The work a sandbox owes the future (delivery reports, lookup results): one queue ordered by due
 * time, run by one fiber, rather than a fiber sleeping per message (which held a send's state for
 * up to 14 days, and outlived a reset). Due times are on the sandbox's clock: the Effect `Clock`
 * it runs under (a `TestClock` in tests) plus the control API's offset, so `wake` after the offset
 * moves runs whatever came due. Work may belong to an owner (a campaign), dropped with it when the
 * history forgets it. `close` drops everything and stops the fiber: nothing of an old state runs
 * after a reset.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Order from "effect/Order"
import * as RedBlackTree from "effect/RedBlackTree"
import * as TimeShift from "./clock.js"

/** @internal */
export interface Timers {
  /** Runs `task` once the sandbox's clock reaches `at` (epoch millis), unless its owner is dropped first. */
  readonly schedule: (at: number, task: Effect.Effect<void>, owner?: string) => Effect.Effect<void>
  /** Drops the work of an owner still to come. */
  readonly drop: (owner: string) => void
  /** The sandbox's clock moved (the control API's offset): runs what came due. */
  readonly wake: Effect.Effect<void>
  /** How many tasks wait. */
  readonly pending: () => number
  /** Drops every task and stops the fiber; later schedules are ignored. */
  readonly close: Effect.Effect<void>
}

interface Key {
  readonly at: number
  /** Keeps tasks due at the same moment apart, in the order they were scheduled. */
  readonly seq: number
}

interface Entry {
  readonly task: Effect.Effect<void>
  readonly owner: string | undefined
}

const byDueTime: Order.Order<Key> = Order.combine(
  Order.mapInput(Order.number, (key: Key) => key.at),
  Order.mapInput(Order.number, (key: Key) => key.seq)
)

/** @internal */
export const make = (shift: TimeShift.TimeShift): Timers => {
  let queue = RedBlackTree.empty<Key, Entry>(byDueTime)
  const owned = new Map<string, Array<Key>>()
  let seq = 0
  let closed = false
  let driver: Fiber.RuntimeFiber<never> | undefined
  // open: the queue's head or the clock changed since the driver last looked
  const changed = Effect.unsafeMakeLatch(false)

  const forget = (key: Key, owner: string | undefined) => {
    if (owner === undefined) return
    const keys = owned.get(owner)
    if (keys === undefined) return
    const i = keys.findIndex((k) => k.seq === key.seq)
    if (i >= 0) keys.splice(i, 1)
    if (keys.length === 0) owned.delete(owner)
  }

  const runDue = Effect.gen(function*() {
    for (;;) {
      const now = yield* Clock.currentTimeMillis
      const head = RedBlackTree.first(queue)
      if (Option.isNone(head) || head.value[0].at > now) return head
      const [key, entry] = head.value
      queue = RedBlackTree.removeFirst(queue, key)
      forget(key, entry.owner)
      yield* entry.task.pipe(Effect.catchAllCause((cause) => Effect.logError("sandbox: a timed task failed", cause)))
    }
  })

  const loop: Effect.Effect<never> = Effect.gen(function*() {
    for (;;) {
      changed.unsafeClose()
      const head = yield* runDue
      if (Option.isNone(head)) {
        yield* changed.await
      } else {
        const now = yield* Clock.currentTimeMillis
        yield* Effect.raceFirst(Effect.sleep(Math.max(1, head.value[0].at - now)), changed.await)
      }
    }
  })

  return {
    schedule: (at, task, owner) =>
      Effect.suspend(() => {
        if (closed) return Effect.void
        const head = RedBlackTree.first(queue)
        const key: Key = { at, seq: seq++ }
        queue = RedBlackTree.insert(queue, key, { task, owner })
        if (owner !== undefined) {
          const keys = owned.get(owner)
          if (keys === undefined) owned.set(owner, [key])
          else keys.push(key)
        }
        if (Option.isNone(head) || at < head.value[0].at) changed.unsafeOpen()
        if (driver !== undefined) return Effect.void
        // forked from the first request that schedules, as its own work was before: under the
        // clock that request runs with (a TestClock in tests), shifted once by the offset;
        // interruptible even when the request's step is not (a fork inherits that)
        return Effect.map(
          Effect.forkDaemon(Effect.interruptible(TimeShift.withShift(loop, shift))),
          (fiber) => void (driver = fiber)
        )
      }),
    drop: (owner) => {
      const keys = owned.get(owner)
      if (keys === undefined) return
      owned.delete(owner)
      for (const key of keys) queue = RedBlackTree.removeFirst(queue, key)
    },
    wake: Effect.sync(() => changed.unsafeOpen()),
    pending: () => RedBlackTree.size(queue),
    close: Effect.suspend(() => {
      closed = true
      queue = RedBlackTree.empty(byDueTime)
      owned.clear()
      const fiber = driver
      driver = undefined
      return fiber === undefined ? Effect.void : Fiber.interrupt(fiber)
    })
  }
}
