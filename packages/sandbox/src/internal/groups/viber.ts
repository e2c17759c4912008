/**
 * The Viber group: template messages to numbers or contact groups, estimates, and deletion of
 * scheduled ones, over the shared messaging engine. The text is an approved Viber template's,
 * its placeholders filled per recipient (a contact's fields, or the send's `customFields`).
 */
import type * as Api from "@smscx/core/Api"
import * as Effect from "effect/Effect"
import * as Messaging from "../engines/messaging.js"
import * as SendRequests from "../engines/sendRequests.js"
import * as Sends from "../engines/sends.js"
import * as TemplateSends from "../engines/templateSends.js"
import type * as Fields from "../kernel/fields.js"
import type * as Router from "../kernel/router.js"
import type { Context } from "../state/context.js"

const E = SendRequests.SendErrors

const toFields: Fields.Table = [SendRequests.toField, ...SendRequests.commonFields, TemplateSends.templateIdField]
const groupFields: Fields.Table = [
  SendRequests.groupsField,
  ...SendRequests.commonFields,
  TemplateSends.templateIdField
]

/** @internal */
export const handlers = (context: Context): Router.Handlers<typeof Api.Viber> => {
  const { config, store } = context
  const engine = Sends.engineOf(context)
  const viber = (operation: string, templateId: number) =>
    Effect.map(
      TemplateSends.templateStep(store, config, "viber", templateId),
      (step): Sends.Send => ({ operation, service: "viber", steps: [step] })
    )
  const send = { commit: true }
  const estimate = { commit: false }
  return {
    sendViberMessage: {
      fields: toFields,
      normalize: SendRequests.normalizeNumbers,
      handle: ({ input }) =>
        viber("sendViberMessage", input.templateId).pipe(
          Effect.flatMap((s) => Messaging.toNumbers(engine, s, input, send)),
          Effect.map((body) => ({ body }))
        )
    },
    estimateViberMessage: {
      fields: toFields,
      normalize: SendRequests.normalizeNumbers,
      handle: ({ input }) =>
        viber("estimateViberMessage", input.templateId).pipe(
          Effect.flatMap((s) => Messaging.toNumbers(engine, s, input, estimate)),
          Effect.map((body) => ({ body }))
        )
    },
    sendViberCampaign: {
      fields: groupFields,
      handle: ({ input }) =>
        viber("sendViberCampaign", input.templateId).pipe(
          Effect.flatMap((s) => Messaging.toGroups(engine, s, input, send)),
          Effect.map((body) => ({ body }))
        )
    },
    estimateViberCampaign: {
      fields: groupFields,
      handle: ({ input }) =>
        viber("estimateViberCampaign", input.templateId).pipe(
          Effect.flatMap((s) => Messaging.toGroups(engine, s, input, estimate)),
          Effect.map((body) => ({ body }))
        )
    },
    deleteScheduledViberMessage: {
      fields: [["msgId", { missing: E.msgIdInvalid, invalid: E.msgIdInvalid }]],
      handle: ({ path }) =>
        Effect.map(Messaging.deleteScheduledMessage(store, "viber", path.msgId), (body) => ({ body }))
    },
    deleteScheduledViberCampaign: {
      fields: [["campaignId", { missing: E.campaignIdInvalid, invalid: E.campaignIdInvalid }]],
      handle: ({ path }) =>
        Effect.map(Messaging.deleteScheduledCampaign(store, "viber", path.campaignId), (body) => ({ body }))
    }
  }
}
