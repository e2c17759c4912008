/** Export this month's delivered SMS as CSV, and print it. */
import { Reports, Sms } from "@smscx/client"
import { Effect } from "effect"
import { exampleRecipient, SmsCxLive } from "../_runtime.js"

// `period` (`Y` or `Y-m`), or the interval `start_date` + `end_date` (`Y-m-d`): one or the other
const thisMonth = { period: new Date().toISOString().slice(0, 7) }

const program = Effect.gen(function*() {
  const sms = yield* Sms
  const reports = yield* Reports
  yield* sms.sendSms({ to: [exampleRecipient], from: "InfoText", text: "Your order has shipped." })
  const file = yield* reports.exportAdvancedReportToCSV({ ...thisMonth, channel: "sms" })
  console.log(`${file.fileName} (${file.contentType}, ${file.bytes.length} bytes):`)
  console.log(new TextDecoder().decode(file.bytes))
}).pipe(
  Effect.catchTags({
    // 1820..1828: a bad period, date, interval or filter
    InvalidRequestException: (e) => Effect.logError(`bad report request (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
