/**
 * The shapes the public API (`Sandbox.ts`, which re-exports them) shares with the internals:
 * what a sandbox is configured with and what a visit of a short URL did.
 */

/**
 * A file attached to messages (as a message sent with a file in the vendor's web app makes
 * one): what `addAttachment` and the `attachments` option take. No operation of the API
 * creates an attachment.
 *
 * @since 0.1.0
 * @category models
 */
export interface NewAttachment {
  /** The file's name, e.g. `invoice-2025-06.pdf`. */
  readonly fileName: string
  /** Its media type, e.g. `application/pdf`: the answers' `fileType`. */
  readonly contentType: string
  /** Its size: a whole number of bytes, 0 or more. */
  readonly sizeBytes: number
  /** The attachment's name in lists; the file name when absent. */
  readonly name?: string | undefined
  /** Its code (3 to 32 of `[0-9A-Za-z]`, not given yet); drawn like a shortlink's when absent. */
  readonly id?: string | undefined
  /** Where the file is served; `https://en.ax/files/<code>/<file name>` when absent. */
  readonly fileUrl?: string | undefined
}

/**
 * What a visit of a short URL did: sent the visitor on to a link's target (a shortlink's URL, an
 * attachment's file), or put the recipient of an opt-out link on the opt-out list (type `link`).
 *
 * @since 0.1.0
 * @category models
 */
export type Visit =
  | { readonly _tag: "Redirect"; readonly location: string }
  | { readonly _tag: "OptedOut"; readonly phoneNumber: string }

/**
 * A share of failed deliveries: for a country, numbers matching a pattern, a channel, or all (a
 * rule for `viber` stands for numbers without Viber: a multichannel send fails over).
 *
 * @since 0.1.0
 * @category models
 */
export interface DeliveryFailureRule {
  /** Deliveries on this channel only; absent: any channel. */
  readonly channel?: "sms" | "viber" | "whatsapp" | undefined
  /** ISO 3166 alpha-2; absent: any country. */
  readonly countryIso?: string | undefined
  /** A regular expression tested against the E.164 number; absent: any number. */
  readonly pattern?: string | undefined
  /** From 0 to 1. */
  readonly rate: number
}

/**
 * When messages are sent and delivered, and the shares that fail (the `delivery` option).
 *
 * @since 0.1.0
 * @category models
 */
export interface DeliveryOptions {
  /** Seconds from acceptance (or the schedule) to `SENT`. */
  readonly sentAfterSeconds: number
  /** Seconds from acceptance (or the schedule) to `DELIVERED` or `FAILED`. */
  readonly finalAfterSeconds: number
  /** The share of deliveries that fail where no rule matches. */
  readonly failureRate: number
  readonly rules: ReadonlyArray<DeliveryFailureRule>
}

/**
 * Quiet hours: an interval of the destination's local time, `HH:MM` to `HH:MM`, across midnight
 * when it ends before it starts (`21:30` to `09:30`).
 * @internal
 */
export interface QuietHours {
  readonly start: string
  readonly end: string
}
