/** Print which channels are active on the account. */
import { Account } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const account = yield* Account
  const status = yield* account.getChannelsStatus()
  for (const [channel, active] of Object.entries(status)) console.log(`${channel}: ${active ? "active" : "inactive"}`)
})

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
