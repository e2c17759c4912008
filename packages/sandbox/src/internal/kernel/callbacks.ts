/**
 * Callbacks the sandbox POSTs (delivery reports, OTP status, lookup results), as the API does to
 * the URLs a request gave. By default only to loopback addresses: a sandbox must not be turned
 * into a client of third-party hosts. Each is sent in a fiber of its own, so the request that
 * caused it is answered at once; at most `maxPending` wait (more are dropped, and logged), each
 * is tried up to `attempts` times with a growing pause, with a deadline per attempt. A redirect
 * is never followed (it could carry the POST and its body to any host): a 3xx is the outcome,
 * not tried again. Every one is kept in a log (the control API shows it), sent or not. `close`
 * (a reset) stops those still in flight and sends no more.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Schedule from "effect/Schedule"

/** @internal */
export interface Options {
  /** Also POST to hosts other than loopback. Default false. */
  readonly allowRemote: boolean
  /** Callbacks waiting to be sent, at most; more are dropped. Default 1000. */
  readonly maxPending: number
  /** Tries per callback. Default 3. */
  readonly attempts: number
  /** Per attempt. Default 5 seconds. */
  readonly timeoutMillis: number
}

/** @internal */
export const defaults: Options = { allowRemote: false, maxPending: 1000, attempts: 3, timeoutMillis: 5000 }

/** @internal */
type Outcome = "pending" | "delivered" | "failed" | "blocked" | "dropped"

/** One callback, as the log keeps it. @internal */
interface Record {
  /** Its number in the log: 1, 2, 3, ... (a resend is a new one). */
  readonly id: number
  readonly url: string
  readonly payload: unknown
  readonly createdAt: number
  outcome: Outcome
  attempts: number
  /** The last HTTP status, when an answer came. */
  status: number | undefined
}

/** @internal */
export interface Callbacks {
  /** Queues a POST of `payload` as JSON to `url`; returns at once. */
  readonly post: (url: string, payload: unknown) => Effect.Effect<void>
  /** Every callback so far, oldest first. */
  readonly log: () => ReadonlyArray<Readonly<Record>>
  /** Waits until none is pending (tests and demos). */
  readonly settled: Effect.Effect<void>
  /** How many are being sent. */
  readonly pending: () => number
  /** Stops those being sent (they end `failed`); later ones are not sent (`dropped`). */
  readonly close: Effect.Effect<void>
}

const MAX_LOGGED = 10_000

/** A callback answered with a redirect: not followed, not tried again. */
class Redirected extends Error {}
const liveClock = Clock.make()

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"])

/** Whether a URL points at this machine. @internal */
const isLoopback = (url: URL): boolean => LOOPBACK.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname)

// one attempt, with its own deadline (not AbortSignal.timeout, which Node 20 may collect early);
// a redirect is answered, not followed
const send = (url: string, body: string, timeoutMillis: number) =>
  Effect.async<number, Error>((resume) => {
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(new Error("callback timed out")), timeoutMillis)
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      redirect: "manual",
      signal: controller.signal
    })
      .then(async (response) => {
        await response.arrayBuffer().catch(() => undefined)
        resume(Effect.succeed(response.status))
      }, (error: unknown) => resume(Effect.fail(error instanceof Error ? error : new Error(String(error)))))
      .finally(() => clearTimeout(timer))
    return Effect.sync(() => {
      clearTimeout(timer)
      controller.abort()
    })
  })

/** A new outbox of callbacks; `onChange` is told of each one logged and of each outcome. @internal */
export const make = (options: Options = defaults, onChange: () => void = () => {}): Callbacks => {
  const records: Array<Record> = []
  let lastId = 0
  let pending = 0
  let closed = false
  const inFlight = new Set<Fiber.RuntimeFiber<void>>()
  const idle: Array<() => void> = []
  const done = () => {
    pending--
    if (pending === 0) idle.splice(0).forEach((wake) => wake())
  }

  const deliver = (record: Record) =>
    Effect.gen(function*() {
      const body = JSON.stringify(record.payload)
      const attempt = Effect.suspend(() => {
        record.attempts++
        return send(record.url, body, options.timeoutMillis)
      }).pipe(
        Effect.tap((status) => {
          record.status = status
        }),
        Effect.filterOrFail(
          (status) => status >= 200 && status < 300,
          (status) =>
            status >= 300 && status < 400
              ? new Redirected(`HTTP ${status}: redirects are not followed`)
              : new Error(`HTTP ${status}`)
        )
      )
      const outcome = yield* attempt.pipe(
        Effect.retry({
          schedule: Schedule.exponential(Duration.millis(100)),
          times: Math.max(0, options.attempts - 1),
          // the same URL would answer the same redirect
          while: (error) => !(error instanceof Redirected)
        }),
        Effect.as<Outcome>("delivered"),
        Effect.catchAll((error) =>
          Effect.as(Effect.logWarning(`sandbox: callback to ${record.url} failed: ${error.message}`), "failed" as const)
        )
      )
      record.outcome = outcome
      onChange()
    }).pipe(
      Effect.onInterrupt(() =>
        Effect.sync(() => {
          record.outcome = "failed"
        })
      ),
      Effect.ensuring(Effect.sync(done))
    )

  return {
    post: (url, payload) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const record: Record = {
          id: ++lastId,
          url,
          payload,
          createdAt: now,
          outcome: "pending",
          attempts: 0,
          status: undefined
        }
        records.push(record)
        // told before the outcome is known (it is told again then): a blocked or dropped one has no other
        onChange()
        // the log keeps the latest ones: a long load test must not grow it without end
        if (records.length > MAX_LOGGED) records.splice(0, records.length - MAX_LOGGED)
        let target: URL
        try {
          target = new URL(url)
        } catch {
          record.outcome = "blocked"
          return
        }
        if (
          (target.protocol !== "http:" && target.protocol !== "https:") || (!options.allowRemote && !isLoopback(target))
        ) {
          record.outcome = "blocked"
          return
        }
        if (closed) {
          record.outcome = "dropped"
          return
        }
        if (pending >= options.maxPending) {
          record.outcome = "dropped"
          return yield* Effect.logWarning(`sandbox: callback to ${url} dropped: ${options.maxPending} already pending`)
        }
        pending++
        // its own fiber, outside the request's: the answer does not wait for it. Pauses between
        // tries are real time even under a TestClock: they wait on a real network
        // interruptible (a reset stops it) even when the step that posts it is not
        const fiber = yield* Effect.forkDaemon(Effect.interruptible(Effect.withClock(deliver(record), liveClock)))
        inFlight.add(fiber)
        fiber.addObserver(() => inFlight.delete(fiber))
      }),
    log: () => records,
    settled: Effect.async<void>((resume) => {
      if (pending === 0) return resume(Effect.void)
      idle.push(() => resume(Effect.void))
    }),
    pending: () => pending,
    close: Effect.suspend(() => {
      closed = true
      return Fiber.interruptAll([...inFlight])
    })
  }
}
