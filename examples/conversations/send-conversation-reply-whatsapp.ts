/** Reply by WhatsApp (free text, within 24 h of the contact's last WhatsApp message): print its id, status, cost. */
import { Conversations } from "@smscx/client"
import { Effect } from "effect"
import { aConversation, exampleRecipient, SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const conversationId = yield* aConversation(exampleRecipient, "Can I change the delivery address?", "whatsapp")
  const conversations = yield* Conversations
  const sent = yield* conversations.sendConversationReplyWhatsapp(conversationId, {
    text: "Of course: reply with the new address and we will update it.",
    richMedia: {}
  })
  const { data } = sent
  console.log(`replied ${data.msgId} to ${data.to} by WhatsApp: ${data.status}, cost ${sent.info.totalCost}`)
}).pipe(
  Effect.catchTags({
    AccessDeniedException: (e) => Effect.logError(`the 24-hour reply window is closed, reply by SMS: ${e.message}`),
    ResourceNotFoundException: (e) => Effect.logError(`no such conversation: ${e.message}`),
    InvalidRequestException: (e) => Effect.logError(`rejected (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
