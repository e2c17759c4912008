/** Validate a list of numbers (national ones with a country); invalid ones are flagged, not dropped. */
import { Numbers } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const numbers = yield* Numbers
  const result = yield* numbers.validateNumbers({
    phoneNumbers: ["0612345678", "+4915123456789", "12345"],
    countryIso: "NL"
  })
  console.log(`${result.info.totalValid} valid, ${result.info.totalInvalid} invalid`)
  for (const n of result.data) {
    console.log(n.invalid ? `  ${n.phoneNumber}: invalid` : `  ${n.phoneNumber}: ${n.countryIso}, ${n.networkOperator}`)
  }
}).pipe(
  Effect.catchTags({
    InvalidRequestException: (e) => Effect.logError(`request refused (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
