/** Read one conversation's thread: each message received and sent, its channel, status and cost. */
import { Conversations } from "@smscx/client"
import { Effect } from "effect"
import { aConversation, exampleRecipient, SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const conversationId = yield* aConversation(exampleRecipient, "Is my order ready?")
  const conversations = yield* Conversations
  const { data, info } = yield* conversations.getConversation(conversationId)
  console.log(`conversation ${info.conversationId} with ${info.phoneNumber} (${info.countryIso})`)
  for (const m of data) {
    console.log(`  ${m.datetime} ${m.type} by ${m.channel}: "${m.text}" ${m.status}, cost ${m.cost}`)
  }
}).pipe(
  Effect.catchTags({
    ResourceNotFoundException: (e) => Effect.logError(`no such conversation: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
