/** Read an application's settings (callbacks, quiet hours, OTP defaults): the first listed, or SMSCX_APPLICATION_ID. */
import { Applications } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const applications = yield* Applications
  const list = yield* applications.getApplicationsList()
  const applicationId = list.data[0]?.applicationId ?? process.env.SMSCX_APPLICATION_ID ?? "my-application"
  const app = yield* applications.getApplicationSettings(applicationId)
  console.log(`${app.applicationId} "${app.name}": scopes ${app.scopes}`)
  const otp = app.settings.otp
  console.log(
    `  OTP: ${otp.pinLength} ${otp.pinType}, valid ${otp.ttl}s, ${otp.maxAttempts} attempts, from ${otp.from}`
  )
  console.log(`  SMS delivery reports to: ${app.settings.sms.dlrCallback ?? "(none)"}`)
}).pipe(
  Effect.catchTags({
    ResourceNotFoundException: (e) => Effect.sync(() => console.log(`no such application: ${e.message}`)),
    InsufficientScopeException: (e) => Effect.logError(`the token lacks the applications scope: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
