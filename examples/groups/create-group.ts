/** Create a contact group, and print its id. */
import { Groups } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const groups = yield* Groups
  // a group name is unique on the account (3 to 40 characters)
  const name = `Customers ${new Date().toISOString().slice(0, 16)}`
  const created = yield* groups.createGroup({ name })
  console.log(`created group ${created.info.id}: ${created.info.name}`)
}).pipe(
  Effect.catchTags({
    DuplicateValueException: (e) => Effect.logError(`a group with this name exists: ${e.message}`),
    InvalidRequestException: (e) => Effect.logError(`invalid name (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
