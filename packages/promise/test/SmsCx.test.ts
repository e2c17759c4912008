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
import * as Effect from "effect/Effect"
import * as Runtime from "effect/Runtime"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { inspect } from "node:util"
import { afterEach, assert, describe, expect, it } from "vitest"
// @smscx/sandbox is not a dependency of @smscx/promise (yet): reach it by path
import { Sandbox } from "@smscx/sandbox"

const API_KEY = "sk-test-Qm7Vd9XbL2"
const APP = { applicationId: "app-1", applicationSecret: "app-secret-Zq8xW2" }
const NL = "+31612345678" // 0.072 a part
const DE = "+4915123456789" // 0.079 a part
const INVALID = "+3161234"
const UNKNOWN_ID = "0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11"
/** Far enough ahead of the real clock the Promise client runs on. */
const LATER = "2099-01-01 10:00:00"
const hello = { from: "InfoText", text: "Hello" } as const

/** Everything opened by a test, closed after it. */
const opened: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((close) => close()))
})

/** A client of a new in-process sandbox (accepting `API_KEY` and `APP` unless told otherwise). */
const setup = (
  client: Partial<ConstructorParameters<typeof SmsCx>[0]> = {},
  sandbox: Sandbox.Options = {}
) => {
  const server = Sandbox.inProcessFetch({ apiKeys: [API_KEY], applications: [APP], ...sandbox })
  const credentials = "apiKey" in client || "accessToken" in client || "applicationId" in client
    ? client
    : { apiKey: API_KEY, ...client }
  const options = { ...credentials, baseUrl: Sandbox.baseUrl, fetch: server.fetch }
  const smscx = new SmsCx(options as ConstructorParameters<typeof SmsCx>[0])
  opened.push(() => smscx.close(), server.close)
  const state = {
    balance: () => Effect.runPromise(server.sandbox.balance),
    messages: () => Effect.runPromise(server.sandbox.messages)
  }
  return { client: smscx, server, state }
}

/** Rejects after `millis`: a bound for what must settle promptly. */
const within = <A>(millis: number, promise: Promise<A>): Promise<A> =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not settled within ${millis} ms`)), millis))
  ])

/** What a promise rejected with; fails the test if it resolved. */
const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then((value) => assert.fail(`resolved with ${JSON.stringify(value)}`), (error: unknown) => error)

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

describe("{ signal } as the last argument", () => {
  /** A fetch that never answers; it rejects only when its signal aborts. */
  const hanging = () => {
    const signals: Array<AbortSignal> = []
    const fetch: typeof globalThis.fetch = (_input, init) =>
      new Promise((_, reject) => {
        const signal = init?.signal
        if (signal == null) return
        signals.push(signal)
        signal.addEventListener("abort", () => reject(signal.reason))
      })
    return { fetch, signals }
  }

  it("aborting rejects the pending call promptly, and aborts its request", async () => {
    const { fetch, signals } = hanging()
    const client = new SmsCx({ apiKey: API_KEY, baseUrl: Sandbox.baseUrl, fetch })
    opened.push(() => client.close())
    const controller = new AbortController()
    const call = rejection(client.sms.sendSms({ to: [NL], ...hello }, { signal: controller.signal }))
    await new Promise((resolve) => setTimeout(resolve, 20))
    assert.strictEqual(signals.length, 1)
    const started = Date.now()
    controller.abort()
    const error = await within(1000, call)
    assert.isBelow(Date.now() - started, 1000)
    // the signal's own reason, as fetch rejects
    assert.strictEqual(error, controller.signal.reason)
    assert.strictEqual((error as DOMException).name, "AbortError")
    assert.isTrue(signals[0]!.aborted)
  })

  it("an aborted signal rejects at once", async () => {
    const { fetch } = hanging()
    const client = new SmsCx({ apiKey: API_KEY, baseUrl: Sandbox.baseUrl, fetch })
    opened.push(() => client.close())
    const signal = AbortSignal.abort(new Error("changed my mind"))
    const error = await within(1000, rejection(client.account.getAccountBalance({ signal })))
    assert.strictEqual(error, signal.reason)
  })

  it("a signal that is not aborted changes nothing, whatever the arity", async () => {
    const { client, state } = setup()
    const { signal } = new AbortController()
    assert.strictEqual((await client.account.getAccountBalance({ signal })).balance, 100)
    const pricing = await client.account.getChannelPricingByCountryIso("viber", "transactional", "DE", { signal })
    assert.deepStrictEqual(pricing, { countryCode: { TRANSACTIONAL: 0.031, PROMOTIONAL: 0.045 } })
    const sent = await client.sms.sendSms({ to: [NL], ...hello, scheduledDate: LATER }, { signal })
    const deleted = await client.sms.deleteScheduledSms(sent.data[0]!.msgId, { signal })
    assert.strictEqual(deleted.info.creditReturned, 0.072)
    assert.strictEqual(await state.balance(), 100)
  })
})

describe("lifecycle", () => {
  it("close() resolves; later calls reject with TransportError (reason Closed)", async () => {
    const { client } = setup()
    await client.account.getAccountBalance()
    await expect(client.close()).resolves.toBeUndefined()
    const error = await rejection(client.account.getAccountBalance())
    assert.instanceOf(error, TransportError)
    assert.strictEqual((error as TransportError).reason, "Closed")
    await expect(client.close()).resolves.toBeUndefined()
  })

  // a server that accepts the connection and never answers
  const hanging = async () => {
    const server = Http.createServer(() => {})
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    opened.push(() =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
    )
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  for (const fetch of [undefined, globalThis.fetch]) {
    const label = fetch === undefined ? "the default Node client" : "globalThis.fetch"
    it(`${label}: a server that never answers times out after \`timeout\``, async () => {
      const client = new SmsCx({
        apiKey: API_KEY,
        baseUrl: await hanging(),
        timeout: "500 millis",
        // each attempt times out; retried, the call would take the backoff's seconds as well
        retry: false,
        ...(fetch ? { fetch } : {})
      })
      opened.push(() => client.close())
      const error = await rejection(client.account.getAccountBalance())
      assert.instanceOf(error, TransportError)
      assert.strictEqual((error as TransportError).reason, "Timeout")
    })

    it(`${label}: close() ends the calls in flight`, async () => {
      const client = new SmsCx({ apiKey: API_KEY, baseUrl: await hanging(), ...(fetch ? { fetch } : {}) })
      const pending = Promise.all([
        rejection(client.account.getAccountBalance()),
        rejection(client.sms.sendSms({ to: [NL], ...hello }))
      ])
      await new Promise((resolve) => setTimeout(resolve, 50))
      await client.close()
      for (const error of await pending) {
        assert.instanceOf(error, TransportError)
        assert.strictEqual((error as TransportError).reason, "Closed")
      }
    })
  }

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

  it("await using closes the client at the end of its block", async () => {
    const server = Sandbox.inProcessFetch({ apiKeys: [API_KEY] })
    let escaped: SmsCx | undefined
    {
      await using client = new SmsCx({ apiKey: API_KEY, baseUrl: Sandbox.baseUrl, fetch: server.fetch })
      escaped = client
      assert.strictEqual((await client.account.getAccountBalance()).balance, 100)
    }
    assert.instanceOf(await rejection(escaped.account.getAccountBalance()), TransportError)
  })

  it("over a real loopback socket, with the default Node HTTP client", async () => {
    const server = await Sandbox.start({ port: 0, apiKeys: [API_KEY] })
    opened.push(server.close)
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/)
    const client = new SmsCx({ apiKey: API_KEY, baseUrl: server.url })
    try {
      const sent = await client.sms.sendSms({ to: [NL], ...hello })
      assert.deepStrictEqual([sent.data[0]!.status, sent.info.totalCost], ["ACCEPTED", 0.072])
      assert.strictEqual((await client.account.getAccountBalance()).balance, 99.928)
      assert.instanceOf(await rejection(client.sms.sendSms({ to: [INVALID], ...hello })), InvalidPhoneNumberException)
    } finally {
      await client.close()
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

describe("paging, withResponse and per-call options (Promise)", () => {
  const optout = (id: number) => ({
    id,
    phoneNumber: "+31612345678",
    countryIso: "NL",
    optoutFrom: "link",
    datetime: "2024-05-01 10:00:00"
  })
  /** Three pages of two opt-outs; records each URL it is asked for. */
  const pagingFetch = () => {
    const urls: Array<string> = []
    const fetch: typeof globalThis.fetch = async (input) => {
      const url = new URL(String(input))
      urls.push(url.pathname + url.search)
      const next = url.searchParams.get("next")
      const page = next === null ? 1 : Number(next.slice(1))
      return new Response(
        JSON.stringify({
          info: { id: "optouts", link: "", total: 6 },
          data: [optout(page * 10 + 1), optout(page * 10 + 2)],
          paging: { next: page < 3 ? `p${page + 1}` : null, previous: null, size: 2 }
        }),
        { status: 200, headers: { "content-type": "application/json", "x-request-id": `req-${page}` } }
      )
    }
    return { urls, fetch }
  }
  const clientOver = (fetch: typeof globalThis.fetch) => {
    // retry: false: a timed-out call below ends at its deadline, not after the retries' backoff
    const client = new SmsCx({ apiKey: API_KEY, baseUrl: "http://paging.test", fetch, retry: false })
    opened.push(() => client.close())
    return client
  }

  it("for await ... of all(): every item, page by page", async () => {
    const { fetch, urls } = pagingFetch()
    const ids: Array<number> = []
    for await (const row of clientOver(fetch).optouts.getOptoutsList.all({ limit: 2 })) ids.push(row.id)
    assert.deepStrictEqual(ids, [11, 12, 21, 22, 31, 32])
    assert.deepStrictEqual(urls, ["/optouts?limit=2", "/optouts?limit=2&next=p2", "/optouts?limit=2&next=p3"])
  })

  it("breaking out of the loop fetches no further page", async () => {
    const { fetch, urls } = pagingFetch()
    const client = clientOver(fetch)
    for await (const row of client.optouts.getOptoutsList.all({ limit: 2 })) {
      if (row.id === 12) break
    }
    assert.strictEqual(urls.length, 1)
    const pages = []
    for await (const page of client.optouts.getOptoutsList.pages({ limit: 2 })) {
      pages.push(page.paging.next)
      if (pages.length === 2) break
    }
    assert.deepStrictEqual(pages, ["p2", "p3"])
    assert.strictEqual(urls.length, 3)
  })

  it("withResponse gives the metadata; a per-call timeout overrides the client's", async () => {
    const { fetch } = pagingFetch()
    const client = clientOver(fetch)
    const { data, response } = await client.optouts.getOptoutsList.withResponse({ limit: 2 })
    assert.strictEqual(data.data.length, 2)
    assert.strictEqual(response.requestId, "req-1")
    const never = clientOver(() => new Promise<Response>(() => {}))
    const error = await rejection(never.account.getAccountBalance({ timeout: 20 }))
    assert.instanceOf(error, TransportError)
    assert.strictEqual((error as TransportError).reason, "Timeout")
  })

  it("the correctly spelled alias is the vendor's method", () => {
    const client = clientOver(pagingFetch().fetch)
    assert.strictEqual(client.conversations.getConversationsList, client.conversations.getConverstionsList)
  })
})

describe("file exports (Promise)", () => {
  /** A loopback server answering every request with `total` bytes of CSV, streamed. */
  const csv = async (total: number) => {
    const state = { written: 0, closed: 0 }
    const server = Http.createServer((_, res) => {
      res.writeHead(200, {
        "content-type": "application/csv",
        "content-disposition": "attachment; filename=\"optouts.csv\""
      })
      const chunk = Buffer.alloc(64 * 1024, 0x41)
      let sent = 0
      res.on("close", () => state.closed++)
      const pump = () => {
        while (sent < total) {
          sent += chunk.byteLength
          state.written += chunk.byteLength
          if (!res.write(chunk)) return void res.once("drain", pump)
        }
        res.end()
      }
      pump()
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    opened.push(() =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
    )
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, state }
  }

  it("read whole: { contentType, fileName, bytes }", async () => {
    const { url } = await csv(128 * 1024)
    const client = new SmsCx({ apiKey: API_KEY, baseUrl: url })
    opened.push(() => client.close())
    const file = await client.optouts.exportOptoutsToCSV()
    assert.strictEqual(file.bytes.byteLength, 128 * 1024)
    assert.deepStrictEqual([file.contentType, file.fileName], ["application/csv", "optouts.csv"])
  })

  it("stream(): a web ReadableStream read to its end, a cancelled one closes its connection", async () => {
    const total = 64 * 1024 * 1024
    const { state, url } = await csv(total)
    const client = new SmsCx({ apiKey: API_KEY, baseUrl: url })
    opened.push(() => client.close())
    const file = await client.optouts.exportOptoutsToCSV.stream()
    assert.deepStrictEqual([file.contentType, file.fileName], ["application/csv", "optouts.csv"])
    let received = 0
    for await (const chunk of file.body as unknown as AsyncIterable<Uint8Array>) received += chunk.byteLength
    assert.strictEqual(received, total)

    const second = await client.optouts.exportOptoutsToCSV.stream()
    const reader = second.body.getReader()
    await reader.read()
    await reader.cancel()
    await new Promise((resolve) => setTimeout(resolve, 200))
    assert.strictEqual(state.closed, 2, "both connections are closed")
    assert.isBelow(state.written, 2 * total, "the cancelled download stopped early")
  })

  it("close() ends a download left unread", async () => {
    const { state, url } = await csv(512 * 1024 * 1024)
    const client = new SmsCx({ apiKey: API_KEY, baseUrl: url })
    await client.optouts.exportOptoutsToCSV.stream()
    await client.close()
    await new Promise((resolve) => setTimeout(resolve, 200))
    assert.strictEqual(state.closed, 1)
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

  it("log: \"debug\" prints one line per attempt to stderr, without secrets, bodies or path values", async () => {
    const lines: Array<string> = []
    const stdout: Array<string> = []
    const original = { err: process.stderr.write, out: console.log }
    process.stderr.write = ((chunk: unknown) => lines.push(String(chunk)) > 0) as typeof process.stderr.write
    console.log = (...args: Array<unknown>) => void stdout.push(args.map(String).join(" "))
    try {
      const quiet = setup()
      await quiet.client.account.getAccountBalance()
      assert.strictEqual(lines.length, 0, "nothing is logged by default")
      const { client } = setup({ log: "debug" })
      await client.account.getChannelPricingByCountryIso("sms", "transactional", "NL")
      await rejection(client.sms.sendSms({ to: [INVALID], ...hello }))
    } finally {
      process.stderr.write = original.err
      console.log = original.out
    }
    assert.deepStrictEqual(stdout, [], "nothing goes to stdout")
    const text = lines.join("\n")
    assert.match(
      text,
      /getChannelPricingByCountryIso: GET \/account\/pricing\/\{channel\}\/\{trafficType\}\/\{countryIso\} -> 200 in \d+ ms \(request id [0-9a-f-]+\)/
    )
    assert.match(text, /sendSms: POST \/sms -> 400 InvalidPhoneNumberException/)
    for (const secret of [API_KEY, INVALID, "Hello"]) assert.notInclude(text, secret)
  })
})
