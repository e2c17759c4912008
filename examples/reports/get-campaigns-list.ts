/** The campaigns sent, most recent first, each with its delivery counts. */
import { Reports, Sms } from "@smscx/client"
import { Effect, Stream } from "effect"
import { exampleRecipient, SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const sms = yield* Sms
  const reports = yield* Reports
  yield* sms.sendSms({ to: [exampleRecipient], from: "InfoText", text: "Flash sale: 20% off today only." })
  const first = yield* reports.getCampaignsList({ limit: 10 })
  console.log(`${first.info.totalCampaigns} campaigns sent`)
  yield* reports.getCampaignsList.all({ delivery_reports: true, limit: 10 }).pipe(
    Stream.runForEach((c) =>
      Effect.sync(() =>
        console.log(
          `  ${c.datetimeAdded} ${c.id} ${c.channel}: ${c.totalPhoneNumers} numbers, ${c.parts} parts, ${c.cost}` +
            (c.status === undefined ? "" : `; delivered ${c.status.delivered}, failed ${c.status.failed}`)
        )
      )
    )
  )
})

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
