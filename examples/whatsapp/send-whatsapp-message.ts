/** Send a WhatsApp message from an approved template, and print its message id, status and cost. */
import { Whatsapp } from "@smscx/client"
import { Effect } from "effect"
import { approvedTemplate, exampleRecipient, SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const templateId = yield* approvedTemplate("whatsapp")
  const whatsapp = yield* Whatsapp
  const sent = yield* whatsapp.sendWhatsappMessage({ to: [exampleRecipient], from: "InfoText", templateId })
  const [message] = sent.data
  console.log(`sent ${message?.msgId} to ${message?.to} by WhatsApp: ${message?.status}, cost ${sent.info.totalCost}`)
}).pipe(
  Effect.catchTags({
    TemplateNotApprovedException: (e) => Effect.logError(`the template is not approved yet: ${e.message}`),
    InvalidPhoneNumberException: (e) => Effect.logError(`invalid numbers: ${e.invalid?.join(", ")}`),
    InsufficientBalanceException: (e) => Effect.logError(`top up first: ${e.message}`),
    InvalidRequestException: (e) => Effect.logError(`rejected (${e.code}): ${e.message}`),
    // the WhatsApp channel not active for the account (1608), which the send's table leaves out
    ApiException: (e) => Effect.logError(`refused (${e.type} ${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
