import {
  createClient,
  InvalidOptionsError,
  InvalidPhoneNumberException,
  RequestValidationError,
  TransportError
} from "@smscx/promise"
import { Account, Conversations, Otp, Sms } from "@smscx/promise/Api"
import { Sandbox } from "@smscx/sandbox"
import * as Effect from "effect/Effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { assert, describe, expect, it } from "vitest"
import { API_KEY, httpClients, resources } from "./helpers.js"

const { listen, opened, sandbox } = resources()

describe("createClient: a client of the groups given", () => {
  it("has the groups given and no other; sends and charges as SmsCx does", async () => {
    const server = sandbox()
    const client = createClient({ sms: Sms, otp: Otp }, {
      apiKey: API_KEY,
      baseUrl: Sandbox.baseUrl,
      fetch: server.fetch
    })
    opened.push(() => client.close())
    expect(Object.keys(client).sort()).toEqual(["otp", "sms"])
    expect(Object.keys(client.sms).sort()).toEqual(Object.keys(Sms).sort())
    assert.notProperty(client, "numbers")

    const before = await Effect.runPromise(server.sandbox.balance)
    const sent = await client.sms.sendSms({ to: ["+31612345678"], from: "InfoText", text: "Hello" })
    assert.strictEqual(sent.info.totalPhoneNumbers, 1)
    const after = await Effect.runPromise(server.sandbox.balance)
    expect(before - after).toBeCloseTo(sent.info.totalCost, 6)
    const { data, response } = await client.sms.sendSms.withResponse({
      to: ["+31612345678"],
      from: "InfoText",
      text: "Hi"
    })
    assert.strictEqual(data.info.totalPhoneNumbers, 1)
    assert.strictEqual(response.status, 200)
    assert.isString(response.idempotencyId)
  })

  it("rejects with the operation's own typed errors", async () => {
    const server = sandbox()
    const client = createClient({ sms: Sms }, { apiKey: API_KEY, baseUrl: Sandbox.baseUrl, fetch: server.fetch })
    opened.push(() => client.close())
    const error = await client.sms.sendSms({ to: ["+3161234"], from: "InfoText", text: "Hello" }).catch((e) => e)
    assert.instanceOf(error, InvalidPhoneNumberException)
  })

  it("keeps a group's correctly spelled aliases as the same method", () => {
    const client = createClient({ conversations: Conversations }, { apiKey: API_KEY })
    opened.push(() => client.close())
    assert.isFunction(client.conversations.getConversationsList)
    assert.strictEqual(client.conversations.getConversationsList, client.conversations.getConverstionsList)
  })

  it("checks its options as SmsCx does, and a closed client rejects later calls", async () => {
    expect(() => createClient({ sms: Sms }, { apiKey: "key\r\nx" })).toThrow(InvalidOptionsError)
    // groups that are not the API's: a typed error, not a TypeError
    expect(() => createClient(null as never, { apiKey: API_KEY })).toThrow(InvalidOptionsError)
    expect(() => createClient({ sms: "Sms" } as never, { apiKey: API_KEY })).toThrow(InvalidOptionsError)
    const client = createClient({ sms: Sms }, { apiKey: API_KEY, baseUrl: Sandbox.baseUrl, fetch: sandbox().fetch })
    await client.close()
    const error = await client.sms.sendSms({ to: ["+31612345678"], from: "InfoText", text: "Hello" }).catch((e) => e)
    assert.instanceOf(error, TransportError)
    assert.strictEqual((error as TransportError).reason, "Closed")
  })
})

describe("a phone number of 10 MB", () => {
  it("is a RequestValidationError before anything is sent, with an excerpt of it at most", async () => {
    let requests = 0
    const baseUrl = await listen((_, res) => {
      requests++
      res.writeHead(500).end()
    })
    const client = createClient({ sms: Sms, otp: Otp }, { apiKey: API_KEY, baseUrl })
    opened.push(() => client.close())
    const huge = "4".repeat(10 * 1024 * 1024)
    for (
      const call of [
        () => client.sms.sendSms({ to: ["+31612345678", huge], from: "InfoText", text: "Hello" }),
        () => client.otp.newOtp({ phoneNumber: huge, from: "InfoText", template: "Your PIN {{pin}}" })
      ]
    ) {
      const error = await call().then(() => undefined, (e: unknown) => e)
      assert.instanceOf(error, RequestValidationError)
      assert.isBelow((error as RequestValidationError).message.length, 1_000)
      const paths = (error as RequestValidationError).issues.map((issue) => issue.path.join("."))
      assert.deepStrictEqual(paths.filter((path) => !/^(to\.1|phoneNumber)$/.test(path)), [], "only the phone")
      assert.isNotEmpty(paths)
    }
    assert.strictEqual(requests, 0)
  })
})

/** A port on 127.0.0.1 that nothing listens on: one just closed. */
const closedPort = async (): Promise<number> => {
  const server = Http.createServer()
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe.each(httpClients)("a refused connection, over %s", (_, over) => {
  it("says ECONNREFUSED in its message and gives up after one brief retry", async () => {
    const port = await closedPort()
    const client = createClient({ account: Account }, { apiKey: API_KEY, baseUrl: `http://127.0.0.1:${port}`, ...over })
    opened.push(() => client.close())
    const started = performance.now()
    const error = await client.account.getAccountBalance().catch((e: unknown) => e)
    const elapsed = performance.now() - started
    assert.instanceOf(error, TransportError)
    assert.strictEqual(
      (error as TransportError).message,
      `GET http://127.0.0.1:${port}/account/balance: the connection was refused (ECONNREFUSED)`
    )
    assert.strictEqual((error as TransportError).attempts, 2)
    // one retry after ~500 ms (jittered up to 600 ms), where it took 4 attempts and 3.8 s
    assert.isBelow(elapsed, 2_000)
  })

  it("https to a server that does not speak TLS: the handshake's code in the message, not retried", async () => {
    const server = Http.createServer((_, res) => res.end("plain"))
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    opened.push(() => new Promise((resolve) => server.close(() => resolve())))
    const { port } = server.address() as AddressInfo
    const client = createClient({ account: Account }, {
      apiKey: API_KEY,
      baseUrl: `https://127.0.0.1:${port}`,
      ...over
    })
    opened.push(() => client.close())
    const error = await client.account.getAccountBalance().catch((e: unknown) => e)
    assert.instanceOf(error, TransportError)
    // Node's http says EPROTO, undici ERR_SSL_WRONG_VERSION_NUMBER
    assert.match(
      (error as TransportError).message,
      /^GET https:\/\/127\.0\.0\.1:\d+\/account\/balance: the TLS handshake failed \((EPROTO|ERR_SSL_[A-Z_]+)\)$/
    )
    assert.strictEqual((error as TransportError).attempts, 1)
  })
})

describe("options that are not options", () => {
  it("the constructor refuses a misspelt option, naming it and the one meant", () => {
    const refused = (options: Record<string, unknown>) => {
      try {
        createClient({ sms: Sms }, options as never)
      } catch (error) {
        assert.instanceOf(error, InvalidOptionsError)
        return error as InvalidOptionsError
      }
      return assert.fail(`accepted ${Object.keys(options).join(", ")}`)
    }
    const retries = refused({ apiKey: API_KEY, retries: 3 })
    assert.strictEqual(retries.option, "retries")
    assert.strictEqual(retries.message, "smscx: option retries is not an option: did you mean retry: { maxRetries }?")
    assert.include(refused({ apiKey: API_KEY, loger: console }).message, "did you mean logger?")
    assert.include(refused({ apiKey: API_KEY, fecth: fetch }).message, "did you mean fetch?")
    assert.include(refused({ apiKey: API_KEY, colour: "red" }).message, "is not an option (they are apiKey")
    assert.notInclude(refused({ apiKey: API_KEY, retries: 3 }).message, API_KEY)
    // the client's own options are accepted
    const client = createClient({ sms: Sms }, { apiKey: API_KEY, log: "none", logger: () => {}, fetch })
    opened.push(() => client.close())
  })

  it("a call refuses a misspelt call option before anything is sent", async () => {
    let sent = 0
    const server = sandbox()
    const client = createClient({ account: Account }, {
      apiKey: API_KEY,
      baseUrl: Sandbox.baseUrl,
      fetch: (input, init) => (sent++, server.fetch(input, init))
    })
    opened.push(() => client.close())
    const retries = await client.account.getAccountBalance({ retries: 1 } as never).catch((e: unknown) => e)
    assert.instanceOf(retries, RequestValidationError)
    assert.include((retries as Error).message, "options.retries is not an option: did you mean retry: { maxRetries }?")
    const signal = await client.account.getAccountBalance({ sigal: AbortSignal.timeout(1000) } as never)
      .catch((e: unknown) => e)
    assert.include((signal as Error).message, "did you mean signal?")
    assert.strictEqual(sent, 0)
    assert.strictEqual((await client.account.getAccountBalance({ timeout: 5_000 })).balance, 100)
  })
})

describe("SMSCX_* variables set but empty", () => {
  const withEnv = (env: Record<string, string | undefined>, f: () => void) => {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]))
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
    try {
      f()
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
    }
  }
  const none = {
    SMSCX_API_KEY: undefined,
    SMSCX_ACCESS_TOKEN: undefined,
    SMSCX_APPLICATION_ID: undefined,
    SMSCX_APPLICATION_SECRET: undefined,
    SMSCX_BASE_URL: undefined,
    SMSCX_LOG: undefined
  }

  for (
    const [env, options, name] of [
      [{ SMSCX_API_KEY: "" }, {}, "SMSCX_API_KEY"],
      [{ SMSCX_API_KEY: " ", SMSCX_ACCESS_TOKEN: "at-1" }, {}, "SMSCX_API_KEY"],
      [{ SMSCX_ACCESS_TOKEN: "" }, {}, "SMSCX_ACCESS_TOKEN"],
      [{ SMSCX_APPLICATION_ID: "", SMSCX_APPLICATION_SECRET: "s" }, {}, "SMSCX_APPLICATION_ID"],
      [{ SMSCX_APPLICATION_ID: "a", SMSCX_APPLICATION_SECRET: "" }, {}, "SMSCX_APPLICATION_SECRET"],
      [{ SMSCX_BASE_URL: "" }, { apiKey: API_KEY }, "SMSCX_BASE_URL"],
      [{ SMSCX_LOG: "" }, { apiKey: API_KEY }, "SMSCX_LOG"]
    ] as const
  ) {
    it(`${Object.keys(env).join(", ")}: names ${name}`, () =>
      withEnv({ ...none, ...env }, () => {
        try {
          createClient({ sms: Sms }, options)
          assert.fail("accepted")
        } catch (error) {
          assert.instanceOf(error, InvalidOptionsError)
          assert.strictEqual((error as InvalidOptionsError).message, `smscx: ${name} is set but empty`)
          assert.strictEqual((error as InvalidOptionsError).option, name)
        }
      }))
  }

  it("a variable is not read when its option is given: an empty one is then no error", () =>
    withEnv({ ...none, SMSCX_API_KEY: "", SMSCX_BASE_URL: "", SMSCX_LOG: "" }, () => {
      const client = createClient({ sms: Sms }, { apiKey: API_KEY, baseUrl: Sandbox.baseUrl, log: "warn" })
      opened.push(() => client.close())
    }))

  it("SMSCX_LOG that is not a level names the variable", () =>
    withEnv({ ...none, SMSCX_LOG: "verbose" }, () => {
      assert.throws(() => createClient({ sms: Sms }, { apiKey: API_KEY }), /SMSCX_LOG must be one of debug, info/)
    }))
})
