import { createClient, InvalidOptionsError, InvalidPhoneNumberException, TransportError } from "@smscx/promise"
import { Conversations, Otp, Sms } from "@smscx/promise/Api"
import { Sandbox } from "@smscx/sandbox"
import * as Effect from "effect/Effect"
import { afterEach, assert, describe, expect, it } from "vitest"

const API_KEY = "sk-test-Qm7Vd9XbL2"
const opened: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((close) => close()))
})

const sandbox = () => {
  const server = Sandbox.inProcessFetch({ apiKeys: [API_KEY] })
  opened.push(server.close)
  return server
}

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
