/** Print the scopes an access token can be given. */
import { Applications } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const applications = yield* Applications
  const scopes = yield* applications.getScopes()
  console.log(`${scopes.length} scopes: ${scopes.join(" ")}`)
}).pipe(
  Effect.catchTags({
    InsufficientScopeException: (e) => Effect.logError(`the token lacks the applications scope: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
