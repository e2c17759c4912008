/** List the account's OAuth applications and the scopes each may use (secrets are never shown). */
import { Applications } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const applications = yield* Applications
  const list = yield* applications.getApplicationsList()
  if (list.data.length === 0) console.log("no applications")
  for (const app of list.data) {
    console.log(
      `${app.applicationId} "${app.applicationName}": scopes ${app.scopes}, tokens last ${app.tokenExpiration}`
    )
  }
}).pipe(
  Effect.catchTags({
    InsufficientScopeException: (e) => Effect.logError(`the token lacks the applications scope: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
