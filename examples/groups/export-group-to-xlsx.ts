/** Export a group's contacts as an Excel workbook, and save it in the system's temp directory. */
import { Groups } from "@smscx/client"
import { Effect } from "effect"
import { writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const groups = yield* Groups
  const { info: group } = yield* groups.createGroup({ name: `Export ${new Date().toISOString().slice(0, 16)}` })
  yield* groups.addContactsToGroup(group.id, { phoneNumbers: ["+31612469000", "+4915123456789"] })
  const file = yield* groups.exportGroupToXLSX(group.id)
  const path = join(tmpdir(), file.fileName ?? `group-${group.id}.xlsx`)
  writeFileSync(path, file.bytes)
  console.log(`saved ${file.bytes.length} bytes (${file.contentType}) to ${path}`)
  yield* groups.deleteGroup(group.id)
}).pipe(
  Effect.catchTags({
    ResourceNotFoundException: (e) => Effect.logError(`no such group: ${e.message}`),
    DuplicateValueException: (e) => Effect.logError(`a group with this name exists: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
