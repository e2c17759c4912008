/**
 * Issue 16, items 14 to 17: web pages kept off the sandbox (Host, Origin, content type), callbacks
 * that never follow a redirect, a reset that leaves nothing of the old state to come, and a
 * bounded history with its work on one timer queue.
 */
import { assert, describe, it } from "@effect/vitest"
import { Sandbox } from "@smscx/sandbox"
import * as Effect from "effect/Effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"

const KEY = "hardening-key"
const NL = "+31612345678"
const json = { "Content-Type": "application/json" }
/** The stats of a history with no OTPs, lookups, link tokens, conversations, inbound SMS or hits. */
const nothingElseKept = {
  otpsKept: 0,
  otpsDropped: 0,
  lookupsKept: 0,
  lookupsDropped: 0,
  linkTokensKept: 0,
  linkTokensDropped: 0,
  conversationMessagesKept: 0,
  conversationMessagesDropped: 0,
  inboundSmsKept: 0,
  inboundSmsDropped: 0,
  hitsKept: 0,
  hitsDropped: 0
}

interface Raw {
  readonly status: number
  readonly body: string
}

/** One request over a socket with exactly these headers (a browser's, an attacker's). */
const raw = (url: string, method: string, path: string, headers: Record<string, string>, body?: string) =>
  new Promise<Raw>((resolve, reject) => {
    const request = Http.request(`${url}${path}`, { method, headers, agent: false }, (response) => {
      let text = ""
      response.setEncoding("utf8")
      response.on("data", (chunk: string) => (text += chunk))
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }))
      response.on("error", reject)
    })
    request.on("error", reject)
    request.end(body)
  })

/** A loopback server that records what is POSTed to it and answers with `answer`. */
const receiver = async (answer: (res: Http.ServerResponse) => void = (res) => void res.writeHead(204).end()) => {
  const bodies: Array<string> = []
  // requests whose sender went away before they were answered
  const abandoned = { count: 0 }
  const server = Http.createServer((req, res) => {
    res.on("close", () => {
      if (!res.writableEnded) abandoned.count++
    })
    let body = ""
    req.setEncoding("utf8")
    req.on("data", (chunk: string) => (body += chunk))
    req.on("end", () => {
      bodies.push(body)
      answer(res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    abandoned,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))

/** Waits, in real time, until `check` holds (a few seconds at most: a hang is a failure). */
const eventually = async (check: () => boolean | Promise<boolean>, what: string) => {
  for (let i = 0; i < 500; i++) {
    if (await check()) return
    await sleep(10)
  }
  assert.fail(`never: ${what}`)
}

const sendSms = (fetch: typeof globalThis.fetch, body: Record<string, unknown>) =>
  fetch("/sms", {
    method: "POST",
    headers: { "X-API-KEY": KEY, ...json },
    body: JSON.stringify({ to: [NL], from: "InfoText", text: "Your code is 4321", ...body })
  }).then(async (response) => {
    assert.strictEqual(response.status, 200, await response.clone().text())
    return response.json() as Promise<{ data: ReadonlyArray<{ msgId: string }> }>
  })

describe("item 14: web pages cannot drive the control API or read the outbox", () => {
  it.live("a page's simple POST (text/plain, its Origin) neither moves the clock nor injects a message", () =>
    Effect.promise(async () => {
      // nothing is sent within the hour: a clock moved by a day would show as DELIVERED
      const server = await Sandbox.start({ apiKeys: [KEY], delivery: { sentAfterSeconds: 3600 } })
      try {
        await sendSms(server.fetch, {})
        const page = { "Content-Type": "text/plain", Origin: "http://evil.example" }
        const time = await raw(server.url, "POST", "/__sandbox/time", page, JSON.stringify({ seconds: 86_400 }))
        assert.strictEqual(time.status, 403)
        assert.include(JSON.parse(time.body).error.message, "other origins")
        const inbound = await raw(
          server.url,
          "POST",
          "/__sandbox/inbound",
          page,
          JSON.stringify({ from: "+4915123456789", text: "injected" })
        )
        assert.strictEqual(inbound.status, 403)
        // the same from a page served elsewhere as JSON, and without Origin (an older browser) as text
        const origin = await raw(server.url, "POST", "/__sandbox/time", {
          ...json,
          Origin: "http://evil.example"
        }, "{\"seconds\":86400}")
        assert.strictEqual(origin.status, 403)
        const text = await raw(
          server.url,
          "POST",
          "/__sandbox/time",
          { "Content-Type": "text/plain" },
          "{\"seconds\":1}"
        )
        assert.strictEqual(text.status, 415)
        assert.include(JSON.parse(text.body).error.message, "application/json")
        const form = await raw(server.url, "POST", "/__sandbox/reset", {
          "Content-Type": "application/x-www-form-urlencoded"
        }, "a=1")
        assert.strictEqual(form.status, 415)
        const nullOrigin = await raw(server.url, "POST", "/__sandbox/reset", { Origin: "null" })
        assert.strictEqual(nullOrigin.status, 403)

        // nothing changed: the message is still ACCEPTED and still there, no conversation began
        const outbox = await server.fetch("/__sandbox/messages").then((r) => r.json())
        assert.deepStrictEqual(outbox.messages.map((m: { status: string }) => m.status), ["ACCEPTED"])
        const conversations = await server.fetch("/conversations", { headers: { "X-API-KEY": KEY } })
        assert.deepStrictEqual((await conversations.json()).data, [])

        // the sandbox's own pages and tools (no Origin, or its own; a JSON body, or none) are answered
        const own = new URL(server.url).host
        const moved = await raw(server.url, "POST", "/__sandbox/time", {
          ...json,
          Origin: `http://${own}`
        }, "{\"seconds\":86400}")
        assert.strictEqual(moved.status, 200)
        const after = await server.fetch("/__sandbox/messages").then((r) => r.json())
        assert.deepStrictEqual(after.messages.map((m: { status: string }) => m.status), ["DELIVERED"])
        assert.strictEqual((await raw(server.url, "POST", "/__sandbox/reset", {})).status, 200)
      } finally {
        await server.close()
      }
    }))

  it.live("DNS rebinding: a Host the sandbox does not serve cannot read the outbox or call the API", () =>
    Effect.promise(async () => {
      const server = await Sandbox.start({ apiKeys: [KEY] })
      try {
        await sendSms(server.fetch, {})
        const port = new URL(server.url).port
        const outbox = await raw(server.url, "GET", "/__sandbox/messages", { Host: `evil.example:${port}` })
        assert.strictEqual(outbox.status, 403)
        assert.notInclude(outbox.body, "4321")
        assert.include(JSON.parse(outbox.body).error.message, "allowedHosts")
        const api = await raw(server.url, "GET", "/account/balance", { Host: "evil.example", "X-API-KEY": KEY })
        assert.strictEqual(api.status, 403)
        for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, "LOCALHOST", "127.0.0.2"]) {
          const answer = await raw(server.url, "GET", "/__sandbox/messages", { Host: host })
          assert.strictEqual(answer.status, 200, host)
          assert.include(answer.body, "4321")
        }
      } finally {
        await server.close()
      }
    }))

  it.live("allowedHosts names more hosts; the address bound is one; a bad name is a defect", () =>
    Effect.promise(async () => {
      const server = await Sandbox.start({ allowedHosts: ["Sandbox", "::2"] })
      try {
        for (const [host, status] of [["sandbox:4010", 200], ["[::2]", 200], ["sandbox.evil.example", 403]] as const) {
          assert.strictEqual((await raw(server.url, "GET", "/__sandbox/balance", { Host: host })).status, status, host)
        }
      } finally {
        await server.close()
      }
      assert.throws(() => Sandbox.inProcessFetch({ allowedHosts: ["a/b"] }), /allowedHosts/)
    }))

  it.live("in-process (Sandbox.baseUrl, no Host) is answered as before, and refuses other origins too", () =>
    Effect.promise(async () => {
      const { fetch, sandbox } = Sandbox.inProcessFetch()
      assert.strictEqual((await fetch(`${Sandbox.baseUrl}/__sandbox/balance`)).status, 200)
      const set = await fetch("/__sandbox/balance", { method: "PUT", headers: json, body: "{\"balance\":3}" })
      assert.strictEqual(set.status, 200)
      assert.strictEqual((await fetch("/__sandbox/reset", { method: "POST" })).status, 200)
      // a string body is text/plain to fetch
      assert.strictEqual((await fetch("/__sandbox/balance", { method: "PUT", body: "{\"balance\":4}" })).status, 415)
      const page = await fetch("/__sandbox/balance", {
        method: "PUT",
        headers: { ...json, Origin: "http://evil.example" },
        body: "{\"balance\":5}"
      })
      assert.strictEqual(page.status, 403)
      assert.strictEqual(await Effect.runPromise(sandbox.balance), 100)
    }))
})

describe("item 15: callbacks never follow redirects", () => {
  it.live("a dlrCallbackUrl answering 307 to another receiver: the second never gets the POST; the log has the 307", () =>
    Effect.promise(async () => {
      const second = await receiver()
      const first = await receiver((res) => void res.writeHead(307, { Location: `${second.url}/stolen` }).end())
      const { fetch, sandbox } = Sandbox.inProcessFetch({
        apiKeys: [KEY],
        delivery: { sentAfterSeconds: 0, finalAfterSeconds: 0 }
      })
      try {
        await sendSms(fetch, { dlrCallbackUrl: `${first.url}/dlr` })
        const log = () => Effect.runPromise(sandbox.callbacks)
        await eventually(async () => (await log()).some((r) => r.outcome !== "pending"), "the callback settled")
        await sleep(300)
        assert.deepStrictEqual(
          (await log()).map((r) => [r.url, r.outcome, r.status, r.attempts]),
          [[`${first.url}/dlr`, "failed", 307, 1]]
        )
        assert.strictEqual(first.bodies.length, 1)
        assert.deepStrictEqual(second.bodies, [])
      } finally {
        await Promise.all([first.close(), second.close()])
      }
    }))
})

describe("item 16: a reset leaves nothing of the old state to come", () => {
  it.live("no SENT or DELIVERED report of a message sent before the reset arrives after it", () =>
    Effect.promise(async () => {
      const hook = await receiver()
      const { fetch, sandbox } = Sandbox.inProcessFetch({
        apiKeys: [KEY],
        delivery: { sentAfterSeconds: 0.2, finalAfterSeconds: 0.4 }
      })
      try {
        await sendSms(fetch, { dlrCallbackUrl: `${hook.url}/dlr` })
        assert.strictEqual((await fetch("/__sandbox/reset", { method: "POST" })).status, 200)
        // well past both reports, and past the clock moved by the control API
        await sleep(800)
        await fetch("/__sandbox/time", { method: "POST", headers: json, body: "{\"seconds\":60}" })
        await sleep(200)
        assert.deepStrictEqual(hook.bodies, [])
        assert.deepStrictEqual(await Effect.runPromise(sandbox.callbacks), [])
        assert.deepStrictEqual(await fetch("/__sandbox/stats").then((r) => r.json()), {
          messagesKept: 0,
          messagesDropped: 0,
          maxMessages: 100_000,
          pendingTimers: 0,
          pendingCallbacks: 0,
          ...nothingElseKept
        })
      } finally {
        await hook.close()
      }
    }))

  it.live("a callback being sent when the sandbox is reset is stopped", () =>
    Effect.promise(async () => {
      // answers nothing until it is closed
      const hook = await receiver(() => undefined)
      const { fetch, sandbox } = Sandbox.inProcessFetch({
        apiKeys: [KEY],
        delivery: { sentAfterSeconds: 0, finalAfterSeconds: 0 },
        callbacks: { timeoutMillis: 60_000 }
      })
      try {
        await sendSms(fetch, { dlrCallbackUrl: `${hook.url}/dlr` })
        await eventually(() => hook.bodies.length === 1, "the callback reached the receiver")
        await Effect.runPromise(sandbox.reset)
        // its connection closed, unanswered: the sandbox no longer waits for it
        await eventually(() => hook.abandoned.count === 1, "the callback was stopped")
        assert.strictEqual((await Effect.runPromise(sandbox.stats)).pendingCallbacks, 0)
      } finally {
        await hook.close()
      }
    }))
})

describe("item 17: a bounded history, its work on one timer queue", () => {
  it.live(
    "maxMessages 100, 300 sends: the newest 100 kept, 200 dropped, their reports with them",
    () =>
      Effect.promise(async () => {
        const { fetch, sandbox } = Sandbox.inProcessFetch({
          apiKeys: [KEY],
          balance: 1_000,
          rateLimit: { limit: 1_000_000, windowSeconds: 1 },
          maxMessages: 100
        })
        const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 19).replace("T", " ")
        const numbers = Array.from({ length: 300 }, (_, i) => `+3161${String(1_000_000 + i)}`)
        for (let i = 0; i < numbers.length; i += 50) {
          await Promise.all(
            numbers.slice(i, i + 50).map((to) =>
              sendSms(fetch, { to: [to], scheduledDate: tomorrow, dlrCallbackUrl: "http://127.0.0.1:9/dlr" })
            )
          )
        }
        const outbox = await fetch("/__sandbox/messages").then((r) => r.json())
        assert.strictEqual(outbox.messages.length, 100)
        assert.sameMembers(outbox.messages.map((m: { to: string }) => m.to), numbers.slice(-100))
        assert.strictEqual((await Effect.runPromise(sandbox.campaigns)).length, 100)
        // the reports of the messages kept (sent and final: two instants each), none of those dropped
        assert.deepStrictEqual(await fetch("/__sandbox/stats").then((r) => r.json()), {
          messagesKept: 100,
          messagesDropped: 200,
          maxMessages: 100,
          pendingTimers: 200,
          pendingCallbacks: 0,
          ...nothingElseKept
        })
        const reports = await fetch("/reports/campaigns", { headers: { "X-API-KEY": KEY } })
        assert.strictEqual(reports.status, 200, await reports.clone().text())
        await Effect.runPromise(sandbox.reset)
        assert.deepStrictEqual(await Effect.runPromise(sandbox.stats), {
          messagesKept: 0,
          messagesDropped: 0,
          maxMessages: 100,
          pendingTimers: 0,
          pendingCallbacks: 0,
          ...nothingElseKept
        })
        assert.throws(() => Sandbox.inProcessFetch({ maxMessages: 0 }), /maxMessages/)
      }),
    120_000
  )

  it.live("the clock moved by the control API brings the reports due: none waits in real time", () =>
    Effect.promise(async () => {
      const hook = await receiver()
      const { fetch, sandbox } = Sandbox.inProcessFetch({
        apiKeys: [KEY],
        delivery: { sentAfterSeconds: 3600, finalAfterSeconds: 7200 }
      })
      try {
        const sent = await sendSms(fetch, { dlrCallbackUrl: `${hook.url}/dlr` })
        await fetch("/__sandbox/time", { method: "POST", headers: json, body: "{\"seconds\":3600}" })
        await eventually(() => hook.bodies.length === 1, "the SENT report")
        await fetch("/__sandbox/time", { method: "POST", headers: json, body: "{\"seconds\":3600}" })
        await eventually(() => hook.bodies.length === 2, "the DELIVERED report")
        const statuses = hook.bodies.map((body) =>
          JSON.parse(body).data.map((d: { msgId: string; status: string }) => [d.msgId, d.status])
        )
        assert.deepStrictEqual(statuses, [[[sent.data[0]!.msgId, "SENT"]], [[sent.data[0]!.msgId, "DELIVERED"]]])
        assert.strictEqual((await Effect.runPromise(sandbox.stats)).pendingTimers, 0)
      } finally {
        await hook.close()
      }
    }))
})
