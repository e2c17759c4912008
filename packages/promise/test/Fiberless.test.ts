/**
 * Calls without options run without a fiber when nothing would see one, of operations without
 * input and with one (a JSON body, a path parameter, a query); they end as the same calls with
 * (empty) options do: the same data, the same request on the wire, the same typed errors (an
 * invalid input's before anything is sent), as many attempts, on the default Node client and on
 * a `fetch`.
 */
import { Api } from "@smscx/core"
import type * as Operation from "@smscx/core/Operation"
import { SmsCx } from "@smscx/promise"
import * as Arbitrary from "effect/Arbitrary"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { afterEach, assert, describe, it } from "vitest"
import { API_KEY, hello, NL, rejection, UNKNOWN_ID } from "./helpers.js"

const closing: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(closing.splice(0).map((close) => close()))
})

/** A request as the server saw it. */
interface Wire {
  readonly method: string
  readonly url: string
  readonly headers: Http.IncomingHttpHeaders
  readonly body: string
}

/**
 * A loopback server answering every request with `status` and `body`; counts the requests and
 * keeps what each carried (read before it is answered).
 */
const serving = async (status: number, body: string) => {
  const seen = {
    requests: 0,
    wire: [] as Array<Wire>
  }
  const server = Http.createServer((req, res) => {
    seen.requests++
    let received = ""
    req.setEncoding("utf8")
    req.on("data", (chunk: string) => received += chunk)
    req.on("end", () => {
      seen.wire.push({ method: req.method!, url: req.url!, headers: req.headers, body: received })
      res.writeHead(status, { "content-type": "application/json" })
      res.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  closing.push(() =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  )
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
}

/** What a failure says: every field a caller reads. */
const facts = (error: unknown) => {
  const { _tag, attempts, body, issues, message, reason, status } = error as Record<string, unknown>
  return { _tag, attempts, body, issues, message, reason, status, class: (error as object).constructor }
}

describe.each([undefined, globalThis.fetch])("fiberless calls (fetch: %s)", (fetch) => {
  const clientOf = (url: string, retry: false | { readonly maxRetries: number; readonly baseDelay: number }) => {
    const client = new SmsCx({ apiKey: API_KEY, baseUrl: url, retry, ...(fetch ? { fetch } : {}) })
    closing.push(() => client.close())
    return client
  }

  it("answer the data", async () => {
    const { url } = await serving(200, JSON.stringify({ balance: 3, currency: "eur", billing: "prepaid" }))
    const client = clientOf(url, false)
    assert.deepStrictEqual(await client.account.getAccountBalance(), {
      balance: 3,
      currency: "eur",
      billing: "prepaid"
    })
    assert.deepStrictEqual(await client.account.getAccountBalance(), await client.account.getAccountBalance({}))
  })

  for (
    const [name, status, body] of [
      ["an answer that is not JSON", 200, "<html>"],
      ["an answer that does not fit", 200, JSON.stringify({ balance: "lots" })],
      ["an API error", 401, JSON.stringify({ error: { type: "invalid_api_key", code: 1002, message: "no" } })]
    ] as const
  ) {
    it(`reject alike on ${name}`, async () => {
      const { url } = await serving(status, body)
      const client = clientOf(url, false)
      const fiberless = await rejection(client.account.getAccountBalance())
      const general = await rejection(client.account.getAccountBalance({}))
      assert.deepStrictEqual(facts(fiberless), facts(general))
      assert.strictEqual((fiberless as { attempts?: number }).attempts, 1)
    })
  }

  it("retry alike: as many attempts, the same last error", async () => {
    const { seen, url } = await serving(
      503,
      JSON.stringify({ error: { type: "server_error", code: 1500, message: "x" } })
    )
    const client = clientOf(url, { maxRetries: 1, baseDelay: 1 })
    const fiberless = await rejection(client.account.getAccountBalance())
    assert.strictEqual(seen.requests, 2)
    const general = await rejection(client.account.getAccountBalance({}))
    assert.strictEqual(seen.requests, 4)
    assert.deepStrictEqual(facts(fiberless), facts(general))
    assert.strictEqual((fiberless as { attempts?: number }).attempts, 2)
  })
})

/** An answer that fits the operation's success schema, the same on every run (a fixed seed). */
const fitting = (operation: Operation.Any) => {
  const schema = (operation.success as { readonly schema: Schema.Schema.AnyNoContext }).schema
  const [value] = FastCheck.sample(Arbitrary.make(schema), { seed: 11, numRuns: 1 })
  return JSON.stringify(Schema.encodeSync(schema)(value))
}

/** A request as the server saw it, without what differs by design (trace context, idempotency id). */
const comparable = ({ body, headers, method, url }: Wire) => {
  const { traceparent: _, ...rest } = headers
  const { idempotencyId, ...fields } = body === "" ? {} : JSON.parse(body) as Record<string, unknown>
  if (idempotencyId !== undefined) assert.match(idempotencyId as string, /^[0-9a-f-]{36}$/)
  return { method, url, headers: rest, body: fields }
}

type Group = Record<string, (...args: ReadonlyArray<unknown>) => Promise<unknown>>
const sms = { ...hello, to: [NL] }
const withInput = [
  {
    name: "sendSms (a JSON body)",
    operation: Api.Sms.sendSms as Operation.Any,
    call: (client: SmsCx) => client.sms as unknown as Group,
    method: "sendSms",
    args: [sms],
    invalid: [{ ...sms, to: NL }],
    url: "/sms"
  },
  {
    name: "getOtpStatus (a path parameter)",
    operation: Api.Otp.getOtpStatus as Operation.Any,
    call: (client: SmsCx) => client.otp as unknown as Group,
    method: "getOtpStatus",
    args: [UNKNOWN_ID],
    invalid: ["not-a-uuid"],
    url: `/otp/${UNKNOWN_ID}`
  },
  {
    name: "getOptoutsList (a query)",
    operation: Api.Optouts.getOptoutsList as Operation.Any,
    call: (client: SmsCx) => client.optouts as unknown as Group,
    method: "getOptoutsList",
    args: [{ limit: 5 }],
    invalid: [{ limit: "five" }],
    url: "/optouts?limit=5"
  }
] as const

describe.each([undefined, globalThis.fetch])("fiberless calls with input (fetch: %s)", (fetch) => {
  const clientOf = (url: string) => {
    const client = new SmsCx({ apiKey: API_KEY, baseUrl: url, retry: false, ...(fetch ? { fetch } : {}) })
    closing.push(() => client.close())
    return client
  }

  for (const c of withInput) {
    it(`${c.name}: answer the same data, sending the same request`, async () => {
      const answer = fitting(c.operation)
      const { seen, url } = await serving(200, answer)
      const group = c.call(clientOf(url))
      const fiberless = await group[c.method]!(...c.args)
      const general = await group[c.method]!(...c.args, {})
      assert.deepStrictEqual(fiberless, general)
      assert.deepStrictEqual(JSON.stringify(fiberless), answer)
      const [first, second] = seen.wire.map(comparable)
      assert.deepStrictEqual(first, second)
      assert.strictEqual(first!.url, c.url)
      assert.strictEqual(first!.headers["x-api-key"], API_KEY)
      if (first!.method === "POST") assert.deepStrictEqual(first!.body, sms)
    })

    it(`${c.name}: an invalid input rejects alike, and nothing is sent`, async () => {
      const { seen, url } = await serving(200, fitting(c.operation))
      const group = c.call(clientOf(url))
      const fiberless = await rejection(group[c.method]!(...c.invalid))
      const general = await rejection(group[c.method]!(...c.invalid, {}))
      assert.strictEqual((fiberless as { _tag?: string })._tag, "RequestValidationError")
      assert.deepStrictEqual(facts(fiberless), facts(general))
      assert.strictEqual(seen.requests, 0)
    })

    it(`${c.name}: an answer that does not fit rejects alike`, async () => {
      const { url } = await serving(200, JSON.stringify({ data: "none" }))
      const group = c.call(clientOf(url))
      const fiberless = await rejection(group[c.method]!(...c.args))
      const general = await rejection(group[c.method]!(...c.args, {}))
      assert.strictEqual((fiberless as { _tag?: string })._tag, "DecodeError")
      assert.deepStrictEqual(facts(fiberless), facts(general))
    })
  }
})
