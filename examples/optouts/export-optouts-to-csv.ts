/** Export the opt-out list as CSV, and print it. */
import { Optouts } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const optouts = yield* Optouts
  yield* optouts.addContactToOptoutsList({ phoneNumbers: ["+31612469001", "+4915123456789"] }).pipe(
    Effect.catchTag("InvalidRequestException", () => Effect.void) // already on the list
  )
  const file = yield* optouts.exportOptoutsToCSV()
  console.log(`${file.fileName} (${file.contentType}, ${file.bytes.length} bytes):`)
  console.log(new TextDecoder().decode(file.bytes))
}).pipe(
  Effect.catchTags({
    InvalidPhoneNumberException: (e) => Effect.logError(`invalid numbers: ${e.invalid?.join(", ")}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
