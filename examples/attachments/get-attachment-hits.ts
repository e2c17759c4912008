/** Read who opened an attachment: every hit of the most recent attachment, page by page. */
import { Attachments } from "@smscx/client"
import { Effect, Stream } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const attachments = yield* Attachments
  const latest = (yield* attachments.getAttachmentsList()).data[0]
  if (latest === undefined) {
    console.log("no attachments yet: send a message with a file first")
    return
  }
  const first = yield* attachments.getAttachmentHits(latest.id, { limit: 100 })
  console.log(`${first.info.name} (${first.info.shortUrl}): ${first.info.hits} hits`)
  yield* Stream.runForEach(
    attachments.getAttachmentHits.all(latest.id, { limit: 100 }),
    (hit) =>
      Effect.sync(() =>
        console.log(`#${hit.hitId} ${hit.datetime} ${hit.device ?? "?"} ${hit.os ?? "?"} ${hit.phoneNumber ?? ""}`)
      )
  )
}).pipe(
  Effect.catchTags({
    ResourceNotFoundException: (e) => Effect.logError(`no such attachment: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
