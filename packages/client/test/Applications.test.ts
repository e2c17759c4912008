import { assert, describe, it } from "@effect/vitest"
import { Applications, InsufficientScopeException, ResourceNotFoundException } from "@smscx/client"
import * as Effect from "effect/Effect"
import { API_KEY, provide, sentTo } from "./utils.js"

const REPORTING = { applicationId: "reporting", applicationSecret: "reporting-Secret-8c1", scopes: ["applications"] }
const MOBILE = { applicationId: "mobile", applicationSecret: "mobile-Secret-2d4", scopes: ["sms", "otp"] }

describe("Applications through the SDK (the answers themselves: sandbox/test/applications.test.ts)", () => {
  it.effect("the configured applications and their settings, never their secrets", () =>
    Effect.gen(function*() {
      const applications = yield* Applications
      const list = yield* applications.getApplicationsList()
      assert.deepStrictEqual(list.data.map((a) => [a.id, a.applicationId, a.scopes, a.tokenExpiration]), [
        [2, "mobile", "sms otp", "600"],
        [1, "reporting", "applications", "600"]
      ])
      for (const application of list.data) {
        assert.strictEqual(application.applicationSecret, "********")
      }
      const settings = yield* applications.getApplicationSettings("mobile")
      assert.deepStrictEqual([settings.applicationId, settings.name, settings.scopes], ["mobile", "mobile", "sms otp"])
      assert.deepStrictEqual(settings.settings.otp.pinType, "numbers")
      assert.deepStrictEqual(settings.settings.multichannel, {
        dlrCallback: null,
        receiveCallback: null,
        quietHours: null,
        ttl: 86_400,
        expireAfterTtl: false
      })
      const text = JSON.stringify([list, settings])
      assert.notInclude(text, REPORTING.applicationSecret)
      assert.notInclude(text, MOBILE.applicationSecret)
      // the id went into the path
      assert.strictEqual((yield* sentTo("/applications/mobile")).length, 1)
      const missing = yield* Effect.flip(applications.getApplicationSettings("desktop"))
      assert.instanceOf(missing, ResourceNotFoundException)
      assert.strictEqual(missing.code, 1500)
    }).pipe(provide({ apiKey: API_KEY }, { applications: [REPORTING, MOBILE], tokenLifetimeSeconds: 600 })))

  it.effect("with a token of the application's own: allowed with the applications scope, refused without", () =>
    Effect.gen(function*() {
      const list = yield* (yield* Applications).getApplicationsList()
      assert.deepStrictEqual(list.data.map((a) => a.applicationId), ["mobile", "reporting"])
    }).pipe(provide(
      { applicationId: REPORTING.applicationId, applicationSecret: REPORTING.applicationSecret },
      { apiKeys: ["unused"], applications: [REPORTING, MOBILE] }
    )))

  it.effect("a token of an application without the applications scope: InsufficientScopeException", () =>
    Effect.gen(function*() {
      const applications = yield* Applications
      const errors = yield* Effect.all([
        Effect.flip(applications.getApplicationsList()),
        Effect.flip(applications.getScopes()),
        Effect.flip(applications.getApplicationSettings("mobile"))
      ])
      for (const error of errors) {
        assert.instanceOf(error, InsufficientScopeException)
        assert.deepStrictEqual([error.status, error.type], [403, "insufficient_scope"])
      }
    }).pipe(provide(
      { applicationId: MOBILE.applicationId, applicationSecret: MOBILE.applicationSecret },
      { apiKeys: ["unused"], applications: [REPORTING, MOBILE] }
    )))
})
