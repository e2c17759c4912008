import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import { Sandbox } from "@smscx/sandbox"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

describe("inProcessFetch", () => {
  it.live("answers fetch in-process, keeps state per instance, refuses after close", () =>
    Effect.promise(async () => {
      const one = Sandbox.inProcessFetch({ apiKeys: ["k"] })
      const other = Sandbox.inProcessFetch({ apiKeys: ["k"] })
      const headers = { "X-API-KEY": "k", "Content-Type": "application/json" }
      const body = JSON.stringify({ to: ["+4915123456789"], from: "InfoText", text: "Hallo" })
      // a path, an absolute URL on any host, a Request: all reach the sandbox
      const sent = await one.fetch("/sms", { method: "POST", headers, body })
      const decoded = Schema.decodeUnknownSync(Api.Sms.sendSms.success.schema)(await sent.json())
      assert.strictEqual(decoded.info.totalCost, 0.079)
      const balance = await one.fetch(new Request("https://api.sms.cx/account/balance", { headers }))
      assert.deepStrictEqual(await balance.json(), { balance: 99.921, currency: "eur", billing: "prepaid" })
      const untouched = await other.fetch(`${Sandbox.baseUrl}/account/balance`, { headers })
      assert.deepStrictEqual(await untouched.json(), { balance: 100, currency: "eur", billing: "prepaid" })
      assert.strictEqual((await Effect.runPromise(one.sandbox.messages)).length, 1)
      await one.close()
      const refused = await one.fetch("/account/balance", { headers }).then(() => "answered", (e: unknown) => e)
      assert.instanceOf(refused, TypeError)
    }))
})
