/**
 * The Applications group: the sandbox's configured OAuth applications (`applications` option),
 * their settings, and the API's scopes. An application's secret is never answered: where the
 * list's schema requires the field, it carries a mask.
 */
import * as Api from "@smscx/core/Api"
import type * as Generated from "@smscx/core/Generated"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Auth from "../kernel/auth.js"
import { documented, fail } from "../kernel/errors.js"
import type * as Router from "../kernel/router.js"
import type { Context } from "../state/context.js"
import * as Store from "../state/store.js"

/** The documented errors of the Applications operations. @internal */
const ApplicationsErrors = {
  notFound: documented("getApplicationSettings", 1500)
} as const

/** What `applicationSecret` carries in the list: the secret itself never leaves the sandbox. @internal */
const SECRET_MASK = "********"

/**
 * When the sandbox first showed each configured application (epoch millis, by application
 * id): the configuration has no creation dates, so this stands for one, the same on every call.
 * @internal
 */
const ApplicationsSeen = Store.collection<string, number>("applications.seen")

/**
 * The settings of every application: the dashboard's defaults, as the sandbox has no dashboard.
 * OTP sends without their own `template`, `from`, `pinType`, `pinLength`, `ttl` or
 * `maxAttempts` use these.
 * @internal
 */
const defaultSettings: Generated.Settings = {
  sms: {
    enforceOriginator: null,
    dlrCallback: null,
    receiveCallback: null,
    quietHours: null,
    transliteration: { alphabet: "NONE", removeEmojis: false }
  },
  viber: { dlrCallback: null, receiveCallback: null, quietHours: null },
  whatsapp: { dlrCallback: null, receiveCallback: null, quietHours: null },
  multichannel: { dlrCallback: null, receiveCallback: null, quietHours: null, ttl: 86_400, expireAfterTtl: false },
  shortlinks: { shortlinksCallback: null },
  attachments: { attachmentsCallback: null },
  optouts: { optoutsCallback: null },
  lookup: { lookupCallback: null },
  otp: {
    template: "Your verification code is {{pin}}",
    from: "InfoText",
    pinType: "numbers",
    pinLength: 6,
    ttl: 300,
    maxAttempts: 3,
    otpCallback: null
  }
}

/** @internal */
export const handlers = ({ config, store }: Context): Router.Handlers<typeof Api.Applications> => {
  const seen = store.records(ApplicationsSeen)
  // the configuration's order is the order of creation; ids count from 1 in it
  const applications = config.applications.map((application, index) => ({ id: index + 1, application }))
  const scopesOf = (application: Auth.Application) => (application.scopes ?? Auth.knownScopes).join(" ")
  // 0: tokens that never expire
  const tokenExpiration = String(config.tokenLifetimeSeconds)
  /** Each application's first sighting, recorded once. */
  const createdAt = Effect.flatMap(Clock.currentTimeMillis, (now) =>
    Effect.sync(() => {
      for (const { application } of applications) {
        if (seen.get(application.applicationId) === undefined) seen.set(application.applicationId, now)
      }
      return (id: string) => new Date(seen.get(id) ?? now).toISOString()
    }))

  return {
    getApplicationsList: {
      handle: () =>
        Effect.map(createdAt, (createdOf) => ({
          body: {
            // most recent first
            data: applications.map(({ application, id }): Generated.DataApplicationsList => ({
              id,
              applicationId: application.applicationId,
              applicationSecret: SECRET_MASK,
              applicationName: application.applicationId,
              scopes: scopesOf(application),
              tokenExpiration,
              createdAt: createdOf(application.applicationId)
            })).reverse()
          }
        }))
    },
    getScopes: {
      handle: () => Effect.succeed({ body: [...Api.scopes] })
    },
    getApplicationSettings: {
      handle: ({ path }) => {
        const found = applications.find(({ application }) => application.applicationId === path.applicationId)
        if (found === undefined) return fail(ApplicationsErrors.notFound)
        const { application } = found
        return Effect.succeed({
          body: {
            applicationId: application.applicationId,
            name: application.applicationId,
            scopes: scopesOf(application),
            tokenExpiration,
            settings: defaultSettings
          }
        })
      }
    }
  }
}
