/** Rename a shortlink and point it at a new URL: its short URL stays the same. */
import { Shortlinks } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const shortlinks = yield* Shortlinks
  const { info } = yield* shortlinks.createShortlink({ url: "https://example.com/spring", name: "Spring" })
  yield* shortlinks.updateShortlink(info.id, { name: "Autumn", url: "https://example.com/autumn" })
  const now = yield* shortlinks.getShortlinkHits(info.id, {})
  console.log(`${now.info.shortUrl} is now "${now.info.name}" -> ${now.info.originalUrl}`)
  // a name another shortlink has is refused
  yield* shortlinks.createShortlink({ url: "https://example.com/winter", name: "Winter" })
  yield* shortlinks.updateShortlink(info.id, { name: "Winter", url: "https://example.com/autumn" }).pipe(
    Effect.catchTag("DuplicateValueException", (e) => Effect.sync(() => console.log(`refused: ${e.message}`)))
  )
}).pipe(
  Effect.catchTags({
    InvalidRequestException: (e) => Effect.logError(`invalid (${e.code}): ${e.message}`),
    ResourceNotFoundException: (e) => Effect.logError(`no such shortlink: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
