import {
  InsufficientBalanceException,
  InsufficientScopeException,
  InvalidCredentialsException,
  InvalidOptionsError,
  InvalidPhoneNumberException,
  RateLimitExcedeedException,
  RequestValidationError,
  ResourceNotFoundException,
  SmsCx,
  SmsCxError,
  TransportError
} from "@smscx/promise"
import * as Duration from "effect/Duration"
import * as Runtime from "effect/Runtime"
import { inspect } from "node:util"
import { assert, describe, expect, it } from "vitest"
// @smscx/sandbox is not a dependency of @smscx/promise (yet): reach it by path
import { Sandbox } from "@smscx/sandbox"
import { API_KEY, APP, DE, hello, INVALID, LATER, NL, rejection, resources, UNKNOWN_ID } from "./helpers.js"

const { opened, setup } = resources()

describe("every operation through the Promise client", () => {
  it("sms.sendSms and sms.estimateSms: priced, billed (the estimate not)", async () => {
    const { client, state } = setup()
    const estimate = await client.sms.estimateSms({ to: [NL, DE], ...hello })
    assert.deepStrictEqual([estimate.info.totalCost, estimate.info.totalParts], [0.151, 2])
    assert.strictEqual(await state.balance(), 100)
    assert.deepStrictEqual(await state.messages(), [])

    const sent = await client.sms.sendSms({ to: [NL, DE], ...hello })
    assert.strictEqual(sent.info.totalCost, estimate.info.totalCost)
    assert.deepStrictEqual(sent.data.map((m) => [m.to, m.status, m.cost]), [[NL, "ACCEPTED", 0.072], [
      DE,
      "ACCEPTED",
      0.079
    ]])
    assert.strictEqual(await state.balance(), 99.849)
    assert.deepStrictEqual((await state.messages()).map((m) => m.msgId), sent.data.map((m) => m.msgId))
  })

  it("sms.deleteScheduledSms(msgId) refunds a scheduled send", async () => {
    const { client, state } = setup()
    const sent = await client.sms.sendSms({ to: [NL], ...hello, scheduledDate: LATER })
    const message = sent.data[0]!
    assert.strictEqual(message.status, "SCHEDULED")
    assert.strictEqual(await state.balance(), 99.928)
    const deleted = await client.sms.deleteScheduledSms(message.msgId)
    assert.deepStrictEqual(deleted.info, { msgId: message.msgId, parts: 1, creditReturned: 0.072, channel: "sms" })
    assert.strictEqual(await state.balance(), 100)
    assert.strictEqual((await state.messages())[0]!.status, "DELETED")
  })

  it("sms.sendSmsCampaign, estimateSmsCampaign and deleteScheduledSmsCampaign(campaignId)", async () => {
    const { client, state } = setup()
    const estimate = await client.sms.estimateSmsCampaign({ groups: [2], from: "InfoText", text: "Hi" })
    assert.deepStrictEqual([estimate.info.totalValid, estimate.info.totalCost], [3, 0.159])
    assert.strictEqual(await state.balance(), 100)

    const sent = await client.sms.sendSmsCampaign({ groups: [1, 2], from: "InfoText", text: "Hi {{firstName}}" })
    assert.deepStrictEqual(
      [sent.info.totalPhoneNumbers, sent.info.totalValid, sent.info.duplicatesRemoved, sent.info.totalCost],
      [6, 5, 1, 0.306]
    )
    assert.strictEqual(sent.data[0]!.text, "Hi Jan")
    assert.strictEqual(await state.balance(), 99.694)

    const scheduled = await client.sms.sendSmsCampaign({
      groups: [1],
      from: "InfoText",
      text: "Hi",
      scheduledDate: LATER
    })
    assert.strictEqual(await state.balance(), 99.475)
    const deleted = await client.sms.deleteScheduledSmsCampaign(scheduled.info.campaignId)
    assert.deepStrictEqual(
      [deleted.info.campaignId, deleted.info.phoneNumbersDeleted, deleted.info.creditReturned],
      [scheduled.info.campaignId, 3, 0.219]
    )
    assert.strictEqual(await state.balance(), 99.694)
  })

  it("account.getAccountBalance, getChannelsStatus, getChannelPricing, getChannelPricingByCountryIso", async () => {
    const { client } = setup({}, { balance: 12.5, currency: "usd", channels: { whatsapp: false } })
    assert.deepStrictEqual(await client.account.getAccountBalance(), {
      balance: 12.5,
      currency: "usd",
      billing: "prepaid"
    })
    assert.deepStrictEqual(await client.account.getChannelsStatus(), {
      sms: true,
      viber: true,
      whatsapp: false,
      multichannel: true
    })
    const all = await client.account.getChannelPricing("sms", "transactional")
    assert.sameMembers(Object.keys(all), ["countryCode", "NL", "DE", "FR", "GB", "RO", "US"])
    assert.deepStrictEqual(await client.account.getChannelPricingByCountryIso("sms", "transactional", "NL"), {
      countryCode: {
        "20404": { operatorName: { Vodafone: 0.072 } },
        "20408": { operatorName: { KPN: 0.072 } },
        "20416": { operatorName: { Odido: 0.072 } }
      }
    })
  })

  it("oauth.getAccessToken: a token that works as { accessToken } within its scope", async () => {
    const { client: app, server } = setup(APP)
    const token = await app.oauth.getAccessToken({ grant_type: "client_credentials", scope: "sms" })
    assert.deepStrictEqual([token.token_type, token.expires_in, token.scope], ["Bearer", 86_400, "sms"])

    const bearer = new SmsCx({ accessToken: token.access_token, baseUrl: Sandbox.baseUrl, fetch: server.fetch })
    opened.push(() => bearer.close())
    const sent = await bearer.sms.sendSms({ to: [NL], ...hello })
    assert.strictEqual(sent.data[0]!.status, "ACCEPTED")
    const error = await rejection(bearer.account.getAccountBalance())
    assert.instanceOf(error, InsufficientScopeException)
    assert.strictEqual((error as InsufficientScopeException).code, 1003)
  })

  it("a client configured with an application fetches its token itself", async () => {
    // no API key works on this sandbox: only the application's token can
    const { client, state } = setup({ ...APP, scope: "sms account" }, { apiKeys: ["other"] })
    const sent = await client.sms.sendSms({ to: [NL], ...hello })
    assert.strictEqual(sent.info.totalCost, 0.072)
    assert.strictEqual((await client.account.getAccountBalance()).balance, 99.928)
    assert.strictEqual(await state.balance(), 99.928)
  })
})

describe("rejections are the SDK's tagged errors themselves", () => {
  it("an invalid number: InvalidPhoneNumberException, not a FiberFailure", async () => {
    const { client, state } = setup()
    const call = client.sms.sendSms({ to: [NL, INVALID], ...hello })
    await expect(call).rejects.toBeInstanceOf(InvalidPhoneNumberException)
    const error = await rejection(client.sms.sendSms({ to: [NL, INVALID], ...hello }))
    assert.instanceOf(error, InvalidPhoneNumberException)
    assert.instanceOf(error, Error)
    assert.isFalse(Runtime.isFiberFailure(error))
    const e = error as InvalidPhoneNumberException
    assert.deepStrictEqual([e._tag, e.status, e.code, e.invalid], ["InvalidPhoneNumberException", 400, 1207, [INVALID]])
    assert.strictEqual(await state.balance(), 100)
    // allowInvalid sends to the others
    const sent = await client.sms.sendSms({ to: [NL, INVALID], ...hello, allowInvalid: true })
    assert.deepStrictEqual(sent.info.invalid, [INVALID])
  })

  it("bad input: RequestValidationError, and nothing reaches the sandbox", async () => {
    const { client, state } = setup()
    await expect(client.sms.sendSms({ to: [NL], from: "A".repeat(16), text: "Hi" })).rejects.toBeInstanceOf(
      RequestValidationError
    )
    const error = await rejection(client.sms.sendSms({ to: Array.from({ length: 25_001 }, () => NL), ...hello }))
    assert.instanceOf(error, RequestValidationError)
    assert.deepStrictEqual([(error as RequestValidationError)._tag, (error as RequestValidationError).operation], [
      "RequestValidationError",
      "sendSms"
    ])
    assert.instanceOf(await rejection(client.sms.deleteScheduledSms("not-an-id")), RequestValidationError)
    assert.deepStrictEqual(await state.messages(), [])
    assert.strictEqual(await state.balance(), 100)
  })

  it("InsufficientBalanceException, ResourceNotFoundException, InvalidCredentialsException", async () => {
    const { client, state } = setup({}, { balance: 0.01 })
    const poor = await rejection(client.sms.sendSms({ to: [NL], ...hello }))
    assert.instanceOf(poor, InsufficientBalanceException)
    assert.strictEqual(await state.balance(), 0.01)
    const missing = await rejection(client.sms.deleteScheduledSms(UNKNOWN_ID))
    assert.instanceOf(missing, ResourceNotFoundException)
    assert.strictEqual((missing as ResourceNotFoundException).code, 1100)

    const { client: wrong } = setup({ apiKey: "wrong" })
    const denied = await rejection(wrong.account.getAccountBalance())
    assert.instanceOf(denied, InvalidCredentialsException)
    assert.strictEqual((denied as InvalidCredentialsException)._tag, "InvalidCredentialsException")
  })

  it("RateLimitExcedeedException with its rate-limit fields (retry: false)", async () => {
    const { client } = setup({ retry: false }, { rateLimit: { limit: 1, windowSeconds: 5 } })
    await client.account.getAccountBalance()
    const error = await rejection(client.account.getAccountBalance())
    assert.instanceOf(error, RateLimitExcedeedException)
    const e = error as RateLimitExcedeedException
    assert.deepStrictEqual(e.rateLimit, { limit: 1, remaining: 0, reset: 5 })
    assert.isTrue(Duration.equals(e.retryAfter!, Duration.seconds(5)))
    assert.strictEqual(e.retryAfterMs, 5_000, "the same wait as a plain number, for Promise users")
  })

  it("no answer: TransportError", async () => {
    const failing: typeof fetch = () => Promise.reject(new TypeError("fetch failed: connection refused"))
    // retry: false, as the backoff is not what this shows (the transport's Retry tests are about it)
    const client = new SmsCx({ apiKey: API_KEY, baseUrl: Sandbox.baseUrl, fetch: failing, retry: false })
    opened.push(() => client.close())
    const error = await rejection(client.account.getAccountBalance())
    assert.instanceOf(error, TransportError)
    assert.deepStrictEqual(
      [(error as TransportError).reason, (error as TransportError).method, (error as TransportError).url],
      ["Transport", "GET", `${Sandbox.baseUrl}/account/balance`]
    )
  })
})

describe("the constructor", () => {
  it("options that cannot work throw InvalidOptionsError from the constructor, naming the option", () => {
    const cases: ReadonlyArray<readonly [ConstructorParameters<typeof SmsCx>[0], string]> = [
      [{ apiKey: "key\r\nX-Injected: 1" }, "apiKey"],
      [{ apiKey: API_KEY, baseUrl: "ftp://example.com" }, "baseUrl"],
      [{ apiKey: API_KEY, timeout: Number.NaN }, "timeout"],
      [{ apiKey: API_KEY, retry: { maxRetries: Infinity } }, "retry.maxRetries"],
      [{ apiKey: API_KEY, fetch: "not a function" as never }, "fetch"],
      [null as never, "options"]
    ]
    for (const [options, option] of cases) {
      let thrown: unknown
      try {
        new SmsCx(options)
      } catch (error) {
        thrown = error
      }
      assert.instanceOf(thrown, InvalidOptionsError)
      assert.strictEqual((thrown as InvalidOptionsError).option, option)
      assert.notInclude((thrown as Error).message, "X-Injected")
    }
  })
})

describe("secrets never show", () => {
  const secrets = [API_KEY, APP.applicationSecret, btoa(`${APP.applicationId}:${APP.applicationSecret}`)]
  const assertNoSecret = (text: string) => {
    for (const secret of secrets) assert.notInclude(text, secret)
  }

  it("in util.inspect of a client", () => {
    for (const options of [{ apiKey: API_KEY }, APP]) {
      const client = new SmsCx({ ...options, baseUrl: Sandbox.baseUrl })
      opened.push(() => client.close())
      assertNoSecret(inspect(client, { depth: null, showHidden: true, getters: true }))
      assertNoSecret(JSON.stringify(client))
    }
  })

  it("in a rejection: JSON.stringify, String and inspect", async () => {
    // the sandbox knows neither: the API key and the application's secret are rejected
    const sandbox = {
      apiKeys: ["other"],
      applications: [{ applicationId: APP.applicationId, applicationSecret: "other" }]
    }
    const { client: keyed } = setup({ apiKey: API_KEY }, sandbox)
    const { client: app } = setup(APP, sandbox)
    const failing: typeof fetch = () => Promise.reject(new TypeError("fetch failed"))
    const offline = new SmsCx({ apiKey: API_KEY, baseUrl: Sandbox.baseUrl, fetch: failing, retry: false })
    opened.push(() => offline.close())

    const errors = [
      await rejection(keyed.sms.sendSms({ to: [NL], ...hello })),
      await rejection(app.sms.sendSms({ to: [NL], ...hello })),
      await rejection(app.oauth.getAccessToken({ grant_type: "client_credentials" })),
      await rejection(keyed.sms.sendSms({ to: [NL], from: "A".repeat(16), text: "Hi" })),
      await rejection(offline.account.getAccountBalance())
    ]
    assert.deepStrictEqual(errors.map((e) => (e as { _tag: string })._tag), [
      "InvalidCredentialsException",
      "InvalidCredentialsException",
      "InvalidCredentialsException",
      "RequestValidationError",
      "TransportError"
    ])
    for (const error of errors) {
      assertNoSecret(JSON.stringify(error))
      assertNoSecret(String(error))
      assertNoSecret(inspect(error, { depth: null, showHidden: true }))
    }
  })
})

describe("one error base, the environment, debug logging", () => {
  it("err instanceof SmsCxError for every API exception and client-side error, not for others", async () => {
    const { client } = setup()
    const errors = [
      await rejection(client.sms.sendSms({ to: [INVALID], ...hello })),
      await rejection(client.sms.sendSms({ to: [NL], from: "", text: "x" })),
      await rejection(
        new SmsCx({ apiKey: API_KEY, baseUrl: "http://127.0.0.1:9", retry: false }).account.getAccountBalance()
      )
    ]
    let invalidOptions: unknown
    try {
      new SmsCx({ apiKey: "bad\nkey" })
    } catch (error) {
      invalidOptions = error
    }
    for (const error of [...errors, invalidOptions]) assert.isTrue(error instanceof SmsCxError, String(error))
    assert.deepStrictEqual(
      [...errors, invalidOptions].map((e) => (e as SmsCxError)._tag),
      ["InvalidPhoneNumberException", "RequestValidationError", "TransportError", "InvalidOptionsError"]
    )
    for (const other of [new Error("x"), { _tag: "TransportError" }, null, "TransportError"]) {
      assert.isFalse(other instanceof (SmsCxError as never), String(other))
    }
  })

  const withEnv = async (env: Record<string, string | undefined>, f: () => Promise<void> | void) => {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]))
    Object.assign(process.env, env)
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k]
    try {
      await f()
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
    }
  }

  it("no credentials given: SMSCX_API_KEY and SMSCX_BASE_URL are read; none at all throws InvalidOptionsError", async () => {
    const server = await Sandbox.start({ port: 0, apiKeys: [API_KEY] })
    opened.push(server.close)
    await withEnv({ SMSCX_API_KEY: API_KEY, SMSCX_BASE_URL: server.url }, async () => {
      const client = new SmsCx()
      opened.push(() => client.close())
      assert.strictEqual((await client.account.getAccountBalance()).balance, 100)
    })
    await withEnv({ SMSCX_API_KEY: undefined, SMSCX_ACCESS_TOKEN: undefined, SMSCX_APPLICATION_ID: undefined }, () => {
      assert.throws(() => new SmsCx(), InvalidOptionsError)
    })
  })
})
