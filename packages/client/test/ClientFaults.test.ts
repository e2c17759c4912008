/**
 * Faults at the client: a loopback server that refuses, cuts, stalls, trickles, truncates,
 * floods or answers an HTML 5xx, met by the Effect client (the default Node client and
 * FetchClient) and by the Promise client (its default client and `fetch`). Each call ends in
 * bounded time with the documented typed error, leaves no connection or timer behind, and shows
 * no credential in its error, log lines or spans.
 */
import { assert, describe, it } from "@effect/vitest"
import { Account, DecodeError, FetchClient, ServerErrorException, SmsCx, TransportError } from "@smscx/client"
import type { AccountBalance } from "@smscx/core/Generated"
import type * as Transport from "@smscx/transport/Transport"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as ChildProcess from "node:child_process"
import * as Crypto from "node:crypto"
import { fileURLToPath } from "node:url"
import * as util from "node:util"
// @smscx/promise is not a dependency of @smscx/client (it depends on it): reach it by path
import { type Options as PromiseOptions, SmsCx as PromiseSmsCx } from "../../promise/src/index.js"
import { type RecordingSpan, recordingTracer } from "../../transport/test/recordingTracer.js"
import type { Report } from "./fixtures/closeThenExit.js"
import * as FaultServer from "./fixtures/faultServer.js"

// ---------------------------------------------------------------------------
// Clients
// ---------------------------------------------------------------------------

type Outcome = Either.Either<AccountBalance, unknown>

interface Style {
  readonly name: string
  /** An Effect program (its log lines and spans are the caller's), or the Promise client (its own runtime's). */
  readonly kind: "effect" | "promise"
  /**
   * Whether closing the client ends every connection it opened. The SDK's Node client owns its
   * keep-alive agents; `fetch` pools connections globally, beyond any one client.
   */
  readonly ownsConnections: boolean
  /** One `getAccountBalance` through a client built for it and closed after it. */
  readonly balance: (options: Transport.Options, log?: "debug") => Effect.Effect<Outcome>
}

const viaEffect = (
  layer: (options: Transport.Options) => Layer.Layer<Account, unknown>
) =>
(options: Transport.Options): Effect.Effect<Outcome> =>
  Effect.flatMap(Account, (account) => account.getAccountBalance()).pipe(
    Effect.provide(layer(options)),
    Effect.either
  )

const viaPromise = (extra: Partial<PromiseOptions>) => (options: Transport.Options, log?: "debug") =>
  Effect.promise(async (): Promise<Outcome> => {
    const client = new PromiseSmsCx({ ...options, ...extra, ...(log === undefined ? {} : { log }) })
    try {
      return Either.right(await client.account.getAccountBalance())
    } catch (error) {
      return Either.left(error)
    } finally {
      await client.close()
    }
  })

const styles: ReadonlyArray<Style> = [
  {
    name: "Effect, SmsCx.layer (default Node client)",
    kind: "effect",
    ownsConnections: true,
    balance: viaEffect(SmsCx.layer)
  },
  {
    name: "Effect, FetchClient",
    kind: "effect",
    ownsConnections: false,
    balance: viaEffect((options) => SmsCx.layerWithoutHttpClient(options).pipe(Layer.provide(FetchClient.layer)))
  },
  { name: "Promise, default client", kind: "promise", ownsConnections: true, balance: viaPromise({}) },
  { name: "Promise, fetch", kind: "promise", ownsConnections: false, balance: viaPromise({ fetch: globalThis.fetch }) }
]

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/** A distinctive credential: any trace of it in an error, a log line or a span is a leak. */
const secret = (prefix: string) => `${prefix}${Crypto.randomBytes(16).toString("hex")}`

/** A fault server for one test, closed (every connection and timer with it) when the test ends. */
const faultServer = (options?: FaultServer.Options) =>
  Effect.acquireRelease(Effect.promise(() => FaultServer.start(options)), (server) => Effect.promise(server.close))

const refusedUrl = Effect.promise(FaultServer.refusedUrl)

/** Runs `call`, giving its outcome and how long it took, in milliseconds. */
const timed = <A>(call: Effect.Effect<A>) =>
  Effect.map(Effect.timed(call), ([duration, outcome]) => ({ outcome, ms: Duration.toMillis(duration) }))

const failureOf = (outcome: Outcome): unknown => {
  if (Either.isRight(outcome)) return assert.fail(`succeeded with ${util.inspect(outcome.right)}`)
  return outcome.left
}

const transportError = (outcome: Outcome, reason: TransportError["reason"]): TransportError => {
  const error = failureOf(outcome)
  assert.instanceOf(error, TransportError, util.inspect(error))
  assert.strictEqual(error.reason, reason, error.message)
  return error
}

/** Every connection to the server ended (the client hung up, or closed its pool), within a second. */
const allHungUp = (server: FaultServer.FaultServer) =>
  Effect.gen(function*() {
    for (let waited = 0; server.openConnections() > 0 && waited < 1000; waited += 10) yield* Effect.sleep("10 millis")
    assert.strictEqual(server.openConnections(), 0, "connections left open")
  })

const TIMEOUT = 300
/** A call with a 300 ms deadline settles well within this. */
const BOUND = 3_000

// ---------------------------------------------------------------------------
// Each fault, each client
// ---------------------------------------------------------------------------

describe.each(styles)("$name", (style) => {
  const call = (baseUrl: string, options: Partial<Transport.Options> = {}) =>
    timed(style.balance({ apiKey: secret("sk_live_"), baseUrl, retry: false, timeout: TIMEOUT, ...options }))

  /** After a call that completed: with the SDK's own client, closing it left no connection. */
  const closedWithClient = (server: FaultServer.FaultServer) => style.ownsConnections ? allHungUp(server) : Effect.void

  it.live("connection refused: TransportError (reason Transport)", () =>
    Effect.gen(function*() {
      const baseUrl = yield* refusedUrl
      const { ms, outcome } = yield* call(baseUrl)
      const error = transportError(outcome, "Transport")
      assert.deepStrictEqual([error.method, error.url], ["GET", `${baseUrl}/account/balance`])
      assert.isBelow(ms, BOUND)
    }))

  it.live("socket destroyed mid-answer: TransportError (reason Transport)", () =>
    Effect.gen(function*() {
      const server = yield* faultServer()
      const { ms, outcome } = yield* call(server.url("closeMidAnswer"))
      transportError(outcome, "Transport")
      assert.isBelow(ms, BOUND)
      yield* allHungUp(server)
    }).pipe(Effect.scoped))

  it.live("Content-Length larger than the body, then a clean end: TransportError (reason Transport)", () =>
    Effect.gen(function*() {
      const server = yield* faultServer()
      const { ms, outcome } = yield* call(server.url("shortBody"))
      transportError(outcome, "Transport")
      assert.isBelow(ms, BOUND)
      yield* allHungUp(server)
    }).pipe(Effect.scoped))

  it.live("headers that never come: TransportError (reason Timeout) at the deadline; the client hangs up", () =>
    Effect.gen(function*() {
      const server = yield* faultServer()
      const { ms, outcome } = yield* call(server.url("slowHeaders"))
      const error = transportError(outcome, "Timeout")
      assert.include(error.message, "timed out after 300ms")
      assert.isAtLeast(ms, TIMEOUT - 10, "not before the deadline")
      assert.isBelow(ms, BOUND)
      yield* allHungUp(server)
    }).pipe(Effect.scoped))

  it.live("a body trickling a byte at a time: TransportError (reason Timeout); the trickle stops", () =>
    Effect.gen(function*() {
      const server = yield* faultServer({ trickleEveryMs: 20 })
      const { ms, outcome } = yield* call(server.url("trickle"))
      transportError(outcome, "Timeout")
      assert.isAtLeast(ms, TIMEOUT - 10)
      assert.isBelow(ms, BOUND)
      assert.isAbove(server.bytesWritten(), 5, "the body had started arriving")
      yield* allHungUp(server)
      const written = server.bytesWritten()
      yield* Effect.sleep("100 millis")
      assert.strictEqual(server.bytesWritten(), written, "nothing more was sent to anyone")
    }).pipe(Effect.scoped))

  it.live("a 200 whose JSON is cut short ({\"info\":): DecodeError with status 200 and the raw text", () =>
    Effect.gen(function*() {
      const server = yield* faultServer()
      const { ms, outcome } = yield* call(server.url("truncatedJson"))
      const error = failureOf(outcome)
      assert.instanceOf(error, DecodeError)
      assert.deepStrictEqual([error.operation, error.status, error.body], ["getAccountBalance", 200, "{\"info\":"])
      assert.include(error.message, "not JSON")
      assert.isBelow(ms, BOUND)
      yield* closedWithClient(server)
    }).pipe(Effect.scoped))

  for (const declared of [false, true]) {
    it.live(`a 50 MB answer (${declared ? "declared" : "chunked"}) over maxResponseBytes: ResponseTooLarge, reading stopped`, () =>
      Effect.gen(function*() {
        const server = yield* faultServer({ hugeDeclared: declared })
        const { ms, outcome } = yield* call(server.url("huge"), { maxResponseBytes: 1024 * 1024 })
        const error = transportError(outcome, "ResponseTooLarge")
        assert.include(error.message, "1048576 bytes")
        assert.isBelow(ms, BOUND)
        yield* allHungUp(server)
        assert.isBelow(server.bytesWritten(), FaultServer.HUGE_BYTES / 2, "the client stopped long before the end")
      }).pipe(Effect.scoped))
  }

  it.live("a 50 MB answer under the default limit: read whole and decoded, in bounded time", () =>
    Effect.gen(function*() {
      const server = yield* faultServer()
      const { ms, outcome } = yield* call(server.url("huge"), { timeout: "20 seconds" })
      assert.isTrue(Either.isRight(outcome), Either.isLeft(outcome) ? util.inspect(outcome.left) : "")
      const balance = Either.getOrThrow(outcome) as AccountBalance & { readonly padding?: string }
      assert.deepStrictEqual([balance.balance, balance.currency, balance.billing], [12.5, "eur", "prepaid"])
      // a field the SDK does not know is kept, whole
      assert.strictEqual(balance.padding?.length, FaultServer.hugeParts(FaultServer.HUGE_BYTES).padding)
      assert.isBelow(ms, 15_000)
      yield* closedWithClient(server)
    }).pipe(Effect.scoped))

  for (const status of [502, 503] as const) {
    it.live(`an nginx HTML ${status}: ServerErrorException with the status and the page as its body`, () =>
      Effect.gen(function*() {
        const server = yield* faultServer()
        const { ms, outcome } = yield* call(server.url(status === 502 ? "html502" : "html503"))
        const error = failureOf(outcome)
        assert.instanceOf(error, ServerErrorException)
        assert.strictEqual(error.status, status)
        assert.strictEqual(error.body, FaultServer.nginxPage(status))
        assert.strictEqual(error.headers["content-type"], "text/html")
        assert.isTrue(error.message.startsWith(`HTTP ${status}: <html>`), error.message)
        assert.isUndefined(error.type)
        assert.isUndefined(error.code)
        assert.isBelow(ms, BOUND)
        yield* closedWithClient(server)
      }).pipe(Effect.scoped))
  }
})

// ---------------------------------------------------------------------------
// No secret in errors, log lines or spans
// ---------------------------------------------------------------------------

/** Each fault a call can meet, with the error it must end in (the cases above). */
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

// ---------------------------------------------------------------------------
// Nothing keeps the process alive after close()
// ---------------------------------------------------------------------------

const CHILD = fileURLToPath(new URL("fixtures/closeThenExit.ts", import.meta.url))
const ROOT = fileURLToPath(new URL("../../..", import.meta.url))
/** From the child's report (written after close()) to its exit. */
const EXIT_BOUND = 3_000
/** The whole run, startup included; past it the child is killed and the test fails. */
const RUN_BOUND = 45_000

interface ChildRun {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly report: Report | undefined
  /** Milliseconds from the report to the exit. */
  readonly exitAfter: number | undefined
  readonly stderr: string
}

const runChild = (args: ReadonlyArray<string>) =>
  Effect.async<ChildRun>((resume) => {
    const child = ChildProcess.spawn(process.execPath, ["--import", "tsx", CHILD, ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    let reportedAt: number | undefined
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8")
      if (reportedAt === undefined && stdout.includes("\n")) reportedAt = performance.now()
    })
    child.stderr.on("data", (chunk: Buffer) => stderr += chunk.toString("utf8"))
    const killer = setTimeout(() => child.kill("SIGKILL"), RUN_BOUND)
    let exitedAt = 0
    child.once("exit", () => exitedAt = performance.now())
    // after "exit", once stdout and stderr are read to their end
    child.once("close", (code, signal) => {
      clearTimeout(killer)
      const line = stdout.split("\n")[0]
      resume(Effect.succeed({
        code,
        signal,
        report: line === undefined || line === "" ? undefined : JSON.parse(line) as Report,
        exitAfter: reportedAt === undefined ? undefined : exitedAt - reportedAt,
        stderr
      }))
    })
    return Effect.sync(() => {
      clearTimeout(killer)
      child.kill("SIGKILL")
    })
  })

describe("a closed client lets the process exit by itself", () => {
  const runs = [
    ["promise", "node", "the Promise client, default client"],
    ["promise", "fetch", "the Promise client over fetch"],
    ["effect", "node", "an Effect program over SmsCx.layer"],
    ["effect", "fetch", "an Effect program over FetchClient"]
  ] as const

  for (const [style, client, title] of runs) {
    it.live(
      `${title}: trickle, slow headers, 50 MB answers, a cut answer, then close: exit 0, promptly`,
      () =>
        Effect.gen(function*() {
          const server = yield* faultServer()
          const run = yield* runChild([style, client, String(server.port)])
          assert.deepStrictEqual([run.code, run.signal], [0, null], run.stderr)
          assert.isDefined(run.report, `no report; stderr:\n${run.stderr}`)
          const report = run.report!
          assert.deepStrictEqual(report.outcomes, [
            "TransportError Timeout",
            "TransportError Timeout",
            "TransportError ResponseTooLarge",
            "ok",
            "TransportError Transport",
            "ok"
          ])
          assert.notInclude(report.resources, "TCPSocketWrap", `resources: ${report.resources.join(", ")}`)
          assert.notInclude(report.resources, "Timeout", `resources: ${report.resources.join(", ")}`)
          if (client === "node") assert.strictEqual(report.openConnections, 0, "the client's connections all ended")
          assert.isBelow(run.exitAfter!, EXIT_BOUND, "the process lingered after close()")
        }).pipe(Effect.scoped),
      RUN_BOUND + 5_000
    )
  }
})
