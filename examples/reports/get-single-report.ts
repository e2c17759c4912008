/** Send one SMS, then read its report: status, cost and text analysis. */
import { Reports, Sms } from "@smscx/client"
import { Effect } from "effect"
import { exampleRecipient, SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const sms = yield* Sms
  const reports = yield* Reports
  const sent = yield* sms.sendSms({ to: [exampleRecipient], from: "InfoText", text: "Your parcel arrives today." })
  const { data } = yield* reports.getSingleReport(sent.data[0]!.msgId)
  console.log(`${data.msgId} to ${data.to} (${data.countryIso}) via ${data.channel}: ${data.status}`)
  console.log(`  ${data.textAnalysis.parts} part(s), ${data.textAnalysis.length} characters, cost ${data.cost}`)
  console.log(`  sent ${data.createdAt}, last update ${data.updatedAt ?? "none yet"}`)
}).pipe(
  Effect.catchTags({
    InvalidRequestException: (e) => Effect.logError(`not a message id (${e.code}): ${e.message}`),
    ResourceNotFoundException: (e) => Effect.logError(`no such message (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
