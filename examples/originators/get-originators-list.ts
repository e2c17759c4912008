/** List the sender names, most recent first, with their approval status. */
import { Originators } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const originators = yield* Originators
  yield* originators.createOriginator({ originator: "InfoShop" })
  yield* originators.createOriginator({ originator: "31612469000" })
  const list = yield* originators.getOriginatorsList()
  for (const o of list.data) {
    console.log(
      `${o.id} ${o.originator}: ${o.approved ? "approved" : "pending approval"}${o.isDefault ? " (default)" : ""}`
    )
  }
}).pipe(
  Effect.catchTags({
    DuplicateValueException: (e) => Effect.logError(`already exists: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
