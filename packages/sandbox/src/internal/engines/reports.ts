/**
 * Reports read back from the store: each kept message's report now (`Delivery.statusAt`), as a
 * row built once for the JSON answers and the exports, their totals, and the sent campaigns with
 * their messages. A deleted scheduled message was never sent: it is in no row.
 */
import type * as Generated from "@smscx/core/Generated"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type * as Exports from "../kernel/exports.js"
import { fromMicros } from "../kernel/money.js"
import type * as State from "../state/store.js"
import * as Delivery from "./delivery.js"
import * as MessageParts from "./messageParts.js"

/** The statuses a report shows: every status but `DELETED`. @internal */
export type ReportStatus = Exclude<Delivery.Status, "DELETED">

/** @internal */
export interface Row {
  readonly message: State.StoredMessage
  readonly status: ReportStatus
  readonly updatedAt: number | null
  readonly errorCode: number | null
}

/** A message's report now; undefined for a deleted one, which no report shows. @internal */
export const rowOf = (message: State.StoredMessage, now: number): Row | undefined => {
  const report = Delivery.statusAt(message, now)
  if (report.status === "DELETED") return undefined
  return { message, status: report.status, updatedAt: report.updatedAt, errorCode: report.errorCode }
}

/** @internal */
export const rowsOf = (messages: ReadonlyArray<State.StoredMessage>, now: number): Array<Row> =>
  messages.flatMap((m) => {
    const row = rowOf(m, now)
    return row === undefined ? [] : [row]
  })

const iso = (millis: number) => new Date(millis).toISOString()

/** Every message reaches the sandbox through the API. @internal */
export const SOURCE = "api" as const

/** @internal */
const textAnalysis = (m: State.StoredMessage): Generated.TextAnalysis => {
  const analysis = MessageParts.analyze(m.text)
  // the parts the message was sent (and billed) in: a Viber or WhatsApp message is one part
  return { length: analysis.length, unicode: analysis.unicode, parts: Math.max(1, m.parts) }
}

/** @internal */
export const toData = (row: Row): Generated.DataReportCampaign => {
  const m = row.message
  return {
    msgId: m.msgId,
    status: row.status,
    statusCode: Delivery.statusCodes[row.status],
    errorCode: row.errorCode,
    inQuietHours: m.inQuietHours,
    createdAt: iso(m.createdAt),
    updatedAt: row.updatedAt === null ? null : iso(row.updatedAt),
    cost: fromMicros(m.costMicros),
    to: m.to,
    countryIso: m.countryIso,
    from: m.from,
    text: m.text,
    source: SOURCE,
    channel: m.channel,
    textAnalysis: textAnalysis(m),
    scheduledAt: m.scheduledAt === undefined ? null : iso(m.scheduledAt)
  }
}

/** @internal */
export const exportTable = (rows: ReadonlyArray<Row>): Exports.Table => ({
  columns: [
    "msgId",
    "status",
    "statusCode",
    "errorCode",
    "inQuietHours",
    "createdAt",
    "updatedAt",
    "scheduledAt",
    "cost",
    "to",
    "countryIso",
    "from",
    "source",
    "channel",
    "text",
    "length",
    "unicode",
    "parts"
  ],
  rows: rows.map((row) => {
    const d = toData(row)
    return [
      d.msgId,
      d.status,
      d.statusCode,
      d.errorCode,
      d.inQuietHours,
      d.createdAt,
      d.updatedAt,
      d.scheduledAt,
      d.cost,
      d.to,
      d.countryIso,
      d.from,
      d.source,
      d.channel,
      d.text,
      d.textAnalysis.length,
      d.textAnalysis.unicode,
      d.textAnalysis.parts
    ]
  })
})

/** Rejected and uncovered messages are not sent: no parts billed, cost 0. @internal */
const billed = (row: Row) => row.status !== "REJECTED" && row.status !== "NO COVERAGE"

/** @internal */
interface Totals {
  readonly phoneNumbers: number
  /** The parts sent (billed), as a send's `totalParts` counts them. */
  readonly parts: number
  readonly costMicros: number
}

/** @internal */
export const totalsOf = (rows: ReadonlyArray<Row>): Totals =>
  rows.reduce(
    (t, row) => ({
      phoneNumbers: t.phoneNumbers + 1,
      parts: t.parts + (billed(row) ? row.message.parts : 0),
      costMicros: t.costMicros + row.message.costMicros
    }),
    { phoneNumbers: 0, parts: 0, costMicros: 0 }
  )

// Campaigns: every committed send is one, with the messages it kept.

/** @internal */
interface CampaignReport {
  readonly campaign: State.Campaign
  /** Its messages, in the order they were sent; deleted ones left out. */
  readonly rows: ReadonlyArray<Row>
}

/** @internal */
export const campaignReport = (
  store: State.Store,
  campaign: State.Campaign,
  now: number
): CampaignReport | undefined => {
  const rows = rowsOf(
    campaign.msgIds.flatMap((id) => {
      const m = store.findMessage(id)
      return m === undefined ? [] : [m]
    }),
    now
  )
  return rows.length === 0 ? undefined : { campaign, rows }
}

/** The sent campaigns, most recent first. @internal */
export const sentCampaigns = (store: State.Store): Effect.Effect<Array<CampaignReport>> =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const campaigns = yield* store.campaigns
    return campaigns.flatMap((c) => {
      const report = campaignReport(store, c, now)
      return report === undefined ? [] : [report]
    }).reverse()
  })

/** API sends carry no campaign name: the sandbox names them by their source and time. @internal */
export const campaignName = (c: State.Campaign) => `API ${c.createdAt.slice(0, 19).replace("T", " ")}`

/** @internal */
const statusCounts = (rows: ReadonlyArray<Row>): Generated.Status => {
  const count = (...statuses: ReadonlyArray<ReportStatus>) => rows.filter((r) => statuses.includes(r.status)).length
  return {
    // accepted and not yet finally reported, whether it left already (`SENT`) or not
    accepted: count("ACCEPTED", "SENT"),
    delivered: count("DELIVERED"),
    failed: count("FAILED"),
    scheduled: count("SCHEDULED"),
    noCoverage: count("NO COVERAGE")
  }
}

/** @internal */
export const toCampaignData = (
  { campaign, rows }: CampaignReport,
  withStatus: boolean
): Generated.DataReportsCampaigns => {
  const first = rows[0]!.message
  const totals = totalsOf(rows)
  const scheduled = rows.find((r) => r.message.scheduledAt !== undefined)?.message.scheduledAt
  return {
    id: campaign.campaignId,
    name: campaignName(campaign),
    from: first.from,
    groups: campaign.groups,
    totalPhoneNumers: totals.phoneNumbers,
    parts: totals.parts,
    cost: fromMicros(totals.costMicros),
    text: first.text,
    source: SOURCE,
    channel: first.channel,
    datetimeAdded: campaign.createdAt,
    datetimeScheduled: scheduled === undefined ? null : iso(scheduled),
    ...(withStatus ? { status: statusCounts(rows) } : {})
  }
}
