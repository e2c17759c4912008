/**
 * Who is calling: an API key (`X-API-KEY`), a bearer token from `POST /oauth/token`, or, for
 * that endpoint only, an application's id and secret (HTTP Basic); and whether a token's scopes
 * cover an operation.
 */
import { Api } from "@smscx/core"
import type * as Operation from "@smscx/core/Operation"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Encoding from "effect/Encoding"
import { createHash } from "node:crypto"
import { type ApiFailure, documented, fail, Generic } from "./errors.js"

/**
 * The API's scope names: its tags in lowerCamelCase (the token endpoint's own tag excepted),
 * generated with the entries.
 * @internal
 */
export const knownScopes: ReadonlyArray<string> = Api.scopes

/** The scope an operation needs: its group in lowerCamelCase. @internal */
const scopeOf = (operation: Operation.Any): string => operation.group.charAt(0).toLowerCase() + operation.group.slice(1)

/** @internal */
export interface Application {
  readonly applicationId: string
  readonly applicationSecret: string
  readonly scopes?: ReadonlyArray<string>
}

/** @internal */
export type Principal =
  /** `keyHash`: the key's SHA-256, so the key itself is kept nowhere. */
  | { readonly _tag: "ApiKey"; readonly keyHash: string }
  | { readonly _tag: "Token"; readonly applicationId: string; readonly scopes: ReadonlySet<string> }
  | { readonly _tag: "Application"; readonly applicationId: string; readonly scopes: ReadonlySet<string> }

/**
 * Whose records a principal reads and writes (idempotent answers): each API key is a credential
 * of its own; an application's tokens, however many, are the application's.
 * @internal
 */
export const accountOf = (principal: Principal): string =>
  principal._tag === "ApiKey" ? `key:${principal.keyHash}` : `application:${principal.applicationId}`

/** The documented token endpoint errors. @internal */
export const OauthErrors = {
  invalidRequest: documented("getAccessToken", 1600, { type: "invalid_request" }),
  invalidScope: documented("getAccessToken", 1600, { type: "invalid_scope" }),
  unsupportedGrantType: documented("getAccessToken", 1600, { type: "unsupported_grant_type" }),
  invalidClient: documented("getAccessToken", 1600, { type: "invalid_client" })
} as const

type Headers = Readonly<Record<string, string | undefined>>

const bearerOf = (headers: Headers) => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers["authorization"] ?? "")
  return match === null ? undefined : match[1]!
}

const basicOf = (headers: Headers) => {
  const match = /^Basic\s+(\S+)\s*$/i.exec(headers["authorization"] ?? "")
  if (match === null) return undefined
  const decoded = Encoding.decodeBase64String(match[1]!)
  if (Either.isLeft(decoded)) return undefined
  const colon = decoded.right.indexOf(":")
  if (colon < 0) return undefined
  return { id: decoded.right.slice(0, colon), secret: decoded.right.slice(colon + 1) }
}

/**
 * The credential a request is counted against for rate limiting.
 * @internal
 */
export const bucketOf = (headers: Headers): string => {
  const key = headers["x-api-key"]
  if (key !== undefined) return `key:${key}`
  const bearer = bearerOf(headers)
  if (bearer !== undefined) return `token:${bearer}`
  const basic = basicOf(headers)
  if (basic !== undefined) return `application:${basic.id}`
  return "anonymous"
}

const hashOf = (key: string): string => createHash("sha256").update(key).digest("hex")

/** @internal */
interface Authenticator {
  readonly authenticate: (operation: Operation.Any, headers: Headers) => Effect.Effect<Principal, ApiFailure>
  /** The application's id and allowed scopes, when the id and secret are right. */
  readonly application: (id: string, secret: string) => Application | undefined
}

/** An access token as authentication reads it. @internal */
interface IssuedToken {
  readonly applicationId: string
  readonly scopes: ReadonlySet<string>
  /** Epoch millis; undefined when the token never expires. */
  readonly expiresAt: number | undefined
}

/** @internal */
interface TokenLookup {
  readonly findToken: (value: string) => Effect.Effect<IssuedToken | undefined>
}

/** @internal */
export const make = (options: {
  readonly apiKeys: ReadonlyArray<string>
  readonly applications: ReadonlyArray<Application>
  /** Where the tokens issued are kept (the store): the kernel needs only this lookup of it. */
  readonly tokens: TokenLookup
}): Authenticator => {
  const apiKeys = new Set(options.apiKeys)
  // each known key's hash, made once rather than on every request; with no keys configured (any
  // key is accepted) the hash is made each time, so that guessed keys cannot grow a map
  const keyHashes = new Map(options.apiKeys.map((key) => [key, hashOf(key)]))
  const application = (id: string, secret: string): Application | undefined => {
    if (id === "" || secret === "") return undefined
    // none configured: any non-empty pair is an application with every scope
    if (options.applications.length === 0) return { applicationId: id, applicationSecret: secret }
    return options.applications.find((a) => a.applicationId === id && a.applicationSecret === secret)
  }

  const basic = (headers: Headers) => {
    const credentials = basicOf(headers)
    const app = credentials === undefined ? undefined : application(credentials.id, credentials.secret)
    return app === undefined
      ? fail(OauthErrors.invalidClient, { headers: { "WWW-Authenticate": "Basic realm=\"SMS.CX\"" } })
      : Effect.succeed<Principal>({
        _tag: "Application",
        applicationId: app.applicationId,
        scopes: new Set(app.scopes ?? knownScopes)
      })
  }

  const keyOrToken = (operation: Operation.Any, headers: Headers): Effect.Effect<Principal, ApiFailure> => {
    // an API key is checked in one step, without a generator: most requests carry one
    const key = headers["x-api-key"]
    if (key === undefined) return token(operation, headers)
    if (key.trim() === "" || (apiKeys.size > 0 && !apiKeys.has(key))) return fail(Generic.invalidApiKey)
    return Effect.succeed({ _tag: "ApiKey", keyHash: keyHashes.get(key) ?? hashOf(key) })
  }

  const token = (operation: Operation.Any, headers: Headers) =>
    Effect.gen(function*() {
      const bearer = bearerOf(headers)
      if (bearer === undefined) return yield* fail(Generic.missingApiKey)
      const token = yield* options.tokens.findToken(bearer)
      const now = yield* Clock.currentTimeMillis
      if (token === undefined || (token.expiresAt !== undefined && now >= token.expiresAt)) {
        return yield* fail(Generic.invalidToken)
      }
      const scope = scopeOf(operation)
      if (!token.scopes.has(scope)) return yield* fail(Generic.insufficientScope(scope))
      return { _tag: "Token", applicationId: token.applicationId, scopes: token.scopes } as const
    })

  return {
    application,
    authenticate: (operation, headers) => operation.auth === "basic" ? basic(headers) : keyOrToken(operation, headers)
  }
}
