/** Look up one number (billed): is it reachable, ported, roaming, on which network. */
import { Numbers } from "@smscx/client"
import { Effect } from "effect"
import { exampleRecipient, SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const numbers = yield* Numbers
  const { data } = yield* numbers.lookupNumber(exampleRecipient)
  console.log(`${data.phoneNumber}: ${data.status} (${data.statusDescription}), cost ${data.cost}`)
  console.log(`  network ${data.originalNetwork.name ?? "unknown"}, ported: ${data.ported}, roaming: ${data.roaming}`)
}).pipe(
  Effect.catchTags({
    InvalidPhoneNumberException: (e) => Effect.logError(`not a valid number: ${e.invalid?.join(", ")}`),
    NoCoverageException: (e) => Effect.logError(`no lookup coverage: ${e.message}`),
    InsufficientBalanceException: (e) => Effect.logError(`top up first: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
