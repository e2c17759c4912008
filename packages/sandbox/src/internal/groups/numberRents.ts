/**
 * The Numbers group's rented numbers with their inbound SMS, over the number-rents engine
 * (`engines/numberRents.ts`); its validation and lookups are `numberLookups.ts`'s, the app joins
 * both.
 *
 * Money: a rent charges the setup fee and the period's price; a renewal the new period's price.
 * Cancelling (only within the first 30 minutes, and only before any inbound SMS, as documented)
 * returns everything paid for the rent period(s) but not the setup fee (as
 * `InfoCancelRent.creditReturned` documents).
 */
import type * as Api from "@smscx/core/Api"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import {
  activeRentOf,
  CANCEL_WINDOW_MINUTES,
  freePoolNumbers,
  isAvailable,
  offerData,
  Offers,
  offersOf,
  refreshRents,
  REGISTRATION_REVIEW_MINUTES,
  rentData,
  Rents,
  serialized,
  type StoredRent
} from "../engines/numberRents.js"
import * as Phone from "../engines/phone.js"
import { documented, fail } from "../kernel/errors.js"
import * as Fields from "../kernel/fields.js"
import * as Ids from "../kernel/ids.js"
import { fromMicros } from "../kernel/money.js"
import * as Paging from "../kernel/paging.js"
import type * as Router from "../kernel/router.js"
import { isHttpUrl } from "../kernel/urls.js"
import type { Context } from "../state/context.js"
import type * as Store from "../state/store.js"

/** The operations of the Numbers group this module handles. @internal */
type RentOperations =
  | "getAvailableNumbers"
  | "rentNumber"
  | "getRentedNumbers"
  | "getRentStatus"
  | "renewRent"
  | "cancelRent"
  | "editRentSettings"
  | "getInboundSms"

const DAY = 86_400_000

/** The documented errors of the Numbers rent operations. @internal */
const RentErrors = {
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

const E = RentErrors

const iso = (millis: number) => new Date(millis).toISOString()

const pagingQuery = Fields.queryTypes(["limit"], [])

const rentIdFields: Fields.Table = [["rentId", { missing: E.rentIdInvalid, invalid: E.rentIdInvalid }]]
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

/** @internal */
export const handlers = ({ store }: Context): Router.Handlers<Pick<typeof Api.Numbers, RentOperations>> => ({
  getAvailableNumbers: {
    fields: [["countryIso", { missing: E.countryIsoInvalid, invalid: E.countryIsoInvalid }]],
    normalize: Fields.queryTypes(["features"], ["registration", "inbound_sms_sender"]),
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
    normalize: Fields.queryTypes(["features"], ["active_rent", "inbound_sms_sender"]),
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
