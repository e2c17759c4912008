/**
 * The Numbers group: validation, lookups (single and bulk, billed, with exports and a callback)
 * and rented numbers with their inbound SMS.
 *
 * Timing (Effect `Clock`):
 * - a single lookup (`lookupNumber`) answers its result at once; a bulk lookup's numbers are in
 *   progress for `BULK_LOOKUP_SECONDS` after the request, then completed. The spec's lookup
 *   statuses have no "pending" value, so a lookup in progress is not shown yet: the bulk status
 *   lists (and exports) only completed lookups (its `info` counts them all from the start), and
 *   `getSingleLookupStatus` answers 1219 until it completes. The results are POSTed to
 *   `lookupCallbackUrl` once complete, up to 200 a request, as `{event: "otp_update", data}`
 *   (the event the spec gives this callback).
 * - a rent runs `rentPeriod` days from the request; at its end an `autoRenew` rent is renewed
 *   for the same period and charged (it ends when the balance is short), another one ends.
 *   Rents are brought up to date whenever one is read.
 * - a number that needs registration is rented with `approved: false`, approved
 *   `REGISTRATION_REVIEW_MINUTES` later.
 *
 * The sandbox keeps the last `maxMessages` lookups: an older one is unknown, and a bulk lookup
 * is forgotten (with its callback still to come) once its last lookup is. Likewise the last
 * `maxMessages` SMS received on rented numbers (a rent's totals count them all).
 *
 * Money: a lookup is charged its country's price (engines/numbers.ts) when requested; a bulk
 * lookup charges only its valid numbers of covered countries. A rent charges the setup fee and
 * the period's price; a renewal the new period's price. Cancelling (only within the first 30
 * minutes, and only before any inbound SMS, as documented) returns everything paid for the rent
 * period(s) but not the setup fee (as `InfoCancelRent.creditReturned` documents).
 */
import type * as Api from "@smscx/core/Api"
import type * as Generated from "@smscx/core/Generated"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Numbers from "../engines/numbers.js"
import * as Phone from "../engines/phone.js"
import type * as Callbacks from "../kernel/callbacks.js"
import { documented, type ErrorSpec, fail } from "../kernel/errors.js"
import * as Exports from "../kernel/exports.js"
import type * as Fields from "../kernel/fields.js"
import * as Ids from "../kernel/ids.js"
import { fromMicros } from "../kernel/money.js"
import * as Paging from "../kernel/paging.js"
import type * as Router from "../kernel/router.js"
import type * as Timers from "../kernel/timers.js"
import { isHttpUrl } from "../kernel/urls.js"
import type { Context } from "../state/context.js"
import * as Store from "../state/store.js"

/** The most numbers one validation or bulk lookup takes, as documented (1205). @internal */
export const MAX_NUMBERS = 40_000
/** How long a bulk lookup's numbers stay pending. @internal */
export const BULK_LOOKUP_SECONDS = 5
/** How long the review of a number's registration takes. @internal */
export const REGISTRATION_REVIEW_MINUTES = 60
/** A rent can be cancelled this long after it starts (documented: 30 minutes). @internal */
export const CANCEL_WINDOW_MINUTES = 30
/** Items per lookup callback request (spec README: up to 200). */
const CALLBACK_BATCH = 200

const DAY = 86_400_000

/** The documented errors of the Numbers operations. @internal */
export const NumbersErrors = {
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
  exportBulkNotFound: documented("exportNumberLookupReportToCSV", 1220),
  countryIsoInvalid: documented("getAvailableNumbers", 2003),
  numberIdInvalid: documented("rentNumber", 1222),
  rentPeriodInvalid: documented("rentNumber", 1224),
  autoRenewInvalid: documented("rentNumber", 1225),
  callbackUrlInvalid: documented("rentNumber", 1226),
  belowMinimumRent: documented("rentNumber", 1229),
  rentInsufficientCredit: documented("rentNumber", 1113),
  registrationInvalid: documented("rentNumber", 1234),
  alreadyRented: documented("rentNumber", 1231),
  numberNotAvailable: documented("rentNumber", 1230),
  rentIdInvalid: documented("getRentStatus", 1221),
  rentNotFound: documented("getRentStatus", 1223),
  cancelTooLate: documented("cancelRent", 1227),
  cancelAfterInbound: documented("cancelRent", 1232),
  cannotRenew: documented("renewRent", 1228),
  editNothing: documented("editRentSettings", 1233)
} as const

const E = NumbersErrors

// -------------------------------------------------------------------------------------------------
// state
// -------------------------------------------------------------------------------------------------

/** One looked-up number (of a single or a bulk lookup). @internal */
export interface StoredLookup {
  readonly lookupId: string
  readonly bulkId: string | null
  readonly phoneNumber: string
  readonly costMicros: number
  readonly createdAt: number
  /** Pending until then. */
  readonly completesAt: number
  readonly result: Numbers.LookupResult
}

/** @internal */
export interface StoredBulkLookup {
  readonly id: string
  readonly lookupIds: ReadonlyArray<string>
  readonly totalPhoneNumbers: number
  readonly totalValid: number
  readonly costMicros: number
  readonly byCountry: Readonly<Record<string, number>>
  readonly createdAt: number
}

/**
 * Keeps lookups within the history's bound (synchronous): the oldest go first, and a bulk lookup
 * goes with its last one, its callback still to come with it.
 */
const keepLookups = (store: Store.Store, timers: Timers.Timers, lookups: ReadonlyArray<StoredLookup>) => {
  const bulks = store.records(BulkLookups)
  for (const lookup of lookups) {
    for (const [, gone] of store.keep(Lookups, lookup.lookupId, lookup)) {
      if (gone.bulkId === null) continue
      const bulk = bulks.get(gone.bulkId)
      if (bulk !== undefined && bulk.lookupIds[bulk.lookupIds.length - 1] === gone.lookupId) {
        bulks.delete(bulk.id)
        timers.drop(bulk.id)
      }
    }
  }
}

/** A number offered for rent, with its id. @internal */
export interface StoredOffer extends Numbers.Offer {
  readonly numberId: string
}

/** @internal */
export interface StoredRent {
  readonly rentId: string
  readonly offer: StoredOffer
  readonly phoneNumber: string
  rentPeriod: Numbers.RentPeriod
  readonly rentStart: number
  rentEnd: number
  /** The price of the current period. */
  rentCostMicros: number
  readonly setupMicros: number
  /** What was paid for rent periods (refunded by a cancel). */
  rentPaidMicros: number
  callbackUrl: string | null
  autoRenew: boolean
  active: boolean
  readonly approvedAt: number
  readonly createdAt: number
  /** The SMS received kept (the history's bound: the last `maxMessages` of all rents). */
  readonly inbound: Array<Generated.DataReceiveSms>
  /** The SMS received, those dropped too. */
  received: number
}

/** @internal */
export const Lookups = Store.collection<string, StoredLookup>("numbers.lookups")
/** @internal */
export const BulkLookups = Store.collection<string, StoredBulkLookup>("numbers.bulkLookups")
/** Offers by numberId. @internal */
export const Offers = Store.collection<string, StoredOffer>("numbers.offers")
/** The numberIds of a country's offers, once listed. @internal */
export const OffersByCountry = Store.collection<string, ReadonlyArray<string>>("numbers.offersByCountry")
/** @internal */
export const Rents = Store.collection<string, StoredRent>("numbers.rents")
/** The SMS received on every rent (msgId to rentId), oldest first: the history keeps the last `maxMessages`. @internal */
export const InboundSms = Store.collection<string, string>("numbers.inbound")

const iso = (millis: number) => new Date(millis).toISOString()

/**
 * Rents change across several steps (a check, a charge, the change): one rent operation at a
 * time per store, so two requests cannot rent the same number or renew a rent twice.
 */
const rentLocks = new WeakMap<Store.Store, Effect.Semaphore>()
const serialized = <A, E>(store: Store.Store, effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
  Effect.suspend(() => {
    let lock = rentLocks.get(store)
    if (lock === undefined) {
      lock = Effect.unsafeMakeSemaphore(1)
      rentLocks.set(store, lock)
    }
    return lock.withPermits(1)(effect)
  })

/** The offers of a covered country, created (with their ids) the first time they are asked for. */
const offersOf = (store: Store.Store, countryIso: string): Effect.Effect<ReadonlyArray<StoredOffer>> =>
  Effect.gen(function*() {
    const index = store.records(OffersByCountry)
    const offers = store.records(Offers)
    const known = index.get(countryIso)
    if (known !== undefined) return known.flatMap((id) => offers.get(id) ?? [])
    const next = yield* Ids.sampler
    const created = Numbers.offers(countryIso).map((offer): StoredOffer => ({ ...offer, numberId: Ids.uuidFrom(next) }))
    return yield* Effect.sync(() => {
      // another request may have listed them meanwhile
      const again = index.get(countryIso)
      if (again !== undefined) return again.flatMap((id) => offers.get(id) ?? [])
      for (const offer of created) offers.set(offer.numberId, offer)
      index.set(countryIso, created.map((o) => o.numberId))
      return created
    })
  })

/**
 * Brings every rent up to `now`: an ended `autoRenew` rent is renewed (and charged) period by
 * period while the balance allows, any other ended rent stops.
 */
const refreshRents = (store: Store.Store, now: number): Effect.Effect<void> =>
  Effect.gen(function*() {
    for (const rent of store.records(Rents).values()) {
      while (rent.active && rent.rentEnd <= now) {
        const cost = rent.offer.rentMicros[rent.rentPeriod] ?? rent.rentCostMicros
        if (rent.autoRenew && (yield* store.adjustBalanceMicros(-cost))) {
          rent.rentEnd += rent.rentPeriod * DAY
          rent.rentCostMicros = cost
        } else {
          rent.active = false
        }
      }
    }
  })

const activeRentOf = (store: Store.Store, phoneNumber: string) =>
  store.records(Rents).values().find((r) => r.active && r.phoneNumber === phoneNumber)

/** The phone numbers of the pool offer a new rent may take, in order. */
const freePoolNumbers = (store: Store.Store, countryIso: string) =>
  Numbers.poolNumbers(countryIso).filter((n) => activeRentOf(store, n) === undefined)

/** Whether an offer can be rented now. */
const isAvailable = (store: Store.Store, offer: StoredOffer) =>
  offer.phoneNumber === null
    ? freePoolNumbers(store, offer.countryIso).length > 0
    : activeRentOf(store, offer.phoneNumber) === undefined

/**
 * An SMS received on a rented number (the control API delivers them): kept with the rent, and
 * POSTed as a `receive_sms` callback to the rent's `callbackUrl` when it has one and `callbacks`
 * is given. False, and nothing kept, when no active rent has that number. A sender that is not
 * a phone number (an alphanumeric sender id) gets the rented number's country.
 * @internal
 */
export const receiveInboundSms = (
  store: Store.Store,
  rentedNumber: string,
  from: string,
  text: string,
  callbacks?: Callbacks.Callbacks
): Effect.Effect<boolean> =>
  serialized(
    store,
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      yield* refreshRents(store, now)
      const number = Phone.validate(rentedNumber)
      if (number === undefined) return false
      const rent = activeRentOf(store, number.e164)
      if (rent === undefined) return false
      const sender = Phone.validate(from)
      const msgId = yield* Ids.uuid
      const item: Generated.DataReceiveSms = {
        msgId,
        from: sender?.e164 ?? from,
        countryIso: sender?.countryIso ?? rent.offer.countryIso,
        to: rent.phoneNumber,
        text,
        cost: fromMicros(rent.offer.inboundSmsMicros),
        receivedAt: iso(now)
      }
      yield* Effect.sync(() => {
        rent.inbound.push(item)
        rent.received++
        const rents = store.records(Rents)
        for (const [gone, rentId] of store.keep(InboundSms, msgId, rent.rentId)) {
          // the oldest of all is its rent's first
          const inbound = rents.get(rentId)?.inbound ?? []
          const at = inbound.findIndex((m) => m.msgId === gone)
          if (at !== -1) inbound.splice(at, 1)
        }
      })
      if (callbacks !== undefined && rent.callbackUrl !== null) {
        yield* callbacks.post(rent.callbackUrl, { event: "receive_sms", data: [item] })
      }
      return true
    })
  )

// -------------------------------------------------------------------------------------------------
// answers
// -------------------------------------------------------------------------------------------------

const lookupData = (lookup: StoredLookup): Generated.DataNumberLookup => ({
  phoneNumber: lookup.phoneNumber,
  lookupId: lookup.lookupId,
  cost: fromMicros(lookup.costMicros),
  ...lookup.result,
  datetime: iso(lookup.createdAt)
})

const isComplete = (lookup: StoredLookup, now: number) => now >= lookup.completesAt

/** A bulk lookup's completed lookups, in the order of the request. */
const completedOf = (store: Store.Store, bulk: StoredBulkLookup, now: number) => {
  const lookups = store.records(Lookups)
  return bulk.lookupIds.flatMap((id) => {
    const lookup = lookups.get(id)
    return lookup !== undefined && isComplete(lookup, now) ? [lookup] : []
  })
}

const offerData = (offer: StoredOffer, now: number): Generated.DataAvailableNumbersRent => ({
  numberId: offer.numberId,
  phoneNumber: offer.phoneNumber,
  countryIso: offer.countryIso,
  networkOperator: offer.networkOperator,
  features: offer.features,
  numberType: offer.numberType,
  inboundSmsCost: fromMicros(offer.inboundSmsMicros),
  outboundSmsCost: offer.outboundSmsMicros === null ? null : fromMicros(offer.outboundSmsMicros),
  setupCost: fromMicros(offer.setupMicros),
  rentCost: Numbers.rentCosts(offer.rentMicros),
  minRent: offer.minRent,
  setupTime: offer.setupTime,
  registration: offer.registration,
  datetime: iso(now),
  inboundSmsSender: offer.inboundSmsSender
})

/** SMS sent from the rented number during the rent (the outbox's messages). */
const outboundOf = (store: Store.Store, rent: StoredRent) =>
  Effect.map(store.messages, (messages) => {
    const sent = messages.filter((m) => {
      const from = m.from.startsWith("+") ? m.from : `+${m.from}`
      const at = Date.parse(m.createdAt)
      return from === rent.phoneNumber && m.status !== "DELETED" && at >= rent.rentStart
    })
    return { total: sent.length, cost: sent.reduce((sum, m) => sum + m.cost, 0) }
  })

const rentData = (store: Store.Store, rent: StoredRent, now: number): Effect.Effect<Generated.DataRentedNumbers> =>
  Effect.map(outboundOf(store, rent), (outboundSms) => ({
    rentId: rent.rentId,
    numberId: rent.offer.numberId,
    phoneNumber: rent.phoneNumber,
    countryIso: rent.offer.countryIso,
    networkOperator: rent.offer.networkOperator,
    features: rent.offer.features,
    numberType: rent.offer.numberType,
    rentCost: fromMicros(rent.rentCostMicros),
    setupCost: fromMicros(rent.setupMicros),
    rentPeriod: rent.rentPeriod,
    rentStart: iso(rent.rentStart),
    rentEnd: iso(rent.rentEnd),
    inboundSmsCost: fromMicros(rent.offer.inboundSmsMicros),
    outboundSmsCost: rent.offer.outboundSmsMicros === null ? null : fromMicros(rent.offer.outboundSmsMicros),
    renewCost: Numbers.rentCosts(rent.offer.rentMicros),
    inboundSms: {
      total: rent.received,
      cost: fromMicros(rent.received * rent.offer.inboundSmsMicros)
    },
    outboundSms,
    minRent: rent.offer.minRent,
    callbackUrl: rent.callbackUrl,
    autoRenew: rent.autoRenew,
    activeRent: rent.active,
    approved: now >= rent.approvedAt,
    datetime: iso(rent.createdAt),
    inboundSmsSender: rent.offer.inboundSmsSender
  }))

// -------------------------------------------------------------------------------------------------
// inputs
// -------------------------------------------------------------------------------------------------

/**
 * Query fields arrive as text: integers and booleans become what the operation's schema takes
 * (anything else is left for validation to refuse).
 */
const queryTypes =
  (integers: ReadonlyArray<string>, booleans: ReadonlyArray<string>) =>
  (raw: Record<string, unknown>): Record<string, unknown> => {
    const out = { ...raw }
    for (const name of integers) {
      const value = out[name]
      if (typeof value === "string" && /^-?\d{1,15}$/.test(value)) out[name] = Number(value)
    }
    for (const name of booleans) {
      const value = out[name]
      if (value === "true" || value === "1") out[name] = true
      else if (value === "false" || value === "0") out[name] = false
    }
    return out
  }

const pagingQuery = queryTypes(["limit"], [])

const phoneNumbersRule = (missing: ErrorSpec, notArray: ErrorSpec, tooMany: ErrorSpec): Fields.FieldRule => ({
  missing,
  invalid: (v) => Array.isArray(v) ? (v.length > MAX_NUMBERS ? tooMany : v.length === 0 ? missing : notArray) : notArray
})

const rentIdFields: Fields.Table = [["rentId", { missing: E.rentIdInvalid, invalid: E.rentIdInvalid }]]
const bulkIdFields: Fields.Table = [["lookupBulkId", { missing: E.bulkIdInvalid, invalid: E.bulkIdInvalid }]]
const exportFields: Fields.Table = [[
  "lookupBulkId",
  { missing: E.exportBulkIdInvalid, invalid: E.exportBulkIdInvalid }
]]
const settingsFields: Fields.Table = [
  ["autoRenew", { invalid: E.autoRenewInvalid }],
  ["callbackUrl", { invalid: E.callbackUrlInvalid }]
]

interface Filters {
  readonly features?: number | undefined
  readonly number_type?: string | undefined
  readonly inbound_sms_sender?: boolean | undefined
  readonly include?: string | undefined
  readonly exclude?: string | undefined
}

/** The filters both number lists take; `include`/`exclude`: digits the number has (or not). */
const matches = (
  filters: Filters,
  item: {
    readonly features: number
    readonly numberType: string
    readonly inboundSmsSender?: boolean | undefined
    readonly phoneNumber: string | null
  }
) => {
  const digits = item.phoneNumber?.replace(/\D/g, "")
  const wanted = (s: string) => s.replace(/\D/g, "")
  return (filters.features === undefined || (item.features & filters.features) === filters.features) &&
    (filters.number_type === undefined || item.numberType === filters.number_type) &&
    (filters.inbound_sms_sender === undefined || item.inboundSmsSender === filters.inbound_sms_sender) &&
    (filters.include === undefined || (digits !== undefined && digits.includes(wanted(filters.include)))) &&
    (filters.exclude === undefined || digits === undefined || !digits.includes(wanted(filters.exclude)))
}

const findRent = (store: Store.Store, rentId: string) =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    yield* refreshRents(store, now)
    const rent = store.records(Rents).get(rentId)
    return rent === undefined ? yield* fail(E.rentNotFound) : { rent, now }
  })

const findBulk = (store: Store.Store, id: string, notFound: ErrorSpec) =>
  Effect.suspend(() => {
    const bulk = store.records(BulkLookups).get(id)
    return bulk === undefined ? fail(notFound) : Effect.succeed(bulk)
  })

const reportTable = (store: Store.Store, bulk: StoredBulkLookup, now: number): Exports.Table => ({
  columns: [
    "lookupId",
    "phoneNumber",
    "countryIso",
    "countryName",
    "status",
    "statusDescription",
    "mcc",
    "mccmnc",
    "ported",
    "roaming",
    "originalNetwork",
    "portedNetwork",
    "roamingCountryIso",
    "roamingNetwork",
    "cost",
    "datetime"
  ],
  rows: completedOf(store, bulk, now).map((lookup) => {
    const d = lookupData(lookup)
    return [
      d.lookupId,
      d.phoneNumber,
      d.countryIso,
      d.countryName,
      d.status,
      d.statusDescription,
      d.mcc,
      d.mccmnc,
      d.ported,
      d.roaming,
      d.originalNetwork.name,
      d.portedNetwork.name,
      d.roamingNetwork.countryIso,
      d.roamingNetwork.name,
      d.cost,
      d.datetime
    ]
  })
})

/** @internal */
export const handlers = ({ callbacks, store, timers }: Context): Router.Handlers<typeof Api.Numbers> => ({
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
  },
  getAvailableNumbers: {
    fields: [["countryIso", { missing: E.countryIsoInvalid, invalid: E.countryIsoInvalid }]],
    normalize: queryTypes(["features"], ["registration", "inbound_sms_sender"]),
    handle: ({ input, path }) =>
      serialized(
        store,
        Effect.gen(function*() {
          const countryIso = path.countryIso.toUpperCase()
          if (!Phone.isCountry(countryIso)) return yield* fail(E.countryIsoInvalid)
          const now = yield* Clock.currentTimeMillis
          yield* refreshRents(store, now)
          const offers = yield* offersOf(store, countryIso)
          const data = offers.filter((offer) =>
            isAvailable(store, offer) && matches(input, offer) &&
            (input.setup_time === undefined || offer.setupTime === input.setup_time) &&
            (input.registration === undefined || offer.registration === input.registration)
          ).map((offer) => offerData(offer, now))
          return { body: { data } }
        })
      )
  },
  rentNumber: {
    fields: [
      ["numberId", { missing: E.numberIdInvalid, invalid: E.numberIdInvalid }],
      ["rentPeriod", { missing: E.rentPeriodInvalid, invalid: E.rentPeriodInvalid }],
      ["registrationId", { invalid: E.registrationInvalid }],
      ...settingsFields
    ],
    handle: ({ input }) =>
      serialized(
        store,
        Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          yield* refreshRents(store, now)
          const offer = store.records(Offers).get(input.numberId)
          if (offer === undefined) return yield* fail(E.numberNotAvailable)
          const pool = offer.phoneNumber === null ? freePoolNumbers(store, offer.countryIso) : []
          if (offer.phoneNumber === null && pool.length === 0) return yield* fail(E.numberNotAvailable)
          if (offer.phoneNumber !== null && activeRentOf(store, offer.phoneNumber) !== undefined) {
            return yield* fail(E.alreadyRented)
          }
          const rentMicros = offer.rentMicros[input.rentPeriod]
          if (rentMicros === undefined) return yield* fail(E.belowMinimumRent)
          // the registration details are made in the dashboard, which the sandbox has not: any
          // well-formed id stands for them; a number that needs them cannot be rented without one
          if (offer.registration && input.registrationId === undefined) return yield* fail(E.registrationInvalid)
          const callbackUrl = input.callbackUrl ?? null
          if (callbackUrl !== null && !isHttpUrl(callbackUrl)) return yield* fail(E.callbackUrlInvalid)
          if (!(yield* store.adjustBalanceMicros(-(offer.setupMicros + rentMicros)))) {
            return yield* fail(E.rentInsufficientCredit)
          }
          const rent: StoredRent = {
            rentId: yield* Ids.uuid,
            offer,
            phoneNumber: offer.phoneNumber ?? pool[0]!,
            rentPeriod: input.rentPeriod,
            rentStart: now,
            rentEnd: now + input.rentPeriod * DAY,
            rentCostMicros: rentMicros,
            setupMicros: offer.setupMicros,
            rentPaidMicros: rentMicros,
            callbackUrl,
            autoRenew: input.autoRenew ?? false,
            active: true,
            approvedAt: offer.registration ? now + REGISTRATION_REVIEW_MINUTES * 60_000 : now,
            createdAt: now,
            inbound: [],
            received: 0
          }
          yield* Effect.sync(() => store.records(Rents).set(rent.rentId, rent))
          return {
            body: {
              info: {
                rentId: rent.rentId,
                numberId: offer.numberId,
                phoneNumber: rent.phoneNumber,
                countryIso: offer.countryIso,
                rentStart: iso(rent.rentStart),
                rentEnd: iso(rent.rentEnd),
                rentCost: fromMicros(rentMicros),
                setupCost: fromMicros(offer.setupMicros),
                autoRenew: rent.autoRenew,
                callbackUrl: rent.callbackUrl,
                approved: now >= rent.approvedAt,
                datetime: iso(now)
              }
            }
          }
        })
      )
  },
  getRentedNumbers: {
    normalize: queryTypes(["features"], ["active_rent", "inbound_sms_sender"]),
    handle: ({ input }) =>
      serialized(
        store,
        Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          yield* refreshRents(store, now)
          const country = input.country_iso?.toUpperCase()
          const rents = store.records(Rents).values().filter((rent) =>
            (country === undefined || rent.offer.countryIso === country) &&
            (input.active_rent === undefined || rent.active === input.active_rent) &&
            matches(input, { ...rent.offer, phoneNumber: rent.phoneNumber })
          )
          const data = yield* Effect.forEach(rents, (rent) => rentData(store, rent, now))
          return { body: { data } }
        })
      )
  },
  getRentStatus: {
    fields: rentIdFields,
    handle: ({ path }) =>
      serialized(
        store,
        Effect.gen(function*() {
          const { now, rent } = yield* findRent(store, path.rentId)
          return { body: { info: yield* rentData(store, rent, now) } }
        })
      )
  },
  renewRent: {
    fields: [...rentIdFields, ["rentPeriod", { invalid: E.rentPeriodInvalid }], ...settingsFields],
    handle: ({ input, path }) =>
      serialized(
        store,
        Effect.gen(function*() {
          const { now, rent } = yield* findRent(store, path.rentId)
          if (!rent.active) return yield* fail(E.cannotRenew)
          const period = input.rentPeriod ?? rent.rentPeriod
          const cost = rent.offer.rentMicros[period]
          if (cost === undefined) return yield* fail(E.belowMinimumRent)
          const callbackUrl = input.callbackUrl
          if (callbackUrl !== undefined && callbackUrl !== null && !isHttpUrl(callbackUrl)) {
            return yield* fail(E.callbackUrlInvalid)
          }
          if (!(yield* store.adjustBalanceMicros(-cost))) return yield* fail(E.rentInsufficientCredit)
          yield* Effect.sync(() => {
            rent.rentEnd += period * DAY
            rent.rentPeriod = period
            rent.rentCostMicros = cost
            rent.rentPaidMicros += cost
            if (input.autoRenew !== undefined) rent.autoRenew = input.autoRenew
            if (callbackUrl !== undefined) rent.callbackUrl = callbackUrl
          })
          return {
            body: {
              info: {
                rentId: rent.rentId,
                numberId: rent.offer.numberId,
                phoneNumber: rent.phoneNumber,
                countryIso: rent.offer.countryIso,
                rentStart: iso(rent.rentStart),
                rentEnd: iso(rent.rentEnd),
                rentCost: fromMicros(cost),
                autoRenew: rent.autoRenew,
                callbackUrl: rent.callbackUrl,
                datetime: iso(now)
              }
            }
          }
        })
      )
  },
  cancelRent: {
    fields: rentIdFields,
    handle: ({ path }) =>
      serialized(
        store,
        Effect.gen(function*() {
          const { now, rent } = yield* findRent(store, path.rentId)
          // the window first: an ended rent is past it too; one cancelled in it is no rent to cancel
          if (now - rent.rentStart > CANCEL_WINDOW_MINUTES * 60_000) return yield* fail(E.cancelTooLate)
          if (!rent.active) return yield* fail(E.rentNotFound)
          if (rent.received > 0) return yield* fail(E.cancelAfterInbound)
          const refund = rent.rentPaidMicros
          yield* store.adjustBalanceMicros(refund)
          yield* Effect.sync(() => {
            rent.active = false
            rent.autoRenew = false
            rent.rentEnd = now
            rent.rentPaidMicros = 0
          })
          return {
            body: {
              info: {
                rentId: rent.rentId,
                numberId: rent.offer.numberId,
                phoneNumber: rent.phoneNumber,
                countryIso: rent.offer.countryIso,
                creditReturned: fromMicros(refund)
              }
            }
          }
        })
      )
  },
  editRentSettings: {
    fields: [...rentIdFields, ...settingsFields],
    handle: ({ input, path }) =>
      serialized(
        store,
        Effect.gen(function*() {
          const { now, rent } = yield* findRent(store, path.rentId)
          if (input.autoRenew === undefined && input.callbackUrl === undefined) return yield* fail(E.editNothing)
          const callbackUrl = input.callbackUrl
          if (callbackUrl !== undefined && callbackUrl !== null && !isHttpUrl(callbackUrl)) {
            return yield* fail(E.callbackUrlInvalid)
          }
          yield* Effect.sync(() => {
            if (input.autoRenew !== undefined) rent.autoRenew = input.autoRenew
            if (callbackUrl !== undefined) rent.callbackUrl = callbackUrl
          })
          return { body: { info: { rentId: rent.rentId, datetime: iso(now) } } }
        })
      )
  },
  getInboundSms: {
    fields: rentIdFields,
    normalize: pagingQuery,
    handle: ({ input, path }) =>
      serialized(
        store,
        Effect.gen(function*() {
          const { rent } = yield* findRent(store, path.rentId)
          const page = yield* Paging.page(rent.inbound, input)
          return {
            body: {
              info: { rentId: rent.rentId, phoneNumber: rent.phoneNumber, countryIso: rent.offer.countryIso },
              data: page.data,
              paging: page.paging
            }
          }
        })
      )
  }
})
