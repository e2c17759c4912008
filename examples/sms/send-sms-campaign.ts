/** Send an SMS campaign to a group of contacts. */
import { Sms } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const groupId = Number(process.env.SMSCX_EXAMPLE_GROUP ?? 1)

const program = Effect.gen(function*() {
  const sms = yield* Sms
  const campaign = yield* sms.sendSmsCampaign({ groups: [groupId], from: "InfoText", text: "Hello {{firstName}}!" })
  console.log(
    `campaign ${campaign.info.campaignId}: ${campaign.info.totalValid} messages, cost ${campaign.info.totalCost}`
  )
})

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
