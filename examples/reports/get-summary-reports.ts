/** This year's traffic summed by country, and by month with delivery statuses. */
import { Reports, Sms } from "@smscx/client"
import { Effect } from "effect"
import { exampleRecipient, SmsCxLive } from "../_runtime.js"

// a year gives months, a month (`Y-m`) or an interval gives days
const thisYear = { period: new Date().toISOString().slice(0, 4) }

const program = Effect.gen(function*() {
  const sms = yield* Sms
  const reports = yield* Reports
  yield* sms.sendSms({ to: [exampleRecipient], from: "InfoText", text: "Your order has shipped." })
  // the shape of `data` follows the dimension asked for
  const byCountry = yield* reports.getSummaryReports("country", thisYear)
  for (const [country, s] of Object.entries(byCountry.data)) {
    if ("phoneNumbers" in s) console.log(`${country}: ${s.phoneNumbers} numbers, ${s.parts} parts, ${s.costParts}`)
  }
  const byMonth = yield* reports.getSummaryReports("delivery", thisYear)
  for (const [month, s] of Object.entries(byMonth.data)) {
    if ("delivered" in s) {
      console.log(
        `${month}: parts accepted ${s.accepted.parts}, delivered ${s.delivered.parts}, failed ${s.failed.parts}`
      )
    }
  }
}).pipe(
  Effect.catchTags({
    // 1820..1824: a bad period, date or interval; 1829: a dimension that is none
    InvalidRequestException: (e) => Effect.logError(`bad summary request (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
