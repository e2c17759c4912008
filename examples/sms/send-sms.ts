/** Send one SMS, and print its message id, status and cost. */
import { Sms } from "@smscx/client"
import { Effect } from "effect"
import { exampleRecipient, SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const sms = yield* Sms
  const sent = yield* sms.sendSms({ to: [exampleRecipient], from: "InfoText", text: "Your order has shipped." })
  const [message] = sent.data
  console.log(`sent ${message?.msgId} to ${message?.to}: ${message?.status}, cost ${sent.info.totalCost}`)
}).pipe(
  Effect.catchTags({
    InvalidPhoneNumberException: (e) => Effect.logError(`invalid numbers: ${e.invalid?.join(", ")}`),
    InsufficientBalanceException: (e) => Effect.logError(`top up first: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
