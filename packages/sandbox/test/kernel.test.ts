import { assert, describe, it } from "@effect/vitest"
import * as Api from "@smscx/core/Api"
import * as ErrorCatalogue from "@smscx/core/ErrorCatalogue"
import { Sandbox } from "@smscx/sandbox"
import { parse } from "csv-parse/sync"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as TestClock from "effect/TestClock"
import ExcelJS from "exceljs"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as App from "../src/internal/app/app.js"
import * as GroupHandlers from "../src/internal/app/handlers.js"
import * as Callbacks from "../src/internal/kernel/callbacks.js"
import * as TimeShift from "../src/internal/kernel/clock.js"
import { documented } from "../src/internal/kernel/errors.js"
import * as Exports from "../src/internal/kernel/exports.js"
import * as Paging from "../src/internal/kernel/paging.js"
import * as Router from "../src/internal/kernel/router.js"
import * as Timers from "../src/internal/kernel/timers.js"
import { call, provide, success, testConfig } from "./utils.js"

describe("handlers as typed maps", () => {
  it("a group's handlers must cover each of its operations", () => {
    const handle = () => Effect.die("never called")
    // @ts-expect-error: Account has four operations; a map of three is a type error
    const partial: Router.Handlers<typeof Api.Account> = {
      getAccountBalance: { handle },
      getChannelsStatus: { handle },
      getChannelPricing: { handle }
    }
    assert.strictEqual(Object.keys(partial).length, 3)
  })

  it.effect("every group's handlers name exactly its operations: all 100", () =>
    Effect.gen(function*() {
      assert.strictEqual(Object.values(Api.groups).flatMap((g) => Object.keys(g)).length, 100)
      assert.deepStrictEqual(Object.keys(GroupHandlers.handlers).sort(), Object.keys(Api.groups).sort())
      const { context } = yield* App.make(testConfig())
      for (const [name, make] of Object.entries(GroupHandlers.handlers)) {
        const ids = Object.keys(Api.groups[name as keyof typeof Api.groups]).sort()
        assert.deepStrictEqual(Object.keys(make(context)).sort(), ids, name)
      }
    }))
})

describe("errors from the catalogue", () => {
  it("reads status, type and message from the operation's table", () => {
    const row = ErrorCatalogue.errors.sendSms.find((r) => r.code === 1105)!
    assert.deepStrictEqual(documented("sendSms", 1105), {
      status: row.status,
      type: row.type,
      code: 1105,
      message: row.message
    })
    // one code, several rows: the type picks
    assert.strictEqual(documented("getAccessToken", 1600, { type: "invalid_client" }).status, 401)
    assert.strictEqual(documented("getAccessToken", 1600, { type: "invalid_scope" }).status, 400)
    assert.throws(() => documented("getAccessToken", 1600, { message: "no such message" }))
  })
})

describe("seeded ids", () => {
  const send = { to: ["+31612345678"], from: "InfoText", text: "Hello" }
  const msgIdWith = (seed: number | undefined) =>
    Effect.gen(function*() {
      const answer = yield* call("POST", "/sms", { body: send })
      const sent = yield* success(Api.Sms.sendSms, answer)
      return { msgId: sent.data[0]!.msgId, requestId: answer.headers["x-request-id"] }
    }).pipe(provide(seed === undefined ? {} : { seed }))

  it.effect("the same seed gives the same ids; another seed, other ids", () =>
    Effect.gen(function*() {
      const a = yield* msgIdWith(42)
      const b = yield* msgIdWith(42)
      const c = yield* msgIdWith(43)
      assert.deepStrictEqual(a, b)
      assert.notStrictEqual(a.msgId, c.msgId)
      assert.match(a.msgId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    }))
})

describe("cursor paging", () => {
  const items = Array.from({ length: 1203 }, (_, i) => i)
  const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runSync(effect)

  it("walks every item once, forwards and back, 500 at most a page", () => {
    const first = run(Paging.page(items, {}))
    assert.strictEqual(first.data.length, 500)
    assert.strictEqual(first.paging.size, 500)
    assert.isNull(first.paging.previous)
    const seen = [...first.data]
    let cursor = first.paging.next
    let last = first
    while (cursor !== null) {
      last = run(Paging.page(items, { next: cursor }))
      seen.push(...last.data)
      cursor = last.paging.next
    }
    assert.deepStrictEqual(seen, items)
    assert.strictEqual(last.data.length, 203)
    const back = run(Paging.page(items, { previous: last.paging.previous! }))
    assert.deepStrictEqual(back.data, items.slice(500, 1000))
  })

  it("a limit outside 1..500 or a cursor it did not give is refused", () => {
    for (const query of [{ limit: 0 }, { limit: 501 }, { limit: 1.5 }, { next: "garbage" }, { previous: "b246" }]) {
      const exit = Effect.runSyncExit(Paging.page(items, query))
      assert.isTrue(Exit.isFailure(exit), JSON.stringify(query))
    }
    assert.strictEqual(run(Paging.page(items, { limit: 7 })).data.length, 7)
  })

  it("cursors are the API's: base64 of the last id seen, or of the first for previous", () => {
    const first = run(Paging.page(items, { limit: 100 }))
    // a list without ids of its own numbers its items from 1: the 100th
    assert.strictEqual(first.paging.next, Buffer.from("100").toString("base64").replace(/=+$/, ""))
    const second = run(Paging.page(items, { limit: 100, next: first.paging.next! }))
    assert.deepStrictEqual([second.data[0], second.paging.previous], [100, Buffer.from("101").toString("base64")])
    // a list with ids: the id of the last item on the page
    const messages = items.map((i) => ({ msgId: `m-${i}` }))
    const idOf = (m: { readonly msgId: string }) => m.msgId
    const page = run(Paging.page(messages, { limit: 2 }, { idOf }))
    assert.strictEqual(Buffer.from(page.paging.next!, "base64").toString(), "m-1")
    assert.deepStrictEqual(run(Paging.page(messages, { limit: 2, next: page.paging.next! }, { idOf })).data, [
      { msgId: "m-2" },
      { msgId: "m-3" }
    ])
  })

  it("a well-formed cursor past the end is an empty page, padded or URL-safe alike", () => {
    // the vendor's examples page with next=NTM2NTA, the id 53650
    for (const next of ["NTM2NTA", "NTM2NTA=", Buffer.from("m-none").toString("base64url")]) {
      const page = run(Paging.page(items, { next }, next.startsWith("NTM") ? {} : { idOf: String }))
      assert.deepStrictEqual(page, { data: [], paging: { next: null, previous: null, size: 0 } }, next)
    }
    assert.deepStrictEqual(run(Paging.page(items, { next: "MTAw" })).data[0], 100)
    // base64 of a non-printable id, a character base64 lacks, an id that is no number where items are numbered
    for (const next of [Buffer.from([0, 1, 2]).toString("base64"), "NTM2*NTA", Buffer.from("abc").toString("base64")]) {
      assert.isTrue(Exit.isFailure(Effect.runSyncExit(Paging.page(items, { next }))), next)
    }
  })
})

describe("exports", () => {
  const table: Exports.Table = {
    columns: ["phoneNumber", "firstName", "note"],
    rows: [
      ["+31612345678", "Jan", "says \"hi\", twice"],
      ["+4915123456789", "Anna", "line one\nline two"],
      ["+33612345678", undefined, 42]
    ]
  }

  it("CSV reads back with a CSV parser, quotes, commas and line breaks included", () => {
    const file = Exports.csv(table, "contacts.csv")
    assert.strictEqual(file.contentType, "application/csv")
    const rows = parse(Buffer.from(file.bytes), { columns: true }) as Array<Record<string, string>>
    assert.deepStrictEqual(rows, [
      { phoneNumber: "+31612345678", firstName: "Jan", note: "says \"hi\", twice" },
      { phoneNumber: "+4915123456789", firstName: "Anna", note: "line one\nline two" },
      { phoneNumber: "+33612345678", firstName: "", note: "42" }
    ])
  })

  it.effect("XLSX opens in a spreadsheet library with the same cells", () =>
    Effect.gen(function*() {
      const file = yield* Exports.xlsx(table, "contacts.xlsx")
      assert.strictEqual(file.contentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
      const workbook = new ExcelJS.Workbook()
      yield* Effect.promise(() => workbook.xlsx.load(Buffer.from(file.bytes) as unknown as ArrayBuffer))
      const sheet = workbook.worksheets[0]!
      const values = (n: number) => (sheet.getRow(n).values as Array<unknown>).slice(1)
      assert.deepStrictEqual(values(1), ["phoneNumber", "firstName", "note"])
      assert.deepStrictEqual(values(2), ["+31612345678", "Jan", "says \"hi\", twice"])
      assert.deepStrictEqual(values(4), ["+33612345678", undefined, 42])
    }))
})

// the sandbox's public surface still answers through the same app
describe("Sandbox.make", () => {
  it.effect("builds with a seed", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox.make({ seed: 7 })
      assert.strictEqual(yield* sandbox.balance, 100)
    }))
})

describe("callbacks", () => {
  it.effect("POSTs JSON to a loopback URL without holding the caller; refuses other hosts; retries a failure", () =>
    Effect.gen(function*() {
      const received: Array<unknown> = []
      let failFirst = true
      const server = Http.createServer((req, res) => {
        let body = ""
        req.on("data", (c) => (body += c))
        req.on("end", () => {
          if (failFirst) {
            failFirst = false
            res.writeHead(500).end()
            return
          }
          received.push(JSON.parse(body))
          res.writeHead(200).end()
        })
      })
      yield* Effect.acquireRelease(
        Effect.async<void>((resume) => void server.listen(0, "127.0.0.1", () => resume(Effect.void))),
        () => Effect.async<void>((resume) => void server.close(() => resume(Effect.void)))
      )
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
      const callbacks = Callbacks.make({ ...Callbacks.defaults, attempts: 3 })
      yield* callbacks.post(url, { event: "otp_update", n: 1 })
      yield* callbacks.post("http://example.com/hook", { n: 2 })
      yield* callbacks.post("file:///etc/passwd", { n: 3 })
      yield* callbacks.settled
      assert.deepStrictEqual(received, [{ event: "otp_update", n: 1 }])
      assert.deepStrictEqual(callbacks.log().map((r) => [r.outcome, r.attempts]), [
        ["delivered", 2],
        ["blocked", 0],
        ["blocked", 0]
      ])
    }).pipe(Effect.scoped))

  it.effect("at most maxPending wait; more are dropped, not queued without end", () =>
    Effect.gen(function*() {
      const callbacks = Callbacks.make({ ...Callbacks.defaults, maxPending: 2, attempts: 1, timeoutMillis: 200 })
      // a loopback port nothing listens on: each attempt fails fast
      for (let i = 0; i < 5; i++) yield* callbacks.post("http://127.0.0.1:9/none", { i })
      yield* callbacks.settled
      const outcomes = callbacks.log().map((r) => r.outcome)
      assert.deepStrictEqual(outcomes.filter((o) => o === "dropped").length, 3)
      assert.deepStrictEqual(outcomes.filter((o) => o === "failed").length, 2)
    }))
})

describe("query and form fields", () => {
  it.effect("read as numbers or booleans where the schema says so; text that does not read is refused", () =>
    Effect.gen(function*() {
      const route = Router.make(Api.Numbers.getBulkLookupCampaigns, { handle: () => Effect.die("unused") })
      assert.deepStrictEqual(yield* route.decodeInput({ limit: "25", next: "abc" }), { limit: 25, next: "abc" })
      const refused = yield* Effect.exit(route.decodeInput({ limit: "twenty" }))
      assert.isTrue(Exit.isFailure(refused))
      const empty = yield* Effect.exit(route.decodeInput({ limit: "" }))
      assert.isTrue(Exit.isFailure(empty))
    }))
})

describe("timers: work due later, on one queue", () => {
  /** The timers on a fresh shift, and what their tasks ran, in order. */
  const setup = Effect.gen(function*() {
    yield* TestClock.setTime(0)
    const shift = TimeShift.makeShift()
    const timers = Timers.make(shift)
    const ran: Array<string> = []
    const task = (name: string) => Effect.sync(() => void ran.push(name))
    // lets the timers' fiber run what came due
    const settle = Effect.repeatN(Effect.yieldNow(), 20)
    return { shift, timers, ran, task, settle }
  })

  it.effect("runs each task once its time comes, in order of due time, then of scheduling", () =>
    Effect.gen(function*() {
      const { ran, settle, task, timers } = yield* setup
      yield* timers.schedule(3000, task("c"))
      yield* timers.schedule(1000, task("a"))
      yield* timers.schedule(1000, task("a2"))
      yield* timers.schedule(2000, task("b"))
      assert.strictEqual(timers.pending(), 4)
      yield* TestClock.adjust("999 millis")
      yield* settle
      assert.deepStrictEqual(ran, [])
      yield* TestClock.adjust("1 millis")
      yield* settle
      assert.deepStrictEqual(ran, ["a", "a2"])
      // one scheduled earlier than the head wakes the fiber sooner
      yield* timers.schedule(1500, task("early"))
      yield* TestClock.adjust("2 seconds")
      yield* settle
      assert.deepStrictEqual(ran, ["a", "a2", "early", "b", "c"])
      assert.strictEqual(timers.pending(), 0)
    }))

  it.effect("an owner's tasks are dropped with it; the offset moved runs what came due; close drops all", () =>
    Effect.gen(function*() {
      const { ran, settle, shift, task, timers } = yield* setup
      yield* timers.schedule(1000, task("kept"), "one")
      yield* timers.schedule(1000, task("dropped"), "two")
      yield* timers.schedule(5000, task("dropped later"), "two")
      timers.drop("two")
      assert.strictEqual(timers.pending(), 1)
      shift.advance(1000)
      yield* timers.wake
      yield* settle
      assert.deepStrictEqual(ran, ["kept"])
      yield* timers.schedule(60_000, task("never"))
      yield* timers.close
      assert.strictEqual(timers.pending(), 0)
      yield* timers.schedule(0, task("after close"))
      yield* TestClock.adjust("1 minute")
      yield* settle
      assert.deepStrictEqual(ran, ["kept"])
      assert.strictEqual(timers.pending(), 0)
    }))
})
