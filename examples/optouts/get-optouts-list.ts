/** List the opted-out numbers, most recent first, following the pages with `.all`. */
import { Optouts } from "@smscx/client"
import { Effect, Stream } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const optouts = yield* Optouts
  yield* optouts.addContactToOptoutsList({ phoneNumbers: ["+31612469001", "+31612469002", "+31612469003"] }).pipe(
    Effect.catchTag("InvalidRequestException", () => Effect.void) // already on the list
  )
  const first = yield* optouts.getOptoutsList({ limit: 2 })
  console.log(`${first.info.total} opted out`)
  yield* optouts.getOptoutsList.all({ limit: 2 }).pipe(
    Stream.runForEach((o) =>
      Effect.sync(() => console.log(`  ${o.id} ${o.phoneNumber} via ${o.optoutFrom} at ${o.datetime}`))
    )
  )
}).pipe(
  Effect.catchTags({
    InvalidPhoneNumberException: (e) => Effect.logError(`invalid numbers: ${e.invalid?.join(", ")}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
