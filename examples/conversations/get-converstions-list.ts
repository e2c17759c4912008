/** List the conversations, most recent reply first, with the contact and how many messages are unread. */
import { Conversations } from "@smscx/client"
import { Effect } from "effect"
import { aConversation, exampleRecipient, SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  yield* aConversation(exampleRecipient, "Is my order ready?")
  const conversations = yield* Conversations
  const list = yield* conversations.getConverstionsList()
  for (const c of list.data) {
    const name = [c.firstName, c.lastName].filter((part) => part !== null && part !== "").join(" ")
    console.log(
      `${c.conversationId} ${c.phoneNumber}${name === "" ? "" : ` (${name})`}: ` +
        `${c.unreadMessages} unread, last "${c.lastReply}" at ${c.lastUpdate}`
    )
  }
})

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
