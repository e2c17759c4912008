import { assert, describe, it } from "vitest"
import { parse, runsFor } from "./propertyRuns.js"

describe("SMSCX_PROPERTY_RUNS", () => {
  it("unset or empty: each property's default", () => {
    for (const value of [undefined, "", "  "]) assert.strictEqual(runsFor(parse(value), 50), 50)
  })

  it("<n>x multiplies each default; <n> sets every property's runs", () => {
    assert.strictEqual(runsFor(parse("10x"), 50), 500)
    assert.strictEqual(runsFor(parse("2.5X"), 40), 100)
    assert.strictEqual(runsFor(parse("0.01x"), 5), 1)
    assert.strictEqual(runsFor(parse("1000"), 50), 1000)
    assert.strictEqual(runsFor(parse("1000"), 5), 1000)
  })

  it("anything else is refused, naming the variable", () => {
    for (const value of ["ten", "0", "0x", "-5", "10 x", "x10", "1e3"]) {
      assert.throws(() => parse(value), /SMSCX_PROPERTY_RUNS/, value)
    }
  })
})
