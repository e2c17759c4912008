/** Start a bulk lookup, then read its results once they are complete. */
import { Numbers } from "@smscx/client"
import { Effect, Schedule, Stream } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const numbers = yield* Numbers
  const bulk = yield* numbers.lookupNumbers({ phoneNumbers: ["+31612345678", "+40721234560", "+447400123451"] })
  const id = bulk.info.lookupBulkId
  // results appear as the lookups complete (a few seconds): ask until they are all there
  yield* numbers.getBulkLookupStatus(id, {}).pipe(
    Effect.repeat({
      schedule: Schedule.spaced("1 second"),
      until: (s) => s.data.length === s.info.totalValid,
      times: 30
    })
  )
  const status = yield* numbers.getBulkLookupStatus(id, { limit: 1 })
  console.log(
    `bulk ${id}: ${status.info.totalValid} numbers, by country ${JSON.stringify(status.info.phoneNumbersByCountry)}`
  )
  yield* Stream.runForEach(
    numbers.getBulkLookupStatus.all(id, { limit: 100 }),
    (d) => Effect.sync(() => console.log(`  ${d.phoneNumber}: ${d.status}, ported ${d.ported}, roaming ${d.roaming}`))
  )
}).pipe(
  Effect.catchTags({
    ResourceNotFoundException: (e) => Effect.logError(`no such bulk lookup: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
