/**
 * The Groups group: contact groups (name, contacts with their fields) that campaign sends
 * address by id. Numbers are validated (libphonenumber) and kept in E.164; a group holds a number
 * once. The sandbox's `groups` option seeds the collection (`engines/contactGroups.ts`); new groups
 * get the next ids.
 */
import type * as Api from "@smscx/core/Api"
import type * as Generated from "@smscx/core/Generated"
import type * as Operation from "@smscx/core/Operation"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import {
  type FieldName,
  fieldNames,
  fieldsOf,
  find,
  Groups,
  nextGroupId,
  type StoredContact,
  type StoredGroup
} from "../engines/contactGroups.js"
import * as Optouts from "../engines/optouts.js"
import * as Phone from "../engines/phone.js"
import * as Pricing from "../engines/pricing.js"
import { type ApiFailure, documented, fail, Generic } from "../kernel/errors.js"
import * as Exports from "../kernel/exports.js"
import * as Ids from "../kernel/ids.js"
import { fromMicros } from "../kernel/money.js"
import * as Paging from "../kernel/paging.js"
import type * as Router from "../kernel/router.js"
import type { Context } from "../state/context.js"
import type * as State from "../state/store.js"

/** The documented errors of the Groups operations. @internal */
const GroupsErrors = {
  nameMissing: documented("createGroup", 1204),
  nameInvalid: documented("createGroup", 1206),
  nameTaken: documented("createGroup", 1211),
  phoneNumbersMissing: documented("addContactsToGroup", 1203),
  phoneNumbersNotArray: documented("addContactsToGroup", 1208),
  phoneNumberInvalid: documented("addContactsToGroup", 1207),
  phoneNumbersInvalid: documented("addContactsToGroup", 1210),
  groupNotFound: documented("deleteGroup", 1200),
  contactNotFound: documented("deleteContactFromGroup", 1202),
  nothingToUpdate: documented("updateContactFromGroup", 1213),
  numberTaken: documented("updateContactFromGroup", 1215)
} as const

const E = GroupsErrors

/**
 * The longest name kept. Requests allow 60 characters (`NewGroupRequest`, error 1206 "max 60"),
 * but every answer that carries a group's name allows 40 (`InfoNewGroup`, `DataGroups`,
 * `InfoGroup`): a longer name could never be read back, so it is refused with 1206.
 */
const MAX_NAME = 40
const MIN_NAME = 3

/** One part to every contact not opted out and with coverage. */
const costOf = (
  numbers: Iterable<{ readonly countryIso: string; readonly phoneNumber: string }>,
  out: Optouts.OptedOut
) => {
  let micros = 0
  for (const n of numbers) {
    if (out.has(n.phoneNumber)) continue
    micros += Pricing.smsPartPrice(n.countryIso) ?? 0
  }
  return fromMicros(micros)
}

const iso = (millis: number) => new Date(millis).toISOString()

const summary = (group: StoredGroup, out: Optouts.OptedOut) => {
  const contacts = [...group.contacts.values()]
  return {
    id: group.id,
    name: group.name,
    totalPhoneNumbers: contacts.length,
    totalCost: costOf(contacts, out),
    totalOptouts: contacts.filter((c) => out.has(c.phoneNumber)).length,
    createdAt: iso(group.createdAt)
  }
}

const customFieldsOut = (contact: StoredContact) =>
  Object.keys(contact.customFields).length === 0
    ? {}
    : { customFields: { customFieldName: { ...contact.customFields } } }

const toData = (group: StoredGroup, contact: StoredContact, out: Optouts.OptedOut): Generated.DataGroupsDetails => ({
  id: contact.id,
  phoneNumber: contact.phoneNumber,
  countryIso: contact.countryIso,
  ...contact.fields,
  groupId: group.id,
  optout: out.has(contact.phoneNumber),
  dateAdded: iso(contact.dateAdded),
  ...customFieldsOut(contact)
})

const found = (store: State.Store, id: number): Effect.Effect<StoredGroup, ApiFailure> =>
  Effect.suspend(() => {
    const group = find(store, id)
    return group === undefined ? fail(E.groupNotFound) : Effect.succeed(group)
  })

const standardColumns = ["id", "phoneNumber", "countryIso", ...fieldNames, "optout", "dateAdded"] as const

/** A group's contacts as a table: the standard columns, then each custom field met. */
const exportTable = (store: State.Store, group: StoredGroup): Exports.Table => {
  const out = Optouts.optedOut(store)
  const contacts = [...group.contacts.values()]
  const standard = new Set<string>(standardColumns)
  const custom = [...new Set(contacts.flatMap((c) => Object.keys(c.customFields)))].filter((k) => !standard.has(k))
  return {
    columns: [...standardColumns, ...custom],
    rows: contacts.map((c) => [
      c.id,
      c.phoneNumber,
      c.countryIso,
      ...fieldNames.map((name) => c.fields[name]),
      out.has(c.phoneNumber),
      iso(c.dateAdded),
      ...custom.map((k) => c.customFields[k])
    ])
  }
}

const fileName = (group: StoredGroup, extension: string) => {
  const slug = group.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")
  return `group-${group.id}${slug === "" ? "" : `-${slug}`}.${extension}`
}

/** `customFields` as the API takes it: `{customFieldName: {...}}`, or the fields themselves. */
const wrapCustomFields = (item: unknown): unknown => {
  if (typeof item !== "object" || item === null || Array.isArray(item)) return item
  const custom = (item as Record<string, unknown>).customFields
  if (typeof custom !== "object" || custom === null || Array.isArray(custom) || "customFieldName" in custom) {
    return item
  }
  return { ...item, customFields: { customFieldName: custom } }
}

/**
 * The API's leniencies: numbers as JSON numbers, custom fields given directly, and the body's
 * `countryIso` for the contacts that give none.
 */
const normalizeAdd = (raw: Record<string, unknown>): Record<string, unknown> => {
  const out = Optouts.stringifyNumbers(raw)
  if (!Array.isArray(out.phoneNumbers)) return out
  return {
    ...out,
    phoneNumbers: out.phoneNumbers.map((item: unknown) => {
      const wrapped = wrapCustomFields(item)
      if (typeof wrapped !== "object" || wrapped === null || typeof raw.countryIso !== "string") return wrapped
      return "countryIso" in wrapped ? wrapped : { ...wrapped, countryIso: raw.countryIso }
    })
  }
}

type AddInput = Router.InputOf<typeof Api.Groups.addContactsToGroup>

interface Candidate {
  readonly raw: string
  readonly countryIso: string | undefined
  readonly fields: Partial<Record<FieldName, string | undefined>>
  readonly customFields: Readonly<Record<string, string>>
}

const candidatesOf = (input: AddInput): ReadonlyArray<Candidate> =>
  (input.phoneNumbers ?? []).map((item): Candidate =>
    typeof item === "string"
      ? { raw: item, countryIso: "countryIso" in input ? input.countryIso : undefined, fields: {}, customFields: {} }
      : {
        raw: item.phoneNumber,
        countryIso: item.countryIso,
        fields: item,
        customFields: item.customFields?.customFieldName ?? {}
      }
  )

/** @internal */
export const handlers = ({ store }: Context): Router.Handlers<typeof Api.Groups> => ({
  createGroup: {
    fields: [["name", {
      missing: E.nameMissing,
      invalid: (v) => typeof v === "string" && v.trim() === "" || v === null ? E.nameMissing : E.nameInvalid
    }]],
    handle: ({ input }) =>
      Effect.gen(function*() {
        const name = input.name.trim()
        if (name === "") return yield* fail(E.nameMissing)
        if (name.length < MIN_NAME || name.length > MAX_NAME) return yield* fail(E.nameInvalid)
        const now = yield* Clock.currentTimeMillis
        const created = yield* Effect.sync(() => {
          const records = store.records(Groups)
          const taken = records.values().some((g) => g.name.toLowerCase() === name.toLowerCase())
          if (taken) return undefined
          const group: StoredGroup = { id: nextGroupId(store), name, createdAt: now, contacts: new Map() }
          records.set(group.id, group)
          return group
        })
        if (created === undefined) return yield* fail(E.nameTaken)
        return { body: { info: { id: created.id, name: created.name } } }
      })
  },
  getGroupsList: {
    handle: () =>
      Effect.sync(() => {
        const out = Optouts.optedOut(store)
        // most recent first, as documented
        return { body: { data: [...store.records(Groups).values()].reverse().map((g) => summary(g, out)) } }
      })
  },
  addContactsToGroup: {
    fields: [
      ["countryIso", { invalid: Generic.invalidParam("countryIso") }],
      ["phoneNumbers", Optouts.phoneNumbersRule(E.phoneNumbersMissing, E.phoneNumbersNotArray)]
    ],
    normalize: normalizeAdd,
    handle: ({ input, path }) =>
      Effect.gen(function*() {
        const group = yield* found(store, path.groupId)
        const candidates = candidatesOf(input)
        if (candidates.length === 0) return yield* fail(E.phoneNumbersMissing)
        const now = yield* Clock.currentTimeMillis
        const next = yield* Ids.sampler
        const invalid: Array<string> = []
        const valid: Array<{ readonly number: Phone.PhoneNumber; readonly candidate: Candidate }> = []
        for (const candidate of candidates) {
          const number = Phone.validate(candidate.raw, candidate.countryIso)
          if (number === undefined) invalid.push(candidate.raw)
          else valid.push({ number, candidate })
        }
        if (invalid.length > 0 && input.allowInvalid !== true) {
          return yield* fail(invalid.length === 1 ? E.phoneNumberInvalid : E.phoneNumbersInvalid, { invalid })
        }
        const added = yield* Effect.sync(() => {
          const present = new Set([...group.contacts.values()].map((c) => c.phoneNumber))
          const added: Array<StoredContact> = []
          for (const { candidate, number } of valid) {
            if (present.has(number.e164)) continue
            present.add(number.e164)
            const contact: StoredContact = {
              id: Ids.uuidFrom(next),
              phoneNumber: number.e164,
              countryIso: number.countryIso,
              fields: fieldsOf(candidate.fields),
              customFields: { ...candidate.customFields },
              dateAdded: now
            }
            group.contacts.set(contact.id, contact)
            added.push(contact)
          }
          return added
        })
        const out = Optouts.optedOut(store)
        return {
          body: {
            info: {
              totalCost: costOf(added, out),
              totalValid: added.length,
              totalInvalid: invalid.length,
              totalDuplicates: valid.length - added.length,
              totalPhoneNumbers: candidates.length,
              invalid
            }
          }
        }
      })
  },
  deleteGroup: {
    handle: ({ path }) =>
      Effect.gen(function*() {
        const group = yield* found(store, path.groupId)
        yield* Effect.sync(() => store.records(Groups).delete(group.id))
        return { body: { info: { id: group.id, name: group.name, totalPhoneNumbers: group.contacts.size } } }
      })
  },
  getGroupDetails: {
    handle: ({ input, path }) =>
      Effect.gen(function*() {
        const group = yield* found(store, path.groupId)
        const out = Optouts.optedOut(store)
        const page = yield* Paging.page([...group.contacts.values()], input)
        const answer: Operation.SuccessOf<typeof Api.Groups.getGroupDetails> = {
          info: summary(group, out),
          // `short_response`: the group's totals only
          data: input.short_response === true ? [] : page.data.map((c) => toData(group, c, out)),
          paging: input.short_response === true ? { next: null, previous: null, size: 0 } : page.paging
        }
        return { body: answer }
      })
  },
  exportGroupToCSV: {
    handle: ({ path }) =>
      Effect.map(found(store, path.groupId), (group) => ({
        body: Exports.csv(exportTable(store, group), fileName(group, "csv"))
      }))
  },
  exportGroupToXLSX: {
    handle: ({ path }) =>
      Effect.gen(function*() {
        const group = yield* found(store, path.groupId)
        return { body: yield* Exports.xlsx(exportTable(store, group), fileName(group, "xlsx"), "Contacts") }
      })
  },
  emptyGroup: {
    handle: ({ path }) =>
      Effect.gen(function*() {
        const group = yield* found(store, path.groupId)
        // a group already empty: the API's 204 (no body)
        if (group.contacts.size === 0) return { body: undefined }
        yield* Effect.sync(() => group.contacts.clear())
        return { body: { info: { id: group.id, name: group.name } } }
      })
  },
  deleteContactFromGroup: {
    fields: [["phoneNumberId", { missing: E.contactNotFound, invalid: E.contactNotFound }]],
    handle: ({ path }) =>
      Effect.gen(function*() {
        const group = yield* found(store, path.groupId)
        const contact = group.contacts.get(path.phoneNumberId)
        if (contact === undefined) return yield* fail(E.contactNotFound)
        yield* Effect.sync(() => group.contacts.delete(contact.id))
        return { body: { info: { id: contact.id, phoneNumber: contact.phoneNumber, countryIso: contact.countryIso } } }
      })
  },
  updateContactFromGroup: {
    // the operation documents no group error: a contact of no group is not found (1202)
    fields: [
      ["groupId", { missing: E.contactNotFound, invalid: E.contactNotFound }],
      ["phoneNumberId", { missing: E.contactNotFound, invalid: E.contactNotFound }]
    ],
    normalize: (raw) => wrapCustomFields(raw) as Record<string, unknown>,
    handle: ({ input, path }) =>
      Effect.gen(function*() {
        const group = find(store, path.groupId)
        const contact = group?.contacts.get(path.phoneNumberId)
        if (group === undefined || contact === undefined) return yield* fail(E.contactNotFound)
        const given = fieldNames.filter((name) => input[name] !== undefined)
        if (input.phoneNumber === undefined && given.length === 0 && input.customFields === undefined) {
          return yield* fail(E.nothingToUpdate)
        }
        let number: Phone.PhoneNumber | undefined
        if (input.phoneNumber !== undefined) {
          number = Phone.validate(input.phoneNumber, contact.countryIso === "" ? undefined : contact.countryIso)
          if (number === undefined) return yield* fail(Generic.invalidParam("phoneNumber"))
          const e164 = number.e164
          const taken = [...group.contacts.values()].some((c) => c.id !== contact.id && c.phoneNumber === e164)
          if (taken) return yield* fail(E.numberTaken)
        }
        const fields = { ...contact.fields }
        for (const name of given) fields[name] = input[name] ?? null
        const updated: StoredContact = {
          ...contact,
          ...(number === undefined ? {} : { phoneNumber: number.e164, countryIso: number.countryIso }),
          fields,
          // the fields given are set, the others kept
          customFields: { ...contact.customFields, ...input.customFields?.customFieldName }
        }
        // the same data again: the API's 204 (no body)
        if (JSON.stringify(updated) === JSON.stringify(contact)) return { body: undefined }
        yield* Effect.sync(() => group.contacts.set(contact.id, updated))
        return { body: { info: { id: contact.id, groupId: String(group.id) } } }
      })
  }
})
