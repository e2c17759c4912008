/**
 * Issue 16, item 17: the sandbox's history is bounded by `maxMessages` beyond its messages too.
 * OTPs, lookups, the recipients' link tokens, link hits, messages of conversations and SMS
 * received on rented numbers: the oldest dropped first, answered as unknown ones, counted in
 * `stats`, and a reset frees them.
 */
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import type { Sandbox } from "@smscx/sandbox"
import * as Effect from "effect/Effect"
import { call, failure, provide, sandbox, success } from "./utils.js"

const NL = "+31612345678"
/** Room for hundreds of sends within one instant of the TestClock. */
const options: Sandbox.Options = {
  maxMessages: 50,
  balance: 10_000,
  rateLimit: { limit: 1_000_000, windowSeconds: 1 }
}

/** Numbers of the Netherlands, one for each `i`. */
const dutch = (i: number) => `+3161${String(1_000_000 + i)}`

const stats = Effect.flatMap(sandbox, (s) => s.stats)

const newOtp = Effect.flatMap(call("POST", "/otp", { body: { phoneNumber: NL } }), (a) => success(Api.Otp.newOtp, a))

const sendSms = (text: string, to = NL) =>
  Effect.flatMap(
    call("POST", "/sms", { body: { to: [to], from: "InfoText", text } }),
    (a) => success(Api.Sms.sendSms, a, "ignore")
  )

describe("item 17: OTPs within maxMessages", () => {
  it.effect(
    "maxMessages 50, 150 OTPs: the newest 50 kept, an older one unknown (404 not_found 2021)",
    () =>
      Effect.gen(function*() {
        const ids: Array<string> = []
        for (let i = 0; i < 150; i++) ids.push((yield* newOtp).otpId)
        assert.deepInclude(yield* stats, { otpsKept: 50, otpsDropped: 100, messagesKept: 50, messagesDropped: 100 })
        // the oldest, and the last one dropped, answer as an OTP the API never issued
        yield* failure(yield* call("POST", `/otp/${ids[0]}`, { body: { pin: "123456" } }), 404, "not_found", 2021)
        yield* failure(yield* call("GET", `/otp/${ids[99]}`), 404, "not_found", 2021)
        yield* failure(yield* call("DELETE", `/otp/${ids[99]}`), 404, "not_found", 2021)
        // the oldest kept is still pending, and the newest verifies with its PIN
        const kept = yield* success(Api.Otp.getOtpStatus, yield* call("GET", `/otp/${ids[100]}`))
        assert.strictEqual(kept.status, "PENDING")
        const messages = yield* (yield* sandbox).messages
        const pin = /code is (\S+)$/.exec(messages[messages.length - 1]!.text)![1]!
        const verified = yield* call("POST", `/otp/${ids[149]}`, { body: { pin } })
        assert.deepStrictEqual([verified.status, verified.json], [200, { status: "VERIFIED" }])
        yield* (yield* sandbox).reset
        assert.deepInclude(yield* stats, { otpsKept: 0, otpsDropped: 0, messagesKept: 0 })
      }).pipe(provide(options)),
    60_000
  )
})

describe("item 17: link tokens and hits within maxMessages", () => {
  it.effect(
    "link tokens go with their message: a dropped one leads nowhere; hits keep the newest 50",
    () =>
      Effect.gen(function*() {
        const link = yield* success(
          Api.Shortlinks.createShortlink,
          yield* call("POST", "/shortlinks", { body: { url: "https://example.com/offer" } })
        )
        const text = `Offer {{shortlink:${link.info.id}}} stop {{optoutLink}}`
        const state = yield* sandbox
        const urlsOf = (message: Sandbox.Message | undefined) => message?.text.match(/https:\/\/en\.ax\/\S+/g) ?? []
        yield* sendSms(text, dutch(0))
        const [oldestTracked, oldestOptout] = urlsOf((yield* state.messages)[0])
        assert.match(oldestTracked!, new RegExp(`^https://en\\.ax/${link.info.id}/`))
        assert.match(oldestOptout!, /^https:\/\/en\.ax\/o\//)
        for (let i = 1; i < 150; i++) yield* sendSms(text, dutch(i))
        // two tokens a message: those of the 50 messages kept
        assert.deepInclude(yield* stats, {
          messagesKept: 50,
          messagesDropped: 100,
          linkTokensKept: 100,
          linkTokensDropped: 200
        })
        // the oldest message's links answer as an unknown link's, and opt nobody out
        assert.isUndefined(yield* state.visit(oldestTracked!))
        assert.isUndefined(yield* state.visit(oldestOptout!))
        const optouts = yield* call("GET", "/optouts")
        assert.strictEqual(optouts.status, 200, JSON.stringify(optouts.json))
        assert.deepStrictEqual((optouts.json as { data: Array<unknown> }).data, [])
        // the newest message's link leads to the shortlink, its hits the last 50
        const messages = yield* state.messages
        const [newestTracked] = urlsOf(messages[messages.length - 1])
        for (let i = 0; i < 60; i++) {
          assert.deepStrictEqual(yield* state.visit(newestTracked!), {
            _tag: "Redirect",
            location: "https://example.com/offer"
          })
        }
        assert.deepInclude(yield* stats, { hitsKept: 50, hitsDropped: 10 })
        const hits = yield* success(Api.Shortlinks.getShortlinkHits, yield* call("GET", `/shortlinks/${link.info.id}`))
        assert.strictEqual(hits.data.length, 50)
        yield* state.reset
        assert.deepInclude(yield* stats, { linkTokensKept: 0, linkTokensDropped: 0, hitsKept: 0, hitsDropped: 0 })
      }).pipe(provide(options)),
    60_000
  )
})

describe("item 17: conversations within maxMessages", () => {
  it.effect(
    "the oldest messages of all conversations go first; a conversation left with none is unknown",
    () =>
      Effect.gen(function*() {
        const state = yield* sandbox
        const receive = (from: string, text: string) => state.receiveMessage({ from, text })
        const first = yield* receive(dutch(1), "first 0")
        for (let i = 1; i < 20; i++) yield* receive(dutch(1), `first ${i}`)
        const second = yield* receive(dutch(2), "second 0")
        for (let i = 1; i < 480; i++) yield* receive(dutch(2), `second ${i}`)
        assert.deepInclude(yield* stats, { conversationMessagesKept: 50, conversationMessagesDropped: 450 })
        // the first number's 20 messages were the oldest: its conversation is gone
        yield* failure(yield* call("GET", `/conversations/${first}`), 404, "not_found", 1180)
        const list = yield* call("GET", "/conversations")
        assert.deepStrictEqual(
          (list.json as { data: Array<{ conversationId: string }> }).data.map((c) => c.conversationId),
          [second]
        )
        const thread = () =>
          Effect.flatMap(
            call("GET", `/conversations/${second}`),
            (a) => success(Api.Conversations.getConversation, a)
          )
        assert.deepStrictEqual(
          (yield* thread()).data.map((m) => m.text),
          Array.from({ length: 50 }, (_, i) => `second ${430 + i}`)
        )
        // a reply joins the thread and takes the place of its oldest message
        yield* success(
          Api.Conversations.sendConversationReplySms,
          yield* call("POST", `/conversations/${second}/sms`, { body: { text: "a reply" } })
        )
        const replied = (yield* thread()).data
        assert.deepStrictEqual(
          [replied.length, replied[0]!.text, replied[49]!.type, replied[49]!.text],
          [50, "second 431", "sent", "a reply"]
        )
        assert.deepInclude(yield* stats, { conversationMessagesKept: 50, conversationMessagesDropped: 451 })
        // the reply dropped from the outbox by later sends leaves the thread too
        for (let i = 0; i < 50; i++) yield* sendSms("later")
        const after = (yield* thread()).data
        assert.deepStrictEqual([after.length, after.some((m) => m.type === "sent")], [49, false])
        yield* state.reset
        assert.deepInclude(yield* stats, { conversationMessagesKept: 0, conversationMessagesDropped: 0 })
      }).pipe(provide(options)),
    60_000
  )
})

describe("item 17: lookups and SMS received on rented numbers within maxMessages", () => {
  it.effect(
    "lookups: the newest 50 kept; a bulk lookup goes with its last lookup, its callback with it",
    () =>
      Effect.gen(function*() {
        const bulk = yield* success(
          Api.Numbers.lookupNumbers,
          yield* call("POST", "/numbers/lookup", {
            body: {
              phoneNumbers: Array.from({ length: 10 }, (_, i) => dutch(i)),
              lookupCallbackUrl: "http://127.0.0.1:9/lookups"
            }
          }),
          "ignore"
        )
        assert.deepInclude(yield* stats, { lookupsKept: 10, pendingTimers: 1 })
        const ids: Array<string> = []
        for (let i = 0; i < 500; i++) {
          const answer = yield* success(
            Api.Numbers.lookupNumber,
            yield* call("GET", `/numbers/lookup/${encodeURIComponent(dutch(100 + i))}`),
            "ignore"
          )
          ids.push(answer.data.lookupId)
        }
        assert.deepInclude(yield* stats, { lookupsKept: 50, lookupsDropped: 460, pendingTimers: 0 })
        yield* failure(
          yield* call("GET", `/numbers/lookup/lookupBulkId/${bulk.info.lookupBulkId}`),
          404,
          "invalid_param",
          1220
        )
        yield* failure(yield* call("GET", `/numbers/lookup/lookupId/${ids[449]}`), 404, "not_found", 1219)
        const kept = yield* call("GET", `/numbers/lookup/lookupId/${ids[450]}`)
        assert.strictEqual(kept.status, 200, JSON.stringify(kept.json))
      }).pipe(provide(options)),
    60_000
  )

  it.effect(
    "SMS received on a rented number: the newest 50 kept, the rent's totals count them all",
    () =>
      Effect.gen(function*() {
        const offers = yield* success(
          Api.Numbers.getAvailableNumbers,
          yield* call("GET", "/numbers/rent/available/NL")
        )
        const rented = yield* success(
          Api.Numbers.rentNumber,
          yield* call("POST", "/numbers/rent", { body: { numberId: offers.data[0]!.numberId, rentPeriod: 1 } })
        )
        const state = yield* sandbox
        const to = rented.info.phoneNumber
        for (let i = 0; i < 60; i++) assert.isTrue(yield* state.receiveSms({ to, from: dutch(i), text: `sms ${i}` }))
        assert.deepInclude(yield* stats, { inboundSmsKept: 50, inboundSmsDropped: 10 })
        const id = rented.info.rentId
        const inbound = yield* success(Api.Numbers.getInboundSms, yield* call("GET", `/numbers/rent/${id}/inbound`))
        assert.deepStrictEqual(inbound.data.map((m) => m.text), Array.from({ length: 50 }, (_, i) => `sms ${10 + i}`))
        const status = yield* success(Api.Numbers.getRentStatus, yield* call("GET", `/numbers/rent/${id}`))
        assert.strictEqual(status.info.inboundSms.total, 60)
      }).pipe(provide(options)),
    60_000
  )
})
