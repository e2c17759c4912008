import { assert, describe, it } from "@effect/vitest"
import { operationOf, violations } from "./contract.js"

describe("the contract check every SDK test runs (ajv over spec/smscx-openapi.json)", () => {
  it("finds the operation of a method and path", () => {
    assert.strictEqual(operationOf("GET", "/account/balance")?.id, "getAccountBalance")
    assert.strictEqual(
      operationOf("DELETE", "/sms/scheduled/0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11")?.id,
      "deleteScheduledSms"
    )
    assert.strictEqual(operationOf("GET", "/nothing"), undefined)
  })

  it("accepts a documented answer and reports one that does not fit", () => {
    const ok = JSON.stringify({ balance: 1.5, currency: "eur", billing: "prepaid" })
    assert.deepStrictEqual(violations("GET", "/account/balance", 200, "application/json", ok), [])
    const wrong = JSON.stringify({ balance: "1.5", currency: "eur", billing: "prepaid" })
    assert.lengthOf(violations("GET", "/account/balance", 200, "application/json", wrong), 1)
    assert.lengthOf(violations("GET", "/account/balance", 202, "application/json", ok), 1)
  })

  it("checks error bodies and the content type of files", () => {
    const error = JSON.stringify({ error: { type: "not_found", code: 1004, message: "no", uri: "https://x" } })
    assert.deepStrictEqual(violations("GET", "/account/balance", 404, "application/json", error), [])
    assert.lengthOf(violations("GET", "/account/balance", 404, "application/json", JSON.stringify({ error: "no" })), 1)
    assert.deepStrictEqual(violations("GET", "/optouts/csv", 200, "application/csv", ""), [])
    assert.lengthOf(violations("GET", "/optouts/csv", 200, "application/json", ""), 1)
    // a documented 204 carries no body
    assert.deepStrictEqual(violations("GET", "/groups/1/empty", 204, undefined, ""), [])
    assert.lengthOf(violations("GET", "/groups/1/empty", 204, "application/json", "{}"), 1)
  })
})
