/**
 * Sends whose text is a template: Viber and WhatsApp (and those steps of a multichannel
 * strategy). The template must be one of the account's, of the send's channel, and approved
 * (approval locks it, so the API's "not locked" (1133) never shows on its own); the channel must
 * be active for the account.
 */
import * as Effect from "effect/Effect"
import { type ApiFailure, documented, type ErrorSpec, fail, spec } from "../kernel/errors.js"
import type * as Fields from "../kernel/fields.js"
import type { Config } from "../state/context.js"
import type * as Store from "../state/store.js"
import { channelsOf } from "./channels.js"
import { Templates } from "./templates.js"

/** The template rows, alike in every template send's table. @internal */
export const TemplateErrors = {
  templateIdMissing: documented("sendViberMessage", 1126),
  templateIdInvalid: documented("sendViberMessage", 1127),
  templateNotFound: documented("sendViberMessage", 1128),
  templateNotApproved: documented("sendViberMessage", 1132)
} as const

/**
 * A channel the account has not activated. No operation's table documents these rows; the codes
 * are those the error mapping gives `ChannelNotActiveException` (1606, 1608), the messages the
 * sandbox's own.
 * @internal
 */
const channelNotActive = (channel: "viber" | "whatsapp"): ErrorSpec =>
  channel === "viber"
    ? spec(403, "access_denied", 1606, "The Viber channel is not active for this account")
    : spec(403, "access_denied", 1608, "The Whatsapp channel is not active for this account")

/** @internal */
export const templateIdField: Fields.Table[number] = ["templateId", {
  missing: TemplateErrors.templateIdMissing,
  invalid: TemplateErrors.templateIdInvalid
}]

/**
 * The text of a template send: the template's, once it is found to be the channel's and
 * approved.
 * @internal
 */
export const templateText = (
  store: Store.Store,
  channel: "viber" | "whatsapp",
  templateId: number
): Effect.Effect<string, ApiFailure> =>
  Effect.suspend(() => {
    const template = store.records(Templates).get(templateId)
    if (template === undefined || template.channel !== channel) return fail(TemplateErrors.templateNotFound)
    if (!template.approved) return fail(TemplateErrors.templateNotApproved)
    return Effect.succeed(template.text)
  })

/** The step of a Viber or WhatsApp send, when its channel is active. @internal */
export const templateStep = (
  store: Store.Store,
  config: Config,
  channel: "viber" | "whatsapp",
  templateId: number
) =>
  channelsOf(store, config)[channel]
    ? Effect.map(templateText(store, channel, templateId), (text) => ({ channel, text }))
    : fail(channelNotActive(channel))
