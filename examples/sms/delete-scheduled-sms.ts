/** Schedule an SMS for later, then delete it: its cost returns to the balance. */
import { Sms } from "@smscx/client"
import { Effect } from "effect"
import { exampleRecipient, inMinutes, SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const sms = yield* Sms
  const scheduled = yield* sms.sendSms({
    to: [exampleRecipient],
    from: "InfoText",
    text: "Reminder: your appointment is tomorrow at 10:00.",
    scheduledDate: inMinutes(60)
  })
  const msgId = scheduled.data[0]!.msgId
  console.log(`scheduled ${msgId} (${scheduled.data[0]!.status})`)
  const deleted = yield* sms.deleteScheduledSms(msgId)
  console.log(`deleted ${deleted.info.msgId}, ${deleted.info.creditReturned} returned to the balance`)
})

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
