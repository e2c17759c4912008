/** List the contact groups (most recent first), with their size, opt-outs and cost. */
import { Groups } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const groups = yield* Groups
  const created = yield* groups.createGroup({ name: `Newsletter ${new Date().toISOString().slice(0, 16)}` })
  yield* groups.addContactsToGroup(created.info.id, { phoneNumbers: ["+31612469000", "+4915123456789"] })
  const list = yield* groups.getGroupsList()
  for (const group of list.data) {
    console.log(
      `${group.id} ${group.name}: ${group.totalPhoneNumbers} contacts, ${group.totalOptouts} opted out, ` +
        `one SMS to all costs ${group.totalCost}`
    )
  }
  yield* groups.deleteGroup(created.info.id)
}).pipe(
  Effect.catchTags({
    DuplicateValueException: (e) => Effect.logError(`a group with this name exists: ${e.message}`),
    InvalidPhoneNumberException: (e) => Effect.logError(`invalid numbers: ${e.invalid?.join(", ")}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
