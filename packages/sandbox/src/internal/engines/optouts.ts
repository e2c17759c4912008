/**
 * The account's opt-out list, as sends read it: the numbers that receive no messages (their
 * messages are `REJECTED`, at no cost), and putting a number on it (the Optouts group's `admin`
 * opt-outs, a recipient's hit on an opt-out link: `link`).
 */
import type { ErrorSpec } from "../kernel/errors.js"
import type * as Fields from "../kernel/fields.js"
import type * as State from "../state/store.js"

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

/**
 * The opt-outs' ids by number (E.164), kept with the list: a send looks each recipient up there
 * rather than reading the whole list.
 */
const ByNumber: State.CollectionKey<string, number> = { name: "optoutsByNumber" }

/** Whether a number (E.164) is on the list. @internal */
export interface OptedOut {
  readonly has: (phoneNumber: string) => boolean
}

/** The opted-out numbers, for sends to skip: the list as it is when asked. @internal */
export const optedOut = (store: State.Store): OptedOut => {
  const byNumber = store.records(ByNumber)
  return { has: (phoneNumber) => byNumber.get(phoneNumber) !== undefined }
}

/** Takes an opt-out off the list (synchronous). @internal */
export const remove = (store: State.Store, optout: StoredOptout): void => {
  store.records(Optouts).delete(optout.id)
  store.records(ByNumber).delete(optout.phoneNumber)
}

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
  const byNumber = store.records(ByNumber)
  if (byNumber.get(entry.phoneNumber) !== undefined) return undefined
  const optout: StoredOptout = {
    campaignId: null,
    groupId: null,
    groupName: null,
    campaignName: null,
    ...entry,
    id: store.nextId("optouts")
  }
  store.records(Optouts).set(optout.id, optout)
  byNumber.set(optout.phoneNumber, optout.id)
  return optout
}

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
