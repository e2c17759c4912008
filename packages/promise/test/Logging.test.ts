import { createClient } from "@smscx/promise"
import { Account, Sms } from "@smscx/promise/Api"
import { Sandbox } from "@smscx/sandbox"
import { assert, describe, expect, it } from "vitest"
import { API_KEY, hello, INVALID, rejection, resources } from "./helpers.js"

const { opened, sandbox, setup } = resources()

describe("logger: the user's own, never a secret", () => {
  type Line = { readonly level: string; readonly message: string; readonly fields: Readonly<Record<string, unknown>> }

  it("a function gets each line with its level and fields; nothing reaches stdout or stderr", async () => {
    const lines: Array<Line> = []
    const written: Array<string> = []
    const original = { out: process.stdout.write, err: process.stderr.write }
    const capture = ((chunk: unknown) => written.push(String(chunk)) > 0) as typeof process.stdout.write
    process.stdout.write = capture
    process.stderr.write = capture
    try {
      const server = sandbox()
      const client = createClient({ account: Account, sms: Sms }, {
        apiKey: API_KEY,
        baseUrl: Sandbox.baseUrl,
        fetch: server.fetch,
        log: "debug",
        logger: (level, message, fields) => void lines.push({ level, message, fields })
      })
      opened.push(() => client.close())
      await client.account.getAccountBalance()
      await client.sms.sendSms({ to: ["+3161234"], from: "InfoText", text: "Hello" }).catch(() => undefined)
    } finally {
      process.stdout.write = original.out
      process.stderr.write = original.err
    }
    assert.deepStrictEqual(written, [])
    assert.strictEqual(lines.length, 2)
    const [balance, send] = lines
    assert.strictEqual(balance!.level, "debug")
    assert.match(balance!.message, /^smscx getAccountBalance: GET \/account\/balance -> 200 in \d+ ms/)
    assert.include(balance!.fields, { operation: "getAccountBalance", method: "GET", path: "/account/balance" })
    assert.strictEqual(balance!.fields.status, 200)
    assert.isNumber(balance!.fields.durationMs)
    assert.isString(balance!.fields.requestId)
    assert.include(send!.fields, { operation: "sendSms", status: 400 })
    assert.notInclude(JSON.stringify(lines), "+3161234")
    assert.notInclude(JSON.stringify(lines), "Hello")
  })

  it("an object with debug/info/warn/error (console, winston) is called as (message, fields)", async () => {
    const calls: Array<readonly [string, string, unknown]> = []
    const logger = Object.fromEntries(
      (["debug", "info", "warn", "error"] as const).map((level) => [
        level,
        (message: string, fields: unknown) => void calls.push([level, message, fields])
      ])
    ) as unknown as Console
    const server = sandbox()
    const client = createClient({ account: Account }, {
      apiKey: API_KEY,
      baseUrl: Sandbox.baseUrl,
      fetch: server.fetch,
      log: "debug",
      logger
    })
    opened.push(() => client.close())
    await client.account.getAccountBalance()
    assert.strictEqual(calls.length, 1)
    assert.strictEqual(calls[0]![0], "debug")
    assert.include(calls[0]![2] as object, { operation: "getAccountBalance" })
  })

  it("below its level nothing is logged; a logger that throws loses its line, not the call", async () => {
    let called = 0
    const server = sandbox()
    const quiet = createClient({ account: Account }, {
      apiKey: API_KEY,
      baseUrl: Sandbox.baseUrl,
      fetch: server.fetch,
      logger: () => void called++
    })
    opened.push(() => quiet.close())
    await quiet.account.getAccountBalance()
    assert.strictEqual(called, 0, "the default level is warn")
    const throwing = createClient({ account: Account }, {
      apiKey: API_KEY,
      baseUrl: Sandbox.baseUrl,
      fetch: server.fetch,
      log: "debug",
      logger: () => {
        called++
        throw new Error("the logger is broken")
      }
    })
    opened.push(() => throwing.close())
    assert.strictEqual((await throwing.account.getAccountBalance()).balance, 100)
    assert.strictEqual(called, 1)
    expect(() => createClient({ sms: Sms }, { apiKey: API_KEY, logger: { info: () => {} } as never })).toThrow(
      /option logger must be a function/
    )
  })

  it("at debug, an OAuth token fetch, its retry and a refused call never log the secret, the token or the key", async () => {
    const APP = { applicationId: "app-logs", applicationSecret: "app-SECRET-logs-9f2c" }
    const server = Sandbox.inProcessFetch({ apiKeys: [API_KEY], applications: [APP] })
    opened.push(server.close)
    const tokens: Array<string> = []
    let tokenCalls = 0
    // the token endpoint answers a 503 once (a retry, logged), then the sandbox's token, recorded
    const recording: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input)
      if (url.endsWith("/oauth/token") && tokenCalls++ === 0) {
        return new Response(JSON.stringify({ error: { type: "server_error", code: 1008, message: "down" } }), {
          status: 503,
          headers: { "content-type": "application/json" }
        })
      }
      const answer = await server.fetch(input, init)
      if (url.endsWith("/oauth/token")) {
        tokens.push(((await answer.clone().json()) as { access_token: string }).access_token)
      }
      return answer
    }
    const lines: Array<Line> = []
    const logger = (level: string, message: string, fields: Readonly<Record<string, unknown>>) =>
      void lines.push({ level, message, fields })
    const client = createClient({ account: Account }, {
      ...APP,
      baseUrl: Sandbox.baseUrl,
      fetch: recording,
      log: "debug",
      logger,
      retry: { baseDelay: 1, jitter: false }
    })
    opened.push(() => client.close())
    await client.account.getAccountBalance()
    const wrong = createClient({ account: Account }, {
      applicationId: APP.applicationId,
      applicationSecret: "app-SECRET-wrong-77",
      baseUrl: Sandbox.baseUrl,
      fetch: server.fetch,
      log: "debug",
      logger
    })
    opened.push(() => wrong.close())
    await wrong.account.getAccountBalance().catch(() => undefined)
    const keyed = createClient({ account: Account }, {
      apiKey: "sk-wrong-key-0c1d",
      baseUrl: Sandbox.baseUrl,
      fetch: server.fetch,
      log: "debug",
      logger
    })
    opened.push(() => keyed.close())
    await keyed.account.getAccountBalance().catch(() => undefined)

    assert.strictEqual(tokens.length, 1)
    const text = JSON.stringify(lines)
    assert.match(text, /getAccessToken: POST \/oauth\/token -> 503/)
    assert.match(text, /getAccessToken: POST \/oauth\/token -> 200/)
    assert.match(text, /getAccountBalance: GET \/account\/balance -> 401/)
    const basic = (id: string, secret: string) => Buffer.from(`${id}:${secret}`).toString("base64")
    for (
      const secret of [
        APP.applicationSecret,
        "app-SECRET-wrong-77",
        "sk-wrong-key-0c1d",
        ...tokens,
        basic(APP.applicationId, APP.applicationSecret),
        basic(APP.applicationId, "app-SECRET-wrong-77")
      ]
    ) assert.notInclude(text, secret)
  })
})

describe("log: the level, and standard error by default", () => {
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
