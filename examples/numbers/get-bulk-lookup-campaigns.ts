/** List the bulk lookups made so far (one is made first), page by page. */
import { Numbers } from "@smscx/client"
import { Effect, Stream } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const numbers = yield* Numbers
  yield* numbers.lookupNumbers({ phoneNumbers: ["+31612345678", "+4915123456789"] })
  yield* Stream.runForEach(
    numbers.getBulkLookupCampaigns.all({ limit: 50 }),
    (c) =>
      Effect.sync(() =>
        console.log(`${c.id}: ${c.totalValid}/${c.totalPhoneNumbers} numbers, cost ${c.totalCost}, ${c.datetimeAdded}`)
      )
  )
})

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
