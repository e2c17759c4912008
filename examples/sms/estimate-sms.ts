/** Estimate what an SMS to several numbers would cost, without sending it. */
import { Sms } from "@smscx/client"
import { Effect } from "effect"
import { exampleRecipient, SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const sms = yield* Sms
  const estimate = yield* sms.estimateSms({
    to: [exampleRecipient, "+33612345678"],
    from: "InfoText",
    text: "Flash sale: 20% off everything until midnight."
  })
  console.log(
    `${estimate.info.totalValid} recipients, ${estimate.info.totalParts} parts, cost ${estimate.info.totalCost}`
  )
})

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
