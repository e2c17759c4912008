/** Read one template's details: text, type, rich media, approval and lock. */
import { Templates } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const templates = yield* Templates
  const created = yield* templates.createTemplate({
    name: "Loyalty offer",
    text: "Double points on every order today.",
    channel: "viber",
    richMedia: { imageUrl: "https://example.com/points.png", buttonCaption: null, targetUrl: null }
  })
  const { data } = yield* templates.getTemplate(created.info.id)
  console.log(`template ${data.id} "${data.name}" on ${data.channel} (${data.type})`)
  console.log(`  text: ${data.text}`)
  console.log(`  image: ${data.richMedia.imageUrl}`)
  console.log(`  approved: ${data.approved}, locked: ${data.locked}, created ${data.createdAt}`)
}).pipe(
  Effect.catchTags({
    ResourceNotFoundException: (e) => Effect.logError(`no such template: ${e.message}`),
    DuplicateValueException: (e) => Effect.logError(`a template with that name exists: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
