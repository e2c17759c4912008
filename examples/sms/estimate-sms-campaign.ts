/** Estimate an SMS campaign to a group of contacts. */
import { Sms } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const groupId = Number(process.env.SMSCX_EXAMPLE_GROUP ?? 1)

const program = Effect.gen(function*() {
  const sms = yield* Sms
  const estimate = yield* sms.estimateSmsCampaign({ groups: [groupId], from: "InfoText", text: "Hello {{firstName}}!" })
  console.log(`${estimate.info.totalValid} messages would cost ${estimate.info.totalCost}`)
})

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
