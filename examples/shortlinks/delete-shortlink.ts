/** Delete a shortlink (and its hits); deleting it again is a ResourceNotFoundException. */
import { Shortlinks } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const shortlinks = yield* Shortlinks
  const { info } = yield* shortlinks.createShortlink({ url: "https://example.com/old-promo", name: "Old promo" })
  const deleted = yield* shortlinks.deleteShortlink(info.id)
  console.log(`deleted shortlink ${deleted.info.id}`)
  yield* shortlinks.deleteShortlink(info.id).pipe(
    Effect.catchTag("ResourceNotFoundException", (e) => Effect.sync(() => console.log(`again: ${e.code} ${e.message}`)))
  )
}).pipe(
  Effect.catchTags({
    InvalidRequestException: (e) => Effect.logError(`not created (${e.code}): ${e.message}`),
    ResourceNotFoundException: (e) => Effect.logError(`no such shortlink: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
