/**
 * Delivery reports (`dlr_update` callbacks): POSTed to a send's `dlrCallbackUrl` as each of its
 * messages reaches a status, on the sandbox's timers.
 */
import type * as Generated from "@smscx/core/Generated"
import * as Effect from "effect/Effect"
import type * as Store from "../state/store.js"
import * as Delivery from "./delivery.js"
import type { Engine, Outcome } from "./sends.js"

/**
 * A send's delivery reports, POSTed to its `dlrCallbackUrl` as each status is reached: work on the
 * sandbox's timers, owned by the campaign (dropped with it from the history). A message dropped
 * before its report is due is not reported.
 * @internal
 */
export const reportDeliveries = (engine: Engine, outcome: Outcome) => {
  const tracked = outcome.messages.filter((m) => m.dlrCallbackUrl !== undefined && m.timeline !== undefined)
  if (tracked.length === 0) return Effect.void
  const instants = [...new Set(tracked.flatMap((m) => [m.timeline!.sentAt, m.timeline!.finalAt]))].sort((a, b) => a - b)
  const campaignId = outcome.campaignId
  return Effect.forEach(
    instants,
    (at) => engine.timers.schedule(at, Effect.suspend(() => reportAt(engine, tracked, at)), campaignId),
    { discard: true }
  )
}

/**
 * The reports of a send's messages whose status changes at `at`, by URL. Apart from
 * `reportDeliveries`, so that the work waiting for `at` holds the messages and nothing more of
 * the send.
 */
const reportAt = (engine: Engine, tracked: ReadonlyArray<Store.StoredMessage>, at: number) =>
  Effect.gen(function*() {
    const byUrl = new Map<string, Array<Generated.DataDlrUpdate>>()
    for (const m of tracked) {
      if (m.timeline!.sentAt !== at && m.timeline!.finalAt !== at) continue
      if (engine.store.findMessage(m.msgId) !== m) continue
      const report = Delivery.statusAt(m, at)
      // a deleted scheduled message is not reported
      if (report.status === "DELETED") continue
      const items = byUrl.get(m.dlrCallbackUrl!) ?? []
      items.push({
        campaignId: m.campaignId,
        msgId: m.msgId,
        statusCode: Delivery.statusCodes[report.status],
        status: report.status as Generated.DataDlrUpdate["status"],
        errorCode: report.errorCode,
        datetime: new Date(at).toISOString(),
        trackData: m.trackData ?? null
      })
      byUrl.set(m.dlrCallbackUrl!, items)
    }
    for (const [url, items] of byUrl) {
      // up to 200 reports a request, as the API batches them
      for (let i = 0; i < items.length; i += 200) {
        yield* engine.callbacks.post(url, { event: "dlr_update", data: items.slice(i, i + 200) })
      }
    }
  })
