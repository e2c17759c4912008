/**
 * The Numbers group's validation and lookups (single and bulk, billed, with exports and a
 * callback), over the number-lookups engine (`engines/numberLookups.ts`); its rents are
 * `numberRents.ts`'s, the app joins both.
 *
 * Timing (Effect `Clock`): a single lookup (`lookupNumber`) answers its result at once; a bulk
 * lookup's numbers are in progress for `BULK_LOOKUP_SECONDS` after the request, then completed.
 * The spec's lookup statuses have no "pending" value, so a lookup in progress is not shown yet:
 * the bulk status lists (and exports) only completed lookups (its `info` counts them all from the
 * start), and `getSingleLookupStatus` answers 1219 until it completes. The results are POSTed to
 * `lookupCallbackUrl` once complete, up to 200 a request, as `{event: "otp_update", data}` (the
 * event the spec gives this callback).
 *
 * Money: a lookup is charged its country's price (`engines/numbers.ts`) when requested; a bulk
 * lookup charges only its valid numbers of covered countries.
 */
import type * as Api from "@smscx/core/Api"
import type * as Generated from "@smscx/core/Generated"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import {
  BULK_LOOKUP_SECONDS,
  BulkLookups,
  completedOf,
  isComplete,
  keepLookups,
  lookupData,
  Lookups,
  MAX_NUMBERS,
  reportTable,
  type StoredBulkLookup,
  type StoredLookup
} from "../engines/numberLookups.js"
import * as Numbers from "../engines/numbers.js"
import * as Phone from "../engines/phone.js"
import { documented, type ErrorSpec, fail } from "../kernel/errors.js"
import * as Exports from "../kernel/exports.js"
import * as Fields from "../kernel/fields.js"
import * as Ids from "../kernel/ids.js"
import { fromMicros } from "../kernel/money.js"
import * as Paging from "../kernel/paging.js"
import type * as Router from "../kernel/router.js"
import { isHttpUrl } from "../kernel/urls.js"
import type { Context } from "../state/context.js"
import type * as Store from "../state/store.js"

/** The operations of the Numbers group this module handles. @internal */
type LookupOperations =
  | "validateNumber"
  | "validateNumbers"
  | "lookupNumber"
  | "lookupNumbers"
  | "getBulkLookupCampaigns"
  | "getBulkLookupStatus"
  | "getSingleLookupStatus"
  | "exportNumberLookupReportToCSV"
  | "exportNumberLookupReportToXLSX"

/** Items per lookup callback request (spec README: up to 200). */
const CALLBACK_BATCH = 200

/** The documented errors of the Numbers lookup operations (validation included). @internal */
const LookupErrors = {
  phoneNumbersMissing: documented("validateNumbers", 1203),
  phoneNumbersNotArray: documented("validateNumbers", 1208),
  tooManyNumbers: documented("validateNumbers", 1205),
  lookupNumbersMissing: documented("lookupNumbers", 1203),
  lookupNumbersNotArray: documented("lookupNumbers", 1208),
  lookupTooManyNumbers: documented("lookupNumbers", 1205),
  lookupCallbackUrlInvalid: documented("lookupNumbers", 1209),
  noValidNumbers: documented("lookupNumbers", 1216),
  lookupInsufficientCredit: documented("lookupNumbers", 1113),
  phoneNumberInvalid: documented("validateNumber", 1207),
  lookupPhoneNumberInvalid: documented("lookupNumber", 1207),
  lookupRequestInvalid: documented("lookupNumber", 1212),
  noCoverage: documented("lookupNumber", 1214),
  insufficientCredit: documented("lookupNumber", 1113),
  lookupIdInvalid: documented("getSingleLookupStatus", 1217),
  lookupNotFound: documented("getSingleLookupStatus", 1219),
  bulkIdInvalid: documented("getBulkLookupStatus", 1218),
  bulkNotFound: documented("getBulkLookupStatus", 1220),
  exportBulkIdInvalid: documented("exportNumberLookupReportToCSV", 1218),
  exportBulkNotFound: documented("exportNumberLookupReportToCSV", 1220)
} as const

const E = LookupErrors

const iso = (millis: number) => new Date(millis).toISOString()

const pagingQuery = Fields.queryTypes(["limit"], [])

const phoneNumbersRule = (missing: ErrorSpec, notArray: ErrorSpec, tooMany: ErrorSpec): Fields.FieldRule => ({
  missing,
  invalid: (v) => Array.isArray(v) ? (v.length > MAX_NUMBERS ? tooMany : v.length === 0 ? missing : notArray) : notArray
})

const bulkIdFields: Fields.Table = [["lookupBulkId", { missing: E.bulkIdInvalid, invalid: E.bulkIdInvalid }]]
const exportFields: Fields.Table = [[
  "lookupBulkId",
  { missing: E.exportBulkIdInvalid, invalid: E.exportBulkIdInvalid }
]]

const findBulk = (store: Store.Store, id: string, notFound: ErrorSpec) =>
  Effect.suspend(() => {
    const bulk = store.records(BulkLookups).get(id)
    return bulk === undefined ? fail(notFound) : Effect.succeed(bulk)
  })

/** @internal */
export const handlers = ({
  callbacks,
  store,
  timers
}: Context): Router.Handlers<Pick<typeof Api.Numbers, LookupOperations>> => ({
  validateNumber: {
    handle: ({ path }) => {
      const number = Phone.validate(path.phoneNumber)
      if (number === undefined) return fail(E.phoneNumberInvalid, { invalid: [path.phoneNumber] })
      return Effect.succeed({
        body: {
          data: {
            phoneNumber: number.e164,
            countryIso: number.countryIso,
            networkOperator: Numbers.operatorName(number.e164, number.countryIso),
            timezone: Numbers.timeZoneOf(number.countryIso)
          }
        }
      })
    }
  },
  validateNumbers: {
    fields: [["phoneNumbers", phoneNumbersRule(E.phoneNumbersMissing, E.phoneNumbersNotArray, E.tooManyNumbers)]],
    handle: ({ input }) => {
      if (input.phoneNumbers.length === 0) return fail(E.phoneNumbersMissing)
      if (input.phoneNumbers.length > MAX_NUMBERS) return fail(E.tooManyNumbers)
      const data = input.phoneNumbers.map((raw): Generated.DataNumbersValidate => {
        const number = Phone.validate(raw, input.countryIso)
        return number === undefined
          ? { phoneNumber: raw, invalid: true }
          : {
            phoneNumber: number.e164,
            invalid: false,
            countryIso: number.countryIso,
            networkOperator: Numbers.operatorName(number.e164, number.countryIso),
            timezone: Numbers.timeZoneOf(number.countryIso)
          }
      })
      const valid = data.filter((d) => !d.invalid).length
      return Effect.succeed({
        body: {
          info: { totalPhoneNumbers: data.length, totalValid: valid, totalInvalid: data.length - valid },
          data
        }
      })
    }
  },
  lookupNumber: {
    handle: ({ path }) =>
      Effect.gen(function*() {
        if (path.phoneNumber.trim() === "") return yield* fail(E.lookupRequestInvalid)
        const number = Phone.validate(path.phoneNumber)
        if (number === undefined) return yield* fail(E.lookupPhoneNumberInvalid, { invalid: [path.phoneNumber] })
        const price = Numbers.lookupPriceMicros(number.countryIso)
        if (price === undefined) return yield* fail(E.noCoverage)
        const now = yield* Clock.currentTimeMillis
        const lookup: StoredLookup = {
          lookupId: yield* Ids.uuid,
          bulkId: null,
          phoneNumber: number.e164,
          costMicros: price,
          createdAt: now,
          completesAt: now,
          result: Numbers.lookup(number.e164, number.countryIso)
        }
        if (!(yield* store.adjustBalanceMicros(-price))) return yield* fail(E.insufficientCredit)
        yield* Effect.sync(() => keepLookups(store, timers, [lookup]))
        return { body: { data: lookupData(lookup) } }
      })
  },
  lookupNumbers: {
    fields: [
      ["phoneNumbers", phoneNumbersRule(E.lookupNumbersMissing, E.lookupNumbersNotArray, E.lookupTooManyNumbers)],
      ["lookupCallbackUrl", { invalid: E.lookupCallbackUrlInvalid }]
    ],
    handle: ({ input }) =>
      Effect.gen(function*() {
        if (input.phoneNumbers.length === 0) return yield* fail(E.lookupNumbersMissing)
        if (input.phoneNumbers.length > MAX_NUMBERS) return yield* fail(E.lookupTooManyNumbers)
        const callbackUrl = input.lookupCallbackUrl
        if (callbackUrl !== undefined && !isHttpUrl(callbackUrl)) return yield* fail(E.lookupCallbackUrlInvalid)
        const now = yield* Clock.currentTimeMillis
        const next = yield* Ids.sampler
        const bulkId = Ids.uuidFrom(next)
        const lookups: Array<StoredLookup> = []
        // not looked up: invalid, or of a country without lookup coverage (the 1216 reasons)
        const invalid: Array<string> = []
        const byCountry: Record<string, number> = {}
        for (const raw of input.phoneNumbers) {
          const number = Phone.validate(raw, input.countryIso)
          const price = number === undefined ? undefined : Numbers.lookupPriceMicros(number.countryIso)
          if (number === undefined || price === undefined) {
            invalid.push(raw)
            continue
          }
          byCountry[number.countryIso] = (byCountry[number.countryIso] ?? 0) + 1
          lookups.push({
            lookupId: Ids.uuidFrom(next),
            bulkId,
            phoneNumber: number.e164,
            costMicros: price,
            createdAt: now,
            completesAt: now + BULK_LOOKUP_SECONDS * 1000,
            result: Numbers.lookup(number.e164, number.countryIso)
          })
        }
        if (lookups.length === 0) return yield* fail(E.noValidNumbers, { invalid })
        const total = lookups.reduce((sum, l) => sum + l.costMicros, 0)
        if (!(yield* store.adjustBalanceMicros(-total))) return yield* fail(E.lookupInsufficientCredit)
        const bulk: StoredBulkLookup = {
          id: bulkId,
          lookupIds: lookups.map((l) => l.lookupId),
          totalPhoneNumbers: input.phoneNumbers.length,
          totalValid: lookups.length,
          costMicros: total,
          byCountry,
          createdAt: now
        }
        yield* Effect.sync(() => {
          // the bulk first, so that its lookups, if past the bound already, take it with them
          store.records(BulkLookups).set(bulkId, bulk)
          keepLookups(store, timers, lookups)
        })
        if (callbackUrl !== undefined) {
          // the results, once complete, on the sandbox's clock
          const deliver = Effect.gen(function*() {
            const items = lookups.map((l) => ({ ...lookupData(l), lookupBulkId: bulkId }))
            for (let i = 0; i < items.length; i += CALLBACK_BATCH) {
              yield* callbacks.post(callbackUrl, { event: "otp_update", data: items.slice(i, i + CALLBACK_BATCH) })
            }
          })
          yield* timers.schedule(now + BULK_LOOKUP_SECONDS * 1000, deliver, bulkId)
        }
        return {
          body: {
            info: {
              lookupBulkId: bulkId,
              totalPhoneNumbers: input.phoneNumbers.length,
              totalValid: lookups.length,
              totalInvalid: invalid.length,
              totalCost: fromMicros(total),
              invalid
            },
            data: lookups.map((l) => ({
              phoneNumber: l.phoneNumber,
              countryIso: l.result.countryIso,
              cost: fromMicros(l.costMicros),
              lookupId: l.lookupId,
              datetime: iso(l.createdAt)
            }))
          }
        }
      })
  },
  getBulkLookupCampaigns: {
    normalize: pagingQuery,
    handle: ({ input }) =>
      Effect.map(
        Paging.page(store.records(BulkLookups).values(), input),
        (page) => ({
          body: {
            data: page.data.map((bulk) => ({
              id: bulk.id,
              totalPhoneNumbers: bulk.totalPhoneNumbers,
              totalValid: bulk.totalValid,
              totalCost: fromMicros(bulk.costMicros),
              datetimeAdded: iso(bulk.createdAt)
            })),
            paging: page.paging
          }
        })
      )
  },
  getBulkLookupStatus: {
    fields: bulkIdFields,
    normalize: pagingQuery,
    handle: ({ input, path }) =>
      Effect.gen(function*() {
        const bulk = yield* findBulk(store, path.lookupBulkId, E.bulkNotFound)
        const now = yield* Clock.currentTimeMillis
        const page = yield* Paging.page(completedOf(store, bulk, now), input)
        return {
          body: {
            info: {
              lookupBulkId: bulk.id,
              totalPhoneNumbers: bulk.totalPhoneNumbers,
              totalValid: bulk.totalValid,
              totalCost: fromMicros(bulk.costMicros),
              // the clients' literal shape (spec README, as for channel pricing)
              phoneNumbersByCountry: { countryCode: { ...bulk.byCountry } }
            },
            data: page.data.map(lookupData),
            paging: page.paging
          }
        }
      })
  },
  getSingleLookupStatus: {
    fields: [["lookupId", { missing: E.lookupIdInvalid, invalid: E.lookupIdInvalid }]],
    handle: ({ path }) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const lookup = store.records(Lookups).get(path.lookupId)
        // a lookup still in progress has no result to show yet (the spec's statuses have no
        // "pending" one)
        if (lookup === undefined || !isComplete(lookup, now)) return yield* fail(E.lookupNotFound)
        return { body: lookupData(lookup) }
      })
  },
  exportNumberLookupReportToCSV: {
    fields: exportFields,
    handle: ({ path }) =>
      Effect.gen(function*() {
        const bulk = yield* findBulk(store, path.lookupBulkId, E.exportBulkNotFound)
        const now = yield* Clock.currentTimeMillis
        return { body: Exports.csv(reportTable(store, bulk, now), `number-lookup-${bulk.id}.csv`) }
      })
  },
  exportNumberLookupReportToXLSX: {
    fields: exportFields,
    handle: ({ path }) =>
      Effect.gen(function*() {
        const bulk = yield* findBulk(store, path.lookupBulkId, E.exportBulkNotFound)
        const now = yield* Clock.currentTimeMillis
        return { body: yield* Exports.xlsx(reportTable(store, bulk, now), `number-lookup-${bulk.id}.xlsx`) }
      })
  }
})
