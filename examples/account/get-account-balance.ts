/** Print the account's balance. */
import { Account } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const account = yield* Account
  const { balance, billing, currency } = yield* account.getAccountBalance()
  console.log(`balance: ${balance} ${currency} (${billing})`)
})

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
