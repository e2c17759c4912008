/**
 * The sandbox's accounting at volume (section 6 of `pnpm bench`; alone: `tsx
 * bench/sandbox-accounting.ts [--sends 10000] [--pairs 1000]`). Not a test: it prints figures,
 * and fails only when the sandbox's own record does not add up. The test suite
 * (packages/sandbox/test/load.test.ts) checks the same at a few hundred sends.
 *
 * One sandbox answers in-process (its web handler; nothing touches the network):
 *
 * 1. `--sends` sendSms at once, one recipient each, the balance running out part-way: every
 *    accepted send charged once, every refused one answered 1113 and kept nowhere, the balance
 *    at the end exactly the start less the costs answered (to the micro);
 * 2. `--pairs` idempotency ids each sent twice at once: each performed and charged once, both
 *    answers the same.
 */
import * as HttpApp from "@effect/platform/HttpApp"
import { Sandbox } from "@smscx/sandbox"
import { Effect } from "effect"
import { parseArgs } from "node:util"

const API_KEY = "bench-key"

/** Valid mobile numbers of six countries of the price list, the countries in turn. */
const makers: ReadonlyArray<(i: number) => string> = [
  (i) => `+3161${String(i).padStart(7, "0")}`,
  (i) => `+49151${String(i).padStart(8, "0")}`,
  (i) => `+336${String(i).padStart(8, "0")}`,
  (i) => `+447400${String(i % 1_000_000).padStart(6, "0")}`,
  (i) => `+40721${String(i % 1_000_000).padStart(6, "0")}`,
  (i) => `+1201555${String(i % 10_000).padStart(4, "0")}`
]
const recipient = (i: number) => makers[i % makers.length]!(i)

/** Micros in an amount from the wire (a decimal of at most 6 places). */
const micros = (amount: number) => Math.round(amount * 1_000_000)

interface Sent {
  readonly status: number
  readonly json: {
    readonly data?: ReadonlyArray<{ readonly msgId: string; readonly cost: number }>
    readonly error?: { readonly code: number }
  }
}

const sandboxWith = (balance: number) =>
  Effect.gen(function*() {
    const sandbox = yield* Sandbox.make({
      apiKeys: [API_KEY],
      balance,
      // a rate limit no load here reaches
      rateLimit: { limit: 1_000_000_000, windowSeconds: 1 }
    })
    const handler = HttpApp.toWebHandlerRuntime(yield* Effect.runtime<never>())(sandbox.app)
    const send = (to: string, idempotencyId?: string) =>
      Effect.promise(async (): Promise<Sent> => {
        const response = await handler(
          new Request(`${Sandbox.baseUrl}/sms`, {
            method: "POST",
            headers: { "X-API-KEY": API_KEY, "Content-Type": "application/json" },
            body: JSON.stringify({ to: [to], from: "InfoText", text: "Your order has shipped.", idempotencyId })
          })
        )
        return { status: response.status, json: JSON.parse(await response.text()) }
      })
    return { sandbox, send }
  })

const fail = (message: string): never => {
  throw new Error(`the sandbox's record does not add up: ${message}`)
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })

/** `sends` sends at once, against a balance that pays for about half of them. */
const balanceRunningOut = (sends: number) =>
  Effect.gen(function*() {
    // about 0.0525 a send on average over the six countries
    const start = Math.round(sends * 0.0525 / 2)
    const { sandbox, send } = yield* sandboxWith(start)
    const began = performance.now()
    const answers = yield* Effect.forEach(
      Array.from({ length: sends }, (_, i) => recipient(i)),
      (to) => send(to),
      { concurrency: "unbounded" }
    )
    const ms = performance.now() - began
    const accepted = answers.filter((a) => a.status === 200).map((a) => a.json.data![0]!)
    const refused = answers.filter((a) => a.status !== 200)
    for (const a of refused) if (a.json.error?.code !== 1113) fail(`a send refused with ${JSON.stringify(a.json)}`)
    if (accepted.length === 0 || refused.length === 0) fail("the balance did not run out part-way")
    const charged = accepted.reduce((sum, m) => sum + micros(m.cost), 0)
    const balance = micros(yield* sandbox.balance)
    if (balance !== micros(start) - charged) fail(`balance ${balance} µ, expected ${micros(start) - charged} µ`)
    const kept = yield* sandbox.messages
    const answered = new Set(accepted.map((m) => m.msgId))
    if (answered.size !== accepted.length) fail("a msgId answered twice")
    if (kept.length !== accepted.length || kept.some((m) => !answered.has(m.msgId))) {
      fail(`${kept.length} messages kept for ${accepted.length} accepted`)
    }
    return { sends, accepted: accepted.length, refused: refused.length, ms }
  })

/** `pairs` idempotency ids, each sent twice at once. */
const idempotentPairs = (pairs: number) =>
  Effect.gen(function*() {
    const { sandbox, send } = yield* sandboxWith(pairs)
    const ids = Array.from({ length: pairs }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`)
    const began = performance.now()
    const answers = yield* Effect.forEach(
      ids.flatMap((id, i) => [[id, recipient(i)], [id, recipient(i)]] as const),
      ([id, to]) => send(to, id),
      { concurrency: "unbounded" }
    )
    const ms = performance.now() - began
    let charged = 0
    for (let i = 0; i < pairs; i++) {
      const [first, second] = [answers[2 * i]!, answers[2 * i + 1]!]
      if (first.status !== 200 || JSON.stringify(first.json) !== JSON.stringify(second.json)) {
        fail(`${ids[i]}: answers ${first.status} and ${second.status} differ`)
      }
      charged += micros(first.json.data![0]!.cost)
    }
    const kept = yield* sandbox.messages
    if (kept.length !== pairs) fail(`${kept.length} messages kept for ${pairs} ids`)
    if (micros(yield* sandbox.balance) !== micros(pairs) - charged) fail("a repeat was charged")
    return { sends: 2 * pairs, ms }
  })

export interface Settings {
  readonly sends: number
  readonly pairs: number
}

export const run = async (settings: Settings) => {
  console.log("\n## The sandbox's accounting under load: sendSms all at once, in-process, checked on its record\n")
  const out = await Effect.runPromise(balanceRunningOut(settings.sends))
  const pairs = await Effect.runPromise(idempotentPairs(settings.pairs))
  console.log("| run | sends | ms | sends/s | record |")
  console.log("|---|---:|---:|---:|---|")
  console.log(
    `| balance running out part-way (${fmt(out.accepted)} accepted, ${fmt(out.refused)} refused 1113) | ${
      fmt(out.sends)
    } | ${fmt(out.ms)} | ${fmt(out.sends / (out.ms / 1000))} | adds up to the micro |`
  )
  console.log(
    `| ${fmt(settings.pairs)} idempotency ids, each sent twice at once | ${fmt(pairs.sends)} | ${fmt(pairs.ms)} | ${
      fmt(pairs.sends / (pairs.ms / 1000))
    } | each performed and charged once |`
  )
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { sends: { type: "string", default: "10000" }, pairs: { type: "string", default: "1000" } }
  })
  await run({ sends: Number(values.sends), pairs: Number(values.pairs) })
}
