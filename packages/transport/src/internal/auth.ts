/**
 * Authorization of each request: the API key or the bearer token as given, or an OAuth
 * application's token, fetched (through the token operation the transport was given), cached,
 * shared by the calls waiting for it, refreshed before it expires, and replaced once after a 401.
 */
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { DecodeError, InvalidOptionsError, RequestValidationError } from "@smscx/core/Errors"
import type * as Errors from "@smscx/core/Errors"
import type * as Operation from "@smscx/core/Operation"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as FiberId from "effect/FiberId"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { isHeaderValue } from "./headerValue.js"
import type { Credentials } from "./options.js"

/** What a token answer holds that the client uses. @internal */
export interface TokenAnswer {
  readonly access_token: string
  /** Seconds; 0 when the token never expires. */
  readonly expires_in: number
}

/**
 * The operation that fetches a token (`POST /oauth/token`): HTTP Basic with the application's id
 * and secret, answering the token and its lifetime.
 * @internal
 */
export type TokenOperation = Operation.Any & {
  readonly success: { readonly _tag: "Json"; readonly schema: { readonly Type: TokenAnswer } }
}

/** How a token fetch can fail: the errors `POST /oauth/token` documents, and the client's own. @internal */
export type TokenFailure = Operation.TokenError | Errors.ClientError

/** A token fetch: `POST /oauth/token` through the transport. @internal */
export type FetchToken = Effect.Effect<TokenAnswer, TokenFailure>

/** @internal */
interface Authorizer {
  /** Adds the credentials an operation needs; gives the bearer token it used, if any. */
  readonly authorize: (
    operation: Operation.Any,
    request: HttpClientRequest.HttpClientRequest
  ) => Effect.Effect<
    readonly [HttpClientRequest.HttpClientRequest, Redacted.Redacted | undefined],
    TokenFailure
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

/** A token the API gave that cannot go in a header would make every call throw: refuse it once. */
const unusableToken = (operation: string) =>
  new DecodeError({
    operation,
    status: 200,
    message:
      `${operation}: the access_token cannot be sent in an HTTP header (line break, control character or non-Latin-1)`,
    body: "<redacted>"
  })

/** How an application's tokens are fetched; `operationId` names the token operation in errors. @internal */
interface TokenFetch {
  readonly fetch: FetchToken
  readonly operationId: string
}

/** An application's credentials without a token operation to fetch its tokens with. */
const noTokenOperation = () =>
  new InvalidOptionsError({
    option: "applicationId",
    message: "smscx: option applicationId needs a Transport.TokenOperation (to fetch tokens)"
  })

/**
 * The authorizer of these credentials; an application's needs `tokenFetch`, or it is an
 * InvalidOptionsError.
 * @internal
 */
export const make = (
  credentials: Credentials,
  tokenFetch: Option.Option<TokenFetch>
): Effect.Effect<Authorizer, InvalidOptionsError, Scope.Scope> =>
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

    if (Option.isNone(tokenFetch)) return yield* noTokenOperation()
    const { fetch, operationId } = tokenFetch.value
    const scope = yield* Effect.scope
    let cached: CachedToken | undefined
    let inflight: Inflight | undefined

    const fetchAndCache = (deferred: Deferred.Deferred<Redacted.Redacted, TokenFailure>) =>
      Effect.gen(function*() {
        const answer = yield* fetch
        if (!isHeaderValue(answer.access_token)) return yield* unusableToken(operationId)
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
