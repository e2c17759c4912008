/**
 * List the attachments, most recent first. Attachments come from messages sent with a file (in
 * the SMS.CX web app): the API has no operation that creates one, so a new account (and the
 * embedded sandbox) has none.
 */
import { Attachments } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const attachments = yield* Attachments
  const list = yield* attachments.getAttachmentsList()
  if (list.data.length === 0) console.log("no attachments yet: send a message with a file first")
  for (const file of list.data) {
    console.log(`${file.id}  ${file.name} (${file.fileType}): ${file.shortUrl}, ${file.hits} hits, ${file.dateCreated}`)
  }
}).pipe(
  Effect.catchTags({
    InvalidCredentialsException: (e) => Effect.logError(`check your API key: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
