/** Create a tracked short link, with a name of your own or the one the API gives. */
import { Shortlinks } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const shortlinks = yield* Shortlinks
  const named = yield* shortlinks.createShortlink({ url: "https://example.com/summer-sale", name: "Summer sale" })
  console.log(`${named.info.name}: ${named.info.shortUrl} -> ${named.info.originalUrl} (id ${named.info.id})`)
  const unnamed = yield* shortlinks.createShortlink({ url: "https://example.com/news" })
  console.log(`${unnamed.info.name}: ${unnamed.info.shortUrl} -> ${unnamed.info.originalUrl}`)
}).pipe(
  Effect.catchTags({
    InvalidRequestException: (e) => Effect.logError(`not created (${e.code}): ${e.message}`),
    DuplicateIdException: (e) => Effect.logError(`short id taken, try again: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
