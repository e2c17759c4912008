import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type { Api } from "@smscx/core"
import { RequestValidationError } from "@smscx/core/Errors"
import type * as Operation from "@smscx/core/Operation"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"

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

/** @internal */
export const make = (credentials: Credentials, fetchToken: FetchToken): Effect.Effect<Authorizer> =>
  Effect.gen(function*() {
    const basic = (operation: Operation.Any, request: HttpClientRequest.HttpClientRequest) =>
      credentials._tag === "Application"
        ? Effect.succeed([
          HttpClientRequest.basicAuth(request, credentials.applicationId, credentials.applicationSecret),
          undefined
        ] as const)
        : Effect.fail(missingApplication(operation))

    if (credentials._tag !== "Application") {
      const header = credentials._tag === "ApiKey"
        ? HttpClientRequest.setHeader("X-API-KEY", Redacted.value(credentials.apiKey))
        : HttpClientRequest.bearerToken(credentials.accessToken)
      return {
        authorize: (operation, request) =>
          operation.auth === "basic" ? basic(operation, request) : Effect.succeed([header(request), undefined] as const),
        invalidate: () => Effect.succeed(false)
      }
    }

    const cache = yield* Ref.make<CachedToken | undefined>(undefined)
    // One fetch at a time: calls that start together wait for the first fetch and share its token.
    const lock = yield* Effect.makeSemaphore(1)
    const currentToken = lock.withPermits(1)(Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const cached = yield* Ref.get(cache)
      if (cached !== undefined && (cached.refreshAt === undefined || now < cached.refreshAt)) return cached.token
      const answer = yield* fetchToken
      const lifetime = answer.expires_in * 1000
      const token = Redacted.make(answer.access_token)
      yield* Ref.set(cache, {
        token,
        refreshAt: lifetime > 0 ? now + lifetime - refreshMargin(lifetime) : undefined
      })
      return token
    }))

    return {
      authorize: (operation, request) =>
        operation.auth === "basic"
          ? basic(operation, request)
          : Effect.map(currentToken, (token) => [HttpClientRequest.bearerToken(request, token), token] as const),
      // A token another call already replaced stays; the retry then uses the new one.
      invalidate: (used) =>
        used === undefined
          ? Effect.succeed(false)
          : Effect.as(Ref.update(cache, (cached) => cached?.token === used ? undefined : cached), true)
    }
  })
