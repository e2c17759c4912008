/** Read the hits of a shortlink: the first page, then every hit with the `all` stream. */
import { Shortlinks } from "@smscx/client"
import { Effect, Stream } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const shortlinks = yield* Shortlinks
  const { info } = yield* shortlinks.createShortlink({ url: "https://example.com/launch", name: "Launch" })
  // hits arrive as people open the short URL (none yet for a link just created)
  const page = yield* shortlinks.getShortlinkHits(info.id, { limit: 100 })
  console.log(`${page.info.name} (${page.info.shortUrl}): ${page.info.hits} hits, created ${page.info.dateCreated}`)
  yield* Stream.runForEach(
    shortlinks.getShortlinkHits.all(info.id, { limit: 100 }),
    (hit) =>
      Effect.sync(() =>
        console.log(
          `#${hit.hitId} ${hit.datetime} ${hit.device ?? "?"} ${hit.os ?? "?"} ${hit.browser ?? "?"} from ${
            hit.countryIso ?? "?"
          }`
        )
      )
  )
}).pipe(
  Effect.catchTags({
    InvalidRequestException: (e) => Effect.logError(`not created (${e.code}): ${e.message}`),
    ResourceNotFoundException: (e) => Effect.logError(`no such shortlink: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
