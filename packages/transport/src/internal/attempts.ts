/**
 * A call's attempts: the first, and one more for each step the retry policy's schedule takes,
 * within the call's overall deadline. Each failure carries how many attempts were made, and the
 * call's span says it too.
 */
import type * as Operation from "@smscx/core/Operation"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Fiber from "effect/Fiber"
import type * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleIntervals from "effect/ScheduleIntervals"
import type * as Tracer from "effect/Tracer"
import * as RetryPolicy from "../RetryPolicy.js"
import * as TransportErrors from "./errors.js"
import * as Logging from "./logging.js"

/** @internal */
interface Plan {
  readonly operation: Operation.Any
  /** The request's method and URL (for the deadline's error). */
  readonly request: TransportErrors.Sent
  /** Awaited before each attempt (bulk sending's pacing). */
  readonly beforeAttempt: Effect.Effect<void, unknown> | undefined
  /** Undefined: a single attempt. */
  readonly policy: RetryPolicy.Policy | undefined
  /** Whether repeating the request cannot perform it twice (what the policy weighs). */
  readonly idempotent: boolean
  /** Over all the attempts and the waits between them. */
  readonly deadline: Duration.Duration | undefined
}

/** Each failure says how many attempts were made, and so does the span when there is one. */
const reportingAttempts = <B>(
  effect: Effect.Effect<B, unknown>,
  span: Tracer.Span | undefined,
  attempts: { made: number }
) => {
  const counted = Effect.mapError(effect, (error) => RetryPolicy.withAttempts(error, attempts.made))
  return span === undefined
    ? counted
    : Effect.onExit(counted, () => Effect.sync(() => span.attribute("smscx.attempts", attempts.made)))
}

/**
 * The attempts after one failed, under the policy and before `deadlineAt`: the schedule starts
 * only then. Fails with the last failure when the policy stops or the next wait would end past
 * the deadline.
 */
const retrying = <A>(
  plan: Plan,
  nextAttempt: Effect.Effect<A, unknown>,
  attempts: { made: number },
  startedAt: number,
  deadlineAt: number | undefined
) =>
(first: unknown): Effect.Effect<A, unknown> =>
  Effect.gen(function*() {
    const { operation, policy } = plan
    let failure = first
    let schedule: Schedule.Schedule<unknown, unknown> | undefined
    let state: unknown
    while (true) {
      if (policy === undefined) return yield* Effect.fail(failure)
      if (schedule === undefined) {
        schedule = policy({ operation: operation.id, method: operation.method, idempotent: plan.idempotent, startedAt })
        state = schedule.initial
      }
      const now = yield* Clock.currentTimeMillis
      const [next, , decision] = yield* schedule.step(now, failure, state)
      if (ScheduleDecision.isDone(decision)) return yield* Effect.fail(failure)
      const wait = Math.max(0, ScheduleIntervals.start(decision.intervals) - now)
      // a wait that would end past the deadline is not started: the last failure stands
      if (deadlineAt !== undefined && now + wait >= deadlineAt) return yield* Effect.fail(failure)
      state = next
      yield* Logging.logRetry(operation, failure, wait, attempts.made + 1)
      if (wait > 0) yield* Effect.sleep(wait)
      const result = yield* Effect.either(nextAttempt)
      if (Either.isRight(result)) return result.right
      failure = result.left
    }
  })

/** The attempt, numbered as it starts, after `beforeAttempt` when there is one. */
const numbered = <A>(plan: Plan, attempt: Effect.Effect<A, unknown>, attempts: { made: number }) => {
  const numberedAttempt = Effect.suspend(() => {
    attempts.made++
    return attempt
  })
  return plan.beforeAttempt === undefined ? numberedAttempt : Effect.zipRight(plan.beforeAttempt, numberedAttempt)
}

/** The time now, read as Clock.currentTimeMillis would, without the step (the test clock in tests). */
const nowOf = (fiber: Fiber.RuntimeFiber<unknown, unknown>) =>
  Context.get(fiber.currentDefaultServices, Clock.Clock).unsafeCurrentTimeMillis()

/** The call's own span, if it has one (annotateCurrentSpan would bundle more to find the same). */
const spanOf = (fiber: Fiber.RuntimeFiber<unknown, unknown>) =>
  fiber.currentSpan?._tag === "Span" ? fiber.currentSpan : undefined

/** @internal */
export const run = <A>(plan: Plan, attempt: Effect.Effect<A, unknown>): Effect.Effect<A, unknown> =>
  Effect.withFiberRuntime((fiber) => {
    const { deadline, policy } = plan
    const span = spanOf(fiber)
    const attempts = { made: 0 }
    const nextAttempt = numbered(plan, attempt, attempts)
    // most calls: one attempt that succeeds, and neither a schedule nor a generator
    if (policy === undefined && deadline === undefined) return reportingAttempts(nextAttempt, span, attempts)
    const startedAt = nowOf(fiber)
    const deadlineAt = deadline === undefined ? undefined : startedAt + Duration.toMillis(deadline)
    const attempted = Effect.catchAll(nextAttempt, retrying(plan, nextAttempt, attempts, startedAt, deadlineAt))
    return reportingAttempts(
      deadlineAt === undefined ? attempted : Effect.timeoutFail(attempted, {
        duration: deadlineAt - startedAt,
        onTimeout: () => TransportErrors.deadlinePassed(plan.request, deadlineAt - startedAt, attempts.made)
      }),
      span,
      attempts
    )
  })

/**
 * What `run` does after its first attempt failed with `failure`, that attempt made elsewhere (a
 * direct one, see direct.ts) from `startedAt`, for a plan without a deadline: the retries, and
 * the count of attempts on the failure that ends them.
 * @internal
 */
export const after = <A>(
  plan: Plan,
  attempt: Effect.Effect<A, unknown>,
  failure: unknown,
  startedAt: number
): Effect.Effect<A, unknown> =>
  Effect.withFiberRuntime((fiber) => {
    const attempts = { made: 1 }
    const nextAttempt = numbered(plan, attempt, attempts)
    return reportingAttempts(
      retrying(plan, nextAttempt, attempts, startedAt, undefined)(failure),
      spanOf(fiber),
      attempts
    )
  })

/** A call's retry options: its own, field by field over the client's. @internal */
export const mergedRetry = (
  client: RetryPolicy.Options | false,
  call: RetryPolicy.Options | false
): RetryPolicy.Options | false => call === false ? false : client === false ? call : { ...client, ...call }
