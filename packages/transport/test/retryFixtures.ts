/**
 * Fixtures of the retry tests: failures of every kind, a transport with exact waits, a clock moved step by step.
 */
import * as HttpClientError from "@effect/platform/HttpClientError"
import { Api } from "@smscx/core"
import type * as RetryPolicy from "@smscx/transport/RetryPolicy"
import * as Transport from "@smscx/transport/Transport"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import { balance, sent } from "./answers.js"
import * as FakeHttp from "./fakeHttp.js"

export const API_KEY = "sk_live_API-KEY-3f9c2a7d41e8"
/** estimateSms answers in the same shape. */
export const estimate = sent

export const unavailable = () => FakeHttp.json(503, FakeHttp.apiError("server_error", 1008, "down"))
export const ok = () => FakeHttp.json(200, balance)
export const limited = (reset: string | undefined) =>
  FakeHttp.json(429, FakeHttp.apiError("rate_limit", 1006, "Too many requests"), {
    "x-rate-limit-limit": "100",
    "x-rate-limit-remaining": "0",
    ...(reset === undefined ? {} : { "x-rate-limit-reset": reset })
  })
/** A connection failure of the HTTP client, its cause the given error. */
export const failed = (cause: unknown) => (r: FakeHttp.Recorded) =>
  Effect.fail(new HttpClientError.RequestError({ request: r.request, reason: "Transport", cause }))
export const coded = (code: string) => Object.assign(new Error(`read ${code}`), { code })
/** As undici rejects: a TypeError "fetch failed" whose cause holds the code. */
export const fetchFailed = (code: string) => new TypeError("fetch failed", { cause: coded(code) })

export const withTransport = <A, E>(
  options: Transport.Options,
  fake: FakeHttp.Fake,
  f: (transport: Transport.Service) => Effect.Effect<A, E>
) => Effect.flatMap(Transport.make(options), f).pipe(Effect.scoped, Effect.provide(fake.layer))

/** Exact waits: no jitter. */
export const exact = (retry: RetryPolicy.Options = {}): Transport.Options => ({
  apiKey: API_KEY,
  retry: { jitter: false, ...retry }
})

export const balanceOf = (t: Transport.Service) => t.call(Api.Account.getAccountBalance, [])

/** Runs `effect` forked, moving the TestClock by each step in turn, then joins it. */
export const after = <A, E>(effect: Effect.Effect<A, E>, ...steps: ReadonlyArray<Duration.DurationInput>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(effect)
    for (const step of steps) yield* TestClock.adjust(step)
    return yield* Fiber.join(fiber)
  })

export const attemptsOf = (error: unknown) => (error as { readonly attempts?: number }).attempts
