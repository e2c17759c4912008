/** List the templates, most recent first, with their channel and approval. */
import { Templates } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const templates = yield* Templates
  yield* templates.createTemplate({ name: "Appointment reminder", text: "See you tomorrow at {{time}}." })
  yield* templates.createTemplate({ name: "Delivery update", text: "Your parcel is on its way.", channel: "whatsapp" })
  const list = yield* templates.getTemplatesList()
  for (const t of list.data) {
    console.log(`${t.id} [${t.channel}] ${t.name}: ${t.approved ? "approved" : "pending approval"}`)
  }
}).pipe(
  Effect.catchTags({
    DuplicateValueException: (e) => Effect.logError(`a template with that name exists: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
