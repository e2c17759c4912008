/**
 * Send a message that tries Viber first, then SMS: a number whose country has Viber is reached by
 * Viber, a US number (no Viber there) by SMS. Print the channel of each message. (+1 202-555-0123
 * is a fictional number: set `SMSCX_EXAMPLE_TO` and change it before sending for real.)
 */
import { Multichannel } from "@smscx/client"
import { Effect } from "effect"
import { approvedTemplate, exampleRecipient, SmsCxLive } from "../_runtime.js"

const usNumber = "+12025550123"

const program = Effect.gen(function*() {
  const templateId = yield* approvedTemplate("viber")
  const multichannel = yield* Multichannel
  const sent = yield* multichannel.sendMultichannelMessage({
    to: [exampleRecipient, usNumber],
    from: "InfoText",
    strategy: [
      { channel: "viber", templateId },
      { channel: "sms", text: "Your order has shipped: it arrives tomorrow." }
    ]
  })
  for (const message of sent.data) {
    console.log(`${message.to} (${message.countryIso}): ${message.channel}, ${message.status}, cost ${message.cost}`)
  }
  console.log(`total cost ${sent.info.totalCost}`)
}).pipe(
  Effect.catchTags({
    TemplateNotApprovedException: (e) => Effect.logError(`the template is not approved yet: ${e.message}`),
    InvalidPhoneNumberException: (e) => Effect.logError(`invalid numbers: ${e.invalid?.join(", ")}`),
    InsufficientBalanceException: (e) => Effect.logError(`top up first (${e.code}): ${e.message}`),
    AccessDeniedException: (e) => Effect.logError(`a channel is not active (${e.code}): ${e.message}`),
    InvalidRequestException: (e) => Effect.logError(`rejected (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
