/**
 * Message templates as the sandbox keeps them: the Templates group serves them, template sends
 * (Viber, WhatsApp) read them, and the control API approves them.
 */
import type * as Generated from "@smscx/core/Generated"
import * as Effect from "effect/Effect"
import * as Store from "../state/store.js"

/** @internal */
export type Channel = "sms" | "viber" | "whatsapp"

/** A template as the sandbox keeps it. @internal */
export interface Template {
  readonly id: number
  readonly name: string
  readonly text: string
  readonly channel: Channel
  /** Viber and WhatsApp only; undefined for SMS. */
  readonly richMedia: Generated.RichMedia | undefined
  /** Epoch millis. */
  readonly createdAt: number
  readonly approved: boolean
}

/** The templates of the account, by id (other modules read them: a send by `templateId`). @internal */
export const Templates = Store.collection<number, Template>("templates")

/**
 * Approves a template (the sandbox's control API calls it, standing in for the channel's
 * review): false when there is no such template. An approved Viber or WhatsApp template is
 * locked for editing; an SMS template is approved already.
 * @internal
 */
export const approveTemplate = (store: Store.Store, templateId: number): Effect.Effect<boolean> =>
  Effect.sync(() => {
    const templates = store.records(Templates)
    const template = templates.get(templateId)
    if (template === undefined) return false
    templates.set(templateId, { ...template, approved: true })
    return true
  })
