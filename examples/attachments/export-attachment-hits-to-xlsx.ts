/** Export the hits of the most recent attachment to an Excel file, and save it. */
import { Attachments } from "@smscx/client"
import { Effect } from "effect"
import { writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const attachments = yield* Attachments
  const latest = (yield* attachments.getAttachmentsList()).data[0]
  if (latest === undefined) {
    console.log("no attachments yet: send a message with a file first")
    return
  }
  const file = yield* attachments.exportAttachmentHitsToXLSX(latest.id)
  const path = join(tmpdir(), file.fileName ?? "attachment-hits.xlsx")
  yield* Effect.promise(() => writeFile(path, file.bytes))
  console.log(`saved ${path} (${file.bytes.byteLength} bytes)`)
}).pipe(
  Effect.catchTags({
    ResourceNotFoundException: (e) => Effect.logError(`no such attachment: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
