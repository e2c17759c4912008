/**
 * What a send is and what it comes to: its kind and steps, the engine its handlers share, each
 * recipient, each message on the wire and the priced outcome (`sendPricing.ts`) that the
 * messaging engine (`messaging.ts`) settles.
 */
import type * as Generated from "@smscx/core/Generated"
import type * as Callbacks from "../kernel/callbacks.js"
import type { ErrorSpec } from "../kernel/errors.js"
import type * as Timers from "../kernel/timers.js"
import type { Context } from "../state/context.js"
import type * as Store from "../state/store.js"
import type * as Dates from "./dates.js"
import type * as Delivery from "./delivery.js"
import type * as Links from "./links.js"
import type * as Phone from "./phone.js"

/** What every send takes besides its recipients and content. @internal */
export interface Compose {
  readonly from: string
  readonly scheduledDate?: string | undefined
  readonly isUtc?: boolean | undefined
  readonly dlrCallbackUrl?: string | undefined
  readonly shortResponse?: boolean | undefined
  readonly noTextDetails?: boolean | undefined
  readonly showTimezone?: boolean | undefined
  readonly trackData?: string | undefined
  readonly transliteration?: Generated.Transliteration | undefined
  /** `{customFieldName: {...}}`: placeholder values for every recipient. */
  readonly customFields?: { readonly customFieldName: Readonly<Record<string, string>> } | undefined
}

/** One way of reaching a recipient: a channel and the text it sends (before placeholders). @internal */
export interface Step {
  readonly channel: Store.Channel
  readonly text: string
}

/** The kind of a send: a channel's own, or multichannel. @internal */
export type Service = Store.Channel | "multichannel"

/** What a send is: its kind, the operation (for its name in campaigns) and its steps in order. @internal */
export interface Send<S extends Service = Service> {
  readonly operation: string
  readonly service: S
  readonly steps: ReadonlyArray<Step>
  /** Seconds a step has to deliver before the next is tried (multichannel). */
  readonly ttlSeconds?: number | undefined
}

/** What the handlers share: the store, the delivery options, quiet hours, callbacks and timers. @internal */
export interface Engine {
  readonly store: Store.Store
  readonly delivery: Delivery.Options
  readonly quietHours: Dates.QuietHours | undefined
  readonly callbacks: Callbacks.Callbacks
  readonly timers: Timers.Timers
}

/** The engine of a group's handlers. @internal */
export const engineOf = ({ callbacks, config, store, timers }: Context): Engine => ({
  store,
  callbacks,
  timers,
  delivery: config.delivery,
  quietHours: config.quietHours
})

/** One recipient of a send, as it is priced. @internal */
export interface Recipient {
  readonly number: Phone.PhoneNumber
  readonly contact?: Readonly<Record<string, string | undefined>>
  readonly group?: { readonly id: number; readonly name: string }
  readonly optedOut: boolean
}

/** A message on the wire, as every channel's send answers it. @internal */
export interface Data {
  readonly msgId: string
  readonly status: "ACCEPTED" | "SCHEDULED" | "REJECTED" | "NO COVERAGE"
  readonly statusCode: number
  readonly errorCode: null
  readonly createdAt: string
  readonly inQuietHours: boolean
  readonly cost: number
  readonly to: string
  readonly countryIso: string
  readonly from: string
  readonly parts: number
  /**
   * Required by every channel's schema but the SMS one, whose `noTextDetails` leaves it out (the
   * only case where it is absent).
   */
  readonly text: string
  readonly textAnalysis?: { readonly length: number; readonly unicode: boolean; readonly parts: number }
  readonly trackData?: string
  readonly scheduledAt?: string
  readonly timezone?: string
}

/** A message on the wire for a kind of send: a multichannel one also names its channel. @internal */
export type DataOf<S extends Service> = S extends "multichannel" ? Data & { readonly channel: Store.Channel } : Data

/** A send priced: its messages, their answers, totals and links. @internal */
export interface Outcome {
  readonly campaignId: string
  readonly messages: ReadonlyArray<Store.StoredMessage>
  readonly data: ReadonlyArray<Data>
  readonly totalMicros: number
  readonly totalParts: number
  /**
   * What a multichannel send holds back besides its cost: the SMS failover of each recipient
   * reached on another channel, should that channel fail to deliver (not charged).
   */
  readonly reserveMicros: number
  readonly scheduled: boolean
  /** How many recipients the quiet hours hold. */
  readonly inQuietHours: number
  readonly createdAt: number
  readonly links: Links.Issuer
}

/** How a send runs: for real, or as an estimate; what a shortfall on failover steps answers. @internal */
export interface Mode {
  readonly commit: boolean
  /** Multichannel's 1130; other sends have no failover. */
  readonly shortOfFailover?: ErrorSpec | undefined
}

/** @internal */
export type NumbersInput = Compose & {
  readonly to: ReadonlyArray<string>
  readonly countryIso?: string | undefined
  readonly allowInvalid?: boolean | undefined
}

/** @internal */
export type GroupsInput = Compose & { readonly groups: ReadonlyArray<number> }
