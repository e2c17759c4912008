/** Look up a list of numbers in bulk (billed per valid number); results follow asynchronously. */
import { Numbers } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const numbers = yield* Numbers
  const bulk = yield* numbers.lookupNumbers({
    phoneNumbers: ["+31612345678", "+4915123456789", "+447400123456", "not a number"]
    // lookupCallbackUrl: "https://example.com/lookups" to have the results POSTed when done
  })
  const { info } = bulk
  console.log(`bulk lookup ${info.lookupBulkId}: ${info.totalValid} looked up, cost ${info.totalCost}`)
  console.log(`  not looked up: ${info.invalid.join(", ") || "none"}`)
  for (const item of bulk.data) console.log(`  ${item.phoneNumber} -> lookup ${item.lookupId}`)
}).pipe(
  Effect.catchTags({
    InvalidRequestException: (e) => Effect.logError(`request refused (${e.code}): ${e.message}`),
    InsufficientBalanceException: (e) => Effect.logError(`top up first: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
