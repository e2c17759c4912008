// SMS scheduled and sent to contact groups, and their deletes with a refund; sends to numbers and
// estimates are sms.test.ts's.
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { call, failure, provide, sandbox, success } from "./utils.js"

const NL = "+31612345678"
const DE = "+4915123456789"
const GB = "+447400123456"
const send = (body: object) => call("POST", "/sms", { body: { from: "InfoText", text: "Hello", ...body } })

describe("scheduled messages", () => {
  it.effect("a future scheduledDate schedules and bills; deleting refunds; a second delete is 404", () =>
    Effect.gen(function*() {
      const body = yield* success(Api.Sms.sendSms, yield* send({ to: [NL], scheduledDate: "2025-06-02 09:30:00" }))
      const message = body.data[0]!
      assert.isTrue(body.info.scheduled)
      assert.deepStrictEqual([message.status, message.scheduledAt], ["SCHEDULED", "2025-06-02T09:30:00.000Z"])
      const state = yield* sandbox
      assert.strictEqual(yield* state.balance, 99.928)

      const deleted = yield* success(
        Api.Sms.deleteScheduledSms,
        yield* call("DELETE", `/sms/scheduled/${message.msgId}`)
      )
      assert.deepStrictEqual(deleted.info, { msgId: message.msgId, parts: 1, creditReturned: 0.072, channel: "sms" })
      assert.strictEqual(yield* state.balance, 100)
      assert.strictEqual((yield* state.messages)[0]!.status, "DELETED")
      yield* failure(yield* call("DELETE", `/sms/scheduled/${message.msgId}`), 404, "not_found", 1100)
    }).pipe(provide()))

  it.effect("accepts ISO 8601 with an offset, and local time with isUtc: false", () =>
    Effect.gen(function*() {
      const iso = yield* success(Api.Sms.sendSms, yield* send({ to: [NL], scheduledDate: "2025-06-02T11:30:00+02:00" }))
      assert.strictEqual(iso.data[0]!.scheduledAt, "2025-06-02T09:30:00.000Z")
      const local = yield* success(
        Api.Sms.sendSms,
        yield* send({ to: [NL, GB], scheduledDate: "2025-06-02 11:30:00", isUtc: false })
      )
      // Amsterdam is UTC+2 in June, London UTC+1
      assert.deepStrictEqual(local.data.map((m) => m.scheduledAt), [
        "2025-06-02T09:30:00.000Z",
        "2025-06-02T10:30:00.000Z"
      ])
    }).pipe(provide()))

  it.effect("a scheduled message whose time has come cannot be deleted: 403 1118", () =>
    Effect.gen(function*() {
      const body = yield* success(Api.Sms.sendSms, yield* send({ to: [NL], scheduledDate: "2025-06-01 13:00:00" }))
      yield* TestClock.adjust("2 hours")
      yield* failure(
        yield* call("DELETE", `/sms/scheduled/${body.data[0]!.msgId}`),
        403,
        "access_denied",
        1118
      )
      assert.strictEqual(yield* (yield* sandbox).balance, 99.928)
    }).pipe(provide()))

  it.effect("deleting a message that was not scheduled, or is unknown, is 404 1100; a bad id is 400 1115", () =>
    Effect.gen(function*() {
      const body = yield* success(Api.Sms.sendSms, yield* send({ to: [NL] }))
      yield* failure(yield* call("DELETE", `/sms/scheduled/${body.data[0]!.msgId}`), 404, "not_found", 1100)
      yield* failure(
        yield* call("DELETE", "/sms/scheduled/0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11"),
        404,
        "not_found",
        1100
      )
      yield* failure(yield* call("DELETE", "/sms/scheduled/not-a-msg-id"), 400, "invalid_param", 1115)
    }).pipe(provide()))
})

describe("campaigns", () => {
  const campaign = (path: string, body: object) =>
    call("POST", path, { body: { from: "InfoText", text: "Hi {{firstName}}{{city}}", ...body } })

  it.effect("sends to groups: duplicates removed, contact fields filled in, billed", () =>
    Effect.gen(function*() {
      const answer = yield* campaign("/sms/campaign", { groups: [1, 2] })
      const body = yield* success(Api.Sms.sendSmsCampaign, answer)
      assert.deepStrictEqual(
        { ...body.info, campaignId: "" },
        {
          campaignId: "",
          totalPhoneNumbers: 6,
          totalValid: 5,
          totalInvalid: 0,
          totalCost: 0.306,
          totalParts: 5,
          duplicatesRemoved: 1,
          dlrCallbackUrl: null,
          groups: [
            { id: 1, name: "Demo customers", phoneNumbers: 3 },
            { id: 2, name: "Demo partners", phoneNumbers: 3 }
          ],
          scheduled: false,
          totalInQuietHours: 0
        }
      )
      assert.deepStrictEqual(body.data.map((m) => m.text), [
        "Hi Jan",
        "Hi Anna",
        "Hi Marie",
        "Hi Oliver",
        "Hi AndreiCluj"
      ])
      assert.strictEqual(yield* (yield* sandbox).balance, 99.694)
    }).pipe(provide()))

  it.effect("estimates without billing", () =>
    Effect.gen(function*() {
      const body = yield* success(
        Api.Sms.estimateSmsCampaign,
        yield* campaign("/sms/campaign/estimate", { groups: [2] })
      )
      assert.strictEqual(body.info.totalCost, 0.159)
      assert.deepStrictEqual(
        [body.info.totalPhoneNumbers, body.info.totalValid, body.info.groups],
        [3, 3, [{ id: 2, name: "Demo partners", phoneNumbers: 3 }]]
      )
      const state = yield* sandbox
      assert.strictEqual(yield* state.balance, 100)
      assert.deepStrictEqual([yield* state.messages, yield* state.campaigns], [[], []])
    }).pipe(provide()))

  it.effect("groups: missing or empty list 1101, unknown id 1140, empty group 1102", () =>
    Effect.gen(function*() {
      for (const path of ["/sms/campaign", "/sms/campaign/estimate"]) {
        yield* failure(yield* campaign(path, {}), 400, "invalid_param", 1101)
        yield* failure(yield* campaign(path, { groups: [] }), 400, "invalid_param", 1101)
        yield* failure(yield* campaign(path, { groups: [99] }), 400, "invalid_param", 1140)
        yield* failure(yield* campaign(path, { groups: ["one"] }), 400, "invalid_param", 1140)
        yield* failure(yield* campaign(path, { groups: [1, 3] }), 400, "invalid_param", 1102)
        yield* failure(yield* campaign(path, { groups: [1], from: "AB" }), 400, "invalid_param", 1106)
      }
    }).pipe(provide()))

  it.effect("is idempotent too", () =>
    Effect.gen(function*() {
      const idempotencyId = "8a1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
      const first = yield* campaign("/sms/campaign", { groups: [1], idempotencyId })
      const again = yield* campaign("/sms/campaign", { groups: [1], idempotencyId })
      assert.deepStrictEqual(again.json, first.json)
      assert.strictEqual(again.headers["x-idempotency-id"], idempotencyId)
      assert.strictEqual(yield* (yield* sandbox).balance, 99.781)
    }).pipe(provide()))

  it.effect("a scheduled campaign is deleted with a refund; then 404 1150", () =>
    Effect.gen(function*() {
      const body = yield* success(
        Api.Sms.sendSmsCampaign,
        yield* campaign("/sms/campaign", { groups: [1], scheduledDate: "2025-06-03 08:00:00" })
      )
      const state = yield* sandbox
      assert.strictEqual(yield* state.balance, 99.781)
      const path = `/sms/scheduled/campaign/${body.info.campaignId}`
      const deleted = yield* success(Api.Sms.deleteScheduledSmsCampaign, yield* call("DELETE", path))
      assert.deepStrictEqual(deleted.info, {
        campaignId: body.info.campaignId,
        totalPhoneNumbers: 3,
        totalParts: 3,
        phoneNumbersDeleted: 3,
        partsDeleted: 3,
        creditReturned: 0.219,
        channel: "sms"
      })
      assert.strictEqual(yield* state.balance, 100)
      yield* failure(yield* call("DELETE", path), 404, "not_found", 1150)
    }).pipe(provide()))

  it.effect("deletes what is left of a sendSms campaign after one message was deleted", () =>
    Effect.gen(function*() {
      const body = yield* success(Api.Sms.sendSms, yield* send({ to: [NL, DE], scheduledDate: "2025-06-03 08:00:00" }))
      yield* call("DELETE", `/sms/scheduled/${body.data[0]!.msgId}`)
      const deleted = yield* success(
        Api.Sms.deleteScheduledSmsCampaign,
        yield* call("DELETE", `/sms/scheduled/campaign/${body.info.campaignId}`)
      )
      assert.deepStrictEqual(
        [deleted.info.totalPhoneNumbers, deleted.info.phoneNumbersDeleted, deleted.info.creditReturned],
        [2, 1, 0.079]
      )
      assert.strictEqual(yield* (yield* sandbox).balance, 100)
    }).pipe(provide()))

  it.effect("campaign ids: bad 400 1155, unknown or not scheduled 404 1150, already sent 403 1118", () =>
    Effect.gen(function*() {
      yield* failure(yield* call("DELETE", "/sms/scheduled/campaign/123"), 400, "invalid_param", 1155)
      yield* failure(
        yield* call("DELETE", "/sms/scheduled/campaign/0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11"),
        404,
        "not_found",
        1150
      )
      const now = yield* success(Api.Sms.sendSmsCampaign, yield* campaign("/sms/campaign", { groups: [1] }))
      yield* failure(
        yield* call("DELETE", `/sms/scheduled/campaign/${now.info.campaignId}`),
        404,
        "not_found",
        1150
      )
      const later = yield* success(
        Api.Sms.sendSmsCampaign,
        yield* campaign("/sms/campaign", { groups: [1], scheduledDate: "2025-06-01 12:30:00" })
      )
      yield* TestClock.adjust("1 hour")
      yield* failure(
        yield* call("DELETE", `/sms/scheduled/campaign/${later.info.campaignId}`),
        403,
        "access_denied",
        1118
      )
    }).pipe(provide()))
})
