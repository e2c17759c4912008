/** Rent a number, then read the SMS it received, page by page. */
import { Numbers } from "@smscx/client"
import { Effect, Stream } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const numbers = yield* Numbers
  const offer = (yield* numbers.getAvailableNumbers("DE", { registration: false, features: 1 })).data[0]!
  const rented = yield* numbers.rentNumber({ numberId: offer.numberId, rentPeriod: 1 })
  console.log(`send an SMS to ${rented.info.phoneNumber} to see it here`)
  const first = yield* numbers.getInboundSms(rented.info.rentId, { limit: 100 })
  console.log(`${first.info.phoneNumber}: ${first.paging.size} SMS on the first page`)
  yield* Stream.runForEach(
    numbers.getInboundSms.all(rented.info.rentId, { limit: 100 }),
    (m) => Effect.sync(() => console.log(`  ${m.receivedAt} from ${m.from}: ${m.text}`))
  )
}).pipe(
  Effect.catchTags({
    ResourceNotFoundException: (e) => Effect.logError(`no such rent: ${e.message}`),
    InsufficientBalanceException: (e) => Effect.logError(`top up first: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
