/** Delete a template; reading it afterwards is ResourceNotFoundException. */
import { Templates } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const templates = yield* Templates
  const created = yield* templates.createTemplate({ name: "Temporary", text: "This will not last." })
  const deleted = yield* templates.deleteTemplate(created.info.id)
  console.log(`deleted template ${deleted.info.id}`)
  yield* templates.getTemplate(created.info.id).pipe(
    Effect.catchTag(
      "ResourceNotFoundException",
      (e) => Effect.sync(() => console.log(`reading it again: ${e.message}`))
    )
  )
}).pipe(
  Effect.catchTags({
    ResourceNotFoundException: (e) => Effect.logError(`no such template: ${e.message}`),
    DuplicateValueException: (e) => Effect.logError(`a template with that name exists: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
