/**
 * The sandbox's memory over many sends (issue 16, item 17): `node --expose-gc --import tsx
 * bench/sandbox-memory.ts [--sends 1000000] [--every 100000] [--in-flight 32]
 * [--schedule-days 13]`. Not a test: it prints figures.
 *
 * One sandbox at its default settings (but for a balance and a rate limit no run reaches) answers
 * in-process (`Sandbox.inProcessFetch`: nothing touches the network). Every send is one recipient
 * with an idempotency id (as the SDK's sends carry) and a `dlrCallbackUrl` on loopback, scheduled
 * `--schedule-days` ahead (0: sent at once), so its delivery reports are work the sandbox holds
 * for days: the case of a sandbox left running under load. After every `--every` sends, and
 * after `POST /__sandbox/reset`, the garbage is collected (with `--expose-gc`) and RSS and heap
 * printed.
 */
import { Sandbox } from "@smscx/sandbox"
import { parseArgs } from "node:util"

const { values } = parseArgs({
  options: {
    sends: { type: "string", default: "1000000" },
    every: { type: "string", default: "100000" },
    "in-flight": { type: "string", default: "32" },
    "schedule-days": { type: "string", default: "13" }
  }
})
const SENDS = Number(values.sends)
const EVERY = Number(values.every)
const IN_FLIGHT = Number(values["in-flight"])
const SCHEDULE_DAYS = Number(values["schedule-days"])
const API_KEY = "bench-key"

const gc = (globalThis as { gc?: () => void }).gc
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0).padStart(6)
const figures = (label: string) => {
  gc?.()
  gc?.()
  const { external, heapUsed, rss } = process.memoryUsage()
  return `${label.padEnd(22)} RSS ${mb(rss)} MB   heap ${mb(heapUsed)} MB   external ${mb(external)} MB`
}

const pad = (n: number) => String(n).padStart(2, "0")
/** `YYYY-MM-DD HH:MM:SS`, UTC, `days` from now. */
const scheduleOf = (days: number) => {
  const d = new Date(Date.now() + days * 86_400_000)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
}

const main = async () => {
  console.log(
    `sandbox memory: ${SENDS.toLocaleString("en-US")} sends, ${IN_FLIGHT} in flight, ` +
      (SCHEDULE_DAYS > 0 ? `scheduled ${SCHEDULE_DAYS} days ahead` : "sent at once") +
      `, each with an idempotency id and a loopback dlrCallbackUrl${gc === undefined ? " (no --expose-gc)" : ""}`
  )
  console.log(figures("start"))
  const { close, fetch } = Sandbox.inProcessFetch({
    apiKeys: [API_KEY],
    balance: 1_000_000_000,
    rateLimit: { limit: 1_000_000_000, windowSeconds: 1 }
  })
  const scheduledDate = SCHEDULE_DAYS > 0 ? scheduleOf(SCHEDULE_DAYS) : undefined
  // nothing listens there: with `--schedule-days 0` the reports are tried and fail, at once
  const dlrCallbackUrl = "http://127.0.0.1:9/dlr"
  const headers = { "X-API-KEY": API_KEY, "Content-Type": "application/json" }
  const send = async (i: number) => {
    const response = await fetch("/sms", {
      method: "POST",
      headers,
      body: JSON.stringify({
        to: [`+3161${String(i % 10_000_000).padStart(7, "0")}`],
        from: "InfoText",
        text: "Your order has shipped.",
        idempotencyId: crypto.randomUUID(),
        dlrCallbackUrl,
        ...(scheduledDate === undefined ? {} : { scheduledDate })
      })
    })
    if (response.status !== 200) throw new Error(`send ${i}: HTTP ${response.status}: ${await response.text()}`)
    await response.arrayBuffer()
  }

  const started = performance.now()
  let next = 0
  let done = 0
  let reported = 0
  const worker = async () => {
    while (next < SENDS) {
      const i = next++
      await send(i)
      done++
      if (done - reported >= EVERY && done % EVERY === 0) {
        reported = done
        const seconds = (performance.now() - started) / 1000
        console.log(`${figures(`${done.toLocaleString("en-US")} sends`)}   ${(done / seconds).toFixed(0)} sends/s`)
      }
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
  const state = await fetch("/__sandbox/state")
  if (state.status === 200) console.log(`control API state: ${await state.text()}`)
  const reset = await fetch("/__sandbox/reset", { method: "POST" })
  if (reset.status !== 200) throw new Error(`reset: HTTP ${reset.status}`)
  // a moment for what the reset let go of
  await new Promise((resolve) => setTimeout(resolve, 200))
  console.log(figures("after reset"))
  await close()
  process.exit(0)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
