/** Submit a sender name for approval: letters and digits, 3 to 11 (or 3 to 15 digits). */
import { Originators } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const originators = yield* Originators
  const created = yield* originators.createOriginator({ originator: "MyShop" })
  console.log(`submitted originator ${created.info.id} "${created.info.originator}" for approval`)
}).pipe(
  Effect.catchTags({
    DuplicateValueException: (e) => Effect.logError(`already exists: ${e.message}`),
    InvalidRequestException: (e) => Effect.logError(`refused (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
