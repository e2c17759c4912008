/**
 * Fixtures of the transport's tests: credentials, answers, a transport over the fake HTTP client.
 */
import type * as Operation from "@smscx/core/Operation"
import * as Transport from "@smscx/transport/Transport"
import * as Effect from "effect/Effect"
import * as util from "node:util"
import { balance } from "./answers.js"
import * as FakeHttp from "./fakeHttp.js"

export const API_KEY = "sk_live_API-KEY-3f9c2a7d41e8"
export const APP_ID = "app-7731"
export const APP_SECRET = "app-SECRET-b81d6e02c4f9"
export const ACCESS_TOKEN = "at-TOKEN-5e1f7c9a0b3d"

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export const pricing = { countryCode: { TRANSACTIONAL: 0.021, PROMOTIONAL: 0.025 } } as const
export const limitedHeaders = (reset?: number): Record<string, string> => ({
  "x-rate-limit-limit": "100",
  "x-rate-limit-remaining": "0",
  ...(reset === undefined ? {} : { "x-rate-limit-reset": String(reset) })
})
export const limited = (reset?: number) =>
  FakeHttp.json(429, FakeHttp.apiError("rate_limit", 1000, "Too many requests"), limitedHeaders(reset))
export const tokenAnswer = (token: string, expiresIn = 3600) =>
  FakeHttp.json(200, { access_token: token, expires_in: expiresIn, token_type: "Bearer", scope: "sms account" })

/** Builds a transport over the fake and runs `f` with it. */
export const withTransport = <A, E>(
  options: Transport.Options,
  fake: FakeHttp.Fake,
  f: (transport: Transport.Service) => Effect.Effect<A, E>
) => Effect.flatMap(Transport.make(options), f).pipe(Effect.scoped, Effect.provide(fake.layer))

export const call =
  <O extends Operation.Any>(operation: O, ...args: ReadonlyArray<unknown>) => (t: Transport.Service) =>
    t.call(operation, args)

/** Fails the test (rather than hanging) when an effect that must not wait does. */
export const promptly = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(Effect.timeoutFail({ duration: "2 seconds", onTimeout: () => "waited, but should not have" as const }))

export const isToken = (r: FakeHttp.Recorded) => r.url.pathname === "/oauth/token"

/**
 * A fake API with an OAuth token endpoint: tokens are `tok-1`, `tok-2`, ... in order of
 * issue; `accept` tells whether an API call with a given token succeeds.
 */
export const oauthApi = (
  options: { readonly expiresIn?: number; readonly accept?: (token: string) => boolean } = {}
) => {
  let issued = 0
  return FakeHttp.make((request) => {
    if (isToken(request)) return tokenAnswer(`tok-${++issued}`, options.expiresIn ?? 3600)
    const token = (request.headers["authorization"] ?? "").replace(/^Bearer /, "")
    return (options.accept ?? (() => true))(token)
      ? FakeHttp.json(200, balance)
      : FakeHttp.json(401, FakeHttp.apiError("invalid_api_key", 1002, "Invalid token"))
  })
}

export const application = { applicationId: APP_ID, applicationSecret: APP_SECRET, scope: "sms account" } as const

/** Every way an error can be shown: none may hold a secret. */
export const renderings = (error: unknown): ReadonlyArray<string> => [
  String(error),
  JSON.stringify(error),
  util.inspect(error, { depth: 10, showHidden: true, getters: true }),
  error instanceof Error ? `${error.message}\n${error.stack}` : ""
]
