/**
 * Rented numbers as the sandbox keeps them: the offers (created per country the first time they
 * are listed, `engines/numbers.ts` prices them), the rents and the SMS received on them.
 *
 * A rent runs `rentPeriod` days from the request; at its end an `autoRenew` rent is renewed for
 * the same period and charged (it ends when the balance is short), another one ends. Rents are
 * brought up to date whenever one is read (`refreshRents`). A number that needs registration is
 * rented with `approved: false`, approved `REGISTRATION_REVIEW_MINUTES` later. The sandbox keeps
 * the last `maxMessages` SMS received on rented numbers (a rent's totals count them all).
 */
import type * as Generated from "@smscx/core/Generated"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type * as Callbacks from "../kernel/callbacks.js"
import * as Ids from "../kernel/ids.js"
import { fromMicros } from "../kernel/money.js"
import * as Store from "../state/store.js"
import * as Numbers from "./numbers.js"
import * as Phone from "./phone.js"

/** How long the review of a number's registration takes. @internal */
export const REGISTRATION_REVIEW_MINUTES = 60
/** A rent can be cancelled this long after it starts (documented: 30 minutes). @internal */
export const CANCEL_WINDOW_MINUTES = 30

const DAY = 86_400_000

/** A number offered for rent, with its id. @internal */
interface StoredOffer extends Numbers.Offer {
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

/** Offers by numberId. @internal */
export const Offers = Store.collection<string, StoredOffer>("numbers.offers")
/** The numberIds of a country's offers, once listed. @internal */
const OffersByCountry = Store.collection<string, ReadonlyArray<string>>("numbers.offersByCountry")
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
/** @internal */
export const serialized = <A, E>(store: Store.Store, effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
  Effect.suspend(() => {
    let lock = rentLocks.get(store)
    if (lock === undefined) {
      lock = Effect.unsafeMakeSemaphore(1)
      rentLocks.set(store, lock)
    }
    return lock.withPermits(1)(effect)
  })

/** The offers of a covered country, created (with their ids) the first time they are asked for. @internal */
export const offersOf = (store: Store.Store, countryIso: string): Effect.Effect<ReadonlyArray<StoredOffer>> =>
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
 * @internal
 */
export const refreshRents = (store: Store.Store, now: number): Effect.Effect<void> =>
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

/** The active rent of a number, if any. @internal */
export const activeRentOf = (store: Store.Store, phoneNumber: string) =>
  store.records(Rents).values().find((r) => r.active && r.phoneNumber === phoneNumber)

/** The phone numbers of the pool offer a new rent may take, in order. @internal */
export const freePoolNumbers = (store: Store.Store, countryIso: string) =>
  Numbers.poolNumbers(countryIso).filter((n) => activeRentOf(store, n) === undefined)

/** Whether an offer can be rented now. @internal */
export const isAvailable = (store: Store.Store, offer: StoredOffer) =>
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

/** An offer on the wire. @internal */
export const offerData = (offer: StoredOffer, now: number): Generated.DataAvailableNumbersRent => ({
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

/** A rent on the wire. @internal */
export const rentData = (
  store: Store.Store,
  rent: StoredRent,
  now: number
): Effect.Effect<Generated.DataRentedNumbers> =>
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
