/**
 * The Sms group: send and estimate to numbers or to contact groups, delete scheduled messages
 * and campaigns (with a refund), over the shared messaging engine (`engines/messaging.ts`).
 * SMS adds a text of the send's own (with placeholders) and transliteration.
 */
import type * as Api from "@smscx/core/Api"
import * as Effect from "effect/Effect"
import * as Messaging from "../engines/messaging.js"
import * as SendRequests from "../engines/sendRequests.js"
import * as Sends from "../engines/sends.js"
import { documented } from "../kernel/errors.js"
import type * as Fields from "../kernel/fields.js"
import type * as Router from "../kernel/router.js"
import type { Context } from "../state/context.js"

/** The documented errors of the Sms operations: the engine's, and the SMS text's own. @internal */
const SmsErrors = {
  ...SendRequests.SendErrors,
  alphabetInvalid: documented("sendSms", 1110),
  transliterationInvalid: documented("sendSms", 1135),
  removeEmojisInvalid: documented("sendSms", 1503)
} as const

const E = SmsErrors

const textFields: Fields.Table = [
  ["text", { missing: E.textMissing, invalid: E.textMissing }],
  // before their parent: an optional object's bad field also fails the object's `undefined` branch
  ["transliteration.alphabet", { missing: E.alphabetInvalid, invalid: E.alphabetInvalid }],
  ["transliteration.removeEmojis", { invalid: E.removeEmojisInvalid }],
  ["transliteration", { invalid: E.transliterationInvalid }]
]

const toFields: Fields.Table = [SendRequests.toField, ...SendRequests.commonFields, ...textFields]
const groupFields: Fields.Table = [SendRequests.groupsField, ...SendRequests.commonFields, ...textFields]

const sms = (operation: string, text: string): Sends.Send => ({
  operation,
  service: "sms",
  steps: [{ channel: "sms", text }]
})

/** @internal */
export const handlers = (context: Context): Router.Handlers<typeof Api.Sms> => {
  const { store } = context
  const engine = Sends.engineOf(context)
  const send = { commit: true }
  const estimate = { commit: false }
  return {
    sendSms: {
      fields: toFields,
      normalize: SendRequests.normalizeNumbers,
      handle: ({ input }) =>
        Effect.map(Messaging.toNumbers(engine, sms("sendSms", input.text), input, send), (body) => ({ body }))
    },
    estimateSms: {
      fields: toFields,
      normalize: SendRequests.normalizeNumbers,
      handle: ({ input }) =>
        Effect.map(Messaging.toNumbers(engine, sms("estimateSms", input.text), input, estimate), (body) => ({ body }))
    },
    sendSmsCampaign: {
      fields: groupFields,
      handle: ({ input }) =>
        Effect.map(Messaging.toGroups(engine, sms("sendSmsCampaign", input.text), input, send), (body) => ({ body }))
    },
    estimateSmsCampaign: {
      fields: groupFields,
      handle: ({ input }) =>
        Effect.map(
          Messaging.toGroups(engine, sms("estimateSmsCampaign", input.text), input, estimate),
          (body) => ({ body })
        )
    },
    deleteScheduledSms: {
      fields: [["msgId", { missing: E.msgIdInvalid, invalid: E.msgIdInvalid }]],
      handle: ({ path }) => Effect.map(Messaging.deleteScheduledMessage(store, "sms", path.msgId), (body) => ({ body }))
    },
    deleteScheduledSmsCampaign: {
      fields: [["campaignId", { missing: E.campaignIdInvalid, invalid: E.campaignIdInvalid }]],
      handle: ({ path }) =>
        Effect.map(Messaging.deleteScheduledCampaign(store, "sms", path.campaignId), (body) => ({ body }))
    }
  }
}
