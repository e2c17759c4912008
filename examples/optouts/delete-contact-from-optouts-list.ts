/** Take a number off the opt-out list (only numbers added with the API, `admin`, can be). */
import { Optouts } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const number = "+31612469001"

const program = Effect.gen(function*() {
  const optouts = yield* Optouts
  yield* optouts.addContactToOptoutsList({ phoneNumbers: [number] }).pipe(
    Effect.catchTag("InvalidRequestException", () => Effect.void) // already on the list
  )
  const entry = (yield* optouts.getOptoutsList()).data.find((o) => o.phoneNumber === number)
  if (entry === undefined) return console.log(`${number} is not on the list`)
  const deleted = yield* optouts.deleteContactFromOptoutsList(entry.id)
  console.log(`removed ${deleted.info.phoneNumber} (opt-out ${deleted.info.id})`)
}).pipe(
  Effect.catchTags({
    ResourceNotFoundException: (e) => Effect.logError(`not on the list: ${e.message}`),
    AccessDeniedException: (e) => Effect.logError(`opted out via the link, cannot be removed: ${e.message}`),
    InvalidPhoneNumberException: (e) => Effect.logError(`invalid numbers: ${e.invalid?.join(", ")}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
