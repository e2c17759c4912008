/**
 * A resumable bulk send of 100,000 recipients read from a CSV, with a progress bar (Promise
 * client): a bulk job, checkpointed in a file. Stop it any way you like (Ctrl-C, `kill -9`) and
 * run it again: the chunks done are skipped, the ones in flight are sent again with their
 * idempotency ids (so the API does not send them twice), and the bar starts where the job is.
 *
 * The CSV is `SMSCX_BULK_CSV` (a header line, the phone number in the first column); without it,
 * on the embedded sandbox, one of 100,000 generated numbers is written to the jobs directory. The
 * job is `SMSCX_JOB_ID` (default `csv-demo`), its checkpoints in `SMSCX_JOB_DIR` (default
 * `.smscx-jobs`). On the embedded sandbox each run has a fresh sandbox, so it shows the
 * checkpoints at work, not the API's replay.
 */
import * as BulkJobFile from "@smscx/promise/BulkJobFile"
import { SingleBar } from "cli-progress"
import * as fs from "node:fs"
import * as path from "node:path"
import { createInterface } from "node:readline"
import { hasCredentials, makeClient } from "../_runtime.js"

const TOTAL = 100_000
const directory = process.env.SMSCX_JOB_DIR ?? ".smscx-jobs"
const jobId = process.env.SMSCX_JOB_ID ?? "csv-demo"

const csvFile = (): string => {
  const given = process.env.SMSCX_BULK_CSV ?? ""
  if (given !== "") return given
  if (hasCredentials) {
    console.error("Set SMSCX_BULK_CSV to a CSV of phone numbers to send to them on the real API")
    process.exit(1)
  }
  const file = path.join(directory, "customers.csv")
  if (!fs.existsSync(file)) {
    fs.mkdirSync(directory, { recursive: true })
    const lines = ["phone,name"]
    for (let i = 0; i < TOTAL; i++) lines.push(`+3166${String(i).padStart(7, "0")},customer ${i}`)
    fs.writeFileSync(file, `${lines.join("\n")}\n`)
  }
  return file
}

/** The first column of each line after the header, read as the send goes (never all in memory). */
const phoneNumbers = async function*(file: string): AsyncGenerator<string> {
  let header = true
  for await (const line of createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })) {
    if (header) {
      header = false
      continue
    }
    const phone = line.split(",")[0]?.trim() ?? ""
    if (phone !== "") yield phone
  }
}

const client = makeClient()
const job = client.bulk.job(jobId, { store: BulkJobFile.store({ directory }) })
const before = await job.status()
if (before?.complete === true) console.log(`job ${jobId} is complete already: its outcome, nothing sent`)
else if (before !== undefined) {
  console.log(`resuming job ${jobId}: ${before.progress.recipients} recipients done before`)
}

const controller = new AbortController()
process.once("SIGINT", () => controller.abort())
const bar = new SingleBar({
  format: "{bar} {percentage}% | {value}/{total} recipients | {accepted} accepted | cost {cost}",
  hideCursor: true
})
bar.start(TOTAL, before?.progress.recipients ?? 0, { accepted: before?.progress.accepted ?? 0, cost: "0.000" })
try {
  const outcome = await job.sms(phoneNumbers(csvFile()), { from: "InfoText", text: "Our summer sale starts today" }, {
    chunkSize: 1_000,
    collectMessageIds: false,
    signal: controller.signal,
    onProgress: (progress) =>
      bar.update(progress.recipients, { accepted: progress.accepted, cost: progress.cost.toFixed(3) })
  })
  bar.stop()
  console.log(
    outcome.stopped
      ? `stopped: run it again to go on (${outcome.recipients} recipients done)`
      : `job ${jobId} complete: ${outcome.accepted} accepted, cost ${outcome.cost.toFixed(3)}`
  )
} finally {
  bar.stop()
  await client.close()
}
