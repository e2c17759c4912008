/** Export the report of an interval as an Excel file, saved in the system's temp directory. */
import { Reports, Sms } from "@smscx/client"
import { Effect } from "effect"
import { writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { exampleRecipient, SmsCxLive } from "../_runtime.js"

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10)

const program = Effect.gen(function*() {
  const sms = yield* Sms
  const reports = yield* Reports
  yield* sms.sendSms({ to: [exampleRecipient], from: "InfoText", text: "Your order has shipped." })
  // the last seven days, both ends included
  const file = yield* reports.exportAdvancedReportToXLSX({ start_date: day(-6), end_date: day(0) })
  const path = join(tmpdir(), file.fileName ?? "report.xlsx")
  yield* Effect.promise(() => writeFile(path, file.bytes))
  console.log(`saved ${path} (${file.contentType}, ${file.bytes.length} bytes)`)
}).pipe(
  Effect.catchTags({
    // 1820..1828: a bad period, date, interval or filter
    InvalidRequestException: (e) => Effect.logError(`bad report request (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
