/** Mark a conversation as read: its unread count, before and after, from the list. */
import { Conversations } from "@smscx/client"
import { Effect } from "effect"
import { aConversation, exampleRecipient, SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const conversationId = yield* aConversation(exampleRecipient, "Is my order ready?")
  const conversations = yield* Conversations
  const unread = conversations.getConverstionsList().pipe(
    Effect.map((list) => list.data.find((c) => c.conversationId === conversationId)?.unreadMessages ?? 0)
  )
  const before = yield* unread
  const read = yield* conversations.markConversationAsRead(conversationId)
  console.log(`marked ${read.info.id} as read: ${before} unread before, ${yield* unread} now`)
}).pipe(
  Effect.catchTags({
    ResourceNotFoundException: (e) => Effect.logError(`no such conversation: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
