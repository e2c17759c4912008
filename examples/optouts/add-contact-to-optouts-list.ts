/** Put numbers on the opt-out list: sends skip them (answered REJECTED, at no cost). */
import { Optouts, Sms } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const optouts = yield* Optouts
  const added = yield* optouts.addContactToOptoutsList({
    phoneNumbers: ["+31612469001", "0612469002", "12345"],
    countryIso: "NL",
    allowInvalid: true
  })
  console.log(
    `${added.info.totalValid} added, ${added.info.totalDuplicates} already there, ` +
      `${added.info.totalInvalid} invalid (${added.info.invalid.join(", ")})`
  )
  // an SMS to an opted-out number is not sent, and not billed
  const sms = yield* Sms
  const estimate = yield* sms.estimateSms({ to: ["+31612469001"], from: "InfoText", text: "Hello" })
  console.log(`to +31612469001: ${estimate.data[0]?.status}, cost ${estimate.info.totalCost}`)
}).pipe(
  Effect.catchTags({
    InvalidPhoneNumberException: (e) => Effect.logError(`invalid numbers: ${e.invalid?.join(", ")}`),
    InvalidRequestException: (e) => Effect.logError(`nothing added (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
