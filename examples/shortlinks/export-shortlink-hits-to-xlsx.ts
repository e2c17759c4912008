/** Export the hits of a shortlink to an Excel file, and save it. */
import { Shortlinks } from "@smscx/client"
import { Effect } from "effect"
import { writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const shortlinks = yield* Shortlinks
  const { info } = yield* shortlinks.createShortlink({ url: "https://example.com/offer", name: "Offer" })
  const file = yield* shortlinks.exportShortlinkHitsToXLSX(info.id)
  const path = join(tmpdir(), file.fileName ?? "shortlink-hits.xlsx")
  yield* Effect.promise(() => writeFile(path, file.bytes))
  console.log(`saved ${path} (${file.contentType}, ${file.bytes.byteLength} bytes)`)
}).pipe(
  Effect.catchTags({
    InvalidRequestException: (e) => Effect.logError(`not created (${e.code}): ${e.message}`),
    ResourceNotFoundException: (e) => Effect.logError(`no such shortlink: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
