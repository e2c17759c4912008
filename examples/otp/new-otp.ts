/** Send a one-time PIN by SMS: print the OTP's id, status, expiry and cost. */
import { Otp } from "@smscx/client"
import { Effect } from "effect"
import { exampleRecipient, SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const otp = yield* Otp
  const created = yield* otp.newOtp({
    phoneNumber: exampleRecipient,
    from: "InfoText",
    template: "Your verification code is {{pin}}",
    pinType: "numbers",
    pinLength: 6,
    ttl: 300,
    maxAttempts: 3
  })
  console.log(
    `OTP ${created.otpId} sent to ${created.phoneNumber} (${created.countryIso}): ${created.status}, ` +
      `valid until ${created.dateExpires}, ${created.maxAttempts} attempts, cost ${created.cost}`
  )
}).pipe(
  Effect.catchTags({
    InvalidRequestException: (e) => Effect.logError(`rejected (${e.code}): ${e.message}`),
    ApiException: (e) => Effect.logError(`refused (${e.type} ${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
