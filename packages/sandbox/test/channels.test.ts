/**
 * The Viber, Whatsapp and Multichannel sends beyond their documented rows
 * (`channelRows.test.ts`): inactive channels, a multichannel `from`, the SMS failover reserve.
 */
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Effect from "effect/Effect"
import type * as App from "../src/internal/app/app.js"
import { toMicros } from "../src/internal/kernel/money.js"
import {
  type Bench,
  multichannel,
  NL,
  open,
  operations,
  rowOf,
  sendOf,
  type SendOperation,
  sends,
  smsStep,
  snapshot,
  validBody
} from "./channelsBench.js"
import { type Answer, failure, success, testConfig } from "./utils.js"

// ---------------------------------------------------------------------------------------------
// Beyond the tables
// ---------------------------------------------------------------------------------------------

const post = (bench: Bench, s: SendOperation, patch: Record<string, unknown> = {}) => {
  const operation = operations[s.id]
  return bench.call(operation.method, operation.path, { ...validBody(s, bench.fixture), ...patch })
}

/** `failure` and nothing changed. */
const refused = (bench: Bench, answer: Effect.Effect<Answer>, status: number, type: string, code: number) =>
  Effect.gen(function*() {
    const before = yield* snapshot(bench.store)
    const body = yield* failure(yield* answer, status, type, code)
    assert.deepStrictEqual(yield* snapshot(bench.store), before)
    return body
  })

describe("inactive channels", () => {
  const inactive = (channel: "viber" | "whatsapp" | "multichannel", more: Partial<App.Config["channels"]> = {}) => ({
    channels: { ...testConfig().channels, [channel]: false, ...more }
  })

  it.effect("a Viber send or estimate, to numbers or groups, is 403 1606 when Viber is not active", () =>
    Effect.gen(function*() {
      const bench = yield* open(inactive("viber"))
      for (const s of sends.filter((s) => s.kind === "viber")) {
        yield* refused(bench, post(bench, s), 403, "access_denied", 1606)
      }
      // WhatsApp still sends
      yield* success(Api.Whatsapp.sendWhatsappMessage, yield* post(bench, sendOf("sendWhatsappMessage")))
    }))

  it.effect("a WhatsApp send or estimate is 403 1608 when WhatsApp is not active", () =>
    Effect.gen(function*() {
      const bench = yield* open(inactive("whatsapp"))
      for (const s of sends.filter((s) => s.kind === "whatsapp")) {
        yield* refused(bench, post(bench, s), 403, "access_denied", 1608)
      }
      yield* success(Api.Viber.sendViberMessage, yield* post(bench, sendOf("sendViberMessage")))
    }))

  it.effect("multichannel is 403 1131, its message listing the inactive channels of the strategy", () =>
    Effect.gen(function*() {
      const bench = yield* open(inactive("multichannel", { whatsapp: false }))
      const whatsappFirst = {
        strategy: [{ channel: "whatsapp", templateId: bench.fixture.approved.whatsapp }, smsStep]
      }
      for (const s of sends.filter(multichannel)) {
        const body = yield* refused(bench, post(bench, s, whatsappFirst), 403, "access_denied", 1131)
        assert.strictEqual(body.error.message, `${rowOf(s.id, 1131).message} multichannel, whatsapp`)
      }
    }))

  it.effect("a strategy avoiding the inactive channel is sent", () =>
    Effect.gen(function*() {
      const bench = yield* open(inactive("viber"))
      const whatsappFirst = {
        strategy: [{ channel: "whatsapp", templateId: bench.fixture.approved.whatsapp }, smsStep]
      }
      const body = yield* success(
        Api.Multichannel.sendMultichannelMessage,
        yield* post(bench, sendOf("sendMultichannelMessage"), whatsappFirst)
      )
      assert.deepStrictEqual(body.data.map((m) => [m.to, m.channel, m.status]), [[NL, "whatsapp", "ACCEPTED"]])
    }))
})

describe("multichannel `from`", () => {
  it.effect("takes 3 to 11 characters; 12 to 15 (which the schema allows) and 16 are 400 1106", () =>
    Effect.gen(function*() {
      const bench = yield* open()
      for (const s of sends.filter(multichannel)) {
        for (const from of ["ABCDEFGHIJKL", "ABCDEFGHIJKLM", "ABCDEFGHIJKLMN", "ABCDEFGHIJKLMNO", "ABCDEFGHIJKLMNOP"]) {
          yield* refused(bench, post(bench, s, { from }), 400, "invalid_param", 1106)
        }
      }
      for (const from of ["ABC", "ABCDEFGHIJK"]) {
        const body = yield* success(
          Api.Multichannel.estimateMultichannelMessage,
          yield* post(bench, sendOf("estimateMultichannelMessage"), { from })
        )
        assert.strictEqual(body.data[0]!.from, from)
      }
    }))
})

describe("the SMS failover reserve", () => {
  it.effect("a balance of cost plus reserve sends; only the cost is charged", () =>
    Effect.gen(function*() {
      // Viber to NL 0.028, its SMS failover 0.072
      const bench = yield* open({ balanceMicros: toMicros(0.1) })
      const estimate = yield* success(
        Api.Multichannel.estimateMultichannelMessage,
        yield* post(bench, sendOf("estimateMultichannelMessage"))
      )
      assert.strictEqual(estimate.info.totalCost, 0.028)
      const body = yield* success(
        Api.Multichannel.sendMultichannelMessage,
        yield* post(bench, sendOf("sendMultichannelMessage"))
      )
      assert.strictEqual(body.info.totalCost, 0.028)
      assert.strictEqual(yield* bench.store.balanceMicros, toMicros(0.072))
      // what is left covers an SMS, not a Viber message and its failover
      for (const s of [sendOf("sendMultichannelMessage"), sendOf("estimateMultichannelMessage")]) {
        yield* refused(bench, post(bench, s), 400, "insufficient_credit", 1130)
      }
    }))
})
