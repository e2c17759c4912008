import { InvalidPhoneNumberException, SmsCx, TransportError } from "@smscx/promise"
import { Sandbox } from "@smscx/sandbox"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { assert, describe, expect, it } from "vitest"
import { API_KEY, hello, INVALID, NL, rejection, resources } from "./helpers.js"

const { opened, setup } = resources()

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
