/** Send a Viber message from an approved template, and print its message id, status and cost. */
import { Viber } from "@smscx/client"
import { Effect } from "effect"
import { approvedTemplate, exampleRecipient, SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const templateId = yield* approvedTemplate("viber")
  const viber = yield* Viber
  const sent = yield* viber.sendViberMessage({ to: [exampleRecipient], from: "InfoText", templateId })
  const [message] = sent.data
  console.log(`sent ${message?.msgId} to ${message?.to} by Viber: ${message?.status}, cost ${sent.info.totalCost}`)
}).pipe(
  Effect.catchTags({
    TemplateNotApprovedException: (e) => Effect.logError(`the template is not approved yet: ${e.message}`),
    InvalidPhoneNumberException: (e) => Effect.logError(`invalid numbers: ${e.invalid?.join(", ")}`),
    InsufficientBalanceException: (e) => Effect.logError(`top up first: ${e.message}`),
    InvalidRequestException: (e) => Effect.logError(`rejected (${e.code}): ${e.message}`),
    // the Viber channel not active for the account (1606), which the send's table leaves out
    ApiException: (e) => Effect.logError(`refused (${e.type} ${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
