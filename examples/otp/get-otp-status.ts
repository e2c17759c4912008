/** Send a one-time PIN, then read its status: attempts made, expiry, cost. */
import { Otp } from "@smscx/client"
import { Effect } from "effect"
import { exampleRecipient, SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const otp = yield* Otp
  const created = yield* otp.newOtp({ phoneNumber: exampleRecipient, ttl: 600 })
  const status = yield* otp.getOtpStatus(created.otpId)
  console.log(
    `OTP ${status.otpId} to ${status.phoneNumber}: ${status.status}, ` +
      `${status.attempts}/${status.maxAttempts} attempts, expires ${status.dateExpires}, cost ${status.cost}`
  )
}).pipe(
  Effect.catchTags({
    InvalidRequestException: (e) => Effect.logError(`rejected (${e.code}): ${e.message}`),
    ResourceNotFoundException: (e) => Effect.logError(`no such OTP: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
