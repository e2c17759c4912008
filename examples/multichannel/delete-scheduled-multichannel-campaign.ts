/** Schedule a Viber-then-SMS campaign for later, then delete it: its cost returns to the balance. */
import { Multichannel } from "@smscx/client"
import { Effect } from "effect"
import { approvedTemplate, inMinutes, SmsCxLive } from "../_runtime.js"

const groupId = Number(process.env.SMSCX_EXAMPLE_GROUP ?? 1)

const program = Effect.gen(function*() {
  const templateId = yield* approvedTemplate("viber")
  const multichannel = yield* Multichannel
  const campaign = yield* multichannel.sendMultichannelCampaign({
    groups: [groupId],
    from: "InfoText",
    strategy: [
      { channel: "viber", templateId },
      { channel: "sms", text: "Doors open at 19:00. See you tonight!" }
    ],
    scheduledDate: inMinutes(120)
  })
  console.log(`scheduled campaign ${campaign.info.campaignId}`)
  const deleted = yield* multichannel.deleteScheduledMultichannelCampaign(campaign.info.campaignId)
  console.log(`deleted ${deleted.info.phoneNumbersDeleted} messages, ${deleted.info.creditReturned} returned`)
}).pipe(
  Effect.catchTags({
    TemplateNotApprovedException: (e) => Effect.logError(`the template is not approved yet: ${e.message}`),
    ResourceNotFoundException: (e) => Effect.logError(`nothing scheduled to delete: ${e.message}`),
    AccessDeniedException: (e) => Effect.logError(`refused (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
