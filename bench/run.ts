/**
 * `pnpm bench`: the SDK's speed and size, each as a ratio against a baseline measured in the same
 * run, medians of interleaved rounds. Nothing here is a test: it prints figures, each beside its
 * target. `--quick` runs fewer rounds; `--only <section>` (repeatable, or comma-separated) runs
 * the sections named, in this order:
 *
 * - `per-call` (per-call.ts): getAccountBalance and sendSms (one recipient) against a trivial
 *   loopback server (fixed bodies, no work): bare `node:http` (keep-alive), bare `fetch`, and the
 *   SDK, Effect and Promise, on its default Node client and on fetch, each client in a process
 *   of its own and driven as its users call it (an Effect program for the Effect client); wall
 *   µs and client CPU per call sequentially, req/s at 16 in flight. Targets: SDK <= 1.15x its
 *   bare baseline sequentially, >= 0.85 of its req/s.
 * - `decoding`: a 25,000-recipient sendSms answer vs JSON.parse alone. Target: <= 3x.
 * - `bundle`: esbuild bundles (minified + gzip) of a program sending one SMS. Target: within
 *   `BUDGET` of scripts/bundle-size.ts (min+gz).
 * - `import` (cold-import.ts): a new node process importing the packed Promise client, stripe or
 *   openai (ESM, each npm-installed in a temp project, installs.ts). Target: below stripe.
 * - `install` (install-size.ts): packages and MB of `npm install --omit=dev` of the packed Promise
 *   client, stripe and openai. Target: <= 3 packages, <= 10 MB.
 * - `typecheck` (typecheck.ts): `tsc --noEmit` of a 4-line program using the packed Promise
 *   client, stripe or openai (the same installs), and of an empty program, the floor: wall and
 *   check time, types, instantiations. Target: the SDK's within 1 s.
 * - `sandbox` (sandbox-load.ts): POST /sms at 64 in flight against the sandbox, Prism and a bare
 *   `node:http` server, req/s and p50/p99; the sandbox's RSS after. Targets: >= 4x Prism's req/s,
 *   >= 0.4x the bare server's.
 * - `accounting` (sandbox-accounting.ts): 10,000 sendSms at once (2,000 with `--quick`), the
 *   balance running out part-way, and 1,000 idempotency ids each sent twice at once (300),
 *   in-process: sends a second, and the balance and the messages kept checked to the micro
 *   against the answers. The tests check the same at a few hundred sends.
 * - `bulk` (bulk.ts): 1,000,000 recipients (100,000 with `--quick`) at a fixed rate limit,
 *   achieved/allowed rate (target >= 0.95) and peak RSS vs a plain loop over `fetch` (target
 *   <= 2x); 100,000 recipients through 10% injected faults, checked on the sandbox's own record.
 *   It takes bulk.ts's own flags too (`--recipients`, `--rate`, ...).
 * - `workers` (workers.ts): one bulk job of 200,000 recipients (100,000 with `--quick`) run by 1
 *   worker process, then by 4, through one Redis, under a rate limit one worker cannot fill alone
 *   (a slow API, one chunk in flight a worker): achieved/allowed rate of each, 4 vs 1, 429s, each
 *   worker's peak RSS. Target: 4 together >= 90% of the limit. Needs Redis (skipped without).
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { Sms, SmsCx } from "@smscx/client"
import { Api, JsonGuard } from "@smscx/core"
import { Sandbox } from "@smscx/sandbox"
import { Effect, Layer, ManagedRuntime } from "effect"
import * as BundleSize from "../scripts/bundle-size.js"
import * as BulkBench from "./bulk.js"
import * as ColdImport from "./cold-import.js"
import { fmt } from "./figures.js"
import * as InstallSize from "./install-size.js"
import * as PerCall from "./per-call.js"
import * as SandboxAccounting from "./sandbox-accounting.js"
import * as SandboxLoad from "./sandbox-load.js"
import * as Typecheck from "./typecheck.js"
import * as Workers from "./workers.js"

const sections = [
  "per-call",
  "decoding",
  "bundle",
  "import",
  "install",
  "typecheck",
  "sandbox",
  "accounting",
  "bulk",
  "workers"
] as const
type Section = (typeof sections)[number]

/**
 * The sections `--only` names (all when none), and the other flags, which bulk.ts reads
 * strictly (so that a mistyped one fails before any section runs).
 */
const parseArgs = (): { readonly selected: ReadonlySet<Section>; readonly rest: ReadonlyArray<string> } => {
  const named: Array<string> = []
  const rest: Array<string> = []
  const args = process.argv.slice(2)
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === "--only") named.push(...(args[++i] ?? "").split(","))
    else if (arg.startsWith("--only=")) named.push(...arg.slice("--only=".length).split(","))
    else rest.push(arg)
  }
  const unknown = named.filter((name) => !(sections as ReadonlyArray<string>).includes(name))
  if (unknown.length > 0) {
    throw new Error(
      `--only: no section ${unknown.map((n) => `"${n}"`).join(", ")}; the sections: ${sections.join(", ")}`
    )
  }
  return { selected: new Set(named.length === 0 ? sections : (named as Array<Section>)), rest }
}

const { rest, selected } = parseArgs()
const quick = rest.includes("--quick")
const bulkSettings = BulkBench.settingsOf(rest)
const apiKey = "bench-key"

// ---------------------------------------------------------------------------
// Decoding a 25,000-recipient answer
// ---------------------------------------------------------------------------

const decoding = async () => {
  const N = 25_000
  const to = Array.from({ length: N }, (_, i) => `+3161${String(2000000 + i).padStart(7, "0")}`)
  const sandbox = Sandbox.inProcessFetch({ apiKeys: [apiKey], balance: 1_000_000_000 })
  const res = await sandbox.fetch("http://sandbox.local/sms", {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": apiKey },
    body: JSON.stringify({ to, from: "InfoText", text: "Your order has shipped." })
  })
  const text = await res.text()
  await sandbox.close?.()
  if (res.status !== 200) throw new Error(`the sandbox answered ${res.status}: ${text.slice(0, 300)}`)
  const guard = JsonGuard.of(Api.Sms.sendSms.success.schema)!
  const time = (f: () => unknown, n = quick ? 5 : 20) => {
    for (let i = 0; i < 3; i++) f()
    const start = performance.now()
    for (let i = 0; i < n; i++) f()
    return (performance.now() - start) / n
  }
  const parse = time(() => JSON.parse(text))
  const decode = time(() => {
    const json = JSON.parse(text)
    if (!guard(json)) throw new Error("the schema guard rejected the sandbox's answer")
    return json
  })
  // the whole SDK call over an in-memory HttpClient: validating 25,000 recipients, encoding the
  // body, decoding the answer
  const memory = Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((req) => Effect.sync(() => HttpClientResponse.fromWeb(req, new Response(text, { status: 200 }))))
  )
  const runtime = ManagedRuntime.make(
    SmsCx.layerWithoutHttpClient({ apiKey, retry: false }).pipe(Layer.provide(memory))
  )
  const call = Effect.flatMap(Sms, (sms) => sms.sendSms({ to, from: "InfoText", text: "Your order has shipped." }))
  await runtime.runPromise(call)
  const start = performance.now()
  const calls = quick ? 3 : 10
  for (let i = 0; i < calls; i++) await runtime.runPromise(call)
  const whole = (performance.now() - start) / calls
  await runtime.dispose()
  console.log(`\n## Decoding a 25,000-recipient sendSms answer (${fmt(text.length / 1e6, 1)} MB)\n`)
  console.log("| step | ms | vs JSON.parse |")
  console.log("|---|---:|---:|")
  console.log(`| JSON.parse alone | ${fmt(parse, 1)} | 1.00x |`)
  console.log(`| SDK decode (JSON.parse + schema guard) | ${fmt(decode, 1)} | ${fmt(decode / parse, 2)}x |`)
  console.log(
    `| whole SDK call, in-memory HTTP (validate 25,000 recipients, encode, decode) | ${fmt(whole, 1)} | ${
      fmt(whole / parse, 2)
    }x |`
  )
  console.log("\n(target: SDK decode <= 3x JSON.parse)")
}

// ---------------------------------------------------------------------------
// Bundle size
// ---------------------------------------------------------------------------

const bundles = async () => {
  console.log("\n## esbuild bundle of a program that sends one SMS (minified, ESM)\n")
  console.log(BundleSize.table(await BundleSize.measure()))
  console.log(
    `\n(target: <= ${BundleSize.BUDGET / 1000} KB min+gz for the budgeted programs, checked in CI by ` +
      "`pnpm bundle-size --check`; platform node uses node:http, browser uses fetch; -barrel imports from \"effect\" rather than \"effect/Effect\", which esbuild does not shake as well)"
  )
}

if (selected.has("per-call")) await PerCall.run(PerCall.settingsOf(quick))
if (selected.has("decoding")) await decoding()
if (selected.has("bundle")) await bundles()
if (selected.has("import")) await ColdImport.run(quick ? 5 : 15)
if (selected.has("install")) await InstallSize.run()
if (selected.has("typecheck")) await Typecheck.run(quick ? 3 : 7)
if (selected.has("sandbox")) await SandboxLoad.run(SandboxLoad.settingsOf(quick))
if (selected.has("accounting")) {
  await SandboxAccounting.run(quick ? { sends: 2000, pairs: 300 } : { sends: 10_000, pairs: 1000 })
}
if (selected.has("bulk")) await BulkBench.run(bulkSettings)
if (selected.has("workers")) await Workers.run({ quick })
