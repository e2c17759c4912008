/**
 * The state of one sandbox: balance, sent and scheduled messages, campaigns, contact groups,
 * idempotent answers and OAuth tokens.
 *
 * Its history is bounded by `maxMessages`: the messages (with their campaigns), and each
 * collection kept with `keep` (OTPs, lookups, conversation messages, hits, SMS received on
 * rented numbers) hold at most that many records, the oldest dropped first and counted.
 */
import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { fromMicros } from "../kernel/money.js"
import * as Timeline from "./timeline.js"

/** How many idempotent answers the sandbox replays; older ones are forgotten. @internal */
const MAX_REMEMBERED_ANSWERS = 100_000

/**
 * How many messages the sandbox keeps by default (its outbox and reports); the oldest are
 * dropped first, so a sandbox left running under load stays within bounds. @internal
 */
export const DEFAULT_MAX_MESSAGES = 100_000

/** An idempotency key used again for another request. @internal */
class IdempotencyConflict extends Data.TaggedError("IdempotencyConflict")<{}> {}

/**
 * A message's state before delivery begins, or one it never leaves: `REJECTED` (an opted-out
 * number: kept for reports, never sent), `NO COVERAGE`, `DELETED` (a scheduled one, deleted).
 * Its later statuses come from its `timeline` (see `engines/delivery.ts`).
 * @internal
 */
type MessageStatus = "ACCEPTED" | "SCHEDULED" | "NO COVERAGE" | "REJECTED" | "DELETED"

/** The channel a message went out on. @internal */
export type Channel = "sms" | "viber" | "whatsapp"

/** A message as the sandbox keeps it. @internal */
export interface StoredMessage {
  readonly msgId: string
  readonly campaignId: string
  /** The channel it went out on. */
  readonly channel: Channel
  /** The kind of send: a channel's own, or `multichannel` (whose steps share one msgId's report). */
  readonly service: Channel | "multichannel"
  readonly to: string
  readonly countryIso: string
  readonly from: string
  readonly text: string
  readonly parts: number
  readonly costMicros: number
  status: MessageStatus
  readonly createdAt: number
  readonly scheduledAt: number | undefined
  readonly trackData: string | undefined
  /** Held by the account's quiet hours at its destination (and scheduled at their end). */
  readonly inQuietHours: boolean
  /** When it leaves and how it ends; undefined for a message that is never sent. */
  readonly timeline: Timeline.Timeline | undefined
  /** Where its delivery reports are POSTed, when the send gave a URL. */
  readonly dlrCallbackUrl: string | undefined
  /** Epoch millis of its deletion, when deleted. */
  deletedAt?: number | undefined
}

/** @internal */
interface StoredCampaign {
  readonly campaignId: string
  readonly operation: string
  readonly msgIds: ReadonlyArray<string>
  readonly scheduled: boolean
  readonly createdAt: number
  /** The contact groups a campaign went to (none for a send to numbers). */
  readonly groups: ReadonlyArray<CampaignGroup>
}

/** A contact group a campaign went to, as it was then. @internal */
export interface CampaignGroup {
  readonly id: number
  readonly name: string
  readonly phoneNumbers: number
}

/**
 * A message, as tests see it: money in the account's currency, dates as ISO strings, its status
 * now (`SENT`, `DELIVERED`, ... as time passes).
 * @internal
 */
export interface Message {
  readonly msgId: string
  readonly campaignId: string
  readonly channel: Channel
  readonly to: string
  readonly countryIso: string
  readonly from: string
  readonly text: string
  readonly parts: number
  readonly cost: number
  readonly status: Timeline.Status
  /** Set when the report of a failed delivery gives one. */
  readonly errorCode: number | null
  readonly createdAt: string
  readonly scheduledAt: string | undefined
  /** When its status last changed, if it has. */
  readonly updatedAt: string | undefined
  readonly trackData: string | undefined
}

/** @internal */
export interface Campaign {
  readonly campaignId: string
  /** The operation that created it (`sendSms`, `sendSmsCampaign`). */
  readonly operation: string
  readonly msgIds: ReadonlyArray<string>
  readonly scheduled: boolean
  readonly createdAt: string
  readonly groups: ReadonlyArray<CampaignGroup>
}

/**
 * A contact of a seed group (the sandbox's `groups` option); the contact groups engine
 * keeps the groups and their contacts in its own collection (`engines/contactGroups.ts`).
 * @internal
 */
export interface Contact {
  readonly phoneNumber: string
  readonly firstName?: string
  readonly lastName?: string
  readonly email?: string
  readonly field1?: string
  readonly field2?: string
  readonly field3?: string
  readonly field4?: string
  readonly field5?: string
  /** More fields for `{{name}}` placeholders. */
  readonly customFields?: Readonly<Record<string, string>>
}

/** A seed contact group: its id, name and contacts. @internal */
export interface Group {
  readonly id: number
  readonly name: string
  readonly contacts: ReadonlyArray<Contact>
}

/** @internal */
export interface Token {
  readonly value: string
  readonly applicationId: string
  readonly scopes: ReadonlySet<string>
  /** Epoch millis; undefined when the token never expires. */
  readonly expiresAt: number | undefined
}

/** @internal */
type DeleteMessageResult =
  | { readonly _tag: "Deleted"; readonly message: StoredMessage }
  | { readonly _tag: "NotFound" }
  | { readonly _tag: "AlreadySent" }

/** @internal */
type DeleteCampaignResult =
  | {
    readonly _tag: "Deleted"
    readonly campaign: StoredCampaign
    readonly messages: ReadonlyArray<StoredMessage>
    readonly deleted: ReadonlyArray<StoredMessage>
  }
  | { readonly _tag: "NotFound" }
  | { readonly _tag: "AlreadySent" }

/**
 * The name and types of a collection of records. Each domain module declares the collections it
 * owns (`export const Templates = Store.collection<number, Template>("templates")`); the others
 * read them through the same key (a campaign reads the groups and the opt-outs).
 * @internal
 */
export interface CollectionKey<K, V> {
  readonly name: string
  readonly _types?: (k: K) => V
}

/** @internal */
export const collection = <K, V>(name: string): CollectionKey<K, V> => ({ name })

/**
 * Records by key, in insertion order (lists and pages read them oldest first). Changed only in
 * synchronous steps, which nothing can interleave.
 * @internal
 */
interface Collection<K, V> {
  readonly get: (key: K) => V | undefined
  readonly set: (key: K, value: V) => void
  readonly delete: (key: K) => boolean
  readonly values: () => ReadonlyArray<V>
  readonly size: () => number
}

/** Records dropped from a bounded collection, oldest first: what `Store.keep` let go. @internal */
type Dropped<K, V> = ReadonlyArray<readonly [K, V]>

/** @internal */
export interface Store {
  /** The collection of a key, created empty on first use. */
  readonly records: <K, V>(key: CollectionKey<K, V>) => Collection<K, V>
  /**
   * Adds a record to a collection of the history (OTPs, lookups, conversation messages, hits,
   * SMS received on rented numbers): past `maxMessages` records, the oldest are dropped and counted (`dropped`). Gives
   * those dropped, for their owner to let go of what hangs on them. Synchronous.
   */
  readonly keep: <K, V>(key: CollectionKey<K, V>, k: K, v: V) => Dropped<K, V>
  /** Counts records of a collection dropped another way (link tokens, with their campaign). */
  readonly countDropped: (key: { readonly name: string }, n: number) => void
  /** The records of a collection dropped since the start or the last reset. */
  readonly dropped: (key: { readonly name: string }) => number
  /** Whether a campaign is still kept (its messages not all dropped). */
  readonly hasCampaign: (campaignId: string) => boolean
  /** The next numeric id of a kind (`groups`, `templates`): 1, 2, 3, ... */
  readonly nextId: (kind: string) => number
  /** Adds to the balance (negative: a charge); false, and no change, when it would go below 0. */
  readonly adjustBalanceMicros: (delta: number) => Effect.Effect<boolean>
  readonly balanceMicros: Effect.Effect<number>
  readonly setBalanceMicros: (micros: number) => Effect.Effect<void>
  /** The outbox: what was sent (or scheduled), with each message's status now; not `REJECTED` ones. */
  readonly messages: Effect.Effect<ReadonlyArray<Message>>
  /** Every message kept, rejected ones included, oldest first (reports read them). */
  readonly storedMessages: () => ReadonlyArray<StoredMessage>
  /** The messages kept, and how many older ones were dropped to keep within `maxMessages`. */
  readonly history: () => { readonly kept: number; readonly dropped: number }
  readonly findMessage: (msgId: string) => StoredMessage | undefined
  readonly campaigns: Effect.Effect<ReadonlyArray<Campaign>>
  /**
   * Debits the messages' cost and keeps them; false (and no change) when the balance is short of
   * their cost plus `reserveMicros` (held back, not debited).
   */
  readonly commit: (
    campaign: StoredCampaign,
    messages: ReadonlyArray<StoredMessage>,
    reserveMicros?: number
  ) => Effect.Effect<boolean>
  readonly deleteMessage: (msgId: string, now: number) => Effect.Effect<DeleteMessageResult>
  /** A scheduled campaign's messages still to be sent, deleted and refunded; only a campaign of `service`. */
  readonly deleteCampaign: (
    campaignId: string,
    now: number,
    service: StoredMessage["service"]
  ) => Effect.Effect<DeleteCampaignResult>
  /**
   * Runs `effect` once per key; later calls with the key and the same request (its
   * `fingerprint`) get its first success again, with another request an `IdempotencyConflict`,
   * without running it. A failure is not remembered.
   */
  readonly idempotent: <A, E>(
    key: string,
    fingerprint: string,
    effect: Effect.Effect<A, E>
  ) => Effect.Effect<A, E | IdempotencyConflict>
  readonly saveToken: (token: Token) => Effect.Effect<void>
  readonly findToken: (value: string) => Effect.Effect<Token | undefined>
}

const iso = (millis: number) => new Date(millis).toISOString()

/** A stored message as the outbox shows it at `now`. @internal */
export const view = (m: StoredMessage, now: number): Message => {
  const report = Timeline.statusAt(m, now)
  return {
    msgId: m.msgId,
    campaignId: m.campaignId,
    channel: m.channel,
    to: m.to,
    countryIso: m.countryIso,
    from: m.from,
    text: m.text,
    parts: m.parts,
    cost: fromMicros(m.costMicros),
    status: report.status,
    errorCode: report.errorCode,
    createdAt: iso(m.createdAt),
    scheduledAt: m.scheduledAt === undefined ? undefined : iso(m.scheduledAt),
    updatedAt: report.updatedAt === null ? undefined : iso(report.updatedAt),
    trackData: m.trackData
  }
}

/** A scheduled message can be deleted until its time comes. */
const pending = (m: StoredMessage, now: number) =>
  m.status === "SCHEDULED" && m.scheduledAt !== undefined && m.scheduledAt > now

/** @internal */
export const make = (options: {
  readonly balanceMicros: number
  readonly maxRememberedAnswers?: number
  /** Messages kept at most (default `DEFAULT_MAX_MESSAGES`); the oldest are dropped first. */
  readonly maxMessages?: number
  /** Told of a campaign whose every message was dropped (it is dropped too). */
  readonly onDropped?: (campaignId: string) => void
}): Effect.Effect<Store> =>
  Effect.sync(() => {
    // Mutated only inside single `Effect.sync` steps, which nothing can interleave.
    let balance = options.balanceMicros
    const messages = new Map<string, StoredMessage>()
    const campaigns = new Map<string, StoredCampaign>()
    const answers = new Map<string, { readonly fingerprint: string; readonly answer: unknown }>()
    const maxAnswers = options.maxRememberedAnswers ?? MAX_REMEMBERED_ANSWERS
    const tokens = new Map<string, Token>()
    const maxMessages = options.maxMessages ?? DEFAULT_MAX_MESSAGES
    let dropped = 0
    // the oldest messages first (a Map iterates in insertion order); a campaign's messages are
    // kept together, so it goes with its last one
    const dropOldest = () => {
      while (messages.size > maxMessages) {
        const oldest: StoredMessage = messages.values().next().value!
        messages.delete(oldest.msgId)
        dropped++
        const campaign = campaigns.get(oldest.campaignId)
        if (campaign !== undefined && campaign.msgIds[campaign.msgIds.length - 1] === oldest.msgId) {
          campaigns.delete(campaign.campaignId)
          options.onDropped?.(campaign.campaignId)
        }
      }
    }
    // the keys whose request runs now, with who waits for it: a repeat that comes meanwhile
    // waits, then is replayed (or runs, if the first failed); other keys never wait
    const running = new Map<string, Array<() => void>>()

    const collections = new Map<string, Map<unknown, unknown>>()
    const counters = new Map<string, number>()
    const droppedOf = new Map<string, number>()
    const mapOf = <K, V>(key: CollectionKey<K, V>): Map<K, V> => {
      let map = collections.get(key.name) as Map<K, V> | undefined
      if (map === undefined) {
        map = new Map<K, V>()
        collections.set(key.name, map as Map<unknown, unknown>)
      }
      return map
    }
    const countDropped = (key: { readonly name: string }, n: number) => {
      if (n > 0) droppedOf.set(key.name, (droppedOf.get(key.name) ?? 0) + n)
    }
    // each collection's view made once: every send reads several
    const views = new Map<string, Collection<unknown, unknown>>()
    const records = <K, V>(key: CollectionKey<K, V>): Collection<K, V> => {
      let view = views.get(key.name) as Collection<K, V> | undefined
      if (view === undefined) {
        const m = mapOf(key)
        view = {
          get: (k) => m.get(k),
          set: (k, v) => void m.set(k, v),
          delete: (k) => m.delete(k),
          values: () => Array.from(m.values()),
          size: () => m.size
        }
        views.set(key.name, view as Collection<unknown, unknown>)
      }
      return view
    }

    const store: Store = {
      records,
      keep: (key, k, v) => {
        const m = mapOf(key)
        m.set(k, v)
        const gone: Array<readonly [typeof k, typeof v]> = []
        // oldest first: a Map iterates in insertion order
        while (m.size > maxMessages) {
          const oldest = m.entries().next().value!
          m.delete(oldest[0])
          gone.push(oldest)
        }
        countDropped(key, gone.length)
        return gone
      },
      countDropped,
      dropped: (key) => droppedOf.get(key.name) ?? 0,
      hasCampaign: (campaignId) => campaigns.has(campaignId),
      nextId: (kind) => {
        const id = (counters.get(kind) ?? 0) + 1
        counters.set(kind, id)
        return id
      },
      adjustBalanceMicros: (delta) =>
        Effect.sync(() => {
          if (balance + delta < 0) return false
          balance += delta
          return true
        }),
      balanceMicros: Effect.sync(() => balance),
      setBalanceMicros: (micros) =>
        Effect.sync(() => {
          balance = micros
        }),
      messages: Effect.map(
        Clock.currentTimeMillis,
        (now) => Array.from(messages.values()).filter((m) => m.status !== "REJECTED").map((m) => view(m, now))
      ),
      storedMessages: () => Array.from(messages.values()),
      history: () => ({ kept: messages.size, dropped }),
      findMessage: (msgId) => messages.get(msgId),
      campaigns: Effect.sync(() =>
        Array.from(campaigns.values(), (c) => ({
          campaignId: c.campaignId,
          operation: c.operation,
          msgIds: c.msgIds,
          scheduled: c.scheduled,
          createdAt: iso(c.createdAt),
          groups: c.groups
        }))
      ),
      commit: (campaign, batch, reserveMicros = 0) =>
        Effect.sync(() => {
          const total = batch.reduce((sum, m) => sum + m.costMicros, 0)
          if (total + reserveMicros > balance) return false
          balance -= total
          campaigns.set(campaign.campaignId, campaign)
          for (const m of batch) messages.set(m.msgId, m)
          dropOldest()
          return true
        }),
      deleteMessage: (msgId, now) =>
        Effect.sync((): DeleteMessageResult => {
          const message = messages.get(msgId)
          if (message === undefined || message.scheduledAt === undefined || message.status === "DELETED") {
            return { _tag: "NotFound" }
          }
          if (!pending(message, now)) return { _tag: "AlreadySent" }
          message.status = "DELETED"
          message.deletedAt = now
          balance += message.costMicros
          return { _tag: "Deleted", message }
        }),
      deleteCampaign: (campaignId, now, service) =>
        Effect.sync((): DeleteCampaignResult => {
          const campaign = campaigns.get(campaignId)
          if (campaign === undefined || !campaign.scheduled) return { _tag: "NotFound" }
          const all = campaign.msgIds.flatMap((id) => {
            const m = messages.get(id)
            return m === undefined ? [] : [m]
          })
          if (all.every((m) => m.status !== "SCHEDULED") || all[0]?.service !== service) return { _tag: "NotFound" }
          const deleted = all.filter((m) => pending(m, now))
          if (deleted.length === 0) return { _tag: "AlreadySent" }
          for (const m of deleted) {
            m.status = "DELETED"
            m.deletedAt = now
            balance += m.costMicros
          }
          return { _tag: "Deleted", campaign, messages: all, deleted }
        }),
      idempotent: <A, E>(key: string, fingerprint: string, effect: Effect.Effect<A, E>) => {
        // checked and claimed in one step, which nothing interleaves; released whatever the end
        const attempt: Effect.Effect<A, E | IdempotencyConflict> = Effect.uninterruptibleMask((restore) =>
          Effect.suspend(() => {
            const remembered = answers.get(key)
            if (remembered !== undefined) {
              return remembered.fingerprint === fingerprint
                ? Effect.succeed(remembered.answer as A)
                : Effect.fail(new IdempotencyConflict())
            }
            const waiting = running.get(key)
            if (waiting !== undefined) {
              return restore(
                Effect.zipRight(Effect.async<void>((resume) => void waiting.push(() => resume(Effect.void))), attempt)
              )
            }
            const waiters: Array<() => void> = []
            running.set(key, waiters)
            return Effect.onExit(restore(effect), (exit) =>
              Effect.sync(() => {
                if (Exit.isSuccess(exit)) {
                  answers.set(key, { fingerprint, answer: exit.value })
                  // bounded, oldest first (a Map iterates in insertion order): a long load test
                  // against the sandbox must not grow it without end
                  if (answers.size > maxAnswers) answers.delete(answers.keys().next().value!)
                }
                running.delete(key)
                for (const wake of waiters) wake()
              }))
          })
        )
        return attempt
      },
      saveToken: (token) =>
        Effect.sync(() => {
          tokens.set(token.value, token)
        }),
      findToken: (value) => Effect.sync(() => tokens.get(value))
    }
    return store
  })
