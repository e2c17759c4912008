import { assert, describe, it } from "@effect/vitest"
import {
  InsufficientBalanceException,
  InvalidCredentialsException,
  InvalidPhoneNumberException,
  NoCoverageException,
  RateLimitExcedeedException,
  RateLimitExceededException,
  RequestValidationError,
  ResourceNotFoundException,
  Sms
} from "@smscx/client"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import {
  API_KEY,
  DE,
  INVALID,
  joinNow,
  NL,
  NOW,
  provide,
  Requests,
  sandbox,
  sentTo,
  UNKNOWN_ID,
  untilSleeping,
  UUID
} from "./utils.js"

const hello = { from: "InfoText", text: "Hello" } as const

/** The state a failed call must leave untouched. */
const snapshot = Effect.gen(function*() {
  const state = yield* sandbox
  return { balance: yield* state.balance, messages: yield* state.messages, campaigns: yield* state.campaigns }
})

describe("Sms: every operation against the sandbox", () => {
  it.effect("sendSms: prices each recipient, debits exactly info.totalCost, keeps the messages", () =>
    Effect.gen(function*() {
      const sms = yield* Sms
      const sent = yield* sms.sendSms({ to: [NL, DE], ...hello })
      assert.deepStrictEqual(
        { ...sent.info, campaignId: "" },
        {
          campaignId: "",
          totalPhoneNumbers: 2,
          totalValid: 2,
          totalInvalid: 0,
          totalCost: 0.151,
          totalParts: 2,
          dlrCallbackUrl: null,
          scheduled: false,
          totalInQuietHours: 0
        }
      )
      assert.match(sent.info.campaignId, UUID)
      assert.deepStrictEqual(
        sent.data.map((m) => [m.to, m.countryIso, m.status, m.cost, m.parts, m.from, m.text, m.createdAt]),
        [
          [NL, "NL", "ACCEPTED", 0.072, 1, "InfoText", "Hello", new Date(NOW).toISOString()],
          [DE, "DE", "ACCEPTED", 0.079, 1, "InfoText", "Hello", new Date(NOW).toISOString()]
        ]
      )
      const state = yield* sandbox
      assert.strictEqual(yield* state.balance, 99.849)
      assert.closeTo(100 - (yield* state.balance), sent.info.totalCost, 1e-9)
      const messages = yield* state.messages
      assert.deepStrictEqual(
        messages.map((m) => [m.msgId, m.campaignId, m.to, m.status, m.cost]),
        sent.data.map((m) => [m.msgId, sent.info.campaignId, m.to, "ACCEPTED", m.cost])
      )
      assert.deepStrictEqual(
        (yield* state.campaigns).map((c) => [c.campaignId, c.operation, c.msgIds]),
        [[sent.info.campaignId, "sendSms", sent.data.map((m) => m.msgId)]]
      )
    }).pipe(provide()))

  it.effect("a scheduled sendSms is billed; deleteScheduledSms refunds creditReturned; a second delete is 1100", () =>
    Effect.gen(function*() {
      const sms = yield* Sms
      const state = yield* sandbox
      const sent = yield* sms.sendSms({ to: [NL], ...hello, scheduledDate: "2025-06-02 09:30:00" })
      const message = sent.data[0]!
      assert.isTrue(sent.info.scheduled)
      assert.deepStrictEqual([message.status, message.scheduledAt], ["SCHEDULED", "2025-06-02T09:30:00.000Z"])
      assert.strictEqual(yield* state.balance, 100 - sent.info.totalCost)

      const deleted = yield* sms.deleteScheduledSms(message.msgId)
      assert.deepStrictEqual(deleted.info, { msgId: message.msgId, parts: 1, creditReturned: 0.072, channel: "sms" })
      assert.strictEqual(deleted.info.creditReturned, sent.info.totalCost)
      assert.strictEqual(yield* state.balance, 100)
      assert.deepStrictEqual((yield* state.messages).map((m) => m.status), ["DELETED"])
      // the path parameter went into the path
      assert.strictEqual((yield* sentTo(`/sms/scheduled/${message.msgId}`)).length, 1)

      const again = yield* Effect.flip(sms.deleteScheduledSms(message.msgId))
      assert.instanceOf(again, ResourceNotFoundException)
      assert.deepStrictEqual([again._tag, again.status, again.type, again.code], [
        "ResourceNotFoundException",
        404,
        "not_found",
        1100
      ])
      assert.strictEqual(yield* state.balance, 100)
    }).pipe(provide()))

  it.effect("sendSmsCampaign to demo groups 1 and 2: the shared contact once, fields filled in, billed", () =>
    Effect.gen(function*() {
      const sms = yield* Sms
      const sent = yield* sms.sendSmsCampaign({ groups: [1, 2], from: "InfoText", text: "Hi {{firstName}}" })
      assert.deepStrictEqual(
        { ...sent.info, campaignId: "" },
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
      assert.deepStrictEqual(sent.data.map((m) => m.text), ["Hi Jan", "Hi Anna", "Hi Marie", "Hi Oliver", "Hi Andrei"])
      assert.deepStrictEqual(sent.data.map((m) => m.countryIso), ["NL", "DE", "FR", "GB", "RO"])
      const state = yield* sandbox
      assert.strictEqual(yield* state.balance, 99.694)
      assert.closeTo(100 - (yield* state.balance), sent.info.totalCost, 1e-9)
      assert.deepStrictEqual(
        (yield* state.campaigns).map((c) => [c.campaignId, c.operation, c.msgIds.length]),
        [[sent.info.campaignId, "sendSmsCampaign", 5]]
      )
    }).pipe(provide()))

  it.effect("a scheduled campaign: deleteScheduledSmsCampaign refunds it all; then 1150", () =>
    Effect.gen(function*() {
      const sms = yield* Sms
      const state = yield* sandbox
      const sent = yield* sms.sendSmsCampaign({
        groups: [1],
        from: "InfoText",
        text: "Hi",
        scheduledDate: "2025-06-03 08:00:00"
      })
      assert.isTrue(sent.info.scheduled)
      assert.isTrue(sent.data.every((m) => m.status === "SCHEDULED"))
      assert.strictEqual(yield* state.balance, 99.781)

      const deleted = yield* sms.deleteScheduledSmsCampaign(sent.info.campaignId)
      assert.deepStrictEqual(deleted.info, {
        campaignId: sent.info.campaignId,
        totalPhoneNumbers: 3,
        totalParts: 3,
        phoneNumbersDeleted: 3,
        partsDeleted: 3,
        creditReturned: 0.219,
        channel: "sms"
      })
      assert.strictEqual(deleted.info.creditReturned, sent.info.totalCost)
      assert.strictEqual(yield* state.balance, 100)

      const again = yield* Effect.flip(sms.deleteScheduledSmsCampaign(sent.info.campaignId))
      assert.instanceOf(again, ResourceNotFoundException)
      assert.deepStrictEqual([again.status, again.code], [404, 1150])
    }).pipe(provide()))
})

describe("Sms: typed errors from the sandbox", () => {
  it.effect("an invalid number is InvalidPhoneNumberException listing it; nothing is billed", () =>
    Effect.gen(function*() {
      const sms = yield* Sms
      const error = yield* Effect.flip(sms.sendSms({ to: [NL, INVALID], ...hello }))
      assert.instanceOf(error, InvalidPhoneNumberException)
      assert.deepStrictEqual(
        [error._tag, error.status, error.type, error.code, error.invalid],
        ["InvalidPhoneNumberException", 400, "invalid_param", 1207, [INVALID]]
      )
      const several = yield* Effect.flip(sms.estimateSms({ to: ["12", NL, "nope"], ...hello }))
      assert.instanceOf(several, InvalidPhoneNumberException)
      assert.deepStrictEqual([several.code, several.invalid], [1210, ["12", "nope"]])
      assert.deepStrictEqual(yield* snapshot, { balance: 100, messages: [], campaigns: [] })
    }).pipe(provide()))

  it.effect("allowInvalid: true sends to the valid numbers and lists the others in info.invalid", () =>
    Effect.gen(function*() {
      const sms = yield* Sms
      const sent = yield* sms.sendSms({ to: [NL, INVALID], ...hello, allowInvalid: true })
      assert.deepStrictEqual(
        [sent.info.totalPhoneNumbers, sent.info.totalValid, sent.info.totalInvalid, sent.info.invalid],
        [2, 1, 1, [INVALID]]
      )
      assert.deepStrictEqual(sent.data.map((m) => m.to), [NL])
      assert.strictEqual(yield* (yield* sandbox).balance, 99.928)
    }).pipe(provide()))

  it.effect("a balance too low is InsufficientBalanceException, for sends and estimates; nothing changes", () =>
    Effect.gen(function*() {
      const sms = yield* Sms
      const error = yield* Effect.flip(sms.sendSms({ to: [NL], ...hello }))
      assert.instanceOf(error, InsufficientBalanceException)
      assert.deepStrictEqual([error.status, error.type, error.code], [400, "insufficient_credit", 1113])
      const campaign = yield* Effect.flip(sms.sendSmsCampaign({ groups: [1], from: "InfoText", text: "Hi" }))
      assert.instanceOf(campaign, InsufficientBalanceException)
      const estimate = yield* Effect.flip(sms.estimateSms({ to: [NL], ...hello }))
      assert.instanceOf(estimate, InsufficientBalanceException)
      assert.deepStrictEqual(yield* snapshot, { balance: 0.01, messages: [], campaigns: [] })
    }).pipe(provide(undefined, { balance: 0.01 })))

  it.effect("deleting an unknown msgId is ResourceNotFoundException 1100", () =>
    Effect.gen(function*() {
      const sms = yield* Sms
      const error = yield* Effect.flip(sms.deleteScheduledSms(UNKNOWN_ID))
      assert.instanceOf(error, ResourceNotFoundException)
      assert.deepStrictEqual(
        [error.status, error.type, error.code, error.message],
        [404, "not_found", 1100, "Message ID provided was not found or is not scheduled"]
      )
      // a sent (not scheduled) message cannot be deleted either
      const sent = yield* sms.sendSms({ to: [NL], ...hello })
      const notScheduled = yield* Effect.flip(sms.deleteScheduledSms(sent.data[0]!.msgId))
      assert.instanceOf(notScheduled, ResourceNotFoundException)
      assert.strictEqual(yield* (yield* sandbox).balance, 99.928)
    }).pipe(provide()))

  it.effect("no coverage for any recipient is NoCoverageException", () =>
    Effect.gen(function*() {
      const sms = yield* Sms
      const error = yield* Effect.flip(sms.sendSms({ to: ["+819012345678"], ...hello }))
      assert.instanceOf(error, NoCoverageException)
      assert.deepStrictEqual([error.status, error.code], [403, 1119])
    }).pipe(provide()))

  it.effect("a wrong API key is InvalidCredentialsException; nothing is sent", () =>
    Effect.gen(function*() {
      const sms = yield* Sms
      const error = yield* Effect.flip(sms.sendSms({ to: [NL], ...hello }))
      assert.instanceOf(error, InvalidCredentialsException)
      assert.deepStrictEqual([error.status, error.type, error.code], [401, "invalid_api_key", 1001])
      // the key went out as X-API-KEY, and no error field repeats it
      assert.deepStrictEqual((yield* sentTo("/sms")).map((r) => r.headers["x-api-key"]), ["wrong"])
      assert.notInclude(JSON.stringify(error), "wrong\"")
      assert.deepStrictEqual(yield* snapshot, { balance: 100, messages: [], campaigns: [] })
    }).pipe(provide({ apiKey: "wrong" }, { apiKeys: ["right"] })))
})

describe("Sms: rate limits", () => {
  it.effect("retry: false: the third call in a window is RateLimitExcedeedException with the rate-limit headers", () =>
    Effect.gen(function*() {
      const sms = yield* Sms
      yield* sms.sendSms({ to: [NL], ...hello })
      yield* sms.sendSms({ to: [NL], ...hello })
      const error = yield* Effect.flip(sms.sendSms({ to: [NL], ...hello }))
      assert.instanceOf(error, RateLimitExcedeedException)
      assert.instanceOf(error, RateLimitExceededException)
      assert.deepStrictEqual([error.status, error.type, error.code], [429, "rate_limit", 1006])
      assert.deepStrictEqual(error.rateLimit, { limit: 2, remaining: 0, reset: 1 })
      assert.isDefined(error.retryAfter)
      assert.isTrue(Duration.equals(error.retryAfter!, Duration.seconds(1)))
      // tried once, not billed
      assert.strictEqual((yield* sentTo("/sms")).length, 3)
      assert.strictEqual((yield* (yield* sandbox).messages).length, 2)
      assert.strictEqual(yield* (yield* sandbox).balance, 99.856)
    }).pipe(provide({ apiKey: API_KEY, retry: false }, { rateLimit: { limit: 2, windowSeconds: 1 } })))

  it.effect("retries on: waits X-Rate-Limit-Reset, then the call succeeds, with the same idempotency id", () =>
    Effect.gen(function*() {
      const sms = yield* Sms
      yield* sms.sendSms({ to: [NL], ...hello })
      yield* sms.sendSms({ to: [NL], ...hello })
      const fiber = yield* Effect.fork(sms.sendSms({ to: [DE], ...hello }))
      yield* untilSleeping
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      // not before the window resets
      yield* TestClock.adjust("999 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      assert.strictEqual((yield* sentTo("/sms")).length, 3)
      yield* TestClock.adjust("1 millis")
      const sent = yield* joinNow(fiber)
      assert.deepStrictEqual(sent.data.map((m) => [m.to, m.status]), [[DE, "ACCEPTED"]])
      const attempts = (yield* sentTo("/sms")).slice(2)
      assert.strictEqual(attempts.length, 2)
      // the retry is the same request: one idempotency id, so it can never be billed twice
      assert.strictEqual(attempts[0]!.body, attempts[1]!.body)
      assert.match(JSON.parse(attempts[0]!.body).idempotencyId, UUID)
      assert.strictEqual(yield* (yield* sandbox).balance, 99.777)
    }).pipe(provide({ apiKey: API_KEY, retry: { jitter: false } }, { rateLimit: { limit: 2, windowSeconds: 1 } })))

  it.effect("a reset longer than maxDelay fails at once, without waiting", () =>
    Effect.gen(function*() {
      const sms = yield* Sms
      yield* sms.sendSms({ to: [NL], ...hello })
      const error = yield* Effect.flip(sms.sendSms({ to: [NL], ...hello }))
      assert.instanceOf(error, RateLimitExcedeedException)
      assert.deepStrictEqual(error.rateLimit, { limit: 1, remaining: 0, reset: 60 })
      assert.strictEqual((yield* sentTo("/sms")).length, 2)
    }).pipe(provide(
      { apiKey: API_KEY, retry: { maxDelay: "30 seconds" } },
      { rateLimit: { limit: 1, windowSeconds: 60 } }
    )))
})

describe("Sms: invalid input never reaches the API", () => {
  it.effect("a 16-character sender, 25,001 recipients, a bad msgId: RequestValidationError, nothing sent", () =>
    Effect.gen(function*() {
      const sms = yield* Sms
      const from = yield* Effect.flip(sms.sendSms({ to: [NL], from: "A".repeat(16), text: "Hello" }))
      assert.instanceOf(from, RequestValidationError)
      assert.strictEqual(from.operation, "sendSms")
      assert.deepStrictEqual(from.issues.map((i) => i.path), [["from"]])

      const many = yield* Effect.flip(sms.sendSms({ to: Array.from({ length: 25_001 }, () => NL), ...hello }))
      assert.instanceOf(many, RequestValidationError)
      assert.deepStrictEqual(many.issues.map((i) => i.path), [["to"]])
      const campaign = yield* Effect.flip(sms.estimateSmsCampaign({ groups: [1], from: "AB", text: "Hi" }))
      assert.instanceOf(campaign, RequestValidationError)
      assert.strictEqual(campaign.operation, "estimateSmsCampaign")

      const msgId = yield* Effect.flip(sms.deleteScheduledSms("not-a-msg-id"))
      assert.instanceOf(msgId, RequestValidationError)
      assert.deepStrictEqual(msgId.issues.map((i) => i.path), [["msgId"]])

      assert.deepStrictEqual(yield* Effect.flatten(Requests), [])
      assert.deepStrictEqual(yield* snapshot, { balance: 100, messages: [], campaigns: [] })
    }).pipe(provide()))

  it.effect("25,000 recipients are accepted", () =>
    Effect.gen(function*() {
      const sms = yield* Sms
      const estimate = yield* sms.estimateSms({
        to: Array.from({ length: 25_000 }, () => NL),
        ...hello,
        shortResponse: true
      })
      assert.deepStrictEqual([estimate.info.totalPhoneNumbers, estimate.info.totalCost], [25_000, 1800])
    }).pipe(provide(undefined, { balance: 10_000 })))
})

describe("Sms: idempotency", () => {
  it.effect("two sends with one idempotencyId: one msgId, billed once, the id echoed", () =>
    Effect.gen(function*() {
      const sms = yield* Sms
      const idempotencyId = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
      const first = yield* sms.sendSms({ to: [NL], ...hello, idempotencyId })
      const again = yield* sms.sendSms({ to: [NL], ...hello, idempotencyId })
      assert.strictEqual(again.data[0]!.msgId, first.data[0]!.msgId)
      assert.strictEqual(again.info.campaignId, first.info.campaignId)
      const state = yield* sandbox
      assert.strictEqual(yield* state.balance, 100 - first.info.totalCost)
      assert.strictEqual((yield* state.messages).length, 1)
      // sent with both requests, and confirmed by the sandbox in X-Idempotency-Id
      assert.deepStrictEqual(
        (yield* sentTo("/sms")).map((r) => [JSON.parse(r.body).idempotencyId, r.response?.headers["x-idempotency-id"]]),
        [[idempotencyId, idempotencyId], [idempotencyId, idempotencyId]]
      )
      // campaigns too
      const campaignId = "8a1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
      const c1 = yield* sms.sendSmsCampaign({ groups: [1], from: "InfoText", text: "Hi", idempotencyId: campaignId })
      const c2 = yield* sms.sendSmsCampaign({ groups: [1], from: "InfoText", text: "Hi", idempotencyId: campaignId })
      assert.strictEqual(c2.info.campaignId, c1.info.campaignId)
      assert.strictEqual(yield* state.balance, 100 - first.info.totalCost - c1.info.totalCost)
    }).pipe(provide()))

  it.effect("a send without one gets a fresh generated id: two identical sends are two sends", () =>
    Effect.gen(function*() {
      const sms = yield* Sms
      const first = yield* sms.sendSms({ to: [NL], ...hello })
      const second = yield* sms.sendSms({ to: [NL], ...hello })
      assert.notStrictEqual(second.data[0]!.msgId, first.data[0]!.msgId)
      const requests = yield* sentTo("/sms")
      const ids = requests.map((r) => JSON.parse(r.body).idempotencyId as string)
      assert.strictEqual(ids.length, 2)
      ids.forEach((id) => assert.match(id, UUID))
      assert.notStrictEqual(ids[0], ids[1])
      // the sandbox understood each generated id: it echoes it
      assert.deepStrictEqual(requests.map((r) => r.response?.headers["x-idempotency-id"]), ids)
      const state = yield* sandbox
      assert.strictEqual((yield* state.messages).length, 2)
      assert.strictEqual(yield* state.balance, 99.856)
      // estimates take no idempotency id, and get none
      yield* sms.estimateSms({ to: [NL], ...hello })
      assert.notProperty(JSON.parse((yield* sentTo("/sms/estimate"))[0]!.body), "idempotencyId")
    }).pipe(provide()))
})
