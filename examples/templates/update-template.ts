/** Change a template's text and name; fields not given stay as they were. */
import { Templates } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const templates = yield* Templates
  const created = yield* templates.createTemplate({ name: "Welcome", text: "Welcome!" })
  const id = created.info.id
  // undefined when the API answers 204 (nothing to change)
  const updated = yield* templates.updateTemplate(id, { name: "Welcome message", text: "Welcome, {{firstName}}!" })
  console.log(`updated template ${updated?.info.id ?? id}`)
  const { data } = yield* templates.getTemplate(id)
  console.log(`now "${data.name}": ${data.text}`)
}).pipe(
  Effect.catchTags({
    AccessDeniedException: (e) => Effect.logError(`approved templates are locked: ${e.message}`),
    ResourceNotFoundException: (e) => Effect.logError(`no such template: ${e.message}`),
    DuplicateValueException: (e) => Effect.logError(`a template with that name exists: ${e.message}`),
    InvalidRequestException: (e) => Effect.logError(`refused (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
