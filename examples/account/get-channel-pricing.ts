/** Print the account's SMS prices for transactional traffic. */
import { Account } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const account = yield* Account
  const pricing = yield* account.getChannelPricing("sms", "transactional")
  console.log(JSON.stringify(pricing, null, 2))
})

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
