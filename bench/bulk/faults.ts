/**
 * The bulk benchmark's fault section: a send through injected faults, then the sandbox's own
 * record: every recipient accepted exactly once, and charged exactly once.
 */
import { runWorker, startSandbox } from "./processes.js"
import type { Settings } from "./settings.js"
import { BALANCE, fmt, MICROS, numbers } from "./shared.js"

/** 10% of requests meet a fault: 2% each of 429, 500, 503, a reset connection, a lost answer. */
const FAULTS = ["rateLimit", "serverError", "unavailable", "reset", "lostAnswer"] as const
const FAULT_RATE_LIMIT = 1000
/** Chunks of the fault section: small enough for hundreds of requests, so that 10% of them meet a fault. */
const FAULT_CHUNK = 250
/** Its draws of faults: a seed under which every kind is met. */
const FAULT_SEED = 3

interface Recorded {
  readonly to: string
  readonly cost: number
}

export const faultSection = async (script: string, settings: Settings) => {
  const { faultRecipients: recipients } = settings
  const chunk = FAULT_CHUNK
  console.log(
    `\n## Bulk send through injected faults: ${fmt(recipients)} recipients, chunks of ${fmt(chunk)}, ${
      FAULTS.map((kind) => `${kind} 2%`).join(", ")
    } (seed ${FAULT_SEED})\n`
  )
  const sandbox = await startSandbox([
    "--rate-limit",
    `${FAULT_RATE_LIMIT}/1`,
    ...FAULTS.flatMap((kind) => ["--fault", `${kind}:0.02`]),
    "--fault-seed",
    String(FAULT_SEED)
  ])
  const f = await runWorker(script, {
    client: "effect",
    url: sandbox.url,
    recipients,
    chunk,
    concurrency: settings.concurrency,
    limit: FAULT_RATE_LIMIT,
    window: 1,
    maxRetries: 10
  })
  // the sandbox's own record: what it sent and what it charged
  const { messages } = await sandbox.control<{ messages: ReadonlyArray<Recorded> }>("messages")
  const { balance } = await sandbox.control<{ balance: number }>("balance")
  await sandbox.stopped()
  const perRecipient = new Map<string, number>()
  let chargedMicros = 0
  for (const m of messages) {
    perRecipient.set(m.to, (perRecipient.get(m.to) ?? 0) + 1)
    chargedMicros += Math.round(m.cost * MICROS)
  }
  let lost = 0
  for (const to of numbers(recipients)) if (!perRecipient.has(to)) lost++
  let duplicated = 0
  for (const n of perRecipient.values()) if (n > 1) duplicated += n - 1
  const strangers = [...perRecipient.keys()].filter((to) =>
    !/^\+3161\d{7}$/.test(to) || Number(to.slice(5)) >= recipients
  )
  const debitedMicros = Math.round((BALANCE - balance) * MICROS)
  const faultsMet = (f.statuses["429"] ?? 0) + (f.statuses["500"] ?? 0) + (f.statuses["503"] ?? 0) + f.unanswered
  const yes = (ok: boolean) => ok ? "yes" : "NO"
  console.log("| figure | value |")
  console.log("|---|---:|")
  console.log(`| requests (first attempts and retries) | ${fmt(f.requests)} |`)
  console.log(
    `| faults met: 429 / 500 / 503 / no answer (reset or lost) | ${fmt(f.statuses["429"] ?? 0)} / ${
      fmt(f.statuses["500"] ?? 0)
    } / ${fmt(f.statuses["503"] ?? 0)} / ${fmt(f.unanswered)} (${fmt((100 * faultsMet) / f.requests, 1)}%) |`
  )
  console.log(`| chunks failed after 10 retries (then sent again by retryFailed) | ${fmt(f.failedChunks)} |`)
  console.log(`| accepted, as the SDK counted | ${fmt(f.accepted)} |`)
  console.log(`| messages on the sandbox's record | ${fmt(messages.length)} |`)
  console.log(`| distinct recipients on the record | ${fmt(perRecipient.size)} |`)
  console.log(`| lost (sent to the SDK, absent from the record) | ${fmt(lost)} |`)
  console.log(`| duplicated (messages beyond the first to a recipient) | ${fmt(duplicated)} |`)
  console.log(`| recipients on the record never given to the SDK | ${fmt(strangers.length)} |`)
  console.log(`| balance debited | ${fmt(debitedMicros / MICROS, 6)} |`)
  console.log(`| sum of the messages' costs | ${fmt(chargedMicros / MICROS, 6)} |`)
  console.log(`| cost, as the SDK counted | ${fmt(f.costMicros / MICROS, 6)} |`)
  console.log(`| wall time s | ${fmt(f.wallMs / 1000, 1)} |`)
  const exactlyOnce = lost === 0 && duplicated === 0 && strangers.length === 0 && perRecipient.size === recipients
  const chargedOnce = debitedMicros === chargedMicros && chargedMicros === f.costMicros
  if (!exactlyOnce || !chargedOnce || f.accepted !== recipients) process.exitCode = 1
  console.log(
    `\n(every recipient accepted exactly once: ${yes(exactlyOnce && f.accepted === recipients)}; ` +
      `charged exactly once (debit == sum of costs == the SDK's cost): ${yes(chargedOnce)})`
  )
}
