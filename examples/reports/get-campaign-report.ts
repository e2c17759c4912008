/** Send a campaign, then read its report: totals, then each message with its status. */
import { Reports, Sms } from "@smscx/client"
import { Effect, Stream } from "effect"
import { exampleRecipient, SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const sms = yield* Sms
  const reports = yield* Reports
  const sent = yield* sms.sendSms({ to: [exampleRecipient], from: "InfoText", text: "Your table is ready." })
  const campaignId = sent.info.campaignId
  const { info } = yield* reports.getCampaignReport(campaignId, { short_response: true })
  console.log(`${info.campaignName} (${info.channel}): ${info.totalPhoneNumbers} numbers, ${info.totalCost} spent`)
  yield* reports.getCampaignReport.all(campaignId, { limit: 100 }).pipe(
    Stream.runForEach((m) => Effect.sync(() => console.log(`  ${m.msgId} ${m.to} ${m.status} ${m.cost}`)))
  )
}).pipe(
  Effect.catchTags({
    InvalidRequestException: (e) => Effect.logError(`not a campaign id (${e.code}): ${e.message}`),
    ResourceNotFoundException: (e) => Effect.logError(`no such campaign (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
