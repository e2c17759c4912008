/**
 * No credential (an API key, an OAuth application secret, the token issued) shows in an error,
 * its causes, a debug log line or a span, whatever fault a call meets, in any of the four ways a
 * call reaches the API.
 */
import { assert, describe, it } from "@effect/vitest"
import { DecodeError } from "@smscx/client"
import type * as Transport from "@smscx/transport/Transport"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Crypto from "node:crypto"
import * as util from "node:util"
import { type RecordingSpan, recordingTracer } from "../../transport/test/recordingTracer.js"
import { faultServer, refusedUrl, secret, type Style, styles, TIMEOUT } from "./faultClients.js"
import type * as FaultServer from "./fixtures/faultServer.js"

/** Each fault a call can meet, with the error it must end in (the cases of ClientFaults.test.ts). */
const faultsMet: ReadonlyArray<
  readonly [FaultServer.Fault | "refuse", Partial<Transport.Options>, string]
> = [
  ["refuse", {}, "TransportError Transport"],
  ["closeMidAnswer", {}, "TransportError Transport"],
  ["shortBody", {}, "TransportError Transport"],
  ["slowHeaders", {}, "TransportError Timeout"],
  ["trickle", {}, "TransportError Timeout"],
  ["truncatedJson", {}, "DecodeError"],
  ["huge", { maxResponseBytes: 1024 * 1024 }, "TransportError ResponseTooLarge"],
  ["html502", {}, "ServerErrorException"]
]

const tagOf = (error: unknown): string => {
  const { _tag, reason } = error as { readonly _tag?: unknown; readonly reason?: unknown }
  return typeof reason === "string" ? `${String(_tag)} ${reason}` : String(_tag)
}

const json = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? ""
  } catch (error) {
    // a cause that cannot be serialised (a cycle) shows nothing this way: inspect covers it
    return `<${String(error)}>`
  }
}

/** Every way an error is shown, down its cause chain. */
const renderings = (error: unknown): ReadonlyArray<string> => {
  const shown: Array<string> = []
  const seen = new Set<unknown>()
  for (let current = error; typeof current === "object" && current !== null && !seen.has(current);) {
    seen.add(current)
    shown.push(
      String(current),
      json(current),
      util.inspect(current, { depth: 10 }),
      current instanceof Error ? `${current.message}\n${current.stack}` : ""
    )
    current = (current as { readonly cause?: unknown }).cause
  }
  return shown
}

/** What a span shows an exporter: name, attributes, events, links. */
const spanText = (span: RecordingSpan) =>
  util.inspect({ name: span.name, attributes: [...span.attributes], events: span.events, links: span.links }, {
    depth: 10
  })

/** Everything observed while the faulty calls ran. */
interface Observed {
  readonly outcomes: ReadonlyArray<string>
  readonly errors: ReadonlyArray<unknown>
  readonly lines: ReadonlyArray<string>
  readonly spans: ReadonlyArray<RecordingSpan>
}

const runFaults = (
  style: Style,
  server: FaultServer.FaultServer,
  credentials: Transport.Credentials,
  faults: typeof faultsMet
) =>
  Effect.gen(function*() {
    const errors: Array<unknown> = []
    const outcomes: Array<string> = []
    for (const [fault, options] of faults) {
      const baseUrl = fault === "refuse" ? yield* refusedUrl : server.url(fault)
      const outcome = yield* style.balance(
        { ...credentials, baseUrl, retry: false, timeout: TIMEOUT, ...options },
        "debug"
      )
      outcomes.push(Either.isLeft(outcome) ? tagOf(outcome.left) : "ok")
      if (Either.isLeft(outcome)) errors.push(outcome.left)
    }
    return { errors, outcomes }
  })

/** The Effect client, at Debug level, with its log lines and spans recorded. */
const observeEffect = (
  style: Style,
  server: FaultServer.FaultServer,
  credentials: Transport.Credentials,
  faults: typeof faultsMet
) =>
  Effect.gen(function*() {
    const lines: Array<string> = []
    const { spans, tracer } = recordingTracer()
    // as a log backend formats it: message, annotations, spans, and the cause rendered in full
    const logger = Logger.make((options) => void lines.push(Logger.logfmtLogger.log(options)))
    const { errors, outcomes } = yield* runFaults(style, server, credentials, faults).pipe(
      Effect.withTracer(tracer),
      Effect.provide(Layer.merge(Logger.replace(Logger.defaultLogger, logger), Logger.minimumLogLevel(LogLevel.Debug)))
    )
    return { errors, outcomes, lines, spans } satisfies Observed
  })

const consoleMethods = ["log", "info", "warn", "error", "debug", "trace"] as const

/** The Promise client with `log: "debug"`, with what it writes to the console or stderr recorded. */
const observePromise = (
  style: Style,
  server: FaultServer.FaultServer,
  credentials: Transport.Credentials,
  faults: typeof faultsMet
) =>
  Effect.gen(function*() {
    const lines: Array<string> = []
    const originals = consoleMethods.map((method) => [method, console[method]] as const)
    // the client's own log lines go straight to stderr, not through the console
    const streams = [process.stdout, process.stderr] as const
    const writes = streams.map((stream) => stream.write)
    const { errors, outcomes } = yield* Effect.acquireUseRelease(
      Effect.sync(() => {
        for (const method of consoleMethods) {
          console[method] = (...args: Array<unknown>) => void lines.push(util.format(...args))
        }
        for (const stream of streams) {
          stream.write = ((chunk: unknown) => lines.push(...String(chunk).split("\n").filter(Boolean)) > 0) as never
        }
      }),
      () => runFaults(style, server, credentials, faults),
      () =>
        Effect.sync(() => {
          for (const [method, original] of originals) console[method] = original
          streams.forEach((stream, i) => stream.write = writes[i]!)
        })
    )
    // no tracer reaches into the Promise client's own runtime: it has no spans to show
    return { errors, outcomes, lines, spans: [] } satisfies Observed
  })

const assertNoSecret = (observed: Observed, secrets: ReadonlyArray<string>) => {
  const shown: ReadonlyArray<readonly [string, string]> = [
    ...observed.errors.flatMap((error) => renderings(error).map((text) => [`error ${tagOf(error)}`, text] as const)),
    ...observed.lines.map((line) => ["log line", line] as const),
    ...observed.spans.map((span) => [`span ${span.name}`, spanText(span)] as const)
  ]
  for (const [where, text] of shown) {
    for (const secret of secrets) assert.notInclude(text, secret, `${where} shows a secret`)
  }
}

/**
 * What was captured is the real thing: a debug line per attempt (the balance requests sent, and
 * the token requests), and with Effect a span per call and per token fetch.
 */
const assertCaptured = (
  style: Style,
  observed: Observed,
  expected: { readonly calls: number; readonly balanceRequests: number; readonly tokenRequests: number }
) => {
  const count = (pattern: RegExp) => observed.lines.filter((line) => pattern.test(line)).length
  const all = observed.lines.join("\n")
  assert.strictEqual(count(/smscx getAccountBalance: GET \/account\/balance -> /), expected.balanceRequests, all)
  assert.strictEqual(count(/smscx getAccessToken: POST \/oauth\/token -> /), expected.tokenRequests, all)
  if (style.kind === "effect") {
    const named = (name: string) => observed.spans.filter((span) => span.name === name)
    assert.strictEqual(named("Account.getAccountBalance").length, expected.calls)
    assert.strictEqual(named("Oauth.getAccessToken").length, expected.tokenRequests)
    for (const span of named("Account.getAccountBalance")) {
      assert.strictEqual(span.attributes.get("smscx.operation"), "getAccountBalance")
    }
  }
}

describe.each(styles)("secrets, $name", (style) => {
  const observe = style.kind === "effect" ? observeEffect : observePromise

  it.live("an API key shows in no error, cause, debug log line or span, whatever the fault", () =>
    Effect.gen(function*() {
      const server = yield* faultServer()
      const apiKey = secret("sk_live_")
      const observed = yield* observe(style, server, { apiKey }, faultsMet)
      assert.deepStrictEqual(observed.outcomes, faultsMet.map(([, , expected]) => expected))
      // the key was on the wire: its absence below is the SDK's doing
      assert.isTrue(server.received.some((r) => r.headers["x-api-key"] === apiKey))
      assertCaptured(style, observed, { calls: faultsMet.length, balanceRequests: faultsMet.length, tokenRequests: 0 })
      assertNoSecret(observed, [apiKey])
    }).pipe(Effect.scoped))

  it.live("an OAuth application secret and the token issued show nowhere, the token answer cut short included", () =>
    Effect.gen(function*() {
      const server = yield* faultServer()
      const applicationId = `app-${Crypto.randomBytes(4).toString("hex")}`
      const applicationSecret = secret("app_secret_")
      const basic = Buffer.from(`${applicationId}:${applicationSecret}`).toString("base64")
      const faults: typeof faultsMet = [...faultsMet, ["truncatedToken", {}, "DecodeError"]]
      const observed = yield* observe(style, server, { applicationId, applicationSecret }, faults)
      assert.deepStrictEqual(observed.outcomes, faults.map(([, , expected]) => expected))
      const authorizations = server.received.map((r) => r.headers.authorization)
      assert.include(authorizations, `Basic ${basic}`)
      assert.include(authorizations, `Bearer ${server.token}`)
      // the cut token answer is kept for debugging, its token not
      const cut = observed.errors.at(-1)
      assert.instanceOf(cut, DecodeError)
      assert.strictEqual(cut.operation, "getAccessToken")
      assert.include(String(cut.body), "\"access_token\":\"<redacted>\"")
      // a token per client (one a call); no balance request without a token (refused, cut token)
      assertCaptured(style, observed, {
        calls: faults.length,
        balanceRequests: faults.length - 2,
        tokenRequests: faults.length
      })
      assertNoSecret(observed, [applicationSecret, basic, server.token])
    }).pipe(Effect.scoped))
})
