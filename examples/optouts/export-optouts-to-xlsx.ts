/** Export the opt-out list as an Excel workbook, and save it in the system's temp directory. */
import { Optouts } from "@smscx/client"
import { Effect } from "effect"
import { writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const optouts = yield* Optouts
  yield* optouts.addContactToOptoutsList({ phoneNumbers: ["+31612469001", "+4915123456789"] }).pipe(
    Effect.catchTag("InvalidRequestException", () => Effect.void) // already on the list
  )
  const file = yield* optouts.exportOptoutsToXLSX()
  const path = join(tmpdir(), file.fileName ?? "optouts.xlsx")
  writeFileSync(path, file.bytes)
  console.log(`saved ${file.bytes.length} bytes (${file.contentType}) to ${path}`)
}).pipe(
  Effect.catchTags({
    InvalidPhoneNumberException: (e) => Effect.logError(`invalid numbers: ${e.invalid?.join(", ")}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
