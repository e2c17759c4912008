// What the bundle-size budget measures: one SMS sent through @smscx/client, providing only the
// Sms group over `SmsCx.layerTransport`, importing modules by path (as from `effect/Effect`), as the
// README shows for bundles.
import { Sms } from "@smscx/client/Sms"
import * as SmsCx from "@smscx/client/SmsCx"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

const SmsLive = Sms.layer.pipe(
  Layer.provide(SmsCx.layerTransport({ apiKey: Redacted.make(process.env.SMSCX_API_KEY ?? "") }))
)
const program = Effect.flatMap(Sms, (sms) => sms.sendSms({ to: ["+31612469000"], from: "InfoText", text: "Hi" }))
Effect.runPromise(program.pipe(Effect.provide(SmsLive))).then((sent) => console.log(sent.info.totalCost))
