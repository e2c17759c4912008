/**
 * The Reports group: what was sent, read back from the store. Every report is derived from the
 * kept messages (rejected ones for opted-out numbers included) and their status now
 * (`Delivery.statusAt`), so a report agrees with the sends, with their costs and, as the clock
 * moves, with their delivery.
 *
 * A scheduled message that was deleted (and refunded) was never sent: it is in no report (the
 * API's status enums have no `DELETED`), its single report is not found, and a campaign whose
 * messages were all deleted is not a sent campaign.
 */
import type * as Api from "@smscx/core/Api"
import type * as Generated from "@smscx/core/Generated"
import type * as Operation from "@smscx/core/Operation"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Phone from "../engines/phone.js"
import {
  campaignName,
  campaignReport,
  exportTable,
  type ReportStatus,
  type Row,
  rowOf,
  rowsOf,
  sentCampaigns,
  SOURCE,
  toCampaignData,
  toData,
  totalsOf
} from "../engines/reports.js"
import { type ApiFailure, documented, type ErrorSpec, fail, Generic } from "../kernel/errors.js"
import * as Exports from "../kernel/exports.js"
import type * as Fields from "../kernel/fields.js"
import { fromMicros } from "../kernel/money.js"
import * as Paging from "../kernel/paging.js"
import type * as Router from "../kernel/router.js"
import type { Context } from "../state/context.js"
import type * as State from "../state/store.js"

/** The documented errors of the Reports operations. @internal */
const ReportsErrors = {
  periodInvalid: documented("getAdvancedReport", 1820),
  startDateInvalid: documented("getAdvancedReport", 1821),
  endDateInvalid: documented("getAdvancedReport", 1822),
  endBeforeStart: documented("getAdvancedReport", 1823),
  noDates: documented("getAdvancedReport", 1824),
  sourceInvalid: documented("getAdvancedReport", 1825),
  deliveryReportInvalid: documented("getAdvancedReport", 1826),
  countryInvalid: documented("getAdvancedReport", 1827),
  // only the exports document it; `getAdvancedReport` answers a bad channel with the generic error
  channelInvalid: documented("exportAdvancedReportToCSV", 1828),
  dimensionInvalid: documented("getSummaryReports", 1829),
  campaignIdInvalid: documented("getCampaignReport", 1155),
  campaignNotFound: documented("getCampaignReport", 1150),
  // the single report and the campaign exports share these ("Campaign ID or msg ID")
  idInvalid: documented("getSingleReport", 1165),
  idNotFound: documented("getSingleReport", 1160)
} as const

const E = ReportsErrors

// ---------------------------------------------------------------------------------------------
// Dates: `period` (`Y` or `Y-m`) or the interval `start_date`..`end_date` (`Y-m-d`, both days
// included), in UTC.

/** How a summary over dates buckets them: months for a year, days otherwise. */
type Bucket = "month" | "day"

interface Range {
  /** Epoch millis, included. */
  readonly start: number
  /** Epoch millis, excluded. */
  readonly end: number
  readonly bucket: Bucket
}

/** One of `period` or the interval: the inputs' schemas let no other shape through. */
interface DateQuery {
  readonly period?: string | undefined
  readonly start_date?: string | undefined
  readonly end_date?: string | undefined
}

const DAY = 86_400_000

/** The ids a report's cursors name: a row's message, a campaign's own. */
const rowId = (row: Row) => row.message.msgId
const campaignId = (report: { readonly campaign: { readonly campaignId: string } }) => report.campaign.campaignId

// years from 1000: `Date.UTC` reads years below 100 as 19xx
const periodPattern = /^([1-9]\d{3})(?:-(\d{2}))?$/
const datePattern = /^([1-9]\d{3})-(\d{2})-(\d{2})$/

const dayOf = (raw: string): number | undefined => {
  const match = datePattern.exec(raw.trim())
  if (match === null) return undefined
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const millis = Date.UTC(y, m - 1, d)
  const date = new Date(millis)
  // Date.UTC rolls over (Feb 30 becomes Mar 2): a day that does not round-trip does not exist
  return date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? millis : undefined
}

/** The range a request asks for (`normalizeDates` has left one of `period` or the interval). */
const rangeOf = (query: DateQuery): Effect.Effect<Range, ApiFailure> => {
  const period = query.period?.trim() ?? ""
  if (period !== "") {
    const match = periodPattern.exec(period)
    if (match === null) return fail(E.periodInvalid)
    const year = Number(match[1])
    if (match[2] === undefined) {
      return Effect.succeed({ start: Date.UTC(year, 0, 1), end: Date.UTC(year + 1, 0, 1), bucket: "month" })
    }
    const month = Number(match[2])
    if (month < 1 || month > 12) return fail(E.periodInvalid)
    return Effect.succeed({ start: Date.UTC(year, month - 1, 1), end: Date.UTC(year, month, 1), bucket: "day" })
  }
  if (query.start_date === undefined || query.end_date === undefined) return fail(E.noDates)
  const start = dayOf(query.start_date)
  if (start === undefined) return fail(E.startDateInvalid)
  const end = dayOf(query.end_date)
  if (end === undefined) return fail(E.endDateInvalid)
  if (end < start) return fail(E.endBeforeStart)
  return Effect.succeed({ start, end: end + DAY, bucket: "day" })
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0")

const bucketKey = (millis: number, bucket: Bucket): string => {
  const date = new Date(millis)
  const month = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}`
  return bucket === "month" ? month : `${month}-${pad(date.getUTCDate())}`
}

/** The buckets of a range, oldest first, at most `limit` of them. */
const bucketsOf = (range: Range, limit: number): ReadonlyArray<string> => {
  const keys: Array<string> = []
  let at = range.start
  while (at < range.end && keys.length < limit) {
    keys.push(bucketKey(at, range.bucket))
    const date = new Date(at)
    at = range.bucket === "month"
      ? Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1)
      : at + DAY
  }
  return keys
}

// ---------------------------------------------------------------------------------------------
// Filters of the advanced report and its exports.

type ChannelFilter = NonNullable<Operation.InputOf<typeof Api.Reports.getAdvancedReport>["channel"]>
type SourceFilter = NonNullable<Operation.InputOf<typeof Api.Reports.getAdvancedReport>["source"]>
type DeliveryFilter = NonNullable<Operation.InputOf<typeof Api.Reports.getAdvancedReport>["delivery_report"]>

interface FilterQuery extends DateQuery {
  readonly channel?: ChannelFilter | undefined
  readonly source?: SourceFilter | undefined
  readonly delivery_report?: DeliveryFilter | undefined
  readonly country_iso?: string | undefined
}

const deliveryStatus: Readonly<Record<DeliveryFilter, ReportStatus>> = {
  delivered: "DELIVERED",
  failed: "FAILED",
  sent: "SENT",
  accepted: "ACCEPTED",
  rejected: "REJECTED",
  scheduled: "SCHEDULED"
}

/**
 * The rows a filtered report holds, most recent first: sent in the range, on the channel (a
 * channel filter names the kind of send: `multichannel` selects multichannel sends), from the
 * source, with the delivery status now, to the country.
 */
const filtered = (store: State.Store, query: FilterQuery): Effect.Effect<Array<Row>, ApiFailure> =>
  Effect.gen(function*() {
    const range = yield* rangeOf(query)
    const country = query.country_iso?.toUpperCase()
    if (country !== undefined && !Phone.isCountry(country)) return yield* fail(E.countryInvalid)
    const status = query.delivery_report === undefined ? undefined : deliveryStatus[query.delivery_report]
    const now = yield* Clock.currentTimeMillis
    return rowsOf(store.storedMessages(), now).filter((row) => {
      const m = row.message
      return m.createdAt >= range.start && m.createdAt < range.end &&
        (query.channel === undefined || m.service === query.channel) &&
        (query.source === undefined || query.source === SOURCE) &&
        (status === undefined || row.status === status) &&
        (country === undefined || m.countryIso === country)
    }).reverse()
  })

/**
 * The inputs take `period` or the interval: one missing where the schema wanted it (neither
 * given, or half an interval) is the documented 1824.
 */
const dateFields: Fields.Table = [
  ["period", { invalid: (value) => value === undefined ? E.noDates : E.periodInvalid }],
  ["start_date", { invalid: (value) => value === undefined ? E.noDates : E.startDateInvalid }],
  ["end_date", { invalid: (value) => value === undefined ? E.noDates : E.endDateInvalid }]
]

/** The advanced report's fields; `channel` has a documented error in the exports only. */
const filterFields = (channel: ErrorSpec | undefined): Fields.Table => [
  ...dateFields,
  ...(channel === undefined ? [] : [["channel", { invalid: channel }] as const]),
  ["source", { invalid: E.sourceInvalid }],
  ["delivery_report", { invalid: E.deliveryReportInvalid }],
  ["country_iso", { invalid: E.countryInvalid }]
]

/**
 * The API takes `period` or the interval `start_date` + `end_date`. As it reads them, an empty
 * parameter counts as absent and a `period` wins over an interval sent with it (the SDK sends
 * one or the other; other clients may send both): what is left is one of the two shapes the
 * inputs' schemas accept, or neither (the documented 1824).
 */
const normalizeDates = (raw: Record<string, unknown>): Record<string, unknown> => {
  const given = (name: string) => typeof raw[name] !== "string" || (raw[name] as string).trim() !== ""
  const { end_date, period, start_date, ...rest } = raw
  if (period !== undefined && given("period")) return { ...rest, period }
  return {
    ...rest,
    ...(start_date !== undefined && given("start_date") ? { start_date } : {}),
    ...(end_date !== undefined && given("end_date") ? { end_date } : {})
  }
}

/** An export's `limit`: the most rows it holds (all of them when absent). */
const exportLimit = (limit: number | undefined): Effect.Effect<number, ApiFailure> =>
  limit === undefined
    ? Effect.succeed(Number.POSITIVE_INFINITY)
    : Number.isInteger(limit) && limit >= 1
    ? Effect.succeed(limit)
    : fail(Generic.invalidParam("limit"))

const exportRows = (store: State.Store, query: FilterQuery & { readonly limit?: number | undefined }) =>
  Effect.gen(function*() {
    const limit = yield* exportLimit(query.limit)
    const rows = yield* filtered(store, query)
    return exportTable(rows.slice(0, limit))
  })

const findCampaign = (store: State.Store, campaignId: string, notFound: ErrorSpec) =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const campaigns = yield* store.campaigns
    const campaign = campaigns.find((c) => c.campaignId === campaignId)
    const report = campaign === undefined ? undefined : campaignReport(store, campaign, now)
    return report ?? (yield* fail(notFound))
  })

const campaignFileName = (campaignId: string, extension: string) => `campaign-${campaignId}.${extension}`

// ---------------------------------------------------------------------------------------------
// Summaries by dimension.

type Dimension = Router.PathOf<typeof Api.Reports.getSummaryReports>["dimension"]
type SummaryBody = Operation.SuccessOf<typeof Api.Reports.getSummaryReports>

const summaryOf = (rows: ReadonlyArray<Row>): Generated.DataSummary => {
  const t = totalsOf(rows)
  return { phoneNumbers: t.phoneNumbers, parts: t.parts, costParts: fromMicros(t.costMicros) }
}

const groupBy = <K extends string>(rows: ReadonlyArray<Row>, key: (row: Row) => K): Map<K, Array<Row>> => {
  const groups = new Map<K, Array<Row>>()
  for (const row of rows) {
    const k = key(row)
    const group = groups.get(k)
    if (group === undefined) groups.set(k, [row])
    else group.push(row)
  }
  return groups
}

/** The `limit` largest groups (by recipients), each summed. */
const largest = <K extends string>(groups: Map<K, Array<Row>>, limit: number) =>
  [...groups].sort(([, a], [, b]) => b.length - a.length).slice(0, limit)

/**
 * Parts and cost by delivery status now. Here `parts` are the messages' own, billed or not: a
 * message without coverage is counted in the parts it would have taken, at cost 0.
 */
const deliveryOf = (rows: ReadonlyArray<Row>): Generated.DataSummaryDelivery => {
  const part = (...statuses: ReadonlyArray<ReportStatus>) => {
    const selected = rows.filter((r) => statuses.includes(r.status))
    return {
      parts: selected.reduce((sum, r) => sum + r.message.parts, 0),
      costParts: fromMicros(selected.reduce((sum, r) => sum + r.message.costMicros, 0))
    }
  }
  return {
    accepted: part("ACCEPTED", "SENT"),
    delivered: part("DELIVERED"),
    failed: part("FAILED"),
    scheduled: part("SCHEDULED"),
    noCoverage: part("NO COVERAGE")
  }
}

/**
 * The summary of `rows` by a dimension. Source, channel and country give one entry per value,
 * the largest `limit` of them; traffic and delivery one per date of the range (months for a
 * year, days otherwise), every date included, the first `limit` of them.
 */
const summarize = (dimension: Dimension, rows: ReadonlyArray<Row>, range: Range, limit: number): SummaryBody => {
  // "If no data is available for the summary report an empty data object is returned."
  if (rows.length === 0) return { data: {} }
  switch (dimension) {
    case "source":
      return {
        data: Object.fromEntries(
          largest(groupBy(rows, () => SOURCE), limit).map(([k, g]) => [k, { ...summaryOf(g), value: k }])
        )
      }
    case "channel":
      return {
        data: Object.fromEntries(
          largest(groupBy(rows, (r) => r.message.service), limit).map(([k, g]) => [k, { ...summaryOf(g), value: k }])
        )
      }
    case "country":
      return {
        data: Object.fromEntries(
          largest(groupBy(rows, (r) => r.message.countryIso), limit).map(([k, g]) => [k, summaryOf(g)])
        )
      }
    case "traffic": {
      const byDate = groupBy(rows, (r) => bucketKey(r.message.createdAt, range.bucket))
      return { data: Object.fromEntries(bucketsOf(range, limit).map((k) => [k, summaryOf(byDate.get(k) ?? [])])) }
    }
    case "delivery": {
      const byDate = groupBy(rows, (r) => bucketKey(r.message.createdAt, range.bucket))
      return { data: Object.fromEntries(bucketsOf(range, limit).map((k) => [k, deliveryOf(byDate.get(k) ?? [])])) }
    }
  }
}

const summaryLimit = (limit: number | undefined): Effect.Effect<number, ApiFailure> => {
  const n = limit ?? Paging.MAX_LIMIT
  return Number.isInteger(n) && n >= 1 && n <= Paging.MAX_LIMIT
    ? Effect.succeed(n)
    : fail(Generic.invalidParam("limit"))
}

// ---------------------------------------------------------------------------------------------

const campaignIdFields = (invalid: ErrorSpec): Fields.Table => [["campaignId", { missing: invalid, invalid }]]

/** @internal */
export const handlers = ({ store }: Context): Router.Handlers<typeof Api.Reports> => ({
  getAdvancedReport: {
    fields: filterFields(undefined),
    normalize: normalizeDates,
    handle: ({ input }) =>
      Effect.gen(function*() {
        const rows = yield* filtered(store, input)
        const page = yield* Paging.page(rows, input, { idOf: rowId })
        const totals = totalsOf(rows)
        return {
          body: {
            info: {
              totalPhoneNumbers: totals.phoneNumbers,
              totalCost: fromMicros(totals.costMicros),
              totalParts: totals.parts
            },
            // a short response gives the totals only, as a send's `shortResponse` does
            data: input.short_response === true ? [] : page.data.map(toData),
            paging: input.short_response === true ? { next: null, previous: null, size: 0 } : page.paging
          }
        }
      })
  },
  exportAdvancedReportToCSV: {
    fields: filterFields(E.channelInvalid),
    normalize: normalizeDates,
    handle: ({ input }) => Effect.map(exportRows(store, input), (table) => ({ body: Exports.csv(table, "report.csv") }))
  },
  exportAdvancedReportToXLSX: {
    fields: filterFields(E.channelInvalid),
    normalize: normalizeDates,
    handle: ({ input }) =>
      exportRows(store, input).pipe(
        Effect.flatMap((table) => Exports.xlsx(table, "report.xlsx", "Report")),
        Effect.map((body) => ({ body }))
      )
  },
  getCampaignsList: {
    // it documents no error: a bad `source` gets the generic invalid-parameter one
    handle: ({ input }) =>
      Effect.gen(function*() {
        const all = yield* sentCampaigns(store)
        // every campaign comes from the API: another source has none
        const campaigns = input.source === undefined || input.source === SOURCE ? all : []
        const page = yield* Paging.page(campaigns, input, { idOf: campaignId })
        return {
          body: {
            info: { totalCampaigns: campaigns.length },
            data: page.data.map((c) => toCampaignData(c, input.delivery_reports === true)),
            paging: page.paging
          }
        }
      })
  },
  getCampaignReport: {
    fields: campaignIdFields(E.campaignIdInvalid),
    handle: ({ input, path }) =>
      Effect.gen(function*() {
        const report = yield* findCampaign(store, path.campaignId, E.campaignNotFound)
        const page = yield* Paging.page(report.rows, input, { idOf: rowId })
        const totals = totalsOf(report.rows)
        return {
          body: {
            info: {
              campaignId: report.campaign.campaignId,
              campaignName: campaignName(report.campaign),
              totalPhoneNumbers: totals.phoneNumbers,
              totalCost: fromMicros(totals.costMicros),
              totalParts: totals.parts,
              channel: report.rows[0]!.message.service
            },
            data: input.short_response === true ? [] : page.data.map(toData),
            paging: input.short_response === true ? { next: null, previous: null, size: 0 } : page.paging
          }
        }
      })
  },
  exportCampaignReportToCSV: {
    fields: campaignIdFields(E.idInvalid),
    handle: ({ path }) =>
      Effect.map(findCampaign(store, path.campaignId, E.idNotFound), (report) => ({
        body: Exports.csv(exportTable(report.rows), campaignFileName(path.campaignId, "csv"))
      }))
  },
  exportCampaignReportToXLSX: {
    fields: campaignIdFields(E.idInvalid),
    handle: ({ path }) =>
      findCampaign(store, path.campaignId, E.idNotFound).pipe(
        Effect.flatMap((report) =>
          Exports.xlsx(exportTable(report.rows), campaignFileName(path.campaignId, "xlsx"), "Campaign")
        ),
        Effect.map((body) => ({ body }))
      )
  },
  getSingleReport: {
    fields: [["msgId", { missing: E.idInvalid, invalid: E.idInvalid }]],
    handle: ({ path }) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const message = store.findMessage(path.msgId)
        const row = message === undefined ? undefined : rowOf(message, now)
        if (row === undefined) return yield* fail(E.idNotFound)
        return { body: { data: toData(row) } }
      })
  },
  getSummaryReports: {
    fields: [["dimension", { missing: E.dimensionInvalid, invalid: E.dimensionInvalid }], ...dateFields],
    normalize: normalizeDates,
    handle: ({ input, path }) =>
      Effect.gen(function*() {
        const range = yield* rangeOf(input)
        const limit = yield* summaryLimit(input.limit)
        const now = yield* Clock.currentTimeMillis
        const rows = rowsOf(store.storedMessages(), now).filter((r) =>
          r.message.createdAt >= range.start && r.message.createdAt < range.end
        )
        return { body: summarize(path.dimension, rows, range, limit) }
      })
  }
})
