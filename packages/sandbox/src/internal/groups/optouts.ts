/**
 * The Optouts group: the account's list of numbers that receive no messages. Numbers added with
 * the API are `admin` opt-outs and can be removed; `link` opt-outs (a contact who followed the
 * opt-out link) cannot. Sends skip every number on the list: their messages are `REJECTED`, at
 * no cost (`engines/optouts.ts`, read by `engines/messaging.ts`).
 */
import type * as Api from "@smscx/core/Api"
import type * as Generated from "@smscx/core/Generated"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { Optouts, phoneNumbersRule, record, remove, type StoredOptout, stringifyNumbers } from "../engines/optouts.js"
import * as Phone from "../engines/phone.js"
import { documented, fail, Generic } from "../kernel/errors.js"
import * as Exports from "../kernel/exports.js"
import * as Paging from "../kernel/paging.js"
import type * as Router from "../kernel/router.js"
import type { Context } from "../state/context.js"
import type * as State from "../state/store.js"

/** The documented errors of the Optouts operations. @internal */
const OptoutsErrors = {
  phoneNumbersMissing: documented("addContactToOptoutsList", 1203),
  phoneNumbersNotArray: documented("addContactToOptoutsList", 1208),
  phoneNumbersInvalid: documented("addContactToOptoutsList", 1210),
  nothingAdded: documented("addContactToOptoutsList", 1441),
  notFound: documented("deleteContactFromOptoutsList", 1202),
  addedViaLink: documented("deleteContactFromOptoutsList", 1443)
} as const

const E = OptoutsErrors

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
        yield* Effect.sync(() => remove(store, optout))
        return { body: { info: { id: String(optout.id), phoneNumber: optout.phoneNumber } } }
      })
  }
})
