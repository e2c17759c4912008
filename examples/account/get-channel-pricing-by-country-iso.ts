/** Print the account's SMS prices in one country. */
import { Account } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const account = yield* Account
  const pricing = yield* account.getChannelPricingByCountryIso("sms", "transactional", "NL")
  console.log(JSON.stringify(pricing, null, 2))
})

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
