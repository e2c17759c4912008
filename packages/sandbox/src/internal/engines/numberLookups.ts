/**
 * Number lookups as the sandbox keeps them: single and bulk, each number's result fixed when it
 * is requested (`engines/numbers.ts`). A bulk lookup's numbers are in progress for
 * `BULK_LOOKUP_SECONDS`, then completed; the sandbox keeps the last `maxMessages` lookups, and a
 * bulk lookup is forgotten (with its callback still to come) once its last lookup is.
 */
import type * as Generated from "@smscx/core/Generated"
import type * as Exports from "../kernel/exports.js"
import { fromMicros } from "../kernel/money.js"
import type * as Timers from "../kernel/timers.js"
import * as Store from "../state/store.js"
import type * as Numbers from "./numbers.js"

/** The most numbers one validation or bulk lookup takes, as documented (1205). @internal */
export const MAX_NUMBERS = 40_000
/** How long a bulk lookup's numbers stay pending. @internal */
export const BULK_LOOKUP_SECONDS = 5

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

/** @internal */
export const Lookups = Store.collection<string, StoredLookup>("numbers.lookups")
/** @internal */
export const BulkLookups = Store.collection<string, StoredBulkLookup>("numbers.bulkLookups")
const iso = (millis: number) => new Date(millis).toISOString()

/**
 * Keeps lookups within the history's bound (synchronous): the oldest go first, and a bulk lookup
 * goes with its last one, its callback still to come with it.
 * @internal
 */
export const keepLookups = (store: Store.Store, timers: Timers.Timers, lookups: ReadonlyArray<StoredLookup>) => {
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

/** A lookup on the wire. @internal */
export const lookupData = (lookup: StoredLookup): Generated.DataNumberLookup => ({
  phoneNumber: lookup.phoneNumber,
  lookupId: lookup.lookupId,
  cost: fromMicros(lookup.costMicros),
  ...lookup.result,
  datetime: iso(lookup.createdAt)
})

/** Whether a lookup is complete (no longer in progress) at `now`. @internal */
export const isComplete = (lookup: StoredLookup, now: number) => now >= lookup.completesAt

/** A bulk lookup's completed lookups, in the order of the request. @internal */
export const completedOf = (store: Store.Store, bulk: StoredBulkLookup, now: number) => {
  const lookups = store.records(Lookups)
  return bulk.lookupIds.flatMap((id) => {
    const lookup = lookups.get(id)
    return lookup !== undefined && isComplete(lookup, now) ? [lookup] : []
  })
}

/** A bulk lookup's report as an export table: its completed lookups. @internal */
export const reportTable = (store: Store.Store, bulk: StoredBulkLookup, now: number): Exports.Table => ({
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
