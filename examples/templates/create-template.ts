/** Save an SMS template and a Viber one with a button: the Viber one waits for approval. */
import { Templates } from "@smscx/client"
import { Effect } from "effect"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const templates = yield* Templates
  const sms = yield* templates.createTemplate({
    name: "Order shipped",
    text: "Hi {{firstName}}, your order has shipped."
  })
  console.log(`created SMS template ${sms.info.id} "${sms.info.name}"`)
  const viber = yield* templates.createTemplate({
    name: "Spring sale",
    text: "50% off everything this weekend.",
    channel: "viber",
    richMedia: {
      imageUrl: "https://example.com/sale.png",
      buttonCaption: "Shop now",
      targetUrl: "https://example.com/sale"
    }
  })
  console.log(
    `created Viber template ${viber.info.id}: ${viber.info.type}, ${
      viber.info.approved ? "approved" : "waiting for approval"
    }`
  )
}).pipe(
  Effect.catchTags({
    DuplicateValueException: (e) => Effect.logError(`a template with that name exists: ${e.message}`),
    InvalidRequestException: (e) => Effect.logError(`refused (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
