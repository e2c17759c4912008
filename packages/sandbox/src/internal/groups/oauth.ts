/**
 * The Oauth group: `POST /oauth/token` with the client credentials grant.
 */
import type * as Api from "@smscx/core/Api"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { OauthErrors } from "../kernel/auth.js"
import * as Auth from "../kernel/auth.js"
import { fail } from "../kernel/errors.js"
import type * as Fields from "../kernel/fields.js"
import * as Ids from "../kernel/ids.js"
import type * as Router from "../kernel/router.js"
import type { Context } from "../state/context.js"
import type * as State from "../state/store.js"

const fields: Fields.Table = [
  ["grant_type", { missing: OauthErrors.invalidRequest, invalid: OauthErrors.unsupportedGrantType }],
  ["scope", { invalid: OauthErrors.invalidScope }]
]

const TOKEN_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

/** @internal */
export const handlers = ({ config, store }: Context): Router.Handlers<typeof Api.Oauth> => ({
  getAccessToken: {
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
        // 0: the token never expires
        const lifetime = config.tokenLifetimeSeconds
        const token: State.Token = {
          value: yield* Ids.string(TOKEN_ALPHABET, 64),
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
  }
})
