/** Schedule an SMS campaign for later, then delete it: its cost returns to the balance. */
import { Sms } from "@smscx/client"
import { Effect } from "effect"
import { inMinutes, SmsCxLive } from "../_runtime.js"

const groupId = Number(process.env.SMSCX_EXAMPLE_GROUP ?? 1)

const program = Effect.gen(function*() {
  const sms = yield* Sms
  const campaign = yield* sms.sendSmsCampaign({
    groups: [groupId],
    from: "InfoText",
    text: "Doors open at 19:00. See you tonight!",
    scheduledDate: inMinutes(120)
  })
  console.log(`scheduled campaign ${campaign.info.campaignId}`)
  const deleted = yield* sms.deleteScheduledSmsCampaign(campaign.info.campaignId)
  console.log(`deleted ${deleted.info.phoneNumbersDeleted} messages, ${deleted.info.creditReturned} returned`)
})

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
