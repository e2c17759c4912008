/** The advanced report of this month: totals, then every message with its delivery status, page by page. */
import { Reports, Sms } from "@smscx/client"
import { Effect, Stream } from "effect"
import { exampleRecipient, SmsCxLive } from "../_runtime.js"

// `period` (`Y` or `Y-m`), or the interval `start_date` + `end_date` (`Y-m-d`): one or the other
const thisMonth = { period: new Date().toISOString().slice(0, 7) }

const program = Effect.gen(function*() {
  const sms = yield* Sms
  const reports = yield* Reports
  yield* sms.sendSms({ to: [exampleRecipient], from: "InfoText", text: "Your order has shipped." })
  const { info } = yield* reports.getAdvancedReport({ ...thisMonth, short_response: true })
  console.log(`${info.totalPhoneNumbers} messages, ${info.totalParts} parts, ${info.totalCost} spent this month`)
  yield* reports.getAdvancedReport.all({ ...thisMonth, channel: "sms", limit: 100 }).pipe(
    Stream.runForEach((m) =>
      Effect.sync(() =>
        console.log(`  ${m.createdAt} ${m.to} ${m.status}${m.errorCode === null ? "" : ` (${m.errorCode})`} ${m.cost}`)
      )
    )
  )
}).pipe(
  Effect.catchTags({
    // 1820..1827: a bad period, date, interval or filter
    InvalidRequestException: (e) => Effect.logError(`bad report request (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
