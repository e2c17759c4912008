/** Validate one phone number: its E.164 form, country, network operator and time zone. */
import { Numbers } from "@smscx/client"
import { Effect } from "effect"
import { exampleRecipient, SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const numbers = yield* Numbers
  const { data } = yield* numbers.validateNumber(exampleRecipient)
  console.log(`${data.phoneNumber}: ${data.countryIso}, operator ${data.networkOperator}, time zone ${data.timezone}`)
}).pipe(
  Effect.catchTags({
    InvalidPhoneNumberException: (e) => Effect.logError(`not a valid number: ${e.invalid?.join(", ")}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
