/**
 * The Whatsapp group: template messages to numbers, estimates, and deletion of scheduled ones,
 * over the shared messaging engine. The text is an approved WhatsApp template's. (The API has no
 * WhatsApp campaigns.)
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

/** @internal */
export const handlers = (context: Context): Router.Handlers<typeof Api.Whatsapp> => {
  const { config, store } = context
  const engine = Sends.engineOf(context)
  const whatsapp = (operation: string, templateId: number) =>
    Effect.map(
      TemplateSends.templateStep(store, config, "whatsapp", templateId),
      (step): Sends.Send => ({ operation, service: "whatsapp", steps: [step] })
    )
  return {
    sendWhatsappMessage: {
      fields: toFields,
      normalize: SendRequests.normalizeNumbers,
      handle: ({ input }) =>
        whatsapp("sendWhatsappMessage", input.templateId).pipe(
          Effect.flatMap((s) => Messaging.toNumbers(engine, s, input, { commit: true })),
          Effect.map((body) => ({ body }))
        )
    },
    estimateWhatsappMessage: {
      fields: toFields,
      normalize: SendRequests.normalizeNumbers,
      handle: ({ input }) =>
        whatsapp("estimateWhatsappMessage", input.templateId).pipe(
          Effect.flatMap((s) => Messaging.toNumbers(engine, s, input, { commit: false })),
          Effect.map((body) => ({ body }))
        )
    },
    deleteScheduledWhatsappMessage: {
      fields: [["msgId", { missing: E.msgIdInvalid, invalid: E.msgIdInvalid }]],
      handle: ({ path }) =>
        Effect.map(Messaging.deleteScheduledMessage(store, "whatsapp", path.msgId), (body) => ({ body }))
    }
  }
}
