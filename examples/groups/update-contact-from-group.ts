/** Change some fields of a contact; the fields not given stay as they are. */
import { Groups } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const groups = yield* Groups
  const { info: group } = yield* groups.createGroup({ name: `Clients ${new Date().toISOString().slice(0, 16)}` })
  yield* groups.addContactsToGroup(group.id, {
    phoneNumbers: [{ phoneNumber: "+31612469000", firstName: "Jan", lastName: "Jansen" }]
  })
  const [contact] = (yield* groups.getGroupDetails(group.id)).data
  if (contact !== undefined) {
    const updated = yield* groups.updateContactFromGroup(group.id, contact.id, {
      firstName: "Johan",
      email: "johan@example.com",
      customFields: { customFieldName: { city: "Utrecht" } }
    })
    // the API answers 204 (undefined here) when nothing changed
    console.log(updated === undefined ? "nothing changed" : `updated contact ${updated.info.id}`)
    const [after] = (yield* groups.getGroupDetails(group.id)).data
    console.log(`now: ${after?.firstName} ${after?.lastName} <${after?.email}> ${JSON.stringify(after?.customFields)}`)
  }
  yield* groups.deleteGroup(group.id)
}).pipe(
  Effect.catchTags({
    ResourceNotFoundException: (e) => Effect.logError(`not found (${e.code}): ${e.message}`),
    DuplicateValueException: (e) => Effect.logError(`duplicate (${e.code}): ${e.message}`),
    InvalidRequestException: (e) => Effect.logError(`invalid request (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
