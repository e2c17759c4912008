/**
 * The Promise client reads the environment as `Transport.config` does (one reader, in the
 * transport): the same variables, SMSCX_SCOPE, SMSCX_TIMEOUT and SMSCX_MAX_RETRIES included, and
 * the same checks; SMSCX_LOG is its own.
 */
import { InvalidOptionsError, TransportError } from "@smscx/promise"
import { Account } from "@smscx/promise/Api"
import { createClient } from "@smscx/promise/Client"
import { afterEach, assert, describe, it } from "vitest"

const VARIABLES = [
  "SMSCX_API_KEY",
  "SMSCX_ACCESS_TOKEN",
  "SMSCX_APPLICATION_ID",
  "SMSCX_APPLICATION_SECRET",
  "SMSCX_SCOPE",
  "SMSCX_BASE_URL",
  "SMSCX_TIMEOUT",
  "SMSCX_MAX_RETRIES",
  "SMSCX_LOG"
] as const

const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]))
const opened: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((close) => close()))
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
})

/** Only these variables set, for the rest of the test. */
const environment = (env: Partial<Record<typeof VARIABLES[number], string>>) => {
  for (const name of VARIABLES) delete process.env[name]
  Object.assign(process.env, env)
}

const balance = { balance: 100, currency: "eur", billing: "prepaid" }
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })

/** A fetch that records each request and answers with `answer`. */
const recording = (answer: (request: Request, index: number) => Response | Promise<Response>) => {
  const requests: Array<{ readonly url: string; readonly headers: Headers; readonly body: string }> = []
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    requests.push({ url: request.url, headers: request.headers, body: await request.text() })
    return answer(request, requests.length - 1)
  }
  return { requests, fetch: fetch as typeof globalThis.fetch }
}

const client = (fetch: typeof globalThis.fetch) => {
  const created = createClient({ account: Account }, { fetch })
  opened.push(() => created.close())
  return created
}

describe("the Promise client reads the environment as Transport.config does", () => {
  it("SMSCX_APPLICATION_ID, _SECRET and SMSCX_SCOPE: the token request asks for the scope", async () => {
    environment({ SMSCX_APPLICATION_ID: "app-1", SMSCX_APPLICATION_SECRET: "app-secret", SMSCX_SCOPE: "account" })
    const { fetch, requests } = recording((request) =>
      request.url.endsWith("/oauth/token")
        ? json(200, { access_token: "at-1", expires_in: 3600, token_type: "Bearer", scope: "account" })
        : json(200, balance)
    )
    assert.strictEqual((await client(fetch).account.getAccountBalance()).balance, 100)
    assert.strictEqual(requests.length, 2)
    const token = new URLSearchParams(requests[0]!.body)
    assert.strictEqual(token.get("grant_type"), "client_credentials")
    assert.strictEqual(token.get("scope"), "account")
    assert.strictEqual(requests[1]!.headers.get("authorization"), "Bearer at-1")
  })

  it("SMSCX_TIMEOUT: an answer slower than it is a TransportError with reason Timeout", async () => {
    environment({ SMSCX_API_KEY: "k", SMSCX_TIMEOUT: "50 millis", SMSCX_MAX_RETRIES: "0" })
    const { fetch, requests } = recording(() => new Promise<Response>(() => {}))
    const started = Date.now()
    const error = await client(fetch).account.getAccountBalance().then(() => undefined, (e: unknown) => e)
    assert.instanceOf(error, TransportError)
    assert.strictEqual((error as TransportError).reason, "Timeout")
    assert.isBelow(Date.now() - started, 2_000)
    assert.strictEqual(requests.length, 1)
  })

  it("SMSCX_MAX_RETRIES: 0 turns retries off, 1 allows one", async () => {
    environment({ SMSCX_API_KEY: "k", SMSCX_MAX_RETRIES: "0" })
    const down = () => json(503, { error: { type: "server_error", code: 1008, message: "down", uri: "" } })
    const off = recording(down)
    await client(off.fetch).account.getAccountBalance().catch(() => undefined)
    assert.strictEqual(off.requests.length, 1)

    environment({ SMSCX_API_KEY: "k", SMSCX_MAX_RETRIES: "1" })
    const once = recording((_, index) => index === 0 ? down() : json(200, balance))
    assert.strictEqual((await client(once.fetch).account.getAccountBalance()).balance, 100)
    assert.strictEqual(once.requests.length, 2)
  })

  it("an option given wins over its variable, which is then not read", async () => {
    environment({ SMSCX_API_KEY: "k", SMSCX_MAX_RETRIES: "", SMSCX_TIMEOUT: "soon" })
    const { fetch, requests } = recording(() => json(200, balance))
    const created = createClient({ account: Account }, { fetch, retry: false, timeout: 5_000 })
    opened.push(() => created.close())
    assert.strictEqual((await created.account.getAccountBalance()).balance, 100)
    assert.strictEqual(requests.length, 1)
  })

  for (
    const [env, variable, message] of [
      [{ SMSCX_API_KEY: "k", SMSCX_TIMEOUT: "soon" }, "SMSCX_TIMEOUT", "SMSCX_TIMEOUT must be a duration"],
      [
        { SMSCX_API_KEY: "k", SMSCX_MAX_RETRIES: "-1" },
        "SMSCX_MAX_RETRIES",
        "SMSCX_MAX_RETRIES must be a whole number"
      ],
      [{ SMSCX_API_KEY: "k", SMSCX_TIMEOUT: " " }, "SMSCX_TIMEOUT", "SMSCX_TIMEOUT is set but empty"],
      [
        { SMSCX_APPLICATION_ID: "a", SMSCX_APPLICATION_SECRET: "s", SMSCX_SCOPE: "" },
        "SMSCX_SCOPE",
        "SMSCX_SCOPE is set but empty"
      ],
      [
        { SMSCX_APPLICATION_ID: "a" },
        "SMSCX_APPLICATION_SECRET",
        "SMSCX_APPLICATION_SECRET is missing"
      ]
    ] as const
  ) {
    it(`${Object.keys(env).join(", ")}: names ${variable}`, () => {
      environment(env)
      try {
        createClient({ account: Account }, {})
        assert.fail("accepted")
      } catch (error) {
        assert.instanceOf(error, InvalidOptionsError)
        assert.strictEqual((error as InvalidOptionsError).option, variable)
        assert.include((error as InvalidOptionsError).message, message)
      }
    })
  }
})
