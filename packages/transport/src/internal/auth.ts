import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type { Api } from "@smscx/core"
import { DecodeError, RequestValidationError } from "@smscx/core/Errors"
import type * as Operation from "@smscx/core/Operation"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as FiberId from "effect/FiberId"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { isHeaderValue } from "./options.js"

/** The credentials a client is configured with. @internal */
export type Credentials =
  | { readonly _tag: "ApiKey"; readonly apiKey: Redacted.Redacted }
  | { readonly _tag: "AccessToken"; readonly accessToken: Redacted.Redacted }
  | {
    readonly _tag: "Application"
    readonly applicationId: string
    readonly applicationSecret: Redacted.Redacted
    readonly scope: string | undefined
  }

/** A token fetch: `POST /oauth/token` through the transport. @internal */
export type FetchToken = Effect.Effect<
  typeof Api.Oauth.getAccessToken.success.schema.Type,
  Operation.FailureOf<typeof Api.Oauth.getAccessToken>
>

/** @internal */
export interface Authorizer {
  /** Adds the credentials an operation needs; gives the bearer token it used, if any. */
  readonly authorize: (
    operation: Operation.Any,
    request: HttpClientRequest.HttpClientRequest
  ) => Effect.Effect<
    readonly [HttpClientRequest.HttpClientRequest, Redacted.Redacted | undefined],
    Operation.FailureOf<typeof Api.Oauth.getAccessToken>
  >
  /** After a 401: drops `used` if it is still the cached token; true when a retry may help. */
  readonly invalidate: (used: Redacted.Redacted | undefined) => Effect.Effect<boolean>
}

interface CachedToken {
  readonly token: Redacted.Redacted
  /** Epoch millis after which the token is fetched again; undefined when it never expires. */
  readonly refreshAt: number | undefined
}

/** Refresh a little before expiry: a tenth of the lifetime, at most a minute. */
const refreshMargin = (lifetimeMillis: number) => Math.min(60_000, lifetimeMillis / 10)

const missingApplication = (operation: Operation.Any) =>
  new RequestValidationError({
    operation: operation.id,
    message: `${operation.id} authenticates with applicationId and applicationSecret, which this client was not given`,
    issues: []
  })

/**
 * A token fetch that every caller waiting at the time shares, whatever its outcome: it runs in
 * its own fiber (in the transport's scope), so a waiter that is interrupted or times out does not
 * cancel it for the others, and one failure fails all of them at once. The next call after a
 * failure starts a new fetch. No lock is held while a fetch runs or while a call waits to retry.
 */
interface Inflight {
  readonly deferred: Deferred.Deferred<Redacted.Redacted, TokenFailure>
}

type TokenFailure = Operation.FailureOf<typeof Api.Oauth.getAccessToken>

/** A token the API gave that cannot go in a header would make every call throw: refuse it once. */
const unusableToken = () =>
  new DecodeError({
    operation: "getAccessToken",
    status: 200,
    message:
      "getAccessToken: the access_token cannot be sent in an HTTP header (line break, control character or non-Latin-1)",
    body: "<redacted>"
  })

/** @internal */
export const make = (credentials: Credentials, fetchToken: FetchToken): Effect.Effect<Authorizer, never, Scope.Scope> =>
  Effect.gen(function*() {
    const basic = (operation: Operation.Any, request: HttpClientRequest.HttpClientRequest) =>
      credentials._tag === "Application"
        ? Effect.succeed(
          [
            HttpClientRequest.basicAuth(request, credentials.applicationId, credentials.applicationSecret),
            undefined
          ] as const
        )
        : Effect.fail(missingApplication(operation))

    if (credentials._tag !== "Application") {
      const header = credentials._tag === "ApiKey"
        ? HttpClientRequest.setHeader("X-API-KEY", Redacted.value(credentials.apiKey))
        : HttpClientRequest.bearerToken(credentials.accessToken)
      return {
        authorize: (operation, request) =>
          operation.auth === "basic"
            ? basic(operation, request)
            : Effect.succeed([header(request), undefined] as const),
        invalidate: () => Effect.succeed(false)
      }
    }

    const scope = yield* Effect.scope
    let cached: CachedToken | undefined
    let inflight: Inflight | undefined

    const fetchAndCache = (deferred: Deferred.Deferred<Redacted.Redacted, TokenFailure>) =>
      Effect.gen(function*() {
        const answer = yield* fetchToken
        if (!isHeaderValue(answer.access_token)) return yield* unusableToken()
        const now = yield* Clock.currentTimeMillis
        const lifetime = answer.expires_in * 1000
        const token = Redacted.make(answer.access_token)
        cached = { token, refreshAt: lifetime > 0 ? now + lifetime - refreshMargin(lifetime) : undefined }
        return token
      }).pipe(
        Effect.exit,
        Effect.flatMap((exit) => {
          inflight = undefined
          return Deferred.done(deferred, exit)
        }),
        // the transport is closing: its waiters end too
        Effect.onInterrupt(() => {
          inflight = undefined
          return Deferred.interrupt(deferred)
        })
      )

    const currentToken = Effect.flatMap(Clock.currentTimeMillis, (now) => {
      // from here to the fork nothing yields, so two calls cannot both start a fetch
      if (cached !== undefined && (cached.refreshAt === undefined || now < cached.refreshAt)) {
        return Effect.succeed(cached.token)
      }
      if (inflight !== undefined) return Deferred.await(inflight.deferred)
      const deferred = Deferred.unsafeMake<Redacted.Redacted, TokenFailure>(FiberId.none)
      inflight = { deferred }
      return Effect.zipRight(Effect.forkIn(fetchAndCache(deferred), scope), Deferred.await(deferred))
    })

    return {
      authorize: (operation, request) =>
        operation.auth === "basic"
          ? basic(operation, request)
          : Effect.map(currentToken, (token) => [HttpClientRequest.bearerToken(request, token), token] as const),
      // A token another call already replaced stays; the retry then uses the new one.
      invalidate: (used) =>
        Effect.sync(() => {
          if (used === undefined) return false
          if (cached?.token === used) cached = undefined
          return true
        })
    }
  })
