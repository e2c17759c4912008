/** Export the hits of the most recent attachment to CSV. */
import { Attachments } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const attachments = yield* Attachments
  const latest = (yield* attachments.getAttachmentsList()).data[0]
  if (latest === undefined) {
    console.log("no attachments yet: send a message with a file first")
    return
  }
  const file = yield* attachments.exportAttachmentHitsToCSV(latest.id)
  console.log(`${file.fileName ?? "hits.csv"} (${file.bytes.byteLength} bytes):`)
  console.log(new TextDecoder().decode(file.bytes).split(/\r?\n/).slice(0, 5).join("\n"))
}).pipe(
  Effect.catchTags({
    ResourceNotFoundException: (e) => Effect.logError(`no such attachment: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
