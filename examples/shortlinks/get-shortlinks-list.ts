/** List the shortlinks, most recent first, with their hit counts. */
import { Shortlinks } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const shortlinks = yield* Shortlinks
  yield* shortlinks.createShortlink({ url: "https://example.com/menu", name: "Menu" })
  yield* shortlinks.createShortlink({ url: "https://example.com/booking", name: "Booking" })
  const list = yield* shortlinks.getShortlinksList()
  console.log(`${list.data.length} shortlinks`)
  for (const link of list.data) {
    console.log(
      `${link.id}  ${link.name}: ${link.shortUrl} -> ${link.originalUrl}, ${link.hits} hits, created ${link.dateCreated}`
    )
  }
}).pipe(
  Effect.catchTags({
    InvalidRequestException: (e) => Effect.logError(`not created (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
