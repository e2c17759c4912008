/** Estimate a Viber campaign to a group of contacts, without sending it. */
import { Viber } from "@smscx/client"
import { Effect } from "effect"
import { approvedTemplate, SmsCxLive } from "../_runtime.js"

const groupId = Number(process.env.SMSCX_EXAMPLE_GROUP ?? 1)

const program = Effect.gen(function*() {
  const templateId = yield* approvedTemplate("viber")
  const viber = yield* Viber
  const estimate = yield* viber.estimateViberCampaign({ groups: [groupId], from: "InfoText", templateId })
  console.log(`${estimate.info.totalValid} messages would cost ${estimate.info.totalCost}`)
}).pipe(
  Effect.catchTags({
    TemplateNotApprovedException: (e) => Effect.logError(`the template is not approved yet: ${e.message}`),
    InvalidRequestException: (e) => Effect.logError(`rejected (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
