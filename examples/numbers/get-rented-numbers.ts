/** Rent a number, then list the active rented numbers of a country. */
import { Numbers } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const numbers = yield* Numbers
  const offer = (yield* numbers.getAvailableNumbers("GB", { registration: false })).data[0]!
  yield* numbers.rentNumber({ numberId: offer.numberId, rentPeriod: 1 })
  const { data } = yield* numbers.getRentedNumbers({ country_iso: "GB", active_rent: true })
  for (const r of data) {
    console.log(`${r.phoneNumber} (${r.rentId}): ${r.rentPeriod} days until ${r.rentEnd}, auto-renew ${r.autoRenew}`)
  }
}).pipe(
  Effect.catchTags({
    InsufficientBalanceException: (e) => Effect.logError(`top up first: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
