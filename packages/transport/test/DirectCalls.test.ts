/**
 * Direct calls (a call without options, through the SDK's own clients) end as the general way's
 * calls do: the same data, the same request on the wire, the same typed errors (an answer that
 * is not JSON or does not fit, an API error, retries, a timeout, a reset, an invalid input), the
 * same spans when a tracer is installed, and an interruption ends the request; for operations
 * without input and with one (a JSON body, a path parameter, a query). Each case runs the call
 * both ways: without options (direct) and with empty options (the general way).
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import type * as Operation from "@smscx/core/Operation"
import * as FetchClient from "@smscx/transport/FetchClient"
import * as NodeHttpClient from "@smscx/transport/NodeHttpClient"
import * as Transport from "@smscx/transport/Transport"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import type * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as util from "node:util"
import { balance, sent, sms } from "./answers.js"
import { API_KEY } from "./fixtures.js"
import { recordingTracer } from "./recordingTracer.js"

/** What the server does with each request; what it saw of each. */
interface Server {
  readonly url: string
  handle: Http.RequestListener
  readonly seen: Array<Http.IncomingHttpHeaders>
  /** Each request's method, URL and body, once its body is read. */
  readonly wire: Array<{ readonly method: string; readonly url: string; readonly body: string }>
  readonly closed: Array<boolean>
}

const server = Effect.acquireRelease(
  Effect.async<Http.Server & { state: Server }>((resume) => {
    const state = { url: "", handle: (() => {}) as Http.RequestListener, seen: [], wire: [], closed: [] } as Server
    const s = Object.assign(
      Http.createServer((req, res) => {
        state.seen.push(req.headers)
        let body = ""
        req.setEncoding("utf8")
        req.on("data", (chunk: string) => body += chunk)
        req.on("end", () => state.wire.push({ method: req.method!, url: req.url!, body }))
        const index = state.closed.push(false) - 1
        res.on("close", () => state.closed[index] = true)
        state.handle(req, res)
      }),
      { state }
    )
    s.listen(0, "127.0.0.1", () => {
      ;(state as { url: string }).url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`
      resume(Effect.succeed(s))
    })
  }),
  (s) =>
    Effect.async<void>((resume) => {
      s.closeAllConnections()
      s.close(() => resume(Effect.void))
    })
).pipe(Effect.map((s) => s.state))

const answer = (status: number, body: string): Http.RequestListener => (_, res) => {
  res.writeHead(status, { "content-type": "application/json" })
  res.end(body)
}

const balanceOf = (transport: Transport.Service, direct: boolean) =>
  direct
    ? transport.call(Api.Account.getAccountBalance, [])
    : transport.call(Api.Account.getAccountBalance, [], {})

/** What a failure says: every field a caller reads. */
const facts = (error: unknown) => {
  const { _tag, attempts, body, issues, message, reason, status } = error as Record<string, unknown>
  return { _tag, attempts, body, issues, message, reason, status }
}

/** The call's outcome both ways, each on a transport of its own over `client`. */
const bothWays = (
  client: Layer.Layer<HttpClient.HttpClient>,
  s: Server,
  options: Partial<Transport.Options>
) =>
  Effect.forEach(
    [true, false],
    (direct) =>
      Transport.make({ apiKey: API_KEY, baseUrl: s.url, retry: false, ...options } as Transport.Options).pipe(
        Effect.flatMap((transport) => Effect.either(balanceOf(transport, direct))),
        Effect.scoped,
        Effect.provide(client)
      )
  )

const clients: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["the default Node client", NodeHttpClient.layer],
  ["FetchClient", FetchClient.layer]
]

describe.each(clients)("direct calls through %s", (_, client) => {
  it.live("answer the same data, sending the same headers", () =>
    Effect.gen(function*() {
      const s = yield* server
      s.handle = answer(200, JSON.stringify(balance))
      const [direct, general] = yield* bothWays(client, s, {})
      assert.deepStrictEqual(direct, general)
      assert.deepStrictEqual(direct!._tag === "Right" ? direct!.right : undefined, balance)
      const [directHeaders, generalHeaders] = s.seen.map(({ traceparent, ...rest }) => {
        assert.match(traceparent as string, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/)
        return rest
      })
      assert.deepStrictEqual(directHeaders, generalHeaders)
      assert.strictEqual(directHeaders!["x-api-key"], API_KEY)
    }).pipe(Effect.scoped))

  for (
    const [name, status, body, tag] of [
      ["an answer that is not JSON", 200, "<html>oops</html>", "DecodeError"],
      ["an answer that does not fit", 200, JSON.stringify({ balance: "lots", currency: 1 }), "DecodeError"],
      ["an empty answer", 200, "", "DecodeError"],
      [
        "an API error",
        401,
        JSON.stringify({ error: { type: "invalid_api_key", code: 1002, message: "no" } }),
        undefined
      ],
      ["a server error", 503, "busy", undefined]
    ] as const
  ) {
    it.live(`fail alike on ${name}`, () =>
      Effect.gen(function*() {
        const s = yield* server
        s.handle = answer(status, body)
        const [direct, general] = yield* bothWays(client, s, {})
        assert.strictEqual(direct!._tag, "Left")
        assert.deepStrictEqual(
          facts(direct!._tag === "Left" ? direct!.left : undefined),
          facts(general!._tag === "Left" ? general!.left : undefined)
        )
        if (tag !== undefined) assert.strictEqual((direct as { left: { _tag: string } }).left._tag, tag)
        // the key the direct request carried is in none of what the error shows
        const shown = util.inspect((direct as { left: unknown }).left, { depth: 20, showHidden: true })
        assert.notInclude(shown + JSON.stringify((direct as { left: unknown }).left), API_KEY)
      }).pipe(Effect.scoped))
  }

  it.live("retry alike: as many attempts, the same last error", () =>
    Effect.gen(function*() {
      const s = yield* server
      s.handle = answer(503, JSON.stringify({ error: { type: "server_error", code: 1500, message: "busy" } }))
      const [direct, general] = yield* bothWays(client, s, { retry: { maxRetries: 2, baseDelay: 1, jitter: false } })
      assert.strictEqual(s.seen.length, 6)
      const failure = facts(direct!._tag === "Left" ? direct!.left : undefined)
      assert.strictEqual(failure.attempts, 3)
      assert.deepStrictEqual(failure, facts(general!._tag === "Left" ? general!.left : undefined))
    }).pipe(Effect.scoped))

  it.live("time out alike", () =>
    Effect.gen(function*() {
      const s = yield* server
      s.handle = () => {}
      const [direct, general] = yield* bothWays(client, s, { timeout: 100 })
      const failure = facts(direct!._tag === "Left" ? direct!.left : undefined)
      assert.strictEqual(failure.reason, "Timeout")
      assert.deepStrictEqual(failure, facts(general!._tag === "Left" ? general!.left : undefined))
    }).pipe(Effect.scoped))

  it.live("fail alike on a reset connection", () =>
    Effect.gen(function*() {
      const s = yield* server
      s.handle = (req) => req.socket.destroy()
      const [direct, general] = yield* bothWays(client, s, {})
      const failure = facts(direct!._tag === "Left" ? direct!.left : undefined)
      assert.strictEqual(failure._tag, "TransportError")
      assert.deepStrictEqual(failure, facts(general!._tag === "Left" ? general!.left : undefined))
    }).pipe(Effect.scoped))

  it.live("end the request when the call is interrupted", () =>
    Effect.gen(function*() {
      const s = yield* server
      s.handle = () => {}
      const transport = yield* Transport.make({ apiKey: API_KEY, baseUrl: s.url, retry: false })
      const outcome = yield* Effect.either(Effect.timeout(balanceOf(transport, true), "100 millis"))
      assert.strictEqual(outcome._tag, "Left")
      for (let i = 0; i < 100 && s.closed[0] !== true; i++) yield* Effect.sleep("10 millis")
      assert.deepStrictEqual(s.closed, [true])
    }).pipe(Effect.scoped, Effect.provide(client)))

  it.live("with a tracer installed, take the general way: the call's span, and the same error", () =>
    Effect.gen(function*() {
      const s = yield* server
      s.handle = answer(200, "not json")
      const { spans, tracer } = recordingTracer()
      const transport = yield* Transport.make({ apiKey: API_KEY, baseUrl: s.url, retry: false })
      const traced = yield* Effect.either(Effect.withTracer(balanceOf(transport, true), tracer))
      const untraced = yield* Effect.either(balanceOf(transport, true))
      assert.deepStrictEqual(spans.map((span) => span.name), ["Account.getAccountBalance"])
      assert.strictEqual(spans[0]!.attributes.get("smscx.operation"), "getAccountBalance")
      assert.notInclude(JSON.stringify([...spans[0]!.attributes]), API_KEY)
      assert.deepStrictEqual(
        facts(traced._tag === "Left" ? traced.left : undefined),
        facts(untraced._tag === "Left" ? untraced.left : undefined)
      )
      // the traced call's traceparent is its span's
      assert.include(s.seen[0]!.traceparent as string, spans[0]!.spanId)
    }).pipe(Effect.scoped, Effect.provide(client)))
})

/** An answer that fits the operation's success schema, the same on every run (a fixed seed). */
const fitting = (operation: Operation.Any) => {
  const schema = (operation.success as { readonly schema: Schema.Schema.AnyNoContext }).schema
  const [value] = FastCheck.sample(Arbitrary.make(schema), { seed: 7, numRuns: 1 })
  return JSON.stringify(Schema.encodeSync(schema)(value))
}

/** Operations with input: a JSON body (with its generated idempotency id), a path parameter, a query. */
const withInput: ReadonlyArray<{
  readonly name: string
  readonly operation: Operation.Any
  readonly args: ReadonlyArray<unknown>
  readonly invalid: ReadonlyArray<unknown>
  readonly issue: string
  readonly answer: string
  readonly method: string
  readonly url: string
}> = [
  {
    name: "sendSms (a JSON body)",
    operation: Api.Sms.sendSms,
    args: [sms],
    invalid: [{ ...sms, to: "+31612469000" }],
    issue: "to",
    answer: JSON.stringify(sent),
    method: "POST",
    url: "/sms"
  },
  {
    name: "getOtpStatus (a path parameter)",
    operation: Api.Otp.getOtpStatus,
    args: ["0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11"],
    invalid: ["not-a-uuid"],
    issue: "otpId",
    answer: fitting(Api.Otp.getOtpStatus),
    method: "GET",
    url: "/otp/0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11"
  },
  {
    name: "getOptoutsList (a query)",
    operation: Api.Optouts.getOptoutsList,
    args: [{ limit: 20, next: "a b&c" }],
    invalid: [{ limit: 1.5 }],
    issue: "limit",
    answer: fitting(Api.Optouts.getOptoutsList),
    method: "GET",
    url: "/optouts?limit=20&next=a+b%26c"
  }
]

/** The call's outcome both ways (direct first), each on a transport of its own over `client`. */
const bothWaysWith = (
  client: Layer.Layer<HttpClient.HttpClient>,
  s: Server,
  options: Partial<Transport.Options>,
  operation: Operation.Any,
  args: ReadonlyArray<unknown>
) =>
  Effect.forEach(
    [true, false],
    (direct) =>
      Transport.make({ apiKey: API_KEY, baseUrl: s.url, retry: false, ...options } as Transport.Options).pipe(
        Effect.flatMap((transport) =>
          Effect.either(direct ? transport.call(operation, args) : transport.call(operation, args, {}))
        ),
        Effect.scoped,
        Effect.provide(client)
      )
  )

/** A request's body with its generated idempotency id checked and set aside. */
const withoutIdempotencyId = (body: string) => {
  if (body === "") return body
  const { idempotencyId, ...rest } = JSON.parse(body) as Record<string, unknown>
  if (idempotencyId !== undefined) assert.match(idempotencyId as string, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/)
  return rest
}

describe.each(clients)("direct calls with input through %s", (_, client) => {
  for (const c of withInput) {
    it.live(`${c.name}: answer the same data, sending the same request`, () =>
      Effect.gen(function*() {
        const s = yield* server
        s.handle = answer(200, c.answer)
        const [direct, general] = yield* bothWaysWith(client, s, {}, c.operation, c.args)
        assert.strictEqual(direct!._tag, "Right")
        assert.deepStrictEqual(direct, general)
        const [directHeaders, generalHeaders] = s.seen.map(({ traceparent, ...rest }) => {
          assert.match(traceparent as string, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/)
          return rest
        })
        assert.deepStrictEqual(directHeaders, generalHeaders)
        assert.strictEqual(directHeaders!["x-api-key"], API_KEY)
        for (let i = 0; i < 100 && s.wire.length < 2; i++) yield* Effect.sleep("5 millis")
        const [directWire, generalWire] = s.wire.map((w) => ({ ...w, body: withoutIdempotencyId(w.body) }))
        assert.deepStrictEqual(directWire, generalWire)
        assert.deepStrictEqual([directWire!.method, directWire!.url], [c.method, c.url])
        if (c.method === "POST") {
          assert.deepStrictEqual(directWire!.body, sms)
          assert.strictEqual(directHeaders!["content-type"], "application/json")
        }
      }).pipe(Effect.scoped))

    it.live(`${c.name}: an invalid input fails alike, and nothing is sent`, () =>
      Effect.gen(function*() {
        const s = yield* server
        s.handle = answer(200, c.answer)
        const [direct, general] = yield* bothWaysWith(client, s, {}, c.operation, c.invalid)
        assert.strictEqual(direct!._tag, "Left")
        const failure = facts(direct!._tag === "Left" ? direct!.left : undefined)
        assert.strictEqual(failure._tag, "RequestValidationError")
        assert.deepStrictEqual((failure.issues as Array<{ path: Array<unknown> }>)[0]!.path[0], c.issue)
        assert.deepStrictEqual(failure, facts(general!._tag === "Left" ? general!.left : undefined))
        assert.strictEqual(s.seen.length, 0)
      }).pipe(Effect.scoped))

    it.live(`${c.name}: an answer that does not fit fails alike`, () =>
      Effect.gen(function*() {
        const s = yield* server
        s.handle = answer(200, JSON.stringify({ data: "none" }))
        const [direct, general] = yield* bothWaysWith(client, s, {}, c.operation, c.args)
        assert.strictEqual(direct!._tag, "Left")
        const failure = facts(direct!._tag === "Left" ? direct!.left : undefined)
        assert.strictEqual(failure._tag, "DecodeError")
        assert.deepStrictEqual(failure, facts(general!._tag === "Left" ? general!.left : undefined))
      }).pipe(Effect.scoped))
  }

  it.live("sendSms retried: every attempt carries the same idempotency id, as the general way's do", () =>
    Effect.gen(function*() {
      const s = yield* server
      s.handle = answer(503, JSON.stringify({ error: { type: "server_error", code: 1500, message: "busy" } }))
      const [direct, general] = yield* bothWaysWith(
        client,
        s,
        { retry: { maxRetries: 2, baseDelay: 1, jitter: false } },
        Api.Sms.sendSms,
        [sms]
      )
      for (let i = 0; i < 100 && s.wire.length < 6; i++) yield* Effect.sleep("5 millis")
      const ids = s.wire.map((w) => (JSON.parse(w.body) as { idempotencyId: string }).idempotencyId)
      assert.strictEqual(ids.length, 6)
      assert.strictEqual(new Set(ids.slice(0, 3)).size, 1)
      assert.strictEqual(new Set(ids.slice(3)).size, 1)
      assert.notStrictEqual(ids[0], ids[3])
      const failure = facts(direct!._tag === "Left" ? direct!.left : undefined)
      assert.strictEqual(failure.attempts, 3)
      assert.deepStrictEqual(failure, facts(general!._tag === "Left" ? general!.left : undefined))
    }).pipe(Effect.scoped))
})
