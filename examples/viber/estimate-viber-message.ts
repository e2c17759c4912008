/** Estimate what a Viber message to several numbers would cost, without sending it. */
import { Viber } from "@smscx/client"
import { Effect } from "effect"
import { approvedTemplate, exampleRecipient, SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const templateId = yield* approvedTemplate("viber")
  const viber = yield* Viber
  const estimate = yield* viber.estimateViberMessage({
    to: [exampleRecipient, "+33612345678"],
    from: "InfoText",
    templateId
  })
  console.log(`${estimate.info.totalValid} recipients, cost ${estimate.info.totalCost}`)
}).pipe(
  Effect.catchTags({
    TemplateNotApprovedException: (e) => Effect.logError(`the template is not approved yet: ${e.message}`),
    InvalidPhoneNumberException: (e) => Effect.logError(`invalid numbers: ${e.invalid?.join(", ")}`),
    InvalidRequestException: (e) => Effect.logError(`rejected (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
