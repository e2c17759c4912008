/**
 * The control API's reads behind the web inbox: phones (newest first, searched, paged), a phone's
 * thread (parts, encoding, cost, timeline, links, PIN, replies), campaigns with their totals,
 * messages searched and paged, callbacks resent, the page itself and its events (server-sent,
 * over a real socket).
 */
import { assert, describe, it } from "@effect/vitest"
import { Sandbox } from "@smscx/sandbox"
import * as Effect from "effect/Effect"
import { readFileSync } from "node:fs"
import { render, target } from "../ui/build.js"
import { harness } from "./utils.js"

/** The harness, with a balance to send with (its own starts at 0). */
const funded = Effect.tap(harness(), ({ call }) => call("PUT", "/__sandbox/balance", { balance: 100 }))

interface Phones {
  readonly phones: ReadonlyArray<{ readonly phone: string; readonly sent: number; readonly received: number }>
  readonly total: number
}

const send = (call: (method: string, path: string, body?: unknown) => Effect.Effect<{ readonly status: number }>) =>
(
  to: string,
  text: string,
  extra: Record<string, unknown> = {}
) =>
  Effect.map(
    call("POST", "/sms", { to: [to], from: "InfoText", text, ...extra }),
    (answer) => assert.strictEqual(answer.status, 200)
  )

describe("GET /__sandbox/phones", () => {
  it.effect("lists every number most recently active first, searched by digits or text, paged", () =>
    Effect.gen(function*() {
      const { call } = yield* funded
      const sms = send(call)
      yield* sms("+31612469001", "first")
      yield* call("POST", "/__sandbox/time", { seconds: 1 })
      yield* sms("+31612469002", "second, about pizza")
      yield* call("POST", "/__sandbox/time", { seconds: 1 })
      yield* sms("+31612469003", "third")
      yield* call("POST", "/__sandbox/time", { seconds: 1 })
      // a reply brings its phone to the top
      yield* call("POST", "/__sandbox/inbound", { from: "+31612469001", text: "hello back" })
      const all = (yield* call("GET", "/__sandbox/phones")).json as Phones
      assert.deepStrictEqual(all.phones.map((p) => p.phone), ["+31612469001", "+31612469003", "+31612469002"])
      assert.deepStrictEqual(all.phones[0], { ...all.phones[0]!, sent: 1, received: 1 })
      assert.strictEqual(all.total, 3)
      const page = (yield* call("GET", "/__sandbox/phones?offset=1&limit=1")).json as Phones
      assert.deepStrictEqual(page.phones.map((p) => p.phone), ["+31612469003"])
      assert.strictEqual(page.total, 3)
      const byDigits = (yield* call("GET", "/__sandbox/phones?q=469002")).json as Phones
      assert.deepStrictEqual(byDigits.phones.map((p) => p.phone), ["+31612469002"])
      const byText = (yield* call("GET", "/__sandbox/phones?q=PIZZA")).json as Phones
      assert.deepStrictEqual(byText.phones.map((p) => p.phone), ["+31612469002"])
      const byReply = (yield* call("GET", "/__sandbox/phones?q=hello%20back")).json as Phones
      assert.deepStrictEqual(byReply.phones.map((p) => p.phone), ["+31612469001"])
      assert.strictEqual(((yield* call("GET", "/__sandbox/phones?q=nothing")).json as Phones).total, 0)
    }))
})

describe("GET /__sandbox/thread", () => {
  it.effect("a phone's messages: parts, encoding, cost, status timeline, links, the OTP's PIN, replies", () =>
    Effect.gen(function*() {
      const { call } = yield* funded
      const phone = "+31612469010"
      const link = (yield* call("POST", "/shortlinks", { url: "https://example.com/offer" })).json as {
        readonly info: { readonly id: string }
      }
      yield* send(call)(phone, `Offer: {{shortlink:${link.info.id}}} ünïcode`)
      const otp = yield* call("POST", "/otp", { phoneNumber: phone, from: "InfoText" })
      assert.strictEqual(otp.status, 201)
      yield* call("POST", "/__sandbox/inbound", { from: phone, text: "thanks", channel: "whatsapp" })
      const thread = (yield* call("GET", `/__sandbox/thread?phone=${encodeURIComponent(phone)}`)).json as {
        readonly items: ReadonlyArray<Record<string, any>>
        readonly total: number
        readonly now: string
        readonly nextChangeAt: string | null
      }
      assert.strictEqual(thread.total, 3)
      const [offer, code, reply] = thread.items
      assert.strictEqual(offer!.direction, "sent")
      assert.strictEqual(offer!.encoding, "UCS-2")
      assert.strictEqual(offer!.parts, 1)
      assert.isAbove(offer!.cost, 0)
      assert.strictEqual(offer!.links.length, 1)
      assert.match(offer!.links[0].url, new RegExp(`^https://en\\.ax/${link.info.id}/[0-9A-Za-z]+$`))
      assert.strictEqual(offer!.links[0].visit, offer!.links[0].url.replace("https://en.ax/", "/s/"))
      assert.deepStrictEqual(offer!.steps.map((s: { status: string; done: boolean }) => [s.status, s.done]), [
        ["ACCEPTED", true],
        ["SENT", false],
        ["DELIVERED", false]
      ])
      assert.match(code!.pin, /^\d{4,10}$/)
      assert.include(code!.text, code!.pin)
      assert.strictEqual(code!.encoding, "GSM-7")
      assert.deepStrictEqual([reply!.direction, reply!.channel, reply!.text], ["received", "whatsapp", "thanks"])
      // the next change is the first message leaving: a second after it was accepted
      assert.strictEqual(Date.parse(thread.nextChangeAt!) - Date.parse(thread.now), 1000)
      // the link, tapped, is a hit of the shortlink
      const tapped = yield* call("GET", offer!.links[0].visit)
      assert.strictEqual(tapped.status, 302)
      yield* call("POST", "/__sandbox/time", { seconds: 60 })
      const later = (yield* call("GET", `/__sandbox/thread?phone=${encodeURIComponent(phone)}&limit=1`)).json as {
        readonly items: ReadonlyArray<Record<string, any>>
        readonly nextChangeAt: string | null
      }
      assert.deepStrictEqual(later.items.map((i) => i.direction), ["received"])
      assert.isNull(later.nextChangeAt)
      assert.strictEqual((yield* call("GET", "/__sandbox/thread")).status, 400)
    }))
})

describe("GET /__sandbox/campaigns and /__sandbox/messages", () => {
  it.effect("campaigns newest first with messages, cost and counts by status; messages searched and paged", () =>
    Effect.gen(function*() {
      const { call } = yield* funded
      const bulk = yield* call("POST", "/sms", {
        to: ["+31612469020", "+31612469021", "+31612469022"],
        from: "InfoText",
        text: "Sale today"
      })
      const bulkId = (bulk.json as { readonly info: { readonly campaignId: string } }).info.campaignId
      yield* send(call)("+31612469023", "Another one")
      yield* call("POST", "/__sandbox/time", { seconds: 60 })
      const answer = (yield* call("GET", "/__sandbox/campaigns")).json as {
        readonly campaigns: ReadonlyArray<Record<string, any>>
        readonly total: number
      }
      assert.strictEqual(answer.total, 2)
      const [single, campaign] = answer.campaigns
      assert.strictEqual(single!.messages, 1)
      assert.strictEqual(campaign!.campaignId, bulkId)
      assert.strictEqual(campaign!.operation, "sendSms")
      assert.strictEqual(campaign!.messages, 3)
      assert.deepStrictEqual(campaign!.statuses, { DELIVERED: 3 })
      assert.deepStrictEqual(campaign!.channels, { sms: 3 })
      assert.closeTo(campaign!.cost, 3 * single!.cost, 1e-9)
      const paged = (yield* call("GET", "/__sandbox/campaigns?offset=1&limit=1")).json as typeof answer
      assert.deepStrictEqual(paged.campaigns.map((c) => c.campaignId), [bulkId])

      type Messages = { readonly messages: ReadonlyArray<{ readonly to: string }>; readonly total: number }
      const behind = (yield* call("GET", `/__sandbox/messages?campaignId=${bulkId}&limit=2`)).json as Messages
      assert.deepStrictEqual(behind.messages.map((m) => m.to), ["+31612469020", "+31612469021"])
      assert.strictEqual(behind.total, 3)
      const searched = (yield* call("GET", "/__sandbox/messages?q=another")).json as Messages
      assert.deepStrictEqual(searched.messages.map((m) => m.to), ["+31612469023"])
      // without a page, the whole outbox as before
      assert.strictEqual(((yield* call("GET", "/__sandbox/messages")).json as Messages).messages.length, 4)
    }))
})

describe("callbacks", () => {
  it.effect("each has an id; POST callbacks/{id}/resend posts it again as a new one; an unknown id is 404", () =>
    Effect.gen(function*() {
      const { call } = yield* funded
      yield* send(call)("+31612469030", "Hi", { dlrCallbackUrl: "https://example.com/hook" })
      yield* call("POST", "/__sandbox/time", { seconds: 60 })
      type Log = {
        readonly callbacks: ReadonlyArray<{ readonly id: number; readonly outcome: string; readonly payload: unknown }>
        readonly total: number
      }
      const log = (yield* call("GET", "/__sandbox/callbacks")).json as Log
      // a report per status (SENT, DELIVERED); not loopback: blocked, and logged
      const n = log.callbacks.length
      assert.isAbove(n, 0)
      assert.deepStrictEqual(
        log.callbacks.map((c) => [c.id, c.outcome]),
        log.callbacks.map((_, i) => [i + 1, "blocked"])
      )
      const resent = yield* call("POST", "/__sandbox/callbacks/1/resend")
      assert.deepStrictEqual([resent.status, resent.json], [200, { resent: 1, id: n + 1 }])
      const after = (yield* call("GET", "/__sandbox/callbacks?limit=1")).json as Log
      assert.strictEqual(after.total, n + 1)
      assert.deepStrictEqual(after.callbacks.map((c) => c.id), [n + 1])
      assert.deepStrictEqual(after.callbacks[0]!.payload, log.callbacks[0]!.payload)
      assert.strictEqual((yield* call("POST", "/__sandbox/callbacks/9/resend")).status, 404)
    }))
})

describe("paged control reads", () => {
  it.effect("refuse an offset or limit that is not a whole number with a 400 naming it, and answer nothing else", () =>
    Effect.gen(function*() {
      const { call } = yield* funded
      for (
        const [path, name] of [
          ["/__sandbox/phones?limit=ten", "limit"],
          ["/__sandbox/phones?offset=-1", "offset"],
          ["/__sandbox/campaigns?limit=1.5", "limit"],
          ["/__sandbox/messages?offset=1e3", "offset"],
          ["/__sandbox/callbacks?limit=", "limit"],
          ["/__sandbox/thread?phone=%2B31612469000&limit=99999999999", "limit"]
        ] as const
      ) {
        const answer = yield* call("GET", path)
        assert.strictEqual(answer.status, 400, path)
        assert.deepStrictEqual(answer.json, {
          error: { message: `${name} must be a whole number from 0 to 999999999` }
        }, path)
      }
      // whole numbers still page, clamped to what a page may hold
      assert.strictEqual((yield* call("GET", "/__sandbox/phones?offset=0&limit=100000")).status, 200)
    }))
})

describe("GET /__sandbox/ui", () => {
  it.effect("is the built page, with a policy that allows its own script and style only", () =>
    Effect.gen(function*() {
      const { call } = yield* funded
      const answer = yield* Effect.promise(() =>
        Sandbox.inProcessFetch().fetch("/__sandbox/ui").then(async (r) => ({ r, text: await r.text() }))
      )
      assert.strictEqual(answer.r.status, 200)
      assert.match(answer.r.headers.get("content-type")!, /^text\/html/)
      assert.match(answer.r.headers.get("content-security-policy")!, /script-src 'sha256-[^']+'; style-src 'sha256-/)
      assert.strictEqual(answer.r.headers.get("x-frame-options"), "DENY")
      assert.include(answer.text, "<div id=\"app\"></div>")
      // the index lists it, and the stream of events
      const index = (yield* call("GET", "/__sandbox/")).json as { readonly routes: ReadonlyArray<{ path: string }> }
      assert.includeMembers(index.routes.map((r) => r.path), ["/__sandbox/ui", "/__sandbox/events"])
    }))

  it("src/internal/app/inboxPage.ts is what packages/sandbox/ui/ builds (pnpm tsx scripts/inbox-ui.ts)", async () => {
    assert.strictEqual(readFileSync(target, "utf8"), await render())
  })
})

describe("GET /__sandbox/events", () => {
  it("streams a server-sent event per change, refuses other origins, and does not hold the server open", async () => {
    const server = await Sandbox.start({ apiKeys: ["k"] })
    const controller = new AbortController()
    try {
      const foreign = await fetch(`${server.url}/__sandbox/events`, { headers: { Origin: "https://evil.example" } })
      assert.strictEqual(foreign.status, 403)
      await foreign.body?.cancel()
      const events = await fetch(`${server.url}/__sandbox/events`, { signal: controller.signal })
      assert.strictEqual(events.status, 200)
      assert.match(events.headers.get("content-type")!, /^text\/event-stream/)
      const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader()
      let seen = ""
      const until = async (pattern: RegExp) => {
        while (!pattern.test(seen)) {
          const { done, value } = await reader.read()
          if (done) throw new Error(`the stream ended before ${pattern}: ${seen}`)
          seen += value
        }
      }
      await until(/: connected\n\n/)
      const sent = await server.fetch("/sms", {
        method: "POST",
        headers: { "X-API-KEY": "k", "content-type": "application/json" },
        body: JSON.stringify({ to: ["+31612469040"], from: "InfoText", text: "live" })
      })
      assert.strictEqual(sent.status, 200)
      await until(/data: \{"kind":"api","what":"POST \/sms"\}\n\n/)
      await server.fetch("/__sandbox/reset", { method: "POST" })
      // the stream outlives a reset
      await until(/data: \{"kind":"control","what":"\/__sandbox\/reset"\}\n\n/)
    } finally {
      // resolves although the event stream is still open
      await server.close()
      controller.abort()
    }
  })
})
