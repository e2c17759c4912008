/** Look up a number, then fetch that lookup again by its id. */
import { Numbers } from "@smscx/client"
import { Effect } from "effect"
import { exampleRecipient, SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const numbers = yield* Numbers
  const { data } = yield* numbers.lookupNumber(exampleRecipient)
  const again = yield* numbers.getSingleLookupStatus(data.lookupId)
  console.log(`lookup ${again.lookupId} of ${again.phoneNumber}: ${again.status} on ${again.mccmnc}, ${again.datetime}`)
}).pipe(
  Effect.catchTags({
    ResourceNotFoundException: (e) => Effect.logError(`no such lookup (yet): ${e.message}`),
    InsufficientBalanceException: (e) => Effect.logError(`top up first: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
