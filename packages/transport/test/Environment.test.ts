/**
 * Transport.config: the options from the SMSCX_* environment variables.
 */
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Transport from "@smscx/transport/Transport"
import * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as FakeHttp from "./fakeHttp.js"
import { ACCESS_TOKEN, API_KEY, APP_ID, APP_SECRET, limited } from "./fixtures.js"

describe("Transport.config (SMSCX_* environment)", () => {
  const load = (env: Record<string, string>) =>
    Effect.withConfigProvider(Transport.config, ConfigProvider.fromMap(new Map(Object.entries(env))))

  it.effect("SMSCX_API_KEY gives a redacted API key", () =>
    Effect.gen(function*() {
      const options = yield* load({ SMSCX_API_KEY: API_KEY })
      assert.isTrue("apiKey" in options)
      if (!("apiKey" in options)) return
      assert.isTrue(Redacted.isRedacted(options.apiKey))
      assert.strictEqual(Redacted.value(options.apiKey as Redacted.Redacted), API_KEY)
      assert.notInclude(String(options.apiKey), API_KEY)
      assert.isUndefined(options.baseUrl)
      assert.isUndefined(options.retry)
      assert.isUndefined(options.timeout)
    }))

  it.effect("SMSCX_ACCESS_TOKEN gives a bearer token", () =>
    Effect.gen(function*() {
      const options = yield* load({ SMSCX_ACCESS_TOKEN: ACCESS_TOKEN })
      assert.isTrue("accessToken" in options)
      if ("accessToken" in options) {
        assert.strictEqual(Redacted.value(options.accessToken as Redacted.Redacted), ACCESS_TOKEN)
      }
    }))

  it.effect("SMSCX_APPLICATION_ID, _SECRET and _SCOPE give client credentials", () =>
    Effect.gen(function*() {
      const options = yield* load({
        SMSCX_APPLICATION_ID: APP_ID,
        SMSCX_APPLICATION_SECRET: APP_SECRET,
        SMSCX_SCOPE: "sms account"
      })
      assert.isTrue("applicationId" in options)
      if (!("applicationId" in options)) return
      assert.strictEqual(options.applicationId, APP_ID)
      assert.strictEqual(Redacted.value(options.applicationSecret as Redacted.Redacted), APP_SECRET)
      assert.strictEqual(options.scope, "sms account")

      const noScope = yield* load({ SMSCX_APPLICATION_ID: APP_ID, SMSCX_APPLICATION_SECRET: APP_SECRET })
      assert.isTrue("applicationId" in noScope && !("scope" in noScope))
    }))

  it.effect("base URL, timeout and retries", () =>
    Effect.gen(function*() {
      const options = yield* load({
        SMSCX_API_KEY: API_KEY,
        SMSCX_BASE_URL: "http://localhost:4010",
        SMSCX_TIMEOUT: "30 seconds",
        SMSCX_MAX_RETRIES: "5"
      })
      assert.strictEqual(options.baseUrl, "http://localhost:4010")
      assert.isTrue(Duration.equals(Duration.decode(options.timeout!), Duration.seconds(30)))
      assert.deepStrictEqual(options.retry, { maxRetries: 5 })
    }))

  it.effect("SMSCX_MAX_RETRIES=0 turns retries off", () =>
    Effect.gen(function*() {
      const options = yield* load({ SMSCX_API_KEY: API_KEY, SMSCX_MAX_RETRIES: "0" })
      assert.strictEqual(options.retry, false)
    }))

  it.effect("no credentials, or a half application, is a config error", () =>
    Effect.gen(function*() {
      const none = yield* Effect.flip(load({}))
      assert.isTrue(ConfigError.isConfigError(none))
      assert.include(String(none), "SMSCX_API_KEY")
      const half = yield* Effect.either(load({ SMSCX_APPLICATION_ID: APP_ID }))
      assert.isTrue(Either.isLeft(half))
      const badRetries = yield* Effect.either(load({ SMSCX_API_KEY: API_KEY, SMSCX_MAX_RETRIES: "many" }))
      assert.isTrue(Either.isLeft(badRetries))
    }))

  it.effect("a transport built from the config uses it", () => {
    const fake = FakeHttp.always(() => limited(1))
    return Effect.gen(function*() {
      const options = yield* load({
        SMSCX_API_KEY: API_KEY,
        SMSCX_BASE_URL: "http://localhost:4010",
        SMSCX_MAX_RETRIES: "0"
      })
      const transport = yield* Transport.Transport.pipe(Effect.provide(Transport.layer(options)))
      const error = yield* Effect.flip(transport.call(Api.Account.getAccountBalance, []))
      assert.strictEqual(error._tag, "RateLimitExcedeedException")
      assert.strictEqual(fake.requests.length, 1, "retries are off")
      assert.strictEqual(fake.requests[0]!.url.href, "http://localhost:4010/account/balance")
      assert.strictEqual(fake.requests[0]!.headers["x-api-key"], API_KEY)
    }).pipe(Effect.provide(fake.layer))
  })
})

describe("Transport.config: a variable set but empty is named", () => {
  const load = (env: Record<string, string>) =>
    Effect.withConfigProvider(Transport.config, ConfigProvider.fromMap(new Map(Object.entries(env))))

  for (
    const [env, name] of [
      [{ SMSCX_API_KEY: "" }, "SMSCX_API_KEY"],
      [{ SMSCX_API_KEY: "  " }, "SMSCX_API_KEY"],
      [{ SMSCX_ACCESS_TOKEN: "" }, "SMSCX_ACCESS_TOKEN"],
      [{ SMSCX_APPLICATION_ID: "", SMSCX_APPLICATION_SECRET: APP_SECRET }, "SMSCX_APPLICATION_ID"],
      [{ SMSCX_APPLICATION_ID: APP_ID, SMSCX_APPLICATION_SECRET: "" }, "SMSCX_APPLICATION_SECRET"],
      [{ SMSCX_APPLICATION_ID: APP_ID, SMSCX_APPLICATION_SECRET: APP_SECRET, SMSCX_SCOPE: "" }, "SMSCX_SCOPE"],
      [{ SMSCX_API_KEY: API_KEY, SMSCX_BASE_URL: "" }, "SMSCX_BASE_URL"],
      [{ SMSCX_API_KEY: API_KEY, SMSCX_TIMEOUT: "" }, "SMSCX_TIMEOUT"],
      [{ SMSCX_API_KEY: API_KEY, SMSCX_MAX_RETRIES: "" }, "SMSCX_MAX_RETRIES"]
    ] as const
  ) {
    it.effect(`${Object.entries(env).map(([k, v]) => `${k}=${v === "" ? "" : "…"}`).join(" ")}: names ${name}`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(load(env))
        assert.isTrue(ConfigError.isConfigError(error))
        assert.include(String(error), `${name} is set but empty`)
        for (const secret of [API_KEY, APP_SECRET]) assert.notInclude(String(error), secret)
      }))
  }

  it.effect("an empty SMSCX_API_KEY is not passed over for SMSCX_ACCESS_TOKEN", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(load({ SMSCX_API_KEY: "", SMSCX_ACCESS_TOKEN: ACCESS_TOKEN }))
      assert.include(String(error), "SMSCX_API_KEY is set but empty")
    }))

  it.effect("a value that does not parse names its variable", () =>
    Effect.gen(function*() {
      const timeout = yield* Effect.flip(load({ SMSCX_API_KEY: API_KEY, SMSCX_TIMEOUT: "soon" }))
      assert.include(String(timeout), "SMSCX_TIMEOUT must be a duration")
      const retries = yield* Effect.flip(load({ SMSCX_API_KEY: API_KEY, SMSCX_MAX_RETRIES: "-1" }))
      assert.include(String(retries), "SMSCX_MAX_RETRIES must be a whole number")
    }))
})
