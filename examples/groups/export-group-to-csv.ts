/** Export a group's contacts as CSV, and print the file. */
import { Groups } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const groups = yield* Groups
  const { info: group } = yield* groups.createGroup({ name: `Export ${new Date().toISOString().slice(0, 16)}` })
  yield* groups.addContactsToGroup(group.id, {
    phoneNumbers: [
      { phoneNumber: "+31612469000", firstName: "Jan", email: "jan@example.com" },
      { phoneNumber: "+4915123456789", firstName: "Anna" }
    ]
  })
  const file = yield* groups.exportGroupToCSV(group.id)
  console.log(`${file.fileName} (${file.contentType}, ${file.bytes.length} bytes):`)
  console.log(new TextDecoder().decode(file.bytes))
  yield* groups.deleteGroup(group.id)
}).pipe(
  Effect.catchTags({
    ResourceNotFoundException: (e) => Effect.logError(`no such group: ${e.message}`),
    DuplicateValueException: (e) => Effect.logError(`a group with this name exists: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
