/** Rent a number, then cancel the rent (allowed in its first 30 minutes): the rent is refunded. */
import { Numbers } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const numbers = yield* Numbers
  const offer = (yield* numbers.getAvailableNumbers("US", { registration: false })).data[0]!
  const rented = yield* numbers.rentNumber({ numberId: offer.numberId, rentPeriod: 7 })
  console.log(`rented ${rented.info.phoneNumber}: ${rented.info.setupCost} setup + ${rented.info.rentCost} rent`)
  const { info } = yield* numbers.cancelRent(rented.info.rentId)
  console.log(`cancelled ${info.rentId}: ${info.creditReturned} returned (the setup fee is not)`)
}).pipe(
  Effect.catchTags({
    AccessDeniedException: (e) => Effect.logError(`cannot cancel: ${e.message}`),
    ResourceNotFoundException: (e) => Effect.logError(`no such rent: ${e.message}`),
    InsufficientBalanceException: (e) => Effect.logError(`top up first: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
