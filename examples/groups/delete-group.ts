/** Delete a group and its contacts; afterwards the group is not found. */
import { Groups } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const groups = yield* Groups
  const { info: group } = yield* groups.createGroup({ name: `Old list ${new Date().toISOString().slice(0, 16)}` })
  yield* groups.addContactsToGroup(group.id, { phoneNumbers: ["+31612469000", "+4915123456789"] })
  const deleted = yield* groups.deleteGroup(group.id)
  console.log(`deleted group ${deleted.info.id} (${deleted.info.name}) with ${deleted.info.totalPhoneNumbers} contacts`)
  yield* groups.getGroupDetails(group.id).pipe(
    Effect.catchTag("ResourceNotFoundException", (e) => Effect.sync(() => console.log(`now: ${e.code} ${e.message}`)))
  )
}).pipe(
  Effect.catchTags({
    ResourceNotFoundException: (e) => Effect.logError(`no such group: ${e.message}`),
    DuplicateValueException: (e) => Effect.logError(`a group with this name exists: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
