/**
 * The Optouts group: the account's list of numbers that receive no messages. Numbers added with
 * the API are `admin` opt-outs and can be removed; `link` opt-outs (a contact who followed the
 * opt-out link) cannot. Sends skip every number on the list: their messages are `REJECTED`, at
 * no cost (see `groups/sms.ts`).
 */
import type * as Api from "@smscx/core/Api"
import type * as Generated from "@smscx/core/Generated"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Phone from "../engines/phone.js"
import type { Context } from "../state/context.js"
import { documented, type ErrorSpec, fail, Generic } from "../kernel/errors.js"
import * as Exports from "../kernel/exports.js"
import type * as Fields from "../kernel/fields.js"
import * as Paging from "../kernel/paging.js"
import type * as Router from "../kernel/router.js"
import type * as State from "../state/store.js"

/** The documented errors of the Optouts operations. @internal */
export const OptoutsErrors = {
  phoneNumbersMissing: documented("addContactToOptoutsList", 1203),
  phoneNumbersNotArray: documented("addContactToOptoutsList", 1208),
  phoneNumbersInvalid: documented("addContactToOptoutsList", 1210),
  nothingAdded: documented("addContactToOptoutsList", 1441),
  notFound: documented("deleteContactFromOptoutsList", 1202),
  addedViaLink: documented("deleteContactFromOptoutsList", 1443)
} as const

const E = OptoutsErrors

/** An opted-out number, as the sandbox keeps it. @internal */
export interface StoredOptout {
  readonly id: number
  /** E.164. */
  readonly phoneNumber: string
  readonly countryIso: string
  readonly optoutFrom: "admin" | "link"
  /** Epoch millis. */
  readonly createdAt: number
  readonly campaignId: string | null
  readonly groupId: number | null
  readonly groupName: string | null
  readonly campaignName: string | null
}

/**
 * The opt-outs by id, oldest first. A literal key (not `Store.collection`), so that this module
 * needs the store's types only.
 * @internal
 */
export const Optouts: State.CollectionKey<number, StoredOptout> = { name: "optouts" }

/** The opted-out numbers (E.164), for sends to skip. @internal */
export const optedOut = (store: State.Store): ReadonlySet<string> =>
  new Set(store.records(Optouts).values().map((o) => o.phoneNumber))

/**
 * Puts a number on the list (synchronous: call it inside an `Effect.sync` step); undefined when
 * it is already there. `link` opt-outs are for a hit on a message's opt-out link.
 * @internal
 */
export const record = (
  store: State.Store,
  entry: Omit<StoredOptout, "id" | "campaignId" | "groupId" | "groupName" | "campaignName"> & {
    readonly campaignId?: string | null
    readonly groupId?: number | null
    readonly groupName?: string | null
    readonly campaignName?: string | null
  }
): StoredOptout | undefined => {
  const records = store.records(Optouts)
  if (records.values().some((o) => o.phoneNumber === entry.phoneNumber)) return undefined
  const optout: StoredOptout = {
    campaignId: null,
    groupId: null,
    groupName: null,
    campaignName: null,
    ...entry,
    id: store.nextId("optouts")
  }
  records.set(optout.id, optout)
  return optout
}

const iso = (millis: number) => new Date(millis).toISOString()

const toData = (o: StoredOptout): Generated.DataOptouts => ({
  id: o.id,
  phoneNumber: o.phoneNumber,
  countryIso: o.countryIso,
  optoutFrom: o.optoutFrom,
  datetime: iso(o.createdAt),
  campaignId: o.campaignId,
  groupId: o.groupId === null ? null : String(o.groupId),
  groupName: o.groupName,
  campaignName: o.campaignName
})

/** Most recent first, as the API lists them. */
const newestFirst = (store: State.Store) => [...store.records(Optouts).values()].reverse()

const exportTable = (store: State.Store): Exports.Table => ({
  columns: [
    "id",
    "phoneNumber",
    "countryIso",
    "optoutFrom",
    "datetime",
    "campaignId",
    "groupId",
    "groupName",
    "campaignName"
  ],
  rows: newestFirst(store).map((o) => {
    const d = toData(o)
    return [
      d.id,
      d.phoneNumber,
      d.countryIso,
      d.optoutFrom,
      d.datetime,
      d.campaignId,
      d.groupId,
      d.groupName,
      d.campaignName
    ]
  })
})

const isEmpty = (v: unknown) => v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0)

/** `phoneNumbers`: absent or empty 1203, anything but an array of numbers 1208. @internal */
export const phoneNumbersRule = (missing: ErrorSpec, notArray: ErrorSpec): Fields.FieldRule => ({
  missing,
  invalid: (v) => isEmpty(v) ? missing : notArray
})

/** The API takes numbers written as JSON numbers too. @internal */
export const stringifyNumbers = (raw: Record<string, unknown>): Record<string, unknown> =>
  Array.isArray(raw.phoneNumbers)
    ? { ...raw, phoneNumbers: raw.phoneNumbers.map((n: unknown) => typeof n === "number" ? String(n) : n) }
    : raw

// the account's opt-out page: the sandbox has one account
const OPTOUT_PAGE = { id: "sandbox", link: "https://en.ax/o/sandbox" } as const

/** @internal */
export const handlers = ({ store }: Context): Router.Handlers<typeof Api.Optouts> => ({
  addContactToOptoutsList: {
    fields: [
      ["countryIso", { invalid: Generic.invalidParam("countryIso") }],
      ["phoneNumbers", phoneNumbersRule(E.phoneNumbersMissing, E.phoneNumbersNotArray)]
    ],
    normalize: stringifyNumbers,
    handle: ({ input }) =>
      Effect.gen(function*() {
        const submitted = input.phoneNumbers ?? []
        if (submitted.length === 0) return yield* fail(E.phoneNumbersMissing)
        const now = yield* Clock.currentTimeMillis
        const invalid: Array<string> = []
        const valid: Array<Phone.PhoneNumber> = []
        for (const raw of submitted) {
          const number = Phone.validate(raw, input.countryIso)
          if (number === undefined) invalid.push(raw)
          else valid.push(number)
        }
        if (invalid.length > 0 && input.allowInvalid !== true) return yield* fail(E.phoneNumbersInvalid, { invalid })
        const added = yield* Effect.sync(() =>
          valid.filter((number) =>
            record(store, {
              phoneNumber: number.e164,
              countryIso: number.countryIso,
              optoutFrom: "admin",
              createdAt: now
            }) !== undefined
          ).length
        )
        if (added === 0) return yield* fail(E.nothingAdded, invalid.length > 0 ? { invalid } : undefined)
        return {
          body: {
            info: {
              totalValid: added,
              totalInvalid: invalid.length,
              totalDuplicates: valid.length - added,
              totalPhoneNumbers: submitted.length,
              invalid
            }
          }
        }
      })
  },
  getOptoutsList: {
    handle: ({ input }) =>
      Effect.gen(function*() {
        const all = yield* Effect.sync(() => newestFirst(store))
        const page = yield* Paging.page(all, input)
        return {
          body: { info: { ...OPTOUT_PAGE, total: all.length }, data: page.data.map(toData), paging: page.paging }
        }
      })
  },
  exportOptoutsToCSV: {
    handle: () => Effect.sync(() => ({ body: Exports.csv(exportTable(store), "optouts.csv") }))
  },
  exportOptoutsToXLSX: {
    handle: () =>
      Effect.map(
        Effect.suspend(() => Exports.xlsx(exportTable(store), "optouts.xlsx", "Optouts")),
        (body) => ({ body })
      )
  },
  deleteContactFromOptoutsList: {
    fields: [["optoutId", { missing: E.notFound, invalid: E.notFound }]],
    handle: ({ path }) =>
      Effect.gen(function*() {
        const optouts = store.records(Optouts)
        const optout = yield* Effect.sync(() => optouts.get(path.optoutId))
        if (optout === undefined) return yield* fail(E.notFound)
        if (optout.optoutFrom === "link") return yield* fail(E.addedViaLink)
        yield* Effect.sync(() => optouts.delete(optout.id))
        return { body: { info: { id: String(optout.id), phoneNumber: optout.phoneNumber } } }
      })
  }
})
