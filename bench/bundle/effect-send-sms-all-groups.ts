// One SMS sent through @smscx/client over `SmsCx.layer`, which brings every group (reported, not budgeted).
import { Sms, SmsCx } from "@smscx/client"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"

const program = Effect.flatMap(Sms, (sms) => sms.sendSms({ to: ["+31612469000"], from: "InfoText", text: "Hi" }))
Effect.runPromise(program.pipe(Effect.provide(SmsCx.layer({ apiKey: Redacted.make(process.env.SMSCX_API_KEY ?? "") }))))
  .then((sent) => console.log(sent.info.totalCost))
