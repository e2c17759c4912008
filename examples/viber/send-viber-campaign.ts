/** Send a Viber campaign from an approved template to a group of contacts. */
import { Viber } from "@smscx/client"
import { Effect } from "effect"
import { approvedTemplate, SmsCxLive } from "../_runtime.js"

const groupId = Number(process.env.SMSCX_EXAMPLE_GROUP ?? 1)

const program = Effect.gen(function*() {
  const templateId = yield* approvedTemplate("viber")
  const viber = yield* Viber
  const campaign = yield* viber.sendViberCampaign({ groups: [groupId], from: "InfoText", templateId })
  console.log(
    `campaign ${campaign.info.campaignId}: ${campaign.info.totalValid} messages, cost ${campaign.info.totalCost}`
  )
}).pipe(
  Effect.catchTags({
    TemplateNotApprovedException: (e) => Effect.logError(`the template is not approved yet: ${e.message}`),
    InsufficientBalanceException: (e) => Effect.logError(`top up first: ${e.message}`),
    InvalidRequestException: (e) => Effect.logError(`rejected (${e.code}): ${e.message}`),
    // the Viber channel not active for the account (1606), which the send's table leaves out
    ApiException: (e) => Effect.logError(`refused (${e.type} ${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
