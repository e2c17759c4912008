/** Rent a number, then turn auto-renew on and change where its inbound SMS are POSTed. */
import { Numbers } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const numbers = yield* Numbers
  const offer = (yield* numbers.getAvailableNumbers("NL", { registration: false })).data[0]!
  const rented = yield* numbers.rentNumber({ numberId: offer.numberId, rentPeriod: 1 })
  const edited = yield* numbers.editRentSettings(rented.info.rentId, {
    autoRenew: true,
    callbackUrl: "https://example.com/sms/inbound"
  })
  const { info } = yield* numbers.getRentStatus(edited.info.rentId)
  console.log(`${info.phoneNumber}: auto-renew ${info.autoRenew}, callback ${info.callbackUrl}`)
}).pipe(
  Effect.catchTags({
    InvalidRequestException: (e) => Effect.logError(`request refused (${e.code}): ${e.message}`),
    ResourceNotFoundException: (e) => Effect.logError(`no such rent: ${e.message}`),
    InsufficientBalanceException: (e) => Effect.logError(`top up first: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
