/** Remove every contact of a group, keeping the group. */
import { Groups } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const groups = yield* Groups
  const { info: group } = yield* groups.createGroup({ name: `Weekly ${new Date().toISOString().slice(0, 16)}` })
  yield* groups.addContactsToGroup(group.id, { phoneNumbers: ["+31612469000", "+4915123456789"] })
  const emptied = yield* groups.emptyGroup(group.id)
  // the API answers 204 (undefined here) when the group was empty already
  console.log(emptied === undefined ? "the group was empty already" : `emptied group ${emptied.info.id}`)
  const details = yield* groups.getGroupDetails(group.id)
  console.log(`${details.info.name} now has ${details.info.totalPhoneNumbers} contacts`)
  yield* groups.deleteGroup(group.id)
}).pipe(
  Effect.catchTags({
    ResourceNotFoundException: (e) => Effect.logError(`no such group: ${e.message}`),
    DuplicateValueException: (e) => Effect.logError(`a group with this name exists: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
