/**
 * Delete an attachment (and its hits): the oldest one, if there is any. Attachments come from
 * messages sent with a file; an id that is not (or no longer) one is a ResourceNotFoundException.
 */
import { Attachments } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const attachments = yield* Attachments
  const oldest = (yield* attachments.getAttachmentsList()).data.at(-1)
  if (oldest === undefined) {
    console.log("no attachments to delete")
  } else {
    const deleted = yield* attachments.deleteAttachment(oldest.id)
    console.log(`deleted attachment ${deleted.info.id} (${oldest.name})`)
  }
  // what deleting an unknown attachment gives
  yield* attachments.deleteAttachment("unknown-id").pipe(
    Effect.catchTag(
      "ResourceNotFoundException",
      (e) => Effect.sync(() => console.log(`unknown id: ${e.code} ${e.message}`))
    )
  )
}).pipe(
  Effect.catchTags({
    ResourceNotFoundException: (e) => Effect.logError(`no such attachment: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
