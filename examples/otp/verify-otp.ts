/**
 * Send a one-time PIN and verify what the user typed: first a mistyped PIN (InvalidPinException,
 * and the status counts the attempt), then the PIN that was sent, read from the sandbox's outbox
 * (on the real API the PIN reaches only the phone, so only the mistyped one is tried).
 */
import { Otp } from "@smscx/client"
import { Effect } from "effect"
import { exampleRecipient, pinSentTo, SmsCxLive } from "../_runtime.js"

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
  const sent = yield* pinSentTo(exampleRecipient)
  if (sent !== undefined) {
    const verified = yield* otp.verifyOtp(created.otpId, { pin: sent })
    console.log(`with the PIN that was sent: ${verified.status}`)
  }
}).pipe(
  Effect.catchTags({
    InvalidRequestException: (e) => Effect.logError(`rejected (${e.code}): ${e.message}`),
    ResourceNotFoundException: (e) => Effect.logError(`no such OTP: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
