import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import {
  Account,
  Conversations,
  Groups,
  Numbers,
  Otp,
  OtpExpiredException,
  Shortlinks,
  Sms,
  Templates
} from "@smscx/client"
import * as Effect from "effect/Effect"
import { NL, provide, Sandbox, sandbox } from "./utils.js"

/** One call to the control API (no credentials: it is the sandbox's own). */
const control = (method: "GET" | "POST" | "PUT", path: string, body?: unknown) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    let request = HttpClientRequest.make(method)(Sandbox.baseUrl + path)
    if (body !== undefined) request = HttpClientRequest.bodyUnsafeJson(request, body)
    const response = yield* client.execute(request)
    const text = yield* response.text
    return { status: response.status, headers: response.headers, json: text === "" ? undefined : JSON.parse(text) }
  }).pipe(Effect.orDie)

describe("the control API (/__sandbox/...)", () => {
  it.effect("the outbox holds what was sent, with its text; filtered by recipient", () =>
    Effect.gen(function*() {
      const sms = yield* Sms
      yield* sms.sendSms({ to: [NL], from: "InfoText", text: "Your code is 1234" })
      yield* sms.sendSms({ to: ["+4915123456789"], from: "InfoText", text: "Hallo" })
      const all = yield* control("GET", "/__sandbox/messages")
      assert.strictEqual(all.json.messages.length, 2)
      const mine = yield* control("GET", `/__sandbox/messages?to=${encodeURIComponent(NL)}`)
      assert.deepStrictEqual(mine.json.messages.map((m: { text: string }) => m.text), ["Your code is 1234"])
    }).pipe(provide()))

  it.effect("the balance is set and read; a bad one is refused and changes nothing", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* control("PUT", "/__sandbox/balance", { balance: 12.5 })).status, 200)
      assert.strictEqual((yield* (yield* Account).getAccountBalance()).balance, 12.5)
      assert.strictEqual((yield* control("PUT", "/__sandbox/balance", { balance: -1 })).status, 400)
      assert.strictEqual((yield* control("PUT", "/__sandbox/balance", { balance: "lots" })).status, 400)
      assert.deepStrictEqual((yield* control("GET", "/__sandbox/balance")).json, { balance: 12.5 })
    }).pipe(provide()))

  it.effect("advancing the time lets an OTP expire", () =>
    Effect.gen(function*() {
      const otp = yield* Otp
      const created = yield* otp.newOtp({ phoneNumber: NL, ttl: 60 })
      const messages = (yield* control("GET", "/__sandbox/messages")).json.messages
      const pin = /(\S+)$/.exec(messages[messages.length - 1].text)![1]!
      assert.strictEqual((yield* control("POST", "/__sandbox/time", { seconds: 61 })).status, 200)
      const error = yield* Effect.flip(otp.verifyOtp(created.otpId, { pin }))
      assert.instanceOf(error, OtpExpiredException)
      assert.strictEqual((yield* control("POST", "/__sandbox/time", { seconds: -5 })).status, 400)
    }).pipe(provide()))

  it.effect("a Viber template waits for approval until the control API approves it", () =>
    Effect.gen(function*() {
      const templates = yield* Templates
      const created = yield* templates.createTemplate({ name: "Sale", text: "50% off", channel: "viber" })
      assert.isFalse((yield* templates.getTemplate(created.info.id)).data.approved)
      const approved = yield* control("POST", `/__sandbox/templates/${created.info.id}/approve`)
      assert.strictEqual(approved.status, 200)
      assert.isTrue((yield* templates.getTemplate(created.info.id)).data.approved)
      assert.strictEqual((yield* control("POST", "/__sandbox/templates/999999/approve")).status, 404)
    }).pipe(provide()))

  it.effect("an SMS arriving on a rented number shows in its inbound list", () =>
    Effect.gen(function*() {
      const numbers = yield* Numbers
      const offer = (yield* numbers.getAvailableNumbers("DE", { registration: false, features: 1 })).data[0]!
      const rented = yield* numbers.rentNumber({ numberId: offer.numberId, rentPeriod: 1 })
      const to = rented.info.phoneNumber
      const received = yield* control("POST", "/__sandbox/inbound", { to, from: NL, text: "STOP" })
      assert.strictEqual(received.status, 200)
      const inbound = yield* numbers.getInboundSms(rented.info.rentId)
      assert.deepStrictEqual(inbound.data.map((m) => [m.from, m.text]), [[NL, "STOP"]])
      const nowhere = yield* control("POST", "/__sandbox/inbound", { to: "+31600000000", from: NL, text: "x" })
      assert.strictEqual(nowhere.status, 404)
    }).pipe(provide()))

  it.effect("visiting a short URL redirects to its target and records the hit", () =>
    Effect.gen(function*() {
      const shortlinks = yield* Shortlinks
      const created = yield* shortlinks.createShortlink({ url: "https://example.com/sale", name: "Sale link" })
      const code = new URL(created.info.shortUrl).pathname.slice(1)
      const visit = yield* control("GET", `/s/${code}`)
      assert.strictEqual(visit.status, 302)
      assert.strictEqual(visit.headers["location"], "https://example.com/sale")
      const hits = yield* shortlinks.getShortlinkHits(created.info.id)
      assert.strictEqual(hits.data.length, 1)
      assert.strictEqual((yield* control("GET", "/s/nosuchcode")).status, 404)
    }).pipe(provide()))

  it.effect("a message's links are short URLs of the sandbox: `https://en.ax/<path>` is `GET /s/<path>`", () =>
    Effect.gen(function*() {
      const shortlinks = yield* Shortlinks
      const { info } = yield* shortlinks.createShortlink({ url: "https://example.com/sale" })
      const sent = yield* (yield* Sms).sendSms({
        to: [NL],
        from: "InfoText",
        text: `Sale {{shortlink:${info.id}}} Stop {{optoutLink}}`
      })
      const [tracked, optout] = [...sent.data[0]!.text!.matchAll(/https:\/\/en\.ax(\/\S+)/g)].map((m) => m[1]!)
      const visit = yield* control("GET", `/s${tracked}`)
      assert.deepStrictEqual([visit.status, visit.headers["location"]], [302, "https://example.com/sale"])
      assert.strictEqual((yield* shortlinks.getShortlinkHits(info.id)).data[0]!.phoneNumber, NL)
      const optedOut = yield* control("GET", `/s${optout}`)
      assert.deepStrictEqual([optedOut.status, optedOut.json], [200, { optedOut: NL }])
      assert.strictEqual((yield* control("GET", `/s${optout}x`)).status, 404)
    }).pipe(provide()))

  it.effect("channels are read and switched over HTTP; a bad body is refused and changes nothing", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual((yield* control("GET", "/__sandbox/channels")).json, {
        sms: true,
        viber: true,
        whatsapp: true,
        multichannel: true
      })
      for (const bad of [{ viber: "no" }, { fax: false }, [1]]) {
        assert.strictEqual((yield* control("PUT", "/__sandbox/channels", bad)).status, 400)
      }
      const changed = yield* control("PUT", "/__sandbox/channels", { viber: false })
      assert.deepStrictEqual([changed.status, changed.json.viber, changed.json.whatsapp], [200, false, true])
      assert.isFalse((yield* (yield* Account).getChannelsStatus()).viber)
    }).pipe(provide()))

  it.effect("an inbound message starts a conversation; with `to`, it needs a rented number", () =>
    Effect.gen(function*() {
      const received = yield* control("POST", "/__sandbox/inbound", { from: NL, text: "Hi", channel: "viber" })
      assert.strictEqual(received.status, 200)
      const listed = yield* (yield* Conversations).getConverstionsList()
      assert.deepStrictEqual(listed.data.map((c) => [c.conversationId, c.lastReply]), [[
        received.json.conversationId,
        "Hi"
      ]])
      const cases = [
        [{ from: NL, text: "Hi", to: "+31612469000" }, 404],
        [{ from: "not a number", text: "Hi" }, 400],
        [{ from: NL, text: "Hi", channel: "fax" }, 400],
        [{ from: NL, text: "Hi", channel: "viber", to: "+31612469000" }, 400],
        [{ from: NL }, 400]
      ] as const
      for (const [body, status] of cases) {
        assert.strictEqual((yield* control("POST", "/__sandbox/inbound", body)).status, status, JSON.stringify(body))
      }
      assert.strictEqual((yield* (yield* Conversations).getConverstionsList()).data.length, 1)
    }).pipe(provide()))

  it.effect("an unknown control path is a 404 of the control API, not of the API", () =>
    Effect.gen(function*() {
      const answer = yield* control("GET", "/__sandbox/nothing")
      assert.strictEqual(answer.status, 404)
      assert.include(answer.json.error.message, "control API")
    }).pipe(provide()))
})

describe("the control API: reset, and the same functions in-process", () => {
  it.effect("reset goes back to the state the sandbox started with", () =>
    Effect.gen(function*() {
      const sms = yield* Sms
      const groups = yield* Groups
      yield* sms.sendSms({ to: [NL], from: "InfoText", text: "Hi" })
      yield* groups.createGroup({ name: "New customers" })
      assert.notStrictEqual((yield* (yield* Account).getAccountBalance()).balance, 20)
      assert.strictEqual((yield* control("POST", "/__sandbox/reset")).status, 200)
      assert.strictEqual((yield* (yield* Account).getAccountBalance()).balance, 20)
      assert.deepStrictEqual((yield* control("GET", "/__sandbox/messages")).json, { messages: [] })
      const names = (yield* groups.getGroupsList()).data.map((g) => g.name)
      assert.notInclude(names, "New customers")
      assert.include(names, "Demo customers")
    }).pipe(provide(undefined, { balance: 20 })))

  it.effect("in-process: the outbox by number, time, approvals and visits on the service", () =>
    Effect.gen(function*() {
      const state = yield* sandbox
      const otp = yield* Otp
      const created = yield* otp.newOtp({ phoneNumber: NL, ttl: 60 })
      const [message] = yield* state.messagesTo(NL)
      assert.include(message!.text, " ")
      yield* state.advanceTime("2 minutes")
      assert.instanceOf(yield* Effect.flip(otp.verifyOtp(created.otpId, { pin: "000000" })), OtpExpiredException)
      assert.isFalse(yield* state.approveTemplate(424242))
      assert.isFalse(yield* state.approveOriginator(424242))
      assert.isFalse(yield* state.receiveSms({ to: "+31600000000", from: NL, text: "x" }))
      assert.isUndefined(yield* state.visit("nosuchcode"))
    }).pipe(provide()))
})
