/** Delete one contact from a group, by its id (from the group's details). */
import { Groups } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const groups = yield* Groups
  const { info: group } = yield* groups.createGroup({ name: `Team ${new Date().toISOString().slice(0, 16)}` })
  yield* groups.addContactsToGroup(group.id, { phoneNumbers: ["+31612469000", "+4915123456789"] })
  const [contact] = (yield* groups.getGroupDetails(group.id)).data
  if (contact !== undefined) {
    const deleted = yield* groups.deleteContactFromGroup(group.id, contact.id)
    console.log(`deleted ${deleted.info.phoneNumber} (${deleted.info.countryIso}) from group ${group.id}`)
  }
  const details = yield* groups.getGroupDetails(group.id)
  console.log(`left: ${details.data.map((c) => c.phoneNumber).join(", ")}`)
  yield* groups.deleteGroup(group.id)
}).pipe(
  Effect.catchTags({
    ResourceNotFoundException: (e) => Effect.logError(`not found (${e.code}): ${e.message}`),
    DuplicateValueException: (e) => Effect.logError(`a group with this name exists: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
