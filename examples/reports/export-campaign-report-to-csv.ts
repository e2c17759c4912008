/** Send a campaign, then export its report as CSV, and print it. */
import { Reports, Sms } from "@smscx/client"
import { Effect } from "effect"
import { exampleRecipient, SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const sms = yield* Sms
  const reports = yield* Reports
  const sent = yield* sms.sendSms({ to: [exampleRecipient], from: "InfoText", text: "Your code is ready for pickup." })
  const file = yield* reports.exportCampaignReportToCSV(sent.info.campaignId)
  console.log(`${file.fileName} (${file.contentType}, ${file.bytes.length} bytes):`)
  console.log(new TextDecoder().decode(file.bytes))
}).pipe(
  Effect.catchTags({
    InvalidRequestException: (e) => Effect.logError(`not a campaign id (${e.code}): ${e.message}`),
    ResourceNotFoundException: (e) => Effect.logError(`no such campaign (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
