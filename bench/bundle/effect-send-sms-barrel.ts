// The same program as effect-send-sms.ts, importing from the `effect` barrel instead of its modules.
import { Sms, SmsCx } from "@smscx/client"
import { Effect, Redacted } from "effect"

const program = Effect.flatMap(Sms, (sms) => sms.sendSms({ to: ["+31612469000"], from: "InfoText", text: "Hi" }))
Effect.runPromise(program.pipe(Effect.provide(SmsCx.layer({ apiKey: Redacted.make(process.env.SMSCX_API_KEY ?? "") }))))
  .then((sent) => console.log(sent.info.totalCost))
