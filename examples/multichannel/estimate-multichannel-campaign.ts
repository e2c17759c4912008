/** Estimate a campaign to a group of contacts that tries Viber, then SMS, without sending it. */
import { Multichannel } from "@smscx/client"
import { Effect } from "effect"
import { approvedTemplate, SmsCxLive } from "../_runtime.js"

const groupId = Number(process.env.SMSCX_EXAMPLE_GROUP ?? 1)

const program = Effect.gen(function*() {
  const templateId = yield* approvedTemplate("viber")
  const multichannel = yield* Multichannel
  const estimate = yield* multichannel.estimateMultichannelCampaign({
    groups: [groupId],
    from: "InfoText",
    strategy: [
      { channel: "viber", templateId },
      { channel: "sms", text: "Hello {{firstName}}, your order has shipped." }
    ]
  })
  console.log(`${estimate.info.totalValid} messages would cost ${estimate.info.totalCost}`)
}).pipe(
  Effect.catchTags({
    TemplateNotApprovedException: (e) => Effect.logError(`the template is not approved yet: ${e.message}`),
    AccessDeniedException: (e) => Effect.logError(`a channel is not active (${e.code}): ${e.message}`),
    InvalidRequestException: (e) => Effect.logError(`rejected (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
