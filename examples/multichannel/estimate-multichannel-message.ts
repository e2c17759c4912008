/** Estimate a message that tries WhatsApp first, then SMS, without sending it. */
import { Multichannel } from "@smscx/client"
import { Effect } from "effect"
import { approvedTemplate, exampleRecipient, SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const templateId = yield* approvedTemplate("whatsapp")
  const multichannel = yield* Multichannel
  const estimate = yield* multichannel.estimateMultichannelMessage({
    to: [exampleRecipient, "+447400123456"],
    from: "InfoText",
    strategy: [
      { channel: "whatsapp", templateId },
      { channel: "sms", text: "Your order has shipped: it arrives tomorrow." }
    ]
  })
  const channels = estimate.data.map((m) => `${m.to} by ${m.channel}`).join(", ")
  console.log(`${estimate.info.totalValid} recipients (${channels}), cost ${estimate.info.totalCost}`)
}).pipe(
  Effect.catchTags({
    TemplateNotApprovedException: (e) => Effect.logError(`the template is not approved yet: ${e.message}`),
    InvalidPhoneNumberException: (e) => Effect.logError(`invalid numbers: ${e.invalid?.join(", ")}`),
    AccessDeniedException: (e) => Effect.logError(`a channel is not active (${e.code}): ${e.message}`),
    InvalidRequestException: (e) => Effect.logError(`rejected (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
