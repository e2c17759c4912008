/** Send a campaign, then export its report as an Excel file, saved in the system's temp directory. */
import { Reports, Sms } from "@smscx/client"
import { Effect } from "effect"
import { writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { exampleRecipient, SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const sms = yield* Sms
  const reports = yield* Reports
  const sent = yield* sms.sendSms({ to: [exampleRecipient], from: "InfoText", text: "Your code is ready for pickup." })
  const file = yield* reports.exportCampaignReportToXLSX(sent.info.campaignId)
  const path = join(tmpdir(), file.fileName ?? "campaign-report.xlsx")
  yield* Effect.promise(() => writeFile(path, file.bytes))
  console.log(`saved ${path} (${file.contentType}, ${file.bytes.length} bytes)`)
}).pipe(
  Effect.catchTags({
    InvalidRequestException: (e) => Effect.logError(`not a campaign id (${e.code}): ${e.message}`),
    ResourceNotFoundException: (e) => Effect.logError(`no such campaign (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
