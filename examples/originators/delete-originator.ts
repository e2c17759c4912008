/** Delete a sender name; deleting it again is ResourceNotFoundException. */
import { Originators } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const originators = yield* Originators
  const created = yield* originators.createOriginator({ originator: "OldBrand" })
  const deleted = yield* originators.deleteOriginator(created.info.id)
  console.log(`deleted originator ${deleted.info.id} "${deleted.info.originator}"`)
  yield* originators.deleteOriginator(created.info.id).pipe(
    Effect.catchTag(
      "ResourceNotFoundException",
      (e) => Effect.sync(() => console.log(`deleting it again: ${e.message}`))
    )
  )
}).pipe(
  Effect.catchTags({
    DuplicateValueException: (e) => Effect.logError(`already exists: ${e.message}`),
    ResourceNotFoundException: (e) => Effect.logError(`no such originator: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
