import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import { Sandbox } from "@smscx/sandbox"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { spawn } from "node:child_process"
import { once } from "node:events"
import * as Http from "node:http"
import { createInterface } from "node:readline"
import * as Faults from "../src/internal/kernel/faults.js"

const KEY = "fault-key"
const headers = { "X-API-KEY": KEY, "Content-Type": "application/json" }
const sms = JSON.stringify({ to: ["+31612345678"], from: "InfoText", text: "Hi" })

/** Rules the sandbox must refuse, with the field its message must name. */
const invalid: ReadonlyArray<readonly [string, unknown, string]> = [
  ["a rate over 1", { rules: [{ kind: "serverError", rate: 1.5 }] }, "rules[0].rate"],
  ["a negative rate", { rules: [{ kind: "serverError", rate: -0.1 }] }, "rules[0].rate"],
  ["a rate that is not a number", { rules: [{ kind: "serverError", rate: "1" }] }, "rules[0].rate"],
  ["NaN", { rules: [{ kind: "serverError", rate: Number.NaN }] }, "rules[0].rate"],
  ["an unknown kind", { rules: [{ kind: "serverError", rate: 1 }, { kind: "teapot", rate: 1 }] }, "rules[1].kind"],
  ["an unknown operationId", { rules: [{ kind: "reset", rate: 1, operations: ["sendSmsNow"] }] }, "sendSmsNow"],
  ["an empty list of operations", { rules: [{ kind: "reset", rate: 1, operations: [] }] }, "rules[0].operations"],
  ["a misspelt field of a rule", { rules: [{ kind: "reset", rate: 1, operation: ["sendSms"] }] }, "operation"],
  ["a misspelt field", { rules: [], sead: 1 }, "sead"],
  ["a fractional seed", { seed: 1.5, rules: [] }, "seed"],
  ["a stall bound of 0", { maxStallMillis: 0, rules: [] }, "maxStallMillis"],
  ["rules that are not a list", { rules: { kind: "reset", rate: 1 } }, "rules"],
  ["no rules", {}, "rules"]
]

const configured: Sandbox.Faults = { seed: 11, rules: [{ kind: "serverError", rate: 1, operations: ["getScopes"] }] }
const active = (faults: Sandbox.Faults): Sandbox.ActiveFaults => ({
  seed: faults.seed ?? 0,
  maxStallMillis: faults.maxStallMillis ?? 60_000,
  rules: faults.rules
})

describe("fault configuration", () => {
  for (const [name, faults, field] of invalid) {
    it.effect(`refuses ${name}: make, setFaults (nothing changes), PUT /__sandbox/faults (400, nothing changes)`, () =>
      Effect.gen(function*() {
        const refused = yield* Effect.flip(Sandbox.make({ faults: faults as Sandbox.Faults }))
        assert.strictEqual(refused._tag, "InvalidFaults")
        assert.include(refused.message, field)

        const sandbox = yield* Sandbox.make({ faults: configured })
        const error = yield* Effect.flip(sandbox.setFaults(faults as Sandbox.Faults))
        assert.instanceOf(error, Sandbox.InvalidFaults)
        assert.include(error.message, field)
        assert.deepStrictEqual(yield* sandbox.faults, active(configured))

        const fetch = Sandbox.inProcessFetch({ faults: configured }).fetch
        const put = yield* Effect.promise(() =>
          fetch("/__sandbox/faults", { method: "PUT", headers, body: JSON.stringify(faults) })
        )
        assert.strictEqual(put.status, 400)
        const body = (yield* Effect.promise(() => put.json())) as { error: { message: string } }
        assert.include(body.error.message, field)
        const after = yield* Effect.promise(() => fetch("/__sandbox/faults").then((r) => r.json()))
        assert.deepStrictEqual(after, active(configured))
      }))
  }

  it.live("inProcessFetch and start throw InvalidFaults itself", () =>
    Effect.promise(async () => {
      const bad = { rules: [{ kind: "reset", rate: 2 }] } as Sandbox.Faults
      assert.throws(() => Sandbox.inProcessFetch({ faults: bad }), Sandbox.InvalidFaults)
      const started = await Sandbox.start({ faults: bad }).then(() => undefined, (e: unknown) => e)
      assert.instanceOf(started, Sandbox.InvalidFaults)
    }))

  it.live("PUT replaces, GET reads, DELETE clears, reset restores the configured faults", () =>
    Effect.promise(async () => {
      const { fetch, sandbox } = Sandbox.inProcessFetch({ apiKeys: [KEY], faults: configured })
      const json = (path: string, init?: RequestInit) => fetch(path, init).then((r) => r.json() as Promise<unknown>)
      assert.deepStrictEqual(await json("/__sandbox/faults"), active(configured))
      assert.strictEqual((await fetch("/applications/scopes", { headers })).status, 500)

      const next: Sandbox.ActiveFaults = { seed: 3, maxStallMillis: 500, rules: [{ kind: "unavailable", rate: 1 }] }
      assert.deepStrictEqual(
        await json("/__sandbox/faults", {
          method: "PUT",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(next)
        }),
        next
      )
      assert.deepStrictEqual(await Effect.runPromise(sandbox.faults), next)
      assert.strictEqual((await fetch("/account/balance", { headers })).status, 503)

      assert.deepStrictEqual(await json("/__sandbox/faults", { method: "DELETE" }), { ...next, rules: [] })
      assert.strictEqual((await fetch("/account/balance", { headers })).status, 200)
      assert.strictEqual((await fetch("/applications/scopes", { headers })).status, 200)

      await Effect.runPromise(sandbox.setFaults({ rules: [{ kind: "malformed", rate: 1 }] }))
      assert.deepStrictEqual(
        await Effect.runPromise(sandbox.faults),
        active({ rules: [{ kind: "malformed", rate: 1 }] })
      )
      await json("/__sandbox/reset", { method: "POST" })
      assert.deepStrictEqual(await json("/__sandbox/faults"), active(configured))
      assert.strictEqual((await fetch("/applications/scopes", { headers })).status, 500)
      assert.strictEqual((await fetch("/account/balance", { headers })).status, 200)
    }))

  it("operationIds are every entry's, and only those", () => {
    const all = Object.values(Api.groups).flatMap((group) => Object.values(group).map((op) => op.id as string))
    assert.deepStrictEqual([...Faults.operationIds].sort(), [...new Set(all)].sort())
    assert.isTrue(Faults.operationIds.has("sendSms"))
    assert.isFalse(Faults.operationIds.has("getConversationsList"), "an alias is not an operationId")
    // the type knows them too
    // @ts-expect-error: not an operationId
    const typo: Sandbox.FaultRule = { kind: "reset", rate: 1, operations: ["sendSmss"] }
    assert.isTrue(Either.isLeft(Faults.resolve({ rules: [typo] })))
  })
})

describe("the draw", () => {
  const statuses = async (faults: Sandbox.Faults, count: number) => {
    const { fetch } = Sandbox.inProcessFetch({ apiKeys: [KEY], faults })
    const out: Array<number> = []
    for (let i = 0; i < count; i++) out.push((await fetch("/account/balance", { headers })).status)
    return out
  }
  const half: Sandbox.Faults["rules"] = [{ kind: "serverError", rate: 0.5 }]

  it.live("the same seed and requests meet the same faults; another seed, others", () =>
    Effect.promise(async () => {
      const first = await statuses({ seed: 42, rules: half }, 40)
      assert.deepStrictEqual(await statuses({ seed: 42, rules: half }, 40), first)
      assert.includeMembers(first, [200, 500])
      assert.notDeepEqual(await statuses({ seed: 43, rules: half }, 40), first)
      // rate 0 never hits, rate 1 always
      assert.deepStrictEqual(await statuses({ rules: [{ kind: "serverError", rate: 0 }] }, 5), [
        200,
        200,
        200,
        200,
        200
      ])
      assert.deepStrictEqual(await statuses({ rules: [{ kind: "serverError", rate: 1 }] }, 3), [500, 500, 500])
    }))

  it.live("setting the same faults again replays the sequence from its seed", () =>
    Effect.promise(async () => {
      const { fetch, sandbox } = Sandbox.inProcessFetch({ apiKeys: [KEY], faults: { seed: 5, rules: half } })
      const run = async () => {
        const out: Array<number> = []
        for (let i = 0; i < 20; i++) out.push((await fetch("/account/balance", { headers })).status)
        return out
      }
      const first = await run()
      await Effect.runPromise(sandbox.setFaults({ seed: 5, rules: half }))
      assert.deepStrictEqual(await run(), first)
    }))

  it.live("rules are tried in order, the first hit wins", () =>
    Effect.promise(async () => {
      const seen = await statuses({
        rules: [{ kind: "unavailable", rate: 1, operations: ["getAccountBalance"] }, { kind: "serverError", rate: 1 }]
      }, 2)
      assert.deepStrictEqual(seen, [503, 503])
    }))

  it.live("faults do not disturb the sandbox's own seed: the same ids with or without them", () =>
    Effect.promise(async () => {
      const idOf = async (options: Sandbox.Options) => {
        const { fetch } = Sandbox.inProcessFetch({ apiKeys: [KEY], seed: 7, ...options })
        const sent = await fetch("/sms", { method: "POST", headers, body: sms })
        return ((await sent.json()) as { data: Array<{ msgId: string }> }).data[0]!.msgId
      }
      const plain = await idOf({})
      assert.strictEqual(await idOf({ faults: { seed: 9, rules: [{ kind: "reset", rate: 0 }] } }), plain)
    }))

  it.live("a rule for some operations hits only those", () =>
    Effect.promise(async () => {
      const { fetch } = Sandbox.inProcessFetch({
        apiKeys: [KEY],
        faults: { rules: [{ kind: "serverError", rate: 1, operations: ["getAccountBalance", "getScopes"] }] }
      })
      assert.strictEqual((await fetch("/account/balance", { headers })).status, 500)
      assert.strictEqual((await fetch("/applications/scopes", { headers })).status, 500)
      assert.strictEqual((await fetch("/account/channels/status", { headers })).status, 200)
      assert.strictEqual((await fetch("/sms", { method: "POST", headers, body: sms })).status, 200)
    }))

  it.live("the control API and short URLs are never faulted; unknown paths are not API routes", () =>
    Effect.promise(async () => {
      const { fetch } = Sandbox.inProcessFetch({ apiKeys: [KEY], faults: { rules: [{ kind: "reset", rate: 1 }] } })
      assert.deepStrictEqual(await fetch("/__sandbox/messages").then((r) => r.json()), { messages: [] })
      assert.strictEqual(
        (await fetch("/__sandbox/balance", {
          method: "PUT",
          headers: { "Content-Type": "application/json" },
          body: "{\"balance\":3}"
        })).status,
        200
      )
      assert.strictEqual((await fetch("/__sandbox/nothing")).status, 404)
      assert.strictEqual((await fetch("/s/unknownCode")).status, 404)
      assert.strictEqual((await fetch("/no/such/route", { headers })).status, 404)
      const reset = await fetch("/account/balance", { headers }).then(() => undefined, (e: unknown) => e)
      assert.instanceOf(reset, TypeError)
    }))
})

describe("in-process fetch", () => {
  const only = (kind: Sandbox.FaultKind, extra: Partial<Sandbox.Faults> = {}) =>
    Sandbox.inProcessFetch({ apiKeys: [KEY], faults: { ...extra, rules: [{ kind, rate: 1 }] } })

  it.live("reset rejects as undici does (TypeError, cause ECONNRESET) and performs nothing", () =>
    Effect.promise(async () => {
      const { fetch, sandbox } = only("reset")
      const error = await fetch("/sms", { method: "POST", headers, body: sms }).then(() => undefined, (e: unknown) => e)
      assert.instanceOf(error, TypeError)
      assert.strictEqual((error as TypeError).message, "fetch failed")
      assert.strictEqual(((error as TypeError).cause as { code: string }).code, "ECONNRESET")
      assert.deepStrictEqual(await Effect.runPromise(sandbox.messages), [])
      assert.strictEqual(await Effect.runPromise(sandbox.balance), 100)
    }))

  it.live("lostAnswer performs the request (sent, billed), then rejects like a reset; its idempotent retry is answered", () =>
    Effect.promise(async () => {
      const { fetch, sandbox } = only("lostAnswer")
      const body = JSON.stringify({ ...JSON.parse(sms), idempotencyId: "5f0c3a52-7a57-4c71-9d43-3a8e0f1b2c6d" })
      const error = await fetch("/sms", { method: "POST", headers, body }).then(() => undefined, (e: unknown) => e)
      assert.instanceOf(error, TypeError)
      assert.strictEqual(((error as TypeError).cause as { code: string }).code, "ECONNRESET")
      const messages = await Effect.runPromise(sandbox.messages)
      assert.deepStrictEqual(messages.map((m) => m.to), ["+31612345678"])
      assert.strictEqual(await Effect.runPromise(sandbox.balance), 99.928)
      // the client, not knowing, sends it again with the same id: the original answer, not a second send
      await Effect.runPromise(sandbox.setFaults({ rules: [] }))
      const retried = await fetch("/sms", { method: "POST", headers, body })
      assert.strictEqual(retried.status, 200)
      const sent = (await retried.json()) as { data: Array<{ msgId: string }> }
      assert.strictEqual(sent.data[0]!.msgId, messages[0]!.msgId)
      assert.strictEqual((await Effect.runPromise(sandbox.messages)).length, 1)
      assert.strictEqual(await Effect.runPromise(sandbox.balance), 99.928)
    }))

  it.live("stall settles only when the signal fires, with its reason; else after maxStallMillis, as a reset", () =>
    Effect.promise(async () => {
      const { fetch } = only("stall", { maxStallMillis: 300 })
      const started = Date.now()
      const aborted = await fetch("/account/balance", { headers, signal: AbortSignal.timeout(50) }).then(
        () => undefined,
        (e: unknown) => e
      )
      assert.instanceOf(aborted, DOMException)
      assert.strictEqual((aborted as DOMException).name, "TimeoutError")
      assert.isBelow(Date.now() - started, 250)
      const bounded = await fetch("/account/balance", { headers }).then(() => undefined, (e: unknown) => e)
      assert.instanceOf(bounded, TypeError)
      assert.strictEqual(((bounded as TypeError).cause as { code: string }).code, "ECONNRESET")
      assert.isAtLeast(Date.now() - started, 300)
    }))

  it.live("malformed is a 200 of type JSON whose body is not JSON, and performs nothing", () =>
    Effect.promise(async () => {
      const { fetch, sandbox } = only("malformed")
      const answer = await fetch("/sms", { method: "POST", headers, body: sms })
      assert.strictEqual(answer.status, 200)
      assert.strictEqual(answer.headers.get("content-type"), "application/json")
      assert.isNull(answer.headers.get(Faults.MARKER))
      const text = await answer.text()
      assert.isNotEmpty(text)
      assert.throws(() => JSON.parse(text))
      assert.deepStrictEqual(await Effect.runPromise(sandbox.messages), [])
    }))
})

interface Raw {
  readonly status: number | undefined
  readonly headers: Http.IncomingHttpHeaders
  readonly body: string
}

/** One raw request on a new connection; rejects with the socket's error, or after `timeout` ms. */
const raw = (url: string, method: string, path: string, options: { body?: string; timeout?: number } = {}) =>
  new Promise<Raw>((resolve, reject) => {
    const request = Http.request(`${url}${path}`, { method, headers, agent: false }, (response) => {
      let body = ""
      response.setEncoding("utf8")
      response.on("data", (chunk: string) => (body += chunk))
      response.on("end", () => resolve({ status: response.statusCode, headers: response.headers, body }))
      response.on("error", reject)
    })
    request.on("error", reject)
    if (options.timeout !== undefined) {
      request.setTimeout(options.timeout, () => request.destroy(new Error("client timeout")))
    }
    request.end(options.body)
  })

const failureOf = (promise: Promise<unknown>) =>
  promise.then(() => undefined, (e: unknown) => e as NodeJS.ErrnoException)

describe("over a socket (Node server on 127.0.0.1)", () => {
  it.live("every kind at rate 1, switched through the control API", () =>
    Effect.promise(async () => {
      const server = await Sandbox.start({ apiKeys: [KEY] })
      const use = async (kind: Sandbox.FaultKind) => {
        const put = await raw(server.url, "PUT", "/__sandbox/faults", {
          body: JSON.stringify({ maxStallMillis: 5000, rules: [{ kind, rate: 1 }] })
        })
        assert.strictEqual(put.status, 200, put.body)
      }
      try {
        await use("rateLimit")
        const limited = await raw(server.url, "GET", "/account/balance")
        assert.strictEqual(limited.status, 429)
        assert.deepStrictEqual(JSON.parse(limited.body), {
          error: {
            type: "rate_limit",
            code: 1006,
            message: "Too many requests",
            uri: "https://docs.sms.cx/#error-codes"
          }
        })
        assert.strictEqual(limited.headers["x-rate-limit-reset"], "1")
        assert.strictEqual(limited.headers["x-rate-limit-limit"], "1000")
        assert.strictEqual(limited.headers["x-rate-limit-remaining"], "0")

        await use("serverError")
        const failed = await raw(server.url, "GET", "/account/balance")
        assert.strictEqual(failed.status, 500)
        assert.deepStrictEqual(JSON.parse(failed.body).error, {
          type: "server_error",
          code: 1008,
          message: "Internal server error",
          uri: "https://docs.sms.cx/#error-codes"
        })

        await use("unavailable")
        const unavailable = await raw(server.url, "GET", "/account/balance")
        assert.strictEqual(unavailable.status, 503)
        assert.deepStrictEqual(JSON.parse(unavailable.body), JSON.parse(failed.body))

        await use("malformed")
        const malformed = await raw(server.url, "GET", "/account/balance")
        assert.strictEqual(malformed.status, 200)
        assert.strictEqual(malformed.headers["content-type"], "application/json")
        assert.isUndefined(malformed.headers[Faults.MARKER])
        assert.throws(() => JSON.parse(malformed.body))

        await use("reset")
        const reset = await failureOf(raw(server.url, "POST", "/sms", { body: sms }))
        assert.include(["ECONNRESET", "UND_ERR_SOCKET"], reset?.code, String(reset))

        await use("lostAnswer")
        const lost = await failureOf(raw(server.url, "POST", "/sms", { body: sms }))
        assert.strictEqual(lost?.code, "ECONNRESET", String(lost))
        // the send was performed once (the reset one was not), and billed
        const outbox = JSON.parse((await raw(server.url, "GET", "/__sandbox/messages")).body) as {
          messages: ReadonlyArray<unknown>
        }
        assert.strictEqual(outbox.messages.length, 1)
        assert.deepStrictEqual(JSON.parse((await raw(server.url, "GET", "/__sandbox/balance")).body), {
          balance: 99.928
        })

        await use("stall")
        const started = Date.now()
        const stalled = await failureOf(raw(server.url, "GET", "/account/balance", { timeout: 100 }))
        assert.strictEqual(stalled?.message, "client timeout")
        assert.isBelow(Date.now() - started, 2000)

        await raw(server.url, "DELETE", "/__sandbox/faults")
        assert.strictEqual((await raw(server.url, "GET", "/account/balance")).status, 200)
      } finally {
        // a connection still held would keep close() waiting
        const closing = Date.now()
        await server.close()
        assert.isBelow(Date.now() - closing, 1000)
      }
    }))

  it.live("a stall ends at maxStallMillis: the connection is reset", () =>
    Effect.promise(async () => {
      const server = await Sandbox.start({ faults: { maxStallMillis: 200, rules: [{ kind: "stall", rate: 1 }] } })
      try {
        const started = Date.now()
        const error = await failureOf(raw(server.url, "GET", "/account/balance"))
        assert.strictEqual(error?.code, "ECONNRESET", String(error))
        assert.isAtLeast(Date.now() - started, 190)
        assert.isBelow(Date.now() - started, 2000)
      } finally {
        await server.close()
      }
    }))

  it.live("closing the server releases a stalled connection at once", () =>
    Effect.promise(async () => {
      const server = await Sandbox.start({ faults: { rules: [{ kind: "stall", rate: 1 }] } })
      const pending = failureOf(raw(server.url, "GET", "/account/balance"))
      // the request has reached the server and is held
      await new Promise((resolve) => setTimeout(resolve, 100))
      const started = Date.now()
      await server.close()
      assert.isBelow(Date.now() - started, 1000)
      const error = await pending
      assert.isDefined(error)
      assert.isBelow(Date.now() - started, 1000)
    }))
})

describe("the CLI's --fault", () => {
  it("parses KIND:RATE[:operationId,...]; resolve checks what it parsed", () => {
    assert.deepStrictEqual(Faults.parseFlag("reset:0.25"), Either.right({ kind: "reset", rate: 0.25 }))
    assert.deepStrictEqual(
      Faults.parseFlag("serverError:1:sendSms,getAccountBalance"),
      Either.right({ kind: "serverError", rate: 1, operations: ["sendSms", "getAccountBalance"] })
    )
    for (const bad of ["reset", "reset:", ":1", "reset:x", "reset:1:sendSms:more"]) {
      assert.isTrue(Either.isLeft(Faults.parseFlag(bad)), bad)
    }
    const unknown = Either.flatMap(
      Either.mapLeft(Faults.parseFlag("serverError:1:sendSmss"), (message) => new Faults.InvalidFaults({ message })),
      (rule) => Faults.resolve({ rules: [rule] })
    )
    assert.isTrue(Either.isLeft(unknown))
  })

  const bin = new URL("../src/bin.ts", import.meta.url).pathname

  it.live("a bad --fault is a usage error (exit code 2) naming the problem", () =>
    Effect.promise(async () => {
      const child = spawn(process.execPath, ["--import", "tsx", bin, "--port", "0", "--fault", "serverError:1.5"], {
        stdio: ["ignore", "ignore", "pipe"]
      })
      let stderr = ""
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")))
      const [code] = await once(child, "exit")
      assert.strictEqual(code, 2)
      assert.include(stderr, "rules[0].rate")
      assert.include(stderr, "--fault KIND:RATE")
    }))

  it.live("faults given on the command line are announced and injected", () =>
    Effect.promise(async () => {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", bin, "--port", "0", "--fault", "unavailable:1:getAccountBalance", "--fault-seed", "3"],
        { stdio: ["ignore", "pipe", "inherit"] }
      )
      try {
        const output: Array<string> = []
        for await (const line of createInterface({ input: child.stdout })) {
          output.push(line)
          if (line.startsWith("  Balance")) break
        }
        const text = output.join("\n")
        assert.include(text, "Faults (seed 3)")
        assert.include(text, "unavailable at rate 1 on getAccountBalance")
        const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1]
        assert.isDefined(url)
        assert.strictEqual((await raw(url!, "GET", "/account/balance")).status, 503)
        assert.strictEqual((await raw(url!, "GET", "/account/channels/status")).status, 200)
        assert.deepStrictEqual(JSON.parse((await raw(url!, "GET", "/__sandbox/faults")).body), {
          seed: 3,
          maxStallMillis: 60_000,
          rules: [{ kind: "unavailable", rate: 1, operations: ["getAccountBalance"] }]
        })
      } finally {
        child.kill("SIGTERM")
        await once(child, "exit")
      }
    }))
})
