/** Export the hits of a shortlink to CSV (a header line only while it has none). */
import { Shortlinks } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const shortlinks = yield* Shortlinks
  const { info } = yield* shortlinks.createShortlink({ url: "https://example.com/offer", name: "Offer" })
  const file = yield* shortlinks.exportShortlinkHitsToCSV(info.id)
  const text = new TextDecoder().decode(file.bytes)
  console.log(`${file.fileName ?? "hits.csv"} (${file.contentType}, ${file.bytes.byteLength} bytes):`)
  console.log(text.split(/\r?\n/).slice(0, 5).join("\n"))
}).pipe(
  Effect.catchTags({
    InvalidRequestException: (e) => Effect.logError(`not created (${e.code}): ${e.message}`),
    ResourceNotFoundException: (e) => Effect.logError(`no such shortlink: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
