/**
 * Send one SMS to a long list of numbers with the Promise client's `bulk.sms`: chunked, paced
 * under the account's rate limit, each chunk retried safely. `onProgress` prints a line per chunk;
 * Ctrl-C stops the send between chunks (the chunks in flight finish) and the outcome says what
 * was sent.
 *
 * On the real API the numbers come from the file named by `SMSCX_BULK_FILE`, one a line, read
 * as they are sent; on the embedded sandbox, 60,000 generated Dutch numbers, a few of them invalid.
 */
import { bulkRecipients, makeClient } from "../_runtime.js"

const { numbers } = bulkRecipients()
await using client = makeClient()

// Ctrl-C: stop sending new chunks, and still print the outcome
const controller = new AbortController()
const onSigint = () => {
  console.error("stopping: the chunks in flight finish, no new one starts")
  controller.abort()
}
process.once("SIGINT", onSigint)

// allowInvalid: an invalid number in a list is skipped and reported, not a failure of its whole chunk
const message = { from: "InfoText", text: "Our summer sale starts today: 20% off everything.", allowInvalid: true }
try {
  const outcome = await client.bulk.sms(numbers, message, {
    // smaller chunks than the API's 25,000 a request, so that the progress moves often
    chunkSize: 1_000,
    signal: controller.signal,
    onProgress: (progress, event) => {
      const what = event._tag === "ChunkSent"
        ? `chunk ${event.index} sent`
        : `chunk ${event.chunk.index} failed (${event.chunk.error._tag})`
      console.log(`${what}: ${progress.recipients} recipients, ${progress.accepted} accepted, cost ${progress.cost}`)
    }
  })

  console.log(`${outcome.stopped ? "stopped" : "sent"} after ${outcome.chunksSent + outcome.chunksFailed} chunks`)
  console.log(`  accepted:   ${outcome.accepted} messages`)
  console.log(`  invalid:    ${outcome.invalid} (${[...new Set(outcome.invalidNumbers)].join(", ")})`)
  console.log(`  duplicates: ${outcome.duplicates}`)
  console.log(`  cost:       ${outcome.cost}`)
  console.log(`  failed:     ${outcome.failed.length} chunks, ${outcome.recipientsFailed} recipients`)
  for (const chunk of outcome.failed) console.log(`    chunk ${chunk.index}: ${chunk.error.message}`)
  if (outcome.failed.length > 0 && !outcome.stopped) {
    // the same idempotency ids: a chunk that did reach the API after all is not sent twice
    const again = await client.bulk.sms.retryFailed(outcome.failed, message)
    console.log(`  sent again: ${again.accepted} accepted, ${again.failed.length} chunks still failed`)
  }
} finally {
  process.off("SIGINT", onSigint)
}
