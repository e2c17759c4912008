/**
 * Viber, WhatsApp and Multichannel through the SDK against the sandbox: template sends (approved
 * templates of the channel only, active channels only), campaigns, estimates equal to the charge,
 * scheduled sends deleted with a refund (each channel's own), multichannel fallback by coverage
 * with its failover reserve, and delivery over time with its `dlr_update` callbacks.
 */
import { assert, describe, it } from "@effect/vitest"
import {
  AccessDeniedException,
  Account,
  ApiException,
  Groups,
  InsufficientBalanceException,
  InvalidRequestException,
  Multichannel,
  Optouts,
  ResourceNotFoundException,
  Sms,
  TemplateNotApprovedException,
  Templates,
  Viber,
  Whatsapp
} from "@smscx/client"
import { Webhooks } from "@smscx/core"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { callbackReceiver, DE, GB, NL, NOW, provide, Sandbox, sandbox } from "./utils.js"

const US = "+12025550123"
/** Two hours after `NOW`, in the API's `YYYY-MM-DD HH:MM:SS` form. */
const LATER = "2025-06-01 14:00:00"

/** An approved template of a channel, as the sandbox's control API approves it. */
const approvedTemplate = (channel: "viber" | "whatsapp", text: string) =>
  Effect.gen(function*() {
    const created = yield* (yield* Templates).createTemplate({ name: `${channel} ${text}`, text, channel })
    assert.isTrue(yield* (yield* sandbox).approveTemplate(created.info.id))
    return created.info.id
  })

describe("Viber and WhatsApp: template sends", () => {
  it.effect("only an approved template of the channel is sent; priced per message on the channel", () =>
    Effect.gen(function*() {
      const viber = yield* Viber
      const state = yield* sandbox
      const waiting = yield* (yield* Templates).createTemplate({
        name: "Waiting",
        text: "Not yet",
        channel: "viber"
      })
      const unapproved = yield* Effect.flip(viber.sendViberMessage({
        to: [NL],
        from: "Shop",
        templateId: waiting.info.id
      }))
      assert.instanceOf(unapproved, TemplateNotApprovedException)
      assert.deepStrictEqual([unapproved.status, unapproved.code], [403, 1132])
      const whatsappTemplate = yield* approvedTemplate("whatsapp", "Hello from WhatsApp")
      const wrongChannel = yield* Effect.flip(viber.sendViberMessage({
        to: [NL],
        from: "Shop",
        templateId: whatsappTemplate
      }))
      assert.instanceOf(wrongChannel, InvalidRequestException)
      assert.strictEqual(wrongChannel.code, 1128)
      assert.deepStrictEqual(yield* state.messages, [])

      const templateId = yield* approvedTemplate("viber", "Hi {{name}}, 20% off today")
      const estimate = yield* viber.estimateViberMessage({ to: [NL, DE], from: "Shop", templateId })
      const sent = yield* viber.sendViberMessage({
        to: [NL, DE],
        from: "Shop",
        templateId,
        customFields: { customFieldName: { name: "friend" } }
      })
      assert.deepStrictEqual(
        sent.data.map((m) => [m.to, m.status, m.cost, m.parts, m.text]),
        [
          [NL, "ACCEPTED", 0.028, 1, "Hi friend, 20% off today"],
          [DE, "ACCEPTED", 0.031, 1, "Hi friend, 20% off today"]
        ]
      )
      assert.strictEqual(sent.info.totalCost, 0.059)
      assert.strictEqual(estimate.info.totalCost, sent.info.totalCost)
      assert.strictEqual(yield* state.balance, 100 - 0.059)
      assert.deepStrictEqual((yield* state.messages).map((m) => m.channel), ["viber", "viber"])

      const whatsapp = yield* Whatsapp
      const wa = yield* whatsapp.sendWhatsappMessage({ to: [NL], from: "Shop", templateId: whatsappTemplate })
      assert.deepStrictEqual([wa.data[0]!.cost, wa.data[0]!.text], [0.034, "Hello from WhatsApp"])
    }).pipe(provide()))

  it.effect("a channel the account has not activated is 403 access_denied 1606 (the mapping's ChannelNotActiveException code, which no send's table declares: an ApiException to the SDK), and nothing is sent", () =>
    Effect.gen(function*() {
      const templateId = yield* approvedTemplate("viber", "Hi")
      const error = yield* Effect.flip((yield* Viber).sendViberMessage({ to: [NL], from: "Shop", templateId }))
      assert.instanceOf(error, ApiException)
      assert.deepStrictEqual([error.status, error.type, error.code], [403, "access_denied", 1606])
      assert.deepStrictEqual(yield* (yield* sandbox).messages, [])
    }).pipe(provide(undefined, { channels: { viber: false } })))

  it.effect("the control API switches channels: getChannelsStatus says so, sends follow, reset restores", () =>
    Effect.gen(function*() {
      const state = yield* sandbox
      const account = yield* Account
      const templateId = yield* approvedTemplate("whatsapp", "Hi")
      const send = (yield* Whatsapp).sendWhatsappMessage({ to: [NL], from: "Shop", templateId })
      assert.deepStrictEqual(yield* state.setChannels({ whatsapp: false }), {
        sms: true,
        viber: true,
        whatsapp: false,
        multichannel: true
      })
      assert.isFalse((yield* account.getChannelsStatus()).whatsapp)
      const refused = yield* Effect.flip(send)
      assert.instanceOf(refused, ApiException)
      assert.deepStrictEqual([refused.status, refused.code], [403, 1608])
      yield* state.setChannels({ whatsapp: true })
      yield* send
      yield* state.setChannels({ whatsapp: false })
      yield* state.reset
      assert.isTrue((yield* account.getChannelsStatus()).whatsapp)
    }).pipe(provide()))

  it.effect("a Viber campaign: contacts' fields fill the template, opted-out contacts are rejected", () =>
    Effect.gen(function*() {
      const groups = yield* Groups
      const viber = yield* Viber
      const { info } = yield* groups.createGroup({ name: "Viber fans" })
      yield* groups.addContactsToGroup(info.id, {
        phoneNumbers: [{ phoneNumber: NL, firstName: "Jan" }, { phoneNumber: DE, firstName: "Anna" }]
      })
      yield* (yield* Optouts).addContactToOptoutsList({ phoneNumbers: [DE] })
      const templateId = yield* approvedTemplate("viber", "Hi {{firstName}}")
      const estimate = yield* viber.estimateViberCampaign({ groups: [info.id], from: "Shop", templateId })
      const sent = yield* viber.sendViberCampaign({ groups: [info.id], from: "Shop", templateId })
      assert.deepStrictEqual(
        sent.data.map((m) => [m.to, m.status, m.cost, m.text]),
        [[NL, "ACCEPTED", 0.028, "Hi Jan"], [DE, "REJECTED", 0, "Hi Anna"]]
      )
      assert.deepStrictEqual([estimate.info.totalCost, sent.info.totalCost], [0.028, 0.028])
      assert.deepStrictEqual(sent.info.groups, [{ id: info.id, name: "Viber fans", phoneNumbers: 2 }])
    }).pipe(provide()))

  it.effect("scheduled sends are deleted with a refund, each by its own channel's operation", () =>
    Effect.gen(function*() {
      const viber = yield* Viber
      const whatsapp = yield* Whatsapp
      const state = yield* sandbox
      const viberTemplate = yield* approvedTemplate("viber", "Later")
      const waTemplate = yield* approvedTemplate("whatsapp", "Later too")
      const scheduled = yield* viber.sendViberMessage({
        to: [NL],
        from: "Shop",
        templateId: viberTemplate,
        scheduledDate: LATER
      })
      const msgId = scheduled.data[0]!.msgId
      assert.strictEqual(scheduled.data[0]!.status, "SCHEDULED")
      // an SMS or WhatsApp operation does not find a Viber message
      const notSms = yield* Effect.flip((yield* Sms).deleteScheduledSms(msgId))
      assert.instanceOf(notSms, ResourceNotFoundException)
      assert.strictEqual(notSms.code, 1100)
      const notWhatsapp = yield* Effect.flip(whatsapp.deleteScheduledWhatsappMessage(msgId))
      assert.instanceOf(notWhatsapp, ResourceNotFoundException)
      assert.strictEqual(notWhatsapp.code, 1100)
      assert.deepStrictEqual(yield* viber.deleteScheduledViberMessage(msgId), {
        info: { msgId, parts: 1, creditReturned: 0.028, channel: "viber" }
      })
      const campaign = yield* viber.sendViberMessage({
        to: [NL, DE],
        from: "Shop",
        templateId: viberTemplate,
        scheduledDate: LATER
      })
      const deleted = yield* viber.deleteScheduledViberCampaign(campaign.info.campaignId)
      assert.deepStrictEqual(
        [deleted.info.phoneNumbersDeleted, deleted.info.creditReturned, deleted.info.channel],
        [2, 0.059, "viber"]
      )
      const wa = yield* whatsapp.sendWhatsappMessage({
        to: [NL],
        from: "Shop",
        templateId: waTemplate,
        scheduledDate: LATER
      })
      const waDeleted = yield* whatsapp.deleteScheduledWhatsappMessage(wa.data[0]!.msgId)
      assert.deepStrictEqual([waDeleted.info.creditReturned, waDeleted.info.channel], [0.034, "whatsapp"])
      assert.strictEqual(yield* state.balance, 100)
    }).pipe(provide()))
})

describe("Multichannel", () => {
  it.effect("each recipient gets the first channel of the strategy with coverage; the answer says which", () =>
    Effect.gen(function*() {
      const multichannel = yield* Multichannel
      const templateId = yield* approvedTemplate("viber", "Your parcel is on its way")
      const strategy = [{ channel: "viber", templateId }, { channel: "sms", text: "Parcel on its way" }] as const
      const estimate = yield* multichannel.estimateMultichannelMessage({ to: [NL, US], from: "Shop", strategy })
      const sent = yield* multichannel.sendMultichannelMessage({ to: [NL, US], from: "Shop", strategy })
      assert.deepStrictEqual(
        sent.data.map((m) => [m.to, m.channel, m.cost, m.text]),
        [
          [NL, "viber", 0.028, "Your parcel is on its way"],
          // the US has no Viber: SMS
          [US, "sms", 0.009, "Parcel on its way"]
        ]
      )
      assert.deepStrictEqual([estimate.info.totalCost, sent.info.totalCost], [0.037, 0.037])
      const scheduled = yield* multichannel.sendMultichannelMessage({
        to: [NL],
        from: "Shop",
        strategy,
        scheduledDate: LATER
      })
      const deleted = yield* multichannel.deleteScheduledMultichannelMessage(scheduled.data[0]!.msgId)
      assert.deepStrictEqual([deleted.info.creditReturned, deleted.info.channel], [0.028, "multichannel"])
    }).pipe(provide()))

  it.effect("a number without Viber fails over to SMS after the ttl, both attempts priced", () =>
    Effect.gen(function*() {
      const multichannel = yield* Multichannel
      const state = yield* sandbox
      const templateId = yield* approvedTemplate("viber", "Your parcel is on its way")
      const noViber = "+31612345679"
      const strategy = [{ channel: "viber", templateId }, { channel: "sms", text: "Parcel on its way" }] as const
      const estimate = yield* multichannel.estimateMultichannelMessage({
        to: [NL, noViber],
        from: "Shop",
        strategy,
        ttl: 600
      })
      const sent = yield* multichannel.sendMultichannelMessage({ to: [NL, noViber], from: "Shop", strategy, ttl: 600 })
      assert.deepStrictEqual(
        sent.data.map((m) => [m.to, m.channel, m.cost, m.text]),
        [
          [NL, "viber", 0.028, "Your parcel is on its way"],
          // the Viber attempt (0.028) and the SMS that delivered (0.072)
          [noViber, "sms", 0.1, "Parcel on its way"]
        ]
      )
      assert.deepStrictEqual([estimate.info.totalCost, sent.info.totalCost], [0.128, 0.128])
      const status = Effect.map(state.messagesTo(noViber), (ms) => ms.map((m) => m.status))
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(yield* status, ["SENT"])
      // the SMS leaves when the Viber attempt's 600 s are up, and is delivered 5 s later
      yield* TestClock.adjust("603 seconds")
      assert.deepStrictEqual(yield* status, ["SENT"])
      yield* TestClock.adjust("2 seconds")
      assert.deepStrictEqual(yield* status, ["DELIVERED"])
    }).pipe(provide(undefined, { delivery: { rules: [{ channel: "viber", pattern: "9$", rate: 1 }] } })))

  it.effect("the strategy's rules, in the order the API checks them", () =>
    Effect.gen(function*() {
      const multichannel = yield* Multichannel
      const templateId = yield* approvedTemplate("viber", "Hi")
      const cases = [
        [[{ channel: "sms", text: "Hi" }], 1121],
        [[{ channel: "viber", templateId }, { channel: "viber", templateId }, { channel: "sms", text: "Hi" }], 1129],
        [[{ channel: "sms", text: "Hi" }, { channel: "viber", templateId }], 1122],
        [[{ channel: "viber" }, { channel: "sms", text: "Hi" }], 1126],
        [[{ channel: "viber", templateId }, { channel: "sms" }], 1107]
      ] as const
      for (const [strategy, code] of cases) {
        const error = yield* Effect.flip(multichannel.sendMultichannelMessage({ to: [NL], from: "Shop", strategy }))
        assert.instanceOf(error, InvalidRequestException)
        assert.strictEqual(error.code, code, JSON.stringify(strategy))
      }
      const ttl = yield* Effect.flip(multichannel.sendMultichannelMessage({
        to: [NL],
        from: "Shop",
        ttl: 60,
        strategy: [{ channel: "viber", templateId }, { channel: "sms", text: "Hi" }]
      }))
      assert.instanceOf(ttl, InvalidRequestException)
      assert.strictEqual(ttl.code, 1125)
      const longFrom = yield* Effect.flip(multichannel.sendMultichannelMessage({
        to: [NL],
        from: "TwelveLetter",
        strategy: [{ channel: "viber", templateId }, { channel: "sms", text: "Hi" }]
      }))
      assert.instanceOf(longFrom, InvalidRequestException)
      assert.strictEqual(longFrom.code, 1106)
      assert.deepStrictEqual(yield* (yield* sandbox).messages, [])
    }).pipe(provide()))

  it.effect("an inactive channel in the strategy is 1131", () =>
    Effect.gen(function*() {
      const templateId = yield* approvedTemplate("whatsapp", "Hi")
      const error = yield* Effect.flip((yield* Multichannel).sendMultichannelMessage({
        to: [NL],
        from: "Shop",
        strategy: [{ channel: "whatsapp", templateId }, { channel: "sms", text: "Hi" }]
      }))
      assert.instanceOf(error, AccessDeniedException)
      assert.deepStrictEqual([error.status, error.code], [403, 1131])
      assert.include(error.message, "whatsapp")
    }).pipe(provide(undefined, { channels: { whatsapp: false } })))

  it.effect("a balance that covers the cost but not the SMS failover it holds back is 1130; short of the cost, 1113", () =>
    Effect.gen(function*() {
      const multichannel = yield* Multichannel
      const state = yield* sandbox
      const templateId = yield* approvedTemplate("viber", "Hi")
      const strategy = [{ channel: "viber", templateId }, { channel: "sms", text: "Hi" }] as const
      // Viber to NL costs 0.028; its SMS failover 0.072 is held back
      yield* state.setBalance(0.05)
      for (const call of [multichannel.estimateMultichannelMessage, multichannel.sendMultichannelMessage]) {
        const error = yield* Effect.flip(call({ to: [NL], from: "Shop", strategy }))
        assert.instanceOf(error, InsufficientBalanceException)
        assert.strictEqual(error.code, 1130)
      }
      yield* state.setBalance(0.01)
      const short = yield* Effect.flip(multichannel.sendMultichannelMessage({ to: [NL], from: "Shop", strategy }))
      assert.instanceOf(short, InsufficientBalanceException)
      assert.strictEqual(short.code, 1113)
      yield* state.setBalance(0.1)
      yield* multichannel.sendMultichannelMessage({ to: [NL], from: "Shop", strategy })
      // the reserve is not charged
      assert.strictEqual(yield* state.balance, 0.072)
    }).pipe(provide()))
})

describe("delivery over time", () => {
  it.effect("messages go ACCEPTED → SENT → DELIVERED on the clock; each change is POSTed as dlr_update", () =>
    Effect.gen(function*() {
      const { received, url: urlOf, waitFor } = yield* callbackReceiver
      const url = urlOf("/dlr")
      const state = yield* sandbox
      const sent = yield* (yield* Sms).sendSms({
        to: [NL, DE],
        from: "Shop",
        text: "Tracked",
        dlrCallbackUrl: url,
        trackData: "0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11"
      })
      const statuses = Effect.map(state.messages, (all) => all.map((m) => m.status))
      assert.deepStrictEqual(yield* statuses, ["ACCEPTED", "ACCEPTED"])
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(yield* statuses, ["SENT", "SENT"])
      yield* waitFor(1)
      yield* TestClock.adjust("4 seconds")
      assert.deepStrictEqual(yield* statuses, ["DELIVERED", "DELIVERED"])
      yield* waitFor(2)

      const updates = yield* Effect.forEach(received, (body) => Webhooks.decode("dlr_update", body))
      assert.deepStrictEqual(
        updates.map((u) => u.data.map((d) => [d.msgId, d.status, d.errorCode, d.datetime, d.trackData])),
        [
          sent.data.map((m) => [m.msgId, "SENT", null, new Date(NOW + 1000).toISOString(), m.trackData]),
          sent.data.map((m) => [m.msgId, "DELIVERED", null, new Date(NOW + 5000).toISOString(), m.trackData])
        ]
      )
      assert.deepStrictEqual(updates[0]!.data.map((d) => d.campaignId), [sent.info.campaignId, sent.info.campaignId])
    }).pipe(Effect.scoped, provide()))

  it.effect("the configured shares fail: by country or number pattern, first rule winning, with an error code", () =>
    Effect.gen(function*() {
      const state = yield* sandbox
      const sent = yield* (yield* Sms).sendSms({ to: [NL, DE, "+4915123456780"], from: "Shop", text: "Hi" })
      yield* TestClock.adjust("10 seconds")
      const reports = (yield* state.messages).map((m) => [m.to, m.status, m.errorCode, m.updatedAt])
      const at = new Date(NOW + 5000).toISOString()
      assert.deepStrictEqual(reports, [
        [NL, "DELIVERED", null, at],
        // the pattern's rule comes first: this German number is delivered
        [DE, "FAILED", 1, at],
        ["+4915123456780", "DELIVERED", null, at]
      ])
      assert.strictEqual(sent.data.length, 3)
    }).pipe(provide(undefined, {
      delivery: {
        sentAfterSeconds: 2,
        finalAfterSeconds: 5,
        rules: [{ pattern: "0$", rate: 0 }, { countryIso: "DE", rate: 1 }]
      }
    })))

  it.effect("quiet hours at the destination hold a message until one minute after they end", () =>
    Effect.gen(function*() {
      const sms = yield* Sms
      const state = yield* sandbox
      // at NOW (12:00 UTC) it is 14:00 in Amsterdam, 13:00 in London, 08:00 in New York
      const sent = yield* sms.sendSms({ to: [NL, GB, US], from: "Shop", text: "Hi" })
      assert.deepStrictEqual(
        sent.data.map((m) => [m.to, m.status, m.inQuietHours, m.scheduledAt]),
        [
          [NL, "SCHEDULED", true, "2025-06-01T13:31:00.000Z"],
          [GB, "SCHEDULED", true, "2025-06-01T14:31:00.000Z"],
          [US, "ACCEPTED", false, undefined]
        ]
      )
      assert.strictEqual(sent.info.totalInQuietHours, 2)
      // held, so still deletable, with a refund
      const deleted = yield* sms.deleteScheduledSms(sent.data[1]!.msgId)
      assert.strictEqual(deleted.info.creditReturned, 0.041)
      yield* TestClock.adjust("1 hour")
      assert.deepStrictEqual((yield* state.messagesTo(NL)).map((m) => m.status), ["SCHEDULED"])
      yield* TestClock.adjust("40 minutes")
      assert.deepStrictEqual((yield* state.messagesTo(NL)).map((m) => m.status), ["DELIVERED"])
    }).pipe(provide(undefined, { quietHours: { start: "13:00", end: "15:30" } })))

  it.effect("quiet hours across midnight end the next morning, or the same morning before they end", () =>
    Effect.gen(function*() {
      const sent = yield* (yield* Sms).sendSms({ to: [US, NL], from: "Shop", text: "Hi" })
      assert.deepStrictEqual(
        sent.data.map((m) => [m.to, m.status, m.scheduledAt]),
        // 08:00 in New York is inside 21:30–09:30: 09:31 local, 13:31 UTC
        [[US, "SCHEDULED", "2025-06-01T13:31:00.000Z"], [NL, "ACCEPTED", undefined]]
      )
      yield* TestClock.adjust("10 hours")
      // 22:00 in Amsterdam: until 09:31 tomorrow, 07:31 UTC
      const late = yield* (yield* Sms).sendSms({ to: [NL], from: "Shop", text: "Hi" })
      assert.strictEqual(late.data[0]!.scheduledAt, "2025-06-02T07:31:00.000Z")
    }).pipe(provide(undefined, { quietHours: { start: "21:30", end: "09:30" } })))

  it("invalid quiet hours are a defect", () => {
    for (
      const quietHours of [{ start: "25:00", end: "08:00" }, { start: "9:30", end: "21:30" }, {
        start: "08:00",
        end: "08:00"
      }]
    ) {
      assert.throws(() => Sandbox.inProcessFetch({ quietHours }), /quietHours/)
    }
  })

  it("invalid delivery options are a defect that names the option", () => {
    for (const delivery of [{ failureRate: 2 }, { sentAfterSeconds: -1 }, { rules: [{ pattern: "(", rate: 1 }] }]) {
      assert.throws(() => Sandbox.inProcessFetch({ delivery }), /delivery\./)
    }
  })
})
