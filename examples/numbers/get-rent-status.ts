/** Rent a number, then read the details of that rent. */
import { Numbers } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const numbers = yield* Numbers
  const offer = (yield* numbers.getAvailableNumbers("FR", { registration: false })).data[0]!
  const rented = yield* numbers.rentNumber({ numberId: offer.numberId, rentPeriod: 1 })
  const { info } = yield* numbers.getRentStatus(rented.info.rentId)
  console.log(`${info.phoneNumber}: active ${info.activeRent}, ${info.rentStart} - ${info.rentEnd}`)
  console.log(`  inbound SMS ${info.inboundSms.total}, renewal prices ${JSON.stringify(info.renewCost)}`)
}).pipe(
  Effect.catchTags({
    ResourceNotFoundException: (e) => Effect.logError(`no such rent: ${e.message}`),
    InsufficientBalanceException: (e) => Effect.logError(`top up first: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
