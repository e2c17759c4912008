/**
 * The Oauth group: `POST /oauth/token` with the client credentials grant.
 */
import { Api } from "@smscx/core"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { OauthErrors } from "../kernel/auth.js"
import * as Auth from "../kernel/auth.js"
import { fail } from "../kernel/errors.js"
import type * as Fields from "../kernel/fields.js"
import * as Router from "../kernel/router.js"
import type * as State from "../store.js"

const fields: Fields.Table = [
  ["grant_type", { missing: OauthErrors.invalidRequest, invalid: OauthErrors.unsupportedGrantType }],
  ["scope", { invalid: OauthErrors.invalidScope }]
]

const randomToken = () => crypto.randomUUID().replace(/-/g, "") + crypto.randomUUID().replace(/-/g, "")

/** @internal */
export const routes = (store: State.Store, options: {
  /** 0: the token never expires. */
  readonly tokenLifetimeSeconds: number
}): ReadonlyArray<Router.Route> => [
  Router.make(Api.Oauth.getAccessToken, {
    fields,
    handle: ({ input, principal }) =>
      Effect.gen(function*() {
        if (principal._tag !== "Application") return yield* fail(OauthErrors.invalidClient)
        const requested = (input.scope ?? "").split(/[\s,]+/).filter((s) => s !== "")
        const known = new Set(Auth.knownScopes)
        if (requested.some((s) => !known.has(s) || !principal.scopes.has(s))) {
          return yield* fail(OauthErrors.invalidScope)
        }
        // no scope asked for: every scope the application has
        const granted = requested.length > 0 ? [...new Set(requested)] : [...principal.scopes]
        const now = yield* Clock.currentTimeMillis
        const lifetime = options.tokenLifetimeSeconds
        const token: State.Token = {
          value: randomToken(),
          applicationId: principal.applicationId,
          scopes: new Set(granted),
          expiresAt: lifetime > 0 ? now + lifetime * 1000 : undefined
        }
        yield* store.saveToken(token)
        return {
          body: { access_token: token.value, token_type: "Bearer", expires_in: lifetime, scope: granted.join(" ") },
          headers: { "Cache-Control": "no-store" }
        } as const
      })
  })
]
