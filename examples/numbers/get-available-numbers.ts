/** The numbers offered for rent in a country, mobile ones that can send and receive SMS. */
import { Numbers } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const numbers = yield* Numbers
  const { data } = yield* numbers.getAvailableNumbers("NL", { number_type: "mobile", features: 3 })
  for (const n of data) {
    const prices = n.rentCost.map((c) => `${c.days}d ${c.cost}`).join(", ")
    console.log(`${n.numberId} ${n.phoneNumber ?? "(picked at rent time)"}: setup ${n.setupCost}, ${prices}`)
  }
}).pipe(
  Effect.catchTags({
    InvalidRequestException: (e) => Effect.logError(`request refused (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
