/**
 * Send one SMS to a long list of numbers with `Bulk`: chunked, paced under the account's rate
 * limit, each chunk retried safely; a progress bar while it runs (one line per chunk when the
 * output is not a terminal), then the outcome.
 *
 * On the real API the numbers come from the file named by `SMSCX_BULK_FILE`, one a line (an
 * example never makes up recipients for real messages); on the embedded sandbox, 60,000 generated
 * Dutch numbers, a few of them invalid. The bar's total is unknown for a file (it is not read twice).
 */
import { Bulk } from "@smscx/client"
import { SingleBar } from "cli-progress"
import { Duration, Effect, Stream } from "effect"
import { bulkRecipients, SmsCxLive } from "../_runtime.js"

const money = (amount: number) => amount.toFixed(3)

const program = Effect.gen(function*() {
  const bulk = yield* Bulk.Bulk
  const { numbers, total } = bulkRecipients()
  const recipients = Symbol.asyncIterator in numbers ? Stream.fromAsyncIterable(numbers, (cause) => cause) : numbers
  // allowInvalid: an invalid number in a list is skipped and reported, not a failure of its whole chunk
  const message = { from: "InfoText", text: "Our summer sale starts today: 20% off everything.", allowInvalid: true }

  const tty = process.stdout.isTTY === true
  const bar = new SingleBar({
    format: "{bar} {percentage}% | {value}/{total} recipients | {accepted} accepted | cost {cost} | {duration}s",
    hideCursor: true,
    stream: process.stdout
  })
  if (tty) bar.start(total ?? 0, 0, { accepted: 0, cost: money(0) })

  // smaller chunks than the API's 25,000 a request, so that the progress moves often
  const events = bulk.sms.events(recipients, message, { chunkSize: 1_000 })
  const outcome = yield* Stream.runFoldEffect(
    events,
    undefined as Bulk.Outcome<"sms"> | undefined,
    (_, event) =>
      Effect.sync(() => {
        if (event._tag === "Completed") return event.outcome
        const { accepted, cost, recipients: done } = event.progress
        if (tty) {
          bar.update(done, { accepted, cost: money(cost) })
        } else if (event._tag === "ChunkSent") {
          console.log(
            `chunk ${event.index} sent: ${done}/${total ?? "?"} recipients, ${accepted} accepted, cost ${money(cost)}`
          )
        } else {
          console.log(
            `chunk ${event.chunk.index} failed (${event.chunk.error._tag}): ${done}/${total ?? "?"} recipients`
          )
        }
        return undefined
      })
  ).pipe(Effect.ensuring(Effect.sync(() => tty && bar.stop())))
  if (outcome === undefined) return yield* Effect.dieMessage("the send ended without its outcome")

  console.log(`sent in ${Duration.format(Duration.millis(Math.round(Duration.toMillis(outcome.elapsed))))}`)
  console.log(`  accepted:   ${outcome.accepted} messages in ${outcome.chunksSent} requests`)
  console.log(`  invalid:    ${outcome.invalid} (${[...new Set(outcome.invalidNumbers)].join(", ")})`)
  console.log(`  duplicates: ${outcome.duplicates}`)
  console.log(`  cost:       ${money(outcome.cost)}`)
  console.log(`  failed:     ${outcome.failed.length} chunks, ${outcome.recipientsFailed} recipients`)
  for (const chunk of outcome.failed) {
    console.log(`    chunk ${chunk.index}: ${chunk.error._tag}: ${chunk.error.message}`)
  }
  if (outcome.failed.length > 0) {
    // the same idempotency ids: a chunk that did reach the API after all is not sent twice
    const again = yield* bulk.sms.retryFailed(outcome.failed, message)
    console.log(`  sent again: ${again.accepted} accepted, ${again.failed.length} chunks still failed`)
  }
})

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
