/**
 * Conversations through the SDK against the sandbox: messages received from a number (the
 * sandbox's `receiveMessage`) start and extend its conversation; replies by SMS, Viber and
 * WhatsApp are charged like sends, join the thread and are delivered over time; Viber and
 * WhatsApp replies only within 24 hours of the contact's last message on that channel.
 */
import { assert, describe, it } from "@effect/vitest"
import {
  AccessDeniedException,
  Conversations,
  Groups,
  InvalidRequestException,
  ResourceNotFoundException
} from "@smscx/client"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { NOW, provide, sandbox, UNKNOWN_ID } from "./utils.js"

const FR = "+33612345679"
/** In none of the sandbox's seed groups. */
const DE = "+4915123456780"
const at = (seconds: number) => new Date(NOW + seconds * 1000).toISOString()

describe("Conversations", () => {
  it.effect("received → listed (most recent first, unread) → read → replies by SMS, Viber, WhatsApp", () =>
    Effect.gen(function*() {
      const conversations = yield* Conversations
      const state = yield* sandbox
      const groups = yield* Groups
      const { info } = yield* groups.createGroup({ name: "Clients" })
      yield* groups.addContactsToGroup(info.id, {
        phoneNumbers: [{ phoneNumber: FR, firstName: "Marie", lastName: "Curie" }]
      })

      const marie = yield* state.receiveMessage({ from: FR, text: "Is my order ready?" })
      assert.isString(marie)
      yield* TestClock.adjust("1 minute")
      const anna = yield* state.receiveMessage({ from: DE, text: "Hallo", channel: "viber" })
      yield* TestClock.adjust("1 minute")
      // the same number again: the same conversation, one more unread
      assert.strictEqual(yield* state.receiveMessage({ from: FR, text: "Hello?", channel: "viber" }), marie)
      assert.strictEqual(yield* state.receiveMessage({ from: "BANK", text: "Hi" }), undefined)

      const listed = yield* conversations.getConverstionsList()
      assert.deepStrictEqual(listed.data, [
        {
          conversationId: marie!,
          phoneNumber: FR,
          countryIso: "FR",
          firstName: "Marie",
          lastName: "Curie",
          unreadMessages: 2,
          lastReply: "Hello?",
          lastUpdate: at(120)
        },
        {
          conversationId: anna!,
          phoneNumber: DE,
          countryIso: "DE",
          firstName: null,
          lastName: "",
          unreadMessages: 1,
          lastReply: "Hallo",
          lastUpdate: at(60)
        }
      ])
      assert.deepStrictEqual(yield* conversations.markConversationAsRead(marie!), { info: { id: marie! } })
      assert.strictEqual((yield* conversations.getConverstionsList()).data[0]!.unreadMessages, 0)

      const sms = yield* conversations.sendConversationReplySms(marie!, { text: "Yes, it ships today" })
      assert.deepStrictEqual(
        [sms.data.status, sms.data.to, sms.data.cost, sms.data.parts, sms.info.totalCost],
        ["SENT", FR, 0.068, 1, 0.068]
      )
      const viber = yield* conversations.sendConversationReplyViber(marie!, { text: "Tracking: 1Z999", richMedia: {} })
      assert.deepStrictEqual([viber.data.cost, viber.info.totalCost], [0.026, 0.026])
      // Marie never wrote on WhatsApp
      const closed = yield* Effect.flip(
        conversations.sendConversationReplyWhatsapp(marie!, { text: "Hi", richMedia: {} })
      )
      assert.instanceOf(closed, AccessDeniedException)
      assert.deepStrictEqual([closed.status, closed.code], [403, 1182])
      assert.strictEqual(yield* state.balance, 100 - 0.068 - 0.026)

      yield* TestClock.adjust("10 seconds")
      const thread = yield* conversations.getConversation(marie!)
      assert.deepStrictEqual(thread.info, {
        conversationId: marie!,
        phoneNumber: FR,
        countryIso: "FR",
        firstName: "Marie",
        lastName: "Curie"
      })
      assert.deepStrictEqual(
        thread.data.map((m) => [m.type, m.channel, m.text, m.status, m.cost]),
        [
          ["received", "sms", "Is my order ready?", "DELIVERED", 0],
          ["received", "viber", "Hello?", "DELIVERED", 0],
          ["sent", "sms", "Yes, it ships today", "DELIVERED", 0.068],
          ["sent", "viber", "Tracking: 1Z999", "DELIVERED", 0.026]
        ]
      )
      // the replies are messages like any other: in the outbox
      assert.deepStrictEqual((yield* state.messagesTo(FR)).map((m) => [m.channel, m.from]), [
        ["sms", "SMSCX"],
        ["viber", "SMSCX"]
      ])
    }).pipe(provide()))

  it.effect("a Viber reply more than 24 hours after the contact's last Viber message is 1181", () =>
    Effect.gen(function*() {
      const conversations = yield* Conversations
      const state = yield* sandbox
      const id = (yield* state.receiveMessage({ from: DE, text: "Hi", channel: "viber" }))!
      yield* TestClock.adjust("24 hours")
      yield* conversations.sendConversationReplyViber(id, { text: "Still open", richMedia: {} })
      yield* TestClock.adjust("1 second")
      const closed = yield* Effect.flip(conversations.sendConversationReplyViber(id, { text: "Late", richMedia: {} }))
      assert.instanceOf(closed, AccessDeniedException)
      assert.deepStrictEqual([closed.status, closed.code], [403, 1181])
      // an SMS reply has no window
      yield* conversations.sendConversationReplySms(id, { text: "By SMS then" })
    }).pipe(provide()))

  it.effect("an unknown conversation is 404 1180 for every operation; an empty reply is 1801", () =>
    Effect.gen(function*() {
      const conversations = yield* Conversations
      const errors = yield* Effect.all([
        Effect.flip(conversations.getConversation(UNKNOWN_ID)),
        Effect.flip(conversations.markConversationAsRead(UNKNOWN_ID)),
        Effect.flip(conversations.sendConversationReplySms(UNKNOWN_ID, { text: "Hi" })),
        Effect.flip(conversations.sendConversationReplyViber(UNKNOWN_ID, { text: "Hi", richMedia: {} })),
        Effect.flip(conversations.sendConversationReplyWhatsapp(UNKNOWN_ID, { text: "Hi", richMedia: {} }))
      ])
      for (const error of errors) {
        assert.instanceOf(error, ResourceNotFoundException)
        assert.deepStrictEqual([error.status, error.code], [404, 1180])
      }
      // an assertion about the error that fails reads as one (the error used to reach the caller
      // inside the Proxy Effect wraps failures in a span with, which chai's formatter recursed on)
      assert.throws(
        () => assert.instanceOf(errors[0], InvalidRequestException),
        /ResourceNotFoundException.*to be an instance of InvalidRequestException/
      )
      const id = (yield* (yield* sandbox).receiveMessage({ from: DE, text: "Hi" }))!
      const empty = yield* Effect.flip(conversations.sendConversationReplySms(id, { text: "  " }))
      assert.instanceOf(empty, InvalidRequestException)
      assert.strictEqual(empty.code, 1801)
      assert.deepStrictEqual(yield* (yield* sandbox).messages, [])
    }).pipe(provide()))
})
