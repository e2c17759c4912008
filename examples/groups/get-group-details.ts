/** A group's totals, and its contacts page by page (`.all` follows the cursors). */
import { Groups } from "@smscx/client"
import { Effect, Stream } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const groups = yield* Groups
  const { info: group } = yield* groups.createGroup({ name: `Members ${new Date().toISOString().slice(0, 16)}` })
  yield* groups.addContactsToGroup(group.id, {
    phoneNumbers: [
      { phoneNumber: "+31612469000", firstName: "Jan" },
      { phoneNumber: "+4915123456789", firstName: "Anna" },
      { phoneNumber: "+447400123456", firstName: "Oliver" }
    ]
  })
  const first = yield* groups.getGroupDetails(group.id, { limit: 2 })
  console.log(`${first.info.name}: ${first.info.totalPhoneNumbers} contacts, next page: ${first.paging.next ?? "none"}`)
  yield* groups.getGroupDetails.all(group.id, { limit: 2 }).pipe(
    Stream.runForEach((contact) =>
      Effect.sync(() => console.log(`  ${contact.id} ${contact.phoneNumber} ${contact.firstName ?? ""}`))
    )
  )
  yield* groups.deleteGroup(group.id)
}).pipe(
  Effect.catchTags({
    ResourceNotFoundException: (e) => Effect.logError(`no such group: ${e.message}`),
    DuplicateValueException: (e) => Effect.logError(`a group with this name exists: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
