/**
 * Contact groups as the sandbox keeps them: their contacts (numbers in E.164, standard and custom
 * fields), the values a contact gives `{{name}}` placeholders, and the seed groups (the sandbox's
 * `groups` option) put in with their own ids. The Groups group serves them; campaign sends and
 * conversations read them.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as Ids from "../kernel/ids.js"
import * as State from "../state/store.js"
import * as Phone from "./phone.js"

/** The contact fields besides the number, in the API's order. @internal */
export const fieldNames = [
  "firstName",
  "lastName",
  "email",
  "field1",
  "field2",
  "field3",
  "field4",
  "field5"
] as const

/** @internal */
export type FieldName = (typeof fieldNames)[number]

/** A contact of a group, as the sandbox keeps it. @internal */
export interface StoredContact {
  readonly id: string
  /** E.164 (a seed contact's number as given when it is not valid). */
  readonly phoneNumber: string
  /** Empty for a seed contact whose number is not valid. */
  readonly countryIso: string
  readonly fields: Readonly<Record<FieldName, string | null>>
  readonly customFields: Readonly<Record<string, string>>
  /** Epoch millis. */
  readonly dateAdded: number
}

/** A contact group; its contacts by id, in the order they were added. @internal */
export interface StoredGroup {
  readonly id: number
  readonly name: string
  readonly createdAt: number
  readonly contacts: Map<string, StoredContact>
}

/** The groups by id, oldest first. @internal */
export const Groups = State.collection<number, StoredGroup>("groups")

/** A group by id. @internal */
export const find = (store: State.Store, id: number): StoredGroup | undefined => store.records(Groups).get(id)

/**
 * A contact's values for `{{name}}` placeholders: its custom fields, and the standard ones that
 * are set (a standard field wins over a custom field of the same name).
 * @internal
 */
export const placeholderValues = (contact: StoredContact): Record<string, string | undefined> => {
  const values: Record<string, string | undefined> = { ...contact.customFields, phoneNumber: contact.phoneNumber }
  for (const name of fieldNames) {
    const value = contact.fields[name]
    if (value !== null) values[name] = value
  }
  return values
}

const noFields: Record<FieldName, string | null> = {
  firstName: null,
  lastName: null,
  email: null,
  field1: null,
  field2: null,
  field3: null,
  field4: null,
  field5: null
}

/** A contact's standard fields, null where not given. @internal */
export const fieldsOf = (source: Partial<Record<FieldName, string | undefined>>): Record<FieldName, string | null> => {
  const fields = { ...noFields }
  for (const name of fieldNames) fields[name] = source[name] ?? null
  return fields
}

/** The next id for a new group: past the seed ids and every id taken. @internal */
export const nextGroupId = (store: State.Store, atLeast = 0): number => {
  const groups = store.records(Groups)
  let id = store.nextId("groups")
  while (id <= atLeast || groups.get(id) !== undefined) id = store.nextId("groups")
  return id
}

/**
 * Puts the seed groups (the sandbox's `groups` option) into the collection, with their ids; the
 * id counter moves past them. Contact ids come from a generator seeded by the group's id, so a
 * seed group's contacts have the same ids in every sandbox.
 * @internal
 */
export const seed = (store: State.Store, groups: ReadonlyArray<State.Group>): Effect.Effect<void> =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const records = store.records(Groups)
    for (const group of groups) {
      const next = yield* Effect.withRandom(Ids.sampler, Random.make(`sandbox seed group ${group.id}`))
      const contacts = new Map<string, StoredContact>()
      for (const contact of group.contacts) {
        const number = Phone.validate(contact.phoneNumber)
        const stored: StoredContact = {
          id: Ids.uuidFrom(next),
          phoneNumber: number?.e164 ?? contact.phoneNumber,
          countryIso: number?.countryIso ?? "",
          fields: fieldsOf(contact),
          customFields: { ...contact.customFields },
          dateAdded: now
        }
        contacts.set(stored.id, stored)
      }
      records.set(group.id, { id: group.id, name: group.name, createdAt: now, contacts })
    }
    // the counter passes the seed ids: the next group created gets the id after the highest
    const highest = groups.reduce((max, g) => Math.max(max, g.id), 0)
    let counted = 0
    while (counted < highest) counted = store.nextId("groups")
  })
