/** Rent a number for 7 days (billed: setup fee and rent), with a callback URL for inbound SMS. */
import { Numbers } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const numbers = yield* Numbers
  const { data } = yield* numbers.getAvailableNumbers("DE", { registration: false })
  const offer = data[0]!
  const { info } = yield* numbers.rentNumber({
    numberId: offer.numberId,
    rentPeriod: 7,
    autoRenew: false,
    callbackUrl: "https://example.com/inbound-sms"
  })
  console.log(`rented ${info.phoneNumber} (${info.rentId}) until ${info.rentEnd}`)
  console.log(`  paid ${info.setupCost} setup + ${info.rentCost} rent; approved: ${info.approved}`)
}).pipe(
  Effect.catchTags({
    InsufficientBalanceException: (e) => Effect.logError(`top up first: ${e.message}`),
    AccessDeniedException: (e) => Effect.logError(`cannot rent it: ${e.message}`),
    ResourceNotFoundException: (e) => Effect.logError(`no longer available: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
