/**
 * Calls without arguments of operations without input run without a fiber when nothing would
 * see one; they end as the same calls with (empty) options do: the same data, the same typed
 * errors, as many attempts, on the default Node client and on a `fetch`.
 */
import { SmsCx } from "@smscx/promise"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { afterEach, assert, describe, it } from "vitest"
import { API_KEY, rejection } from "./helpers.js"

const closing: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(closing.splice(0).map((close) => close()))
})

/** A loopback server answering every request with `status` and `body`; counts the requests. */
const serving = async (status: number, body: string) => {
  const seen = { requests: 0 }
  const server = Http.createServer((_, res) => {
    seen.requests++
    res.writeHead(status, { "content-type": "application/json" })
    res.end(body)
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
