/**
 * Send a one-time PIN and verify what the user typed. The PIN reaches only the phone: here the
 * user mistypes it, so the API answers InvalidPinException, and the status counts the attempt.
 * (With the right PIN, verifyOtp answers `{ status: "VERIFIED" }`.)
 */
import { Otp } from "@smscx/client"
import { Effect } from "effect"
import { exampleRecipient, SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const otp = yield* Otp
  const created = yield* otp.newOtp({ phoneNumber: exampleRecipient, pinType: "letters", pinLength: 6 })
  // what the user typed: digits, never a PIN of letters
  const typed = "123456"
  const outcome = yield* otp.verifyOtp(created.otpId, { pin: typed }).pipe(
    Effect.map((verified) => `verified: ${verified.status}`),
    Effect.catchTags({
      InvalidPinException: (e) => Effect.succeed(`wrong PIN (${e.code}): ${e.message}`),
      OtpFailedException: (e) => Effect.succeed(`too many attempts: ${e.message}`),
      OtpExpiredException: (e) => Effect.succeed(`expired, send a new one: ${e.message}`),
      OtpCancelledException: (e) => Effect.succeed(`cancelled: ${e.message}`),
      OtpAlreadyVerifiedException: (e) => Effect.succeed(`already verified: ${e.message}`)
    })
  )
  console.log(outcome)
  const status = yield* otp.getOtpStatus(created.otpId)
  console.log(`OTP ${status.otpId}: ${status.status}, ${status.attempts}/${status.maxAttempts} attempts used`)
}).pipe(
  Effect.catchTags({
    InvalidRequestException: (e) => Effect.logError(`rejected (${e.code}): ${e.message}`),
    ResourceNotFoundException: (e) => Effect.logError(`no such OTP: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
