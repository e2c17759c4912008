import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import type * as Operation from "@smscx/core/Operation"
import { Sandbox } from "@smscx/sandbox"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { readFileSync } from "node:fs"
import * as App from "../src/internal/app/app.js"
import * as Control from "../src/internal/app/control.js"
import * as Router from "../src/internal/kernel/router.js"
import { API_KEY, call, failure, provide, sandbox, success, testConfig } from "./utils.js"

describe("routing", () => {
  it.effect("every operation of Api has its route", () =>
    Effect.gen(function*() {
      const service = yield* Sandbox.make()
      assert.isDefined(service.app)
      const instance = yield* App.make({
        ...testConfig(),
        apiKeys: [],
        rateLimit: { limit: 1, windowSeconds: 1 },
        tokenLifetimeSeconds: 1,
        maxBodyBytes: 1024
      })
      const operations: ReadonlyArray<Operation.Any> = Object.values(Api.groups).flatMap((group) =>
        Object.values<Operation.Any>(group)
      )
      for (const operation of operations) {
        const path = operation.path.replace(/\{[^}]+\}/g, "x")
        const found = Router.match(instance.routes, operation.method, path)
        assert.strictEqual(found._tag === "Found" ? found.route.operation : undefined, operation, operation.id)
      }
      assert.strictEqual(instance.routes.length, operations.length)
    }))

  it.effect("an unknown path is 404 not_found; a known path with another method 405 invalid_method", () =>
    Effect.gen(function*() {
      yield* failure(yield* call("GET", "/nothing/here"), 404, "not_found", 1004)
      const wrong = yield* call("GET", "/sms")
      yield* failure(wrong, 405, "invalid_method", 1005)
      assert.strictEqual(wrong.headers["allow"], "POST")
      yield* failure(
        yield* call("PUT", "/sms/scheduled/0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11"),
        405,
        "invalid_method",
        1005
      )
    }).pipe(provide()))

  it.effect("every answer carries X-Request-Id and the rate-limit headers", () =>
    Effect.gen(function*() {
      for (
        const answer of [
          yield* call("GET", "/account/balance"),
          yield* call("GET", "/nowhere"),
          yield* call("GET", "/account/balance", { headers: {} })
        ]
      ) {
        assert.match(answer.headers["x-request-id"] ?? "", /^[0-9a-f-]{36}$/)
        assert.strictEqual(answer.headers["x-rate-limit-limit"], "1000")
        assert.isDefined(answer.headers["x-rate-limit-remaining"])
        assert.isUndefined(answer.headers["x-rate-limit-reset"])
      }
    }).pipe(provide()))
})

describe("the control API's index", () => {
  it.effect("GET /__sandbox/ (and /__sandbox) lists every control route, each of which answers", () =>
    Effect.gen(function*() {
      const index = yield* call("GET", "/__sandbox/", { headers: {} })
      assert.strictEqual(index.status, 200)
      const { docs, routes } = index.json as {
        readonly routes: ReadonlyArray<{ method: string; path: string; takes?: string; description: string }>
        readonly docs: string
      }
      assert.match(docs, /#control-api$/)
      assert.deepStrictEqual(
        routes.map((r) => `${r.method} ${r.path}`),
        Control.routes.map((r) => `${r.method} /__sandbox/${r.path}`)
      )
      assert.deepInclude(routes, {
        method: "PUT",
        path: "/__sandbox/balance",
        takes: "{ balance }",
        description: "sets the balance"
      })
      for (const route of routes) assert.isAbove(route.description.length, 10, route.path)
      assert.deepStrictEqual((yield* call("GET", "/__sandbox", { headers: {} })).json, index.json)
      // every GET it lists answers 200, and a listed path with another method is 405 naming those it takes
      // (the inbox's page and its event stream are no JSON: inbox.test.ts reads them)
      for (const route of routes.filter((r) => r.method === "GET" && !/\/(ui|events)$/.test(r.path))) {
        const path = route.path.endsWith("/thread") ? `${route.path}?phone=%2B31612345678` : route.path
        assert.strictEqual((yield* call("GET", path, { headers: {} })).status, 200, route.path)
      }
      const wrong = yield* call("DELETE", "/__sandbox/balance", { headers: {} })
      assert.strictEqual(wrong.status, 405)
      assert.strictEqual(wrong.headers["allow"], "GET, PUT")
      const unknown = yield* call("GET", "/__sandbox/nothing", { headers: {} })
      assert.strictEqual(unknown.status, 404)
      assert.include((unknown.json as { error: { message: string } }).error.message, "GET /__sandbox/ lists")
    }).pipe(provide()))

  it("the README documents every control route", () => {
    const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8")
    const undocumented = Control.routes.map((route) => `/__sandbox/${route.path}`).filter((path) =>
      !readme.includes(`${path}\``) && !readme.includes(`${path}[`) && !readme.includes(`${path} `)
    )
    assert.deepStrictEqual(undocumented, [])
  })

  it.effect("the index is guarded as the other control routes: no other origin, no other Host", () =>
    Effect.gen(function*() {
      for (const path of ["/__sandbox/", "/__sandbox"]) {
        const page = yield* call("GET", path, { headers: { Origin: "http://evil.example" } })
        assert.strictEqual(page.status, 403, path)
        assert.notProperty(page.json, "routes")
        const rebound = yield* call("GET", path, { headers: { Host: "evil.example" } })
        assert.strictEqual(rebound.status, 403, path)
      }
    }).pipe(provide()))
})

describe("rate limit", () => {
  it.effect("over the limit: 429 rate_limit with Limit, Remaining and Reset; the next window is open", () =>
    Effect.gen(function*() {
      const remaining: Array<string | undefined> = []
      for (let i = 0; i < 3; i++) {
        const answer = yield* call("GET", "/account/balance")
        yield* success(Api.Account.getAccountBalance, answer)
        remaining.push(answer.headers["x-rate-limit-remaining"])
      }
      assert.deepStrictEqual(remaining, ["2", "1", "0"])
      yield* TestClock.adjust("15 seconds")
      const limited = yield* call("GET", "/account/balance")
      yield* failure(limited, 429, "rate_limit", 1006)
      assert.deepStrictEqual(
        [
          limited.headers["x-rate-limit-limit"],
          limited.headers["x-rate-limit-remaining"],
          limited.headers["x-rate-limit-reset"]
        ],
        ["3", "0", "45"]
      )
      // counted per credential: another key still has its own window
      yield* success(
        Api.Account.getAccountBalance,
        yield* call("GET", "/account/balance", { headers: { "X-API-KEY": "second-key" } })
      )
      yield* TestClock.adjust("45 seconds")
      const again = yield* call("GET", "/account/balance")
      yield* success(Api.Account.getAccountBalance, again)
      assert.strictEqual(again.headers["x-rate-limit-remaining"], "2")
    }).pipe(provide({ apiKeys: [API_KEY, "second-key"], rateLimit: { limit: 3, windowSeconds: 60 } })))
})

describe("request body size", () => {
  const sms = (text: string) => JSON.stringify({ to: ["+31612345678"], from: "InfoText", text })
  /** A send of exactly `bytes` bytes. */
  const sized = (bytes: number) => sms("a".repeat(bytes - sms("").length))

  it.effect("a body over maxBodyBytes is 413 invalid_body 1009 and changes nothing; one at the limit is served", () =>
    Effect.gen(function*() {
      yield* failure(yield* call("POST", "/sms", { text: sized(1025) }), 413, "invalid_body", 1009)
      const form = { grant_type: "client_credentials", scope: "sms ".repeat(300) }
      const basic = { Authorization: `Basic ${btoa("app:secret")}` }
      yield* failure(yield* call("POST", "/oauth/token", { headers: basic, form }), 413, "invalid_body", 1009)
      assert.strictEqual(yield* (yield* sandbox).balance, 100)
      yield* success(Api.Sms.sendSms, yield* call("POST", "/sms", { text: sized(1024) }))
      assert.strictEqual((yield* (yield* sandbox).messages).length, 1)
    }).pipe(provide({ maxBodyBytes: 1024 })))

  it.live("a streamed body is read only until it passes the limit; a declared Content-Length over it is not read", () =>
    Effect.promise(async () => {
      const { fetch, sandbox } = Sandbox.inProcessFetch({ maxBodyBytes: 1024 })
      const headers = { "X-API-KEY": "k", "Content-Type": "application/json" }
      const CHUNK = 300
      // far more than the limit, yet finite: a sandbox that reads it all still answers, wrongly
      const counted = () => {
        const counter = { pulled: 0, body: undefined as unknown as ReadableStream<Uint8Array> }
        counter.body = new ReadableStream<Uint8Array>({
          pull: (controller) => {
            counter.pulled++
            if (counter.pulled * CHUNK > 16 * 1024 * 1024) controller.close()
            else controller.enqueue(new Uint8Array(CHUNK).fill(0x20))
          }
        }, { highWaterMark: 0 })
        return counter
      }
      const post = (body: ReadableStream<Uint8Array>, extra: Record<string, string> = {}) =>
        fetch("/sms", { method: "POST", headers: { ...headers, ...extra }, body, duplex: "half" } as RequestInit)
      const expectTooLarge = async (response: Response) => {
        assert.strictEqual(response.status, 413)
        const json = (await response.json()) as { error: { type: string; code: number } }
        assert.deepStrictEqual([json.error.type, json.error.code], ["invalid_body", 1009])
      }

      const streamed = counted()
      await expectTooLarge(await post(streamed.body))
      // the fourth chunk passes 1024 bytes: reading stops there
      assert.isAtMost(streamed.pulled, 6)

      const declared = counted()
      await expectTooLarge(await post(declared.body, { "Content-Length": String(16 * 1024 * 1024) }))
      assert.strictEqual(declared.pulled, 0)

      const next = await fetch("/sms", { method: "POST", headers, body: sms("Hi") })
      assert.strictEqual(next.status, 200)
      assert.strictEqual(await Effect.runPromise(sandbox.balance), 99.928)
    }))
})
