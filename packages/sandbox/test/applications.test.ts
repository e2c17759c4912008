import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { call, failure, NOW, provide, success } from "./utils.js"

const MARKETING = {
  applicationId: "marketing-app",
  applicationSecret: "s3cret-Marketing-9f2",
  scopes: ["sms", "templates"]
}
const BACKEND = { applicationId: "backend-app", applicationSecret: "s3cret-Backend-77a" }
const applications = [MARKETING, BACKEND]

const everyScope = Api.scopes.join(" ")

const tokenFor = (app: { applicationId: string; applicationSecret: string }, scope: string) =>
  Effect.gen(function*() {
    const answer = yield* call("POST", "/oauth/token", {
      form: { grant_type: "client_credentials", scope },
      headers: { Authorization: `Basic ${btoa(`${app.applicationId}:${app.applicationSecret}`)}` }
    })
    const body = yield* success(Api.Oauth.getAccessToken, answer)
    return body.access_token
  })

describe("getApplicationsList", () => {
  it.effect("no application configured: an empty list", () =>
    Effect.gen(function*() {
      const body = yield* success(Api.Applications.getApplicationsList, yield* call("GET", "/applications"))
      assert.deepStrictEqual(body, { data: [] })
    }).pipe(provide()))

  it.effect("the configured applications, most recent first, with their scopes and token lifetime; never a secret", () =>
    Effect.gen(function*() {
      const answer = yield* call("GET", "/applications")
      const body = yield* success(Api.Applications.getApplicationsList, answer)
      const at = new Date(NOW).toISOString()
      assert.deepStrictEqual(body.data, [
        {
          id: 2,
          applicationId: "backend-app",
          applicationSecret: "********",
          applicationName: "backend-app",
          scopes: everyScope,
          tokenExpiration: "3600",
          createdAt: at
        },
        {
          id: 1,
          applicationId: "marketing-app",
          applicationSecret: "********",
          applicationName: "marketing-app",
          scopes: "sms templates",
          tokenExpiration: "3600",
          createdAt: at
        }
      ])
      const text = JSON.stringify(answer.json)
      assert.notInclude(text, MARKETING.applicationSecret)
      assert.notInclude(text, BACKEND.applicationSecret)
      // the creation date is the first sighting, the same on later calls
      yield* TestClock.adjust("1 hour")
      const later = yield* success(Api.Applications.getApplicationsList, yield* call("GET", "/applications"))
      assert.deepStrictEqual(later.data.map((a) => a.createdAt), [at, at])
    }).pipe(provide({ applications, tokenLifetimeSeconds: 3600 })))
})

describe("getScopes", () => {
  it.effect("the API's scopes, one per group", () =>
    Effect.gen(function*() {
      const body = yield* success(Api.Applications.getScopes, yield* call("GET", "/applications/scopes"))
      assert.deepStrictEqual(body, [...Api.scopes])
      assert.includeMembers([...body], ["sms", "templates", "originators", "applications", "otp"])
      assert.notInclude([...body], "oauth")
    }).pipe(provide()))
})

describe("getApplicationSettings", () => {
  it.effect("an application's scopes, token lifetime and the default settings of each channel", () =>
    Effect.gen(function*() {
      const answer = yield* call("GET", "/applications/marketing-app")
      const body = yield* success(Api.Applications.getApplicationSettings, answer)
      assert.deepStrictEqual(
        { ...body, settings: undefined },
        {
          applicationId: "marketing-app",
          name: "marketing-app",
          scopes: "sms templates",
          tokenExpiration: "86400",
          settings: undefined
        }
      )
      assert.deepStrictEqual(body.settings.sms, {
        enforceOriginator: null,
        dlrCallback: null,
        receiveCallback: null,
        quietHours: null,
        transliteration: { alphabet: "NONE", removeEmojis: false }
      })
      assert.deepStrictEqual(body.settings.otp, {
        template: "Your verification code is {{pin}}",
        from: "InfoText",
        pinType: "numbers",
        pinLength: 6,
        ttl: 300,
        maxAttempts: 3,
        otpCallback: null
      })
      assert.notInclude(JSON.stringify(answer.json), MARKETING.applicationSecret)
      const backend = yield* success(
        Api.Applications.getApplicationSettings,
        yield* call("GET", "/applications/backend-app")
      )
      assert.strictEqual(backend.scopes, everyScope)
    }).pipe(provide({ applications })))

  it.effect("an unknown application is 404 1500, and so is every id when none is configured", () =>
    Effect.gen(function*() {
      const error = yield* failure(yield* call("GET", "/applications/nope"), 404, "not_found", 1500)
      assert.strictEqual(error.error.message, "Application ID not found")
      // the secret is not an id
      yield* failure(yield* call("GET", `/applications/${MARKETING.applicationSecret}`), 404, "not_found", 1500)
    }).pipe(provide({ applications })))

  it.effect("none configured: 404 1500", () =>
    Effect.gen(function*() {
      yield* failure(yield* call("GET", "/applications/marketing-app"), 404, "not_found", 1500)
    }).pipe(provide()))
})

describe("Applications with a bearer token", () => {
  it.effect("a token with the applications scope reads them; one without it gets 403 insufficient_scope", () =>
    Effect.gen(function*() {
      const full = yield* tokenFor(BACKEND, "applications")
      const list = yield* success(
        Api.Applications.getApplicationsList,
        yield* call("GET", "/applications", { headers: { Authorization: `Bearer ${full}` } })
      )
      assert.strictEqual(list.data.length, 2)
      const smsOnly = yield* tokenFor(MARKETING, "sms")
      for (const path of ["/applications", "/applications/scopes", "/applications/backend-app"]) {
        yield* failure(
          yield* call("GET", path, { headers: { Authorization: `Bearer ${smsOnly}` } }),
          403,
          "insufficient_scope",
          1003
        )
      }
    }).pipe(provide({ applications })))
})
