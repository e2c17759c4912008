#!/usr/bin/env node
/**
 * The sandbox as a command, `smscx-sandbox` (`npx @smscx/sandbox`; `pnpm sandbox` in this
 * repository):
 *
 * `smscx-sandbox [--port 4010] [--host 127.0.0.1] [--api-key KEY ...] [--application ID:SECRET ...]
 * [--balance N] [--currency eur|usd] [--rate-limit N/SECONDS] [--token-lifetime SECONDS]
 * [--max-body-bytes N] [--max-messages N] [--allowed-host NAME ...] [--fault KIND:RATE[:operationId,...] ...]
 * [--fault-seed N] [--version] [--help]`
 *
 * Listens on loopback unless `--host` says otherwise; prints its URL, which credentials it
 * accepts (counts only: never the keys or secrets themselves) and the faults it injects. A port
 * or address it cannot listen on (in use, privileged, not this machine's) is one line on stderr
 * and exit code 1; a usage error, the usage and exit code 2.
 *
 * @since 0.1.0
 */
import * as HttpServer from "@effect/platform/HttpServer"
import * as Console from "effect/Console"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import { parseArgs } from "node:util"
import * as Control from "./internal/app/control.js"
import { DEFAULT_MAX_BODY_BYTES } from "./internal/kernel/body.js"
import * as Faults from "./internal/kernel/faults.js"
import { hostnameOf } from "./internal/kernel/guard.js"
import * as NodeServer from "./internal/kernel/nodeServer.js"
import { runMain } from "./internal/kernel/runMain.js"
import { DEFAULT_MAX_MESSAGES } from "./internal/state/store.js"
import { version } from "./internal/version.js"
import * as Sandbox from "./Sandbox.js"

class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

/** The command's own name, which starts its messages. */
const NAME = "smscx-sandbox"

/**
 * How the user ran it, for the usage line: `npx @smscx/sandbox` (npm sets `npm_command=exec` for
 * `npx` and `npm exec`), `pnpm sandbox` (this repository's script), else the bin's name.
 */
const invokedAs = (env: NodeJS.ProcessEnv): string => {
  if (env["npm_command"] === "exec" || env["npm_lifecycle_event"] === "npx") return "npx @smscx/sandbox"
  if (env["npm_lifecycle_event"] === "sandbox" && (env["npm_lifecycle_script"] ?? "").includes("sandbox/src/bin.ts")) {
    return "pnpm sandbox"
  }
  return NAME
}

const usage = `Usage: ${invokedAs(process.env)} [options]

  --port N                 port to listen on (default 4010; 0: a random free port)
  --host HOST              address to bind (default 127.0.0.1)
  --api-key KEY            an accepted X-API-KEY (repeatable; none: any non-empty key)
  --application ID:SECRET  an accepted OAuth application (repeatable; none: any non-empty pair)
  --balance N              starting prepaid balance (default 100)
  --currency eur|usd       account currency (default eur)
  --rate-limit N/SECONDS   requests per window per credential (default 1000/1)
  --token-lifetime SECONDS access token lifetime, 0 for tokens that never expire (default 86400)
  --max-body-bytes N       largest request body accepted; larger ones get 413 (default 16777216, 16 MiB)
  --max-messages N         messages kept (outbox, reports); past it the oldest are dropped (default 100000)
  --allowed-host NAME      a Host name the sandbox answers as, besides loopback's and the --host address
                           (repeatable; e.g. the name of its container): others are refused 403
  --fault KIND:RATE[:OPS]  inject a fault into API requests with probability RATE (0 to 1), on every
                           route or only on OPS, a comma-separated list of operationIds (repeatable;
                           the first rule hit wins). KIND: ${Faults.kinds.join(", ")}
  --fault-seed N           seeds the draws of faults: the same seed and requests meet the same faults
                           (default 0)
  -v, --version            print the version (${version})
  -h, --help               show this help`

const number = (name: string, raw: string, check: (n: number) => boolean) => {
  const n = Number(raw)
  return raw.trim() !== "" && Number.isFinite(n) && check(n)
    ? Effect.succeed(n)
    : Effect.fail(new UsageError({ message: `--${name}: not a valid value: ${raw}` }))
}

const parse = Effect.gen(function*() {
  const { values } = yield* Effect.try({
    try: () =>
      parseArgs({
        options: {
          port: { type: "string", default: "4010" },
          host: { type: "string", default: "127.0.0.1" },
          "api-key": { type: "string", multiple: true, default: [] },
          application: { type: "string", multiple: true, default: [] },
          balance: { type: "string", default: "100" },
          currency: { type: "string", default: "eur" },
          "rate-limit": { type: "string", default: "1000/1" },
          "token-lifetime": { type: "string", default: "86400" },
          "max-body-bytes": { type: "string", default: String(DEFAULT_MAX_BODY_BYTES) },
          "max-messages": { type: "string", default: String(DEFAULT_MAX_MESSAGES) },
          "allowed-host": { type: "string", multiple: true, default: [] },
          fault: { type: "string", multiple: true, default: [] },
          "fault-seed": { type: "string", default: String(Faults.DEFAULT_SEED) },
          help: { type: "boolean", short: "h", default: false },
          version: { type: "boolean", short: "v", default: false }
        },
        strict: true,
        allowPositionals: false
      }),
    catch: (error) => new UsageError({ message: error instanceof Error ? error.message : String(error) })
  })
  if (values.help) return "help" as const
  if (values.version) return "version" as const
  const port = yield* number("port", values.port, (n) => Number.isInteger(n) && n >= 0 && n <= 65_535)
  const balance = yield* number("balance", values.balance, (n) => n >= 0)
  const tokenLifetimeSeconds = yield* number(
    "token-lifetime",
    values["token-lifetime"],
    (n) => Number.isInteger(n) && n >= 0
  )
  const maxBodyBytes = yield* number("max-body-bytes", values["max-body-bytes"], (n) => Number.isInteger(n) && n > 0)
  const maxMessages = yield* number("max-messages", values["max-messages"], (n) => Number.isSafeInteger(n) && n > 0)
  for (const name of values["allowed-host"]) {
    if (hostnameOf(name) === undefined) {
      return yield* new UsageError({ message: `--allowed-host: not a host name: ${name}` })
    }
  }
  const [limitRaw = "", windowRaw = "1"] = values["rate-limit"].split("/")
  const limit = yield* number("rate-limit", limitRaw, (n) => Number.isInteger(n) && n > 0)
  const windowSeconds = yield* number("rate-limit", windowRaw, (n) => n > 0)
  const currency = values.currency
  if (currency !== "eur" && currency !== "usd") {
    return yield* new UsageError({ message: `--currency: eur or usd, not ${currency}` })
  }
  const applications: Array<Sandbox.Application> = []
  for (const raw of values.application) {
    const colon = raw.indexOf(":")
    if (colon <= 0 || colon === raw.length - 1) {
      return yield* new UsageError({ message: "--application: expected ID:SECRET" })
    }
    applications.push({ applicationId: raw.slice(0, colon), applicationSecret: raw.slice(colon + 1) })
  }
  const rules: Array<unknown> = []
  for (const raw of values.fault) {
    const rule = Faults.parseFlag(raw)
    if (Either.isLeft(rule)) return yield* new UsageError({ message: rule.left })
    rules.push(rule.right)
  }
  const seed = yield* number("fault-seed", values["fault-seed"], Number.isSafeInteger)
  const faults = Faults.resolve({ seed, rules })
  if (Either.isLeft(faults)) return yield* new UsageError({ message: `--fault: ${faults.left.message}` })
  const options: Sandbox.Options & Sandbox.ServerOptions = {
    port,
    host: values.host,
    apiKeys: values["api-key"],
    applications,
    balance,
    currency,
    rateLimit: { limit, windowSeconds },
    tokenLifetimeSeconds,
    maxBodyBytes,
    maxMessages,
    allowedHosts: values["allowed-host"],
    faults: faults.right
  }
  return options
})

const wildcard = (host: string) => host === "0.0.0.0" || host === "::" || host === "[::]"

const loopback = (host: string) => host === "localhost" || host === "::1" || host.startsWith("127.")

const announce = (options: Sandbox.Options & Sandbox.ServerOptions) =>
  Layer.effectDiscard(Effect.gen(function*() {
    const server = yield* HttpServer.HttpServer
    const keys = options.apiKeys?.length ?? 0
    const apps = options.applications?.length ?? 0
    yield* Console.log(`SMS.CX sandbox listening on ${Sandbox.urlOf(server.address)}`)
    yield* Console.log(`  Inbox (web): ${Sandbox.urlOf(server.address)}${Control.PREFIX}ui`)
    yield* Console.log(`  API keys (X-API-KEY): ${keys === 0 ? "any non-empty key" : `${keys} configured`}`)
    yield* Console.log(
      `  OAuth applications (POST /oauth/token): ${apps === 0 ? "any non-empty id and secret" : `${apps} configured`}`
    )
    yield* Console.log(
      `  Request bodies up to ${options.maxBodyBytes} bytes; the last ${options.maxMessages} messages kept`
    )
    const controlPaths = [...new Set(Control.routes.map((route) => route.path).filter((path) => path !== ""))]
    yield* Console.log(
      `  Control API: ${Sandbox.urlOf(server.address)}${Control.PREFIX} (${controlPaths.join(", ")}); ` +
        "writes take JSON bodies; GET it for the index"
    )
    const bound = options.host ?? "127.0.0.1"
    const names = new Set([
      "localhost",
      "127.0.0.1",
      "[::1]",
      ...(wildcard(bound) ? [] : [bound]),
      ...(options.allowedHosts ?? [])
    ])
    yield* Console.log(`  Answers as ${[...names].join(", ")} (Host); refuses web pages of other origins`)
    const faults = options.faults
    if (faults !== undefined && faults.rules.length > 0) {
      yield* Console.log(`  Faults (seed ${faults.seed ?? Faults.DEFAULT_SEED}), the first rule hit wins:`)
      for (const rule of faults.rules) {
        const where = rule.operations === undefined ? "every API route" : rule.operations.join(", ")
        yield* Console.log(`    ${rule.kind} at rate ${rule.rate} on ${where}`)
      }
    }
    yield* Console.log(
      `  Balance ${options.balance} ${options.currency} (prepaid); rate limit ${options.rateLimit?.limit} requests ` +
        `per ${options.rateLimit?.windowSeconds} s per credential`
    )
    if (!loopback(options.host ?? "127.0.0.1")) {
      yield* Console.warn(
        `  Warning: bound to ${options.host}, reachable beyond this machine; name it with --allowed-host ` +
          "if it is reached by another name"
      )
    }
  }))

const main = Effect.gen(function*() {
  const options = yield* parse
  if (options === "help") return yield* Console.log(usage)
  if (options === "version") return yield* Console.log(version)
  return yield* Layer.launch(announce(options).pipe(Layer.provideMerge(Sandbox.layerServer(options)))).pipe(
    Effect.catchTag("ServeError", (error) =>
      Effect.zipRight(
        Console.error(
          `${NAME}: ${NodeServer.listenFailure(error.cause, options.host ?? "127.0.0.1", options.port ?? 0)}`
        ),
        Effect.sync(() => {
          process.exitCode = 1
        })
      ))
  )
}).pipe(
  Effect.catchTag("UsageError", (error) =>
    Effect.zipRight(
      Console.error(`${NAME}: ${error.message}\n\n${usage}`),
      Effect.sync(() => {
        process.exitCode = 2
      })
    ))
)

runMain(main)
