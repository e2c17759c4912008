/** Rent a number for a day, then renew it for 7 more days (billed). */
import { Numbers } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const numbers = yield* Numbers
  const offer = (yield* numbers.getAvailableNumbers("RO", { registration: false })).data[0]!
  const rented = yield* numbers.rentNumber({ numberId: offer.numberId, rentPeriod: 1 })
  const { info } = yield* numbers.renewRent(rented.info.rentId, { rentPeriod: 7, autoRenew: true })
  console.log(
    `renewed ${info.phoneNumber}: now until ${info.rentEnd}, paid ${info.rentCost}, auto-renew ${info.autoRenew}`
  )
}).pipe(
  Effect.catchTags({
    AccessDeniedException: (e) => Effect.logError(`cannot renew: ${e.message}`),
    InsufficientBalanceException: (e) => Effect.logError(`top up first: ${e.message}`),
    InvalidRequestException: (e) => Effect.logError(`request refused (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
