/** Reply to a conversation by SMS, and print the reply's message id, status and cost. */
import { Conversations } from "@smscx/client"
import { Effect } from "effect"
import { aConversation, exampleRecipient, SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const conversationId = yield* aConversation(exampleRecipient, "Is my order ready?")
  const conversations = yield* Conversations
  const sent = yield* conversations.sendConversationReplySms(conversationId, { text: "Yes, it ships today." })
  const { data } = sent
  console.log(
    `replied ${data.msgId} to ${data.to} from ${data.from} by SMS: ${data.status}, ` +
      `${data.parts} part(s), cost ${sent.info.totalCost}`
  )
}).pipe(
  Effect.catchTags({
    ResourceNotFoundException: (e) => Effect.logError(`no such conversation: ${e.message}`),
    InvalidRequestException: (e) => Effect.logError(`rejected (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
