/**
 * The Conversations group: two-way threads with a phone number. A message received from a
 * number (the control API delivers them: SMS, Viber or WhatsApp) starts or extends that number's
 * conversation; replies by SMS, Viber or WhatsApp go out through the messaging engine, charged
 * like any send, and join the thread with their delivery status.
 *
 * Viber and WhatsApp replies are free text (no template), allowed only within 24 hours of the
 * contact's last message on that channel (1181, 1182), as the API documents. A conversation's
 * names come from the first contact group holding its number. Replies leave from the number the
 * contact wrote to (a rented number) or, without one, from `SMSCX`.
 *
 * The sandbox keeps the last `maxMessages` messages of all conversations: older ones leave
 * their threads, and a conversation left with none is forgotten (unknown, 1180).
 */
import type * as Api from "@smscx/core/Api"
import type * as Generated from "@smscx/core/Generated"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { Groups } from "../engines/contactGroups.js"
import * as Delivery from "../engines/delivery.js"
import * as Messaging from "../engines/messaging.js"
import * as Phone from "../engines/phone.js"
import * as Sends from "../engines/sends.js"
import { type ApiFailure, documented, fail } from "../kernel/errors.js"
import type * as Fields from "../kernel/fields.js"
import * as Ids from "../kernel/ids.js"
import { fromMicros } from "../kernel/money.js"
import type * as Router from "../kernel/router.js"
import type { Context } from "../state/context.js"
import * as Store from "../state/store.js"

/** The documented errors of the group. @internal */
const ConversationErrors = {
  notFound: documented("getConversation", 1180),
  viberWindowClosed: documented("sendConversationReplyViber", 1181),
  whatsappWindowClosed: documented("sendConversationReplyWhatsapp", 1182),
  textMissing: documented("sendConversationReplySms", 1801),
  textInvalid: documented("sendConversationReplySms", 1802),
  textTooLong: documented("sendConversationReplyViber", 1811),
  idempotencyIdInvalid: documented("sendConversationReplySms", 1111)
} as const

const E = ConversationErrors

/** How long after a contact's last message a Viber or WhatsApp reply may be sent. */
const REPLY_WINDOW_MILLIS = 24 * 60 * 60 * 1000
/** Viber and WhatsApp replies: at most this many characters. */
const MAX_RICH_TEXT = 1000
/** The sender of replies in a conversation no rented number received. */
const DEFAULT_SENDER = "SMSCX"

type Channel = Store.Channel

/** One message of a thread: received (kept here) or sent (a message of the store). */
type Entry =
  | {
    readonly _tag: "Received"
    readonly msgId: string
    readonly channel: Channel
    readonly text: string
    readonly at: number
  }
  | { readonly _tag: "Sent"; readonly msgId: string; readonly richMedia: Record<string, unknown> }

/** A conversation as the sandbox keeps it. @internal */
interface StoredConversation {
  readonly conversationId: string
  /** E.164. */
  readonly phoneNumber: string
  readonly countryIso: string
  /** The number the contact wrote to, when a rented one; replies leave from it. */
  replyFrom: string
  readonly entries: Array<Entry>
  unread: number
  /** The contact's last message on each channel (epoch millis). */
  readonly lastReceived: Partial<Record<Channel, number>>
  lastReceivedAt: number
  lastReply: string
}

/** The conversations by id, oldest first. @internal */
const Conversations = Store.collection<string, StoredConversation>("conversations")

/**
 * Every message of every conversation (its msgId to its conversation's id), oldest first: the
 * history keeps the last `maxMessages` of them.
 * @internal
 */
export const Entries = Store.collection<string, string>("conversations.entries")

/**
 * Keeps a message just added to a conversation within the history's bound (synchronous): the
 * oldest messages of all conversations go first, and a conversation left with none goes too.
 */
const keepEntry = (store: Store.Store, conversation: StoredConversation, msgId: string) => {
  const all = store.records(Conversations)
  for (const [gone, conversationId] of store.keep(Entries, msgId, conversation.conversationId)) {
    const owner = all.get(conversationId)
    if (owner === undefined) continue
    // the oldest of all is its conversation's first
    const at = owner.entries.findIndex((entry) => entry.msgId === gone)
    if (at !== -1) owner.entries.splice(at, 1)
    if (owner.entries.length === 0) all.delete(conversationId)
  }
}

/** What arrives: a message from a number on a channel, to a rented number or to the account. @internal */
export interface Inbound {
  readonly from: string
  readonly text: string
  readonly channel: Channel
  /** The rented number an SMS was sent to; replies then leave from it. */
  readonly to?: string | undefined
}

/**
 * A message received from a number: the number's conversation is started or extended, one more
 * message unread. Undefined, and nothing kept, when `from` is not a valid phone number.
 * @internal
 */
export const receive = (store: Store.Store, inbound: Inbound): Effect.Effect<StoredConversation | undefined> =>
  Effect.gen(function*() {
    const number = Phone.validate(inbound.from)
    if (number === undefined) return undefined
    const now = yield* Clock.currentTimeMillis
    const ids = yield* Ids.sampler
    return yield* Effect.sync(() => {
      const all = store.records(Conversations)
      const conversation = all.values().find((c) => c.phoneNumber === number.e164) ?? {
        conversationId: Ids.uuidFrom(ids),
        phoneNumber: number.e164,
        countryIso: number.countryIso,
        replyFrom: DEFAULT_SENDER,
        entries: [],
        unread: 0,
        lastReceived: {},
        lastReceivedAt: now,
        lastReply: ""
      }
      const msgId = Ids.uuidFrom(ids)
      conversation.entries.push({
        _tag: "Received",
        msgId,
        channel: inbound.channel,
        text: inbound.text,
        at: now
      })
      conversation.unread++
      conversation.lastReceived[inbound.channel] = now
      conversation.lastReceivedAt = now
      conversation.lastReply = inbound.text
      if (inbound.to !== undefined) conversation.replyFrom = inbound.to
      // most recently active last, so that the list (newest first) reads it from the end
      all.delete(conversation.conversationId)
      all.set(conversation.conversationId, conversation)
      keepEntry(store, conversation, msgId)
      return conversation
    })
  })

/** A message a phone sent into its conversation, as the inbox shows it. @internal */
interface ReceivedMessage {
  readonly phoneNumber: string
  readonly msgId: string
  readonly channel: Channel
  readonly text: string
  readonly at: number
}

/** Every message phones sent that is still kept, by conversation (least recently active first). @internal */
export const receivedMessages = (store: Store.Store): Array<ReceivedMessage> =>
  store.records(Conversations).values().flatMap((conversation) =>
    conversation.entries.flatMap((entry) =>
      entry._tag === "Received"
        ? [{
          phoneNumber: conversation.phoneNumber,
          msgId: entry.msgId,
          channel: entry.channel,
          text: entry.text,
          at: entry.at
        }]
        : []
    )
  )

const iso = (millis: number) => new Date(millis).toISOString()

/** The contact's names, from the first group holding the number. */
const namesOf = (store: Store.Store, phoneNumber: string) => {
  for (const group of store.records(Groups).values()) {
    for (const contact of group.contacts.values()) {
      if (contact.phoneNumber === phoneNumber) return contact.fields
    }
  }
  return undefined
}

/** A thread's statuses are those its schema allows: a message not sent yet is SCHEDULED. */
const threadStatus = (status: Delivery.Status): Generated.DataConversation["status"] => {
  switch (status) {
    case "DELIVERED":
    case "FAILED":
    case "SCHEDULED":
    case "SENT":
      return status
    case "ACCEPTED":
      return "SENT"
    default:
      return "FAILED"
  }
}

const replyFields = (maxLength: number | undefined): Fields.Table => [
  ["text", {
    missing: E.textMissing,
    invalid: (v) =>
      typeof v === "string" && maxLength !== undefined && v.length > maxLength ? E.textTooLong : E.textInvalid
  }],
  ["idempotencyId", { invalid: E.idempotencyIdInvalid }]
]

/** @internal */
export const handlers = (context: Context): Router.Handlers<typeof Api.Conversations> => {
  const { config, store } = context
  // a reply leaves at once: it is SENT when answered
  const engine: Sends.Engine = {
    ...Sends.engineOf(context),
    delivery: { ...config.delivery, sentAfterSeconds: 0 }
  }
  const all = () => store.records(Conversations)
  const find = (conversationId: string): Effect.Effect<StoredConversation, ApiFailure> =>
    Effect.suspend(() => {
      const conversation = all().get(conversationId)
      return conversation === undefined ? fail(E.notFound) : Effect.succeed(conversation)
    })

  /** Sends a reply on a channel and adds it to the thread; the engine's answer for its one message. */
  const reply = (
    conversationId: string,
    channel: Channel,
    text: string,
    richMedia: Record<string, unknown>
  ) =>
    Effect.gen(function*() {
      const conversation = yield* find(conversationId)
      const now = yield* Clock.currentTimeMillis
      if (text.trim() === "") return yield* fail(E.textMissing)
      if (channel !== "sms") {
        if (text.length > MAX_RICH_TEXT) return yield* fail(E.textTooLong)
        const last = conversation.lastReceived[channel]
        if (last === undefined || now - last > REPLY_WINDOW_MILLIS) {
          return yield* fail(channel === "viber" ? E.viberWindowClosed : E.whatsappWindowClosed)
        }
      }
      const send: Sends.Send = {
        operation: `sendConversationReply${channel === "sms" ? "Sms" : channel === "viber" ? "Viber" : "Whatsapp"}`,
        service: channel,
        steps: [{ channel, text }]
      }
      const answer = yield* Messaging.toNumbers(
        engine,
        send,
        { to: [conversation.phoneNumber], from: conversation.replyFrom },
        { commit: true }
      )
      const data = answer.data[0]!
      yield* Effect.sync(() => {
        conversation.entries.push({ _tag: "Sent", msgId: data.msgId, richMedia })
        conversation.lastReply = text
        keepEntry(store, conversation, data.msgId)
      })
      const info: Generated.InfoConversationReply = {
        campaignId: answer.info.campaignId,
        totalPhoneNumbers: answer.info.totalPhoneNumbers,
        totalValid: answer.info.totalValid,
        totalInvalid: answer.info.totalInvalid,
        totalCost: answer.info.totalCost,
        totalParts: answer.info.totalParts,
        dlrCallbackUrl: null,
        scheduled: false
      }
      const status = threadStatus(Delivery.statusAt(store.findMessage(data.msgId)!, now).status)
      return { info, data, status }
    })

  return {
    getConverstionsList: {
      handle: () =>
        Effect.sync(() => ({
          body: {
            // the most recent reply first
            data: all().values().slice().reverse().map((c): Generated.DataConversations => {
              const names = namesOf(store, c.phoneNumber)
              return {
                conversationId: c.conversationId,
                phoneNumber: c.phoneNumber,
                countryIso: c.countryIso,
                firstName: names?.firstName ?? null,
                lastName: names?.lastName ?? "",
                unreadMessages: c.unread,
                lastReply: c.lastReply,
                lastUpdate: iso(c.lastReceivedAt)
              }
            })
          }
        }))
    },
    getConversation: {
      handle: ({ path }) =>
        Effect.gen(function*() {
          const conversation = yield* find(path.conversationId)
          const now = yield* Clock.currentTimeMillis
          const names = namesOf(store, conversation.phoneNumber)
          const data = conversation.entries.flatMap((entry): Array<Generated.DataConversation> => {
            if (entry._tag === "Received") {
              return [{
                msgId: entry.msgId,
                type: "received",
                text: entry.text,
                richMedia: {},
                status: "DELIVERED",
                cost: 0,
                channel: entry.channel,
                datetime: iso(entry.at)
              }]
            }
            // a reply the outbox no longer keeps (the history's bound) is gone from the thread too
            const message = store.findMessage(entry.msgId)
            if (message === undefined) return []
            return [{
              msgId: message.msgId,
              type: "sent",
              text: message.text,
              richMedia: entry.richMedia,
              status: threadStatus(Delivery.statusAt(message, now).status),
              cost: fromMicros(message.costMicros),
              channel: message.channel,
              datetime: iso(message.createdAt)
            }]
          })
          return {
            body: {
              info: {
                conversationId: conversation.conversationId,
                phoneNumber: conversation.phoneNumber,
                countryIso: conversation.countryIso,
                firstName: names?.firstName ?? "",
                lastName: names?.lastName ?? ""
              },
              data
            }
          }
        })
    },
    markConversationAsRead: {
      handle: ({ path }) =>
        Effect.flatMap(find(path.conversationId), (conversation) =>
          Effect.sync(() => {
            conversation.unread = 0
            return { body: { info: { id: conversation.conversationId } } }
          }))
    },
    sendConversationReplySms: {
      fields: replyFields(undefined),
      handle: ({ input, path }) =>
        Effect.map(reply(path.conversationId, "sms", input.text, {}), ({ data, info, status }) => ({
          body: {
            info,
            data: {
              msgId: data.msgId,
              status,
              createdAt: data.createdAt,
              cost: data.cost,
              to: data.to,
              countryIso: data.countryIso,
              from: data.from,
              text: data.text,
              parts: data.parts,
              textAnalysis: data.textAnalysis!
            }
          }
        }))
    },
    sendConversationReplyViber: {
      fields: replyFields(MAX_RICH_TEXT),
      handle: ({ input, path }) =>
        Effect.map(
          reply(path.conversationId, "viber", input.text, { ...input.richMedia }),
          ({ data, info }) => ({ body: { info, data } })
        )
    },
    sendConversationReplyWhatsapp: {
      fields: replyFields(MAX_RICH_TEXT),
      handle: ({ input, path }) =>
        Effect.map(
          reply(path.conversationId, "whatsapp", input.text, { ...input.richMedia }),
          ({ data, info }) => ({ body: { info, data } })
        )
    }
  }
}
