/** Send a one-time PIN, cancel it (it can no longer be verified), and show its status. */
import { Otp } from "@smscx/client"
import { Effect } from "effect"
import { exampleRecipient, SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const otp = yield* Otp
  const created = yield* otp.newOtp({ phoneNumber: exampleRecipient })
  const cancelled = yield* otp.cancelOtp(created.otpId)
  console.log(`cancelled OTP ${cancelled.info.id}`)
  const status = yield* otp.getOtpStatus(created.otpId)
  console.log(`status now: ${status.status}`)
}).pipe(
  Effect.catchTags({
    OtpCancelledException: (e) => Effect.logError(`already cancelled: ${e.message}`),
    OtpActionNotAllowedException: (e) => Effect.logError(`no longer pending: ${e.message}`),
    ResourceNotFoundException: (e) => Effect.logError(`no such OTP: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
