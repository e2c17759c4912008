/**
 * The public shapes of a sandbox that its internals build or read: what it is configured with
 * (`Options`), what a running one offers (`Service`) and what it answers with. `Sandbox.ts`
 * re-exports them; nothing here imports a public module.
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import type * as Generated from "@smscx/core/Generated"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type { InvalidAttachment } from "../engines/attachments.js"
import type * as Callbacks from "../kernel/callbacks.js"
import type * as FaultRules from "../kernel/faults.js"
import type * as State from "../state/store.js"
import type { DeliveryOptions, NewAttachment, Visit } from "../state/types.js"
import type * as Control from "./control.js"

/**
 * An OAuth application the sandbox accepts at `POST /oauth/token`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Application {
  readonly applicationId: string
  readonly applicationSecret: string
  /** The scopes its tokens may carry (e.g. `["sms"]`); every scope when absent. */
  readonly scopes?: ReadonlyArray<string>
}

/**
 * An attachment the sandbox added: its id (the `attachmentId` of the Attachments API, and the
 * code `visit` takes), its short URL and where its file is served.
 *
 * @since 0.1.0
 * @category models
 */
export interface Attachment {
  readonly id: string
  readonly name: string
  readonly fileName: string
  readonly contentType: string
  readonly sizeBytes: number
  /** `https://en.ax/<id>`. */
  readonly shortUrl: string
  readonly fileUrl: string
  /** When it was added, in epoch milliseconds (the Effect `Clock`). */
  readonly createdAt: number
}

/**
 * One fault rule: its kind, the probability that a request meets it, and the operations it
 * applies to.
 *
 * @since 0.1.0
 * @category models
 */
export interface FaultRule {
  readonly kind: FaultRules.Kind
  /** The probability, from 0 (never) to 1 (every request). */
  readonly rate: number
  /** The operations it applies to (at least one); every route of the API when absent. */
  readonly operations?: ReadonlyArray<FaultRules.OperationId>
}

/**
 * Faults to inject into the API's requests (never into the control API, `/__sandbox/...`, or
 * short URLs, `/s/...`). Each request draws from a generator seeded by `seed`, trying the rules
 * in order: the first hit wins. The same seed and the same requests meet the same faults, and the
 * sandbox's own `seed` (ids, PINs) is not disturbed.
 *
 * @since 0.1.0
 * @category models
 */
export interface Faults {
  /** Seeds the draws (an integer). Default 0. */
  readonly seed?: number
  /** The longest a `stall` holds a connection, in milliseconds (1 to an hour). Default 60 s. */
  readonly maxStallMillis?: number
  readonly rules: ReadonlyArray<FaultRule>
}

/**
 * The faults in force, their defaults applied.
 *
 * @since 0.1.0
 * @category models
 */
export interface ActiveFaults {
  readonly seed: number
  readonly maxStallMillis: number
  readonly rules: ReadonlyArray<FaultRule>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The API keys accepted in `X-API-KEY`; none: any non-empty key. */
  readonly apiKeys?: ReadonlyArray<string>
  /** The OAuth applications accepted; none: any non-empty id and secret, with every scope. */
  readonly applications?: ReadonlyArray<Application>
  /** The prepaid balance to start with. Default 100. */
  readonly balance?: number
  /** Default `eur`. */
  readonly currency?: Generated.AccountBalance["currency"]
  /** Requests per window per credential. Default 1000 per second. */
  readonly rateLimit?: { readonly limit: number; readonly windowSeconds: number }
  /** Lifetime of the access tokens issued; 0: they never expire. Default 86400 (one day). */
  readonly tokenLifetimeSeconds?: number
  /** Channel status (`GET /account/channels/status`). Default: all active. */
  readonly channels?: Partial<Generated.ChannelsStatus>
  /**
   * The contact groups the sandbox starts with, under their own ids (groups created through the
   * API get the ids after the highest). Default `defaultGroups`.
   */
  readonly groups?: ReadonlyArray<State.Group>
  /**
   * The largest request body accepted, in bytes: a larger one is answered 413 `invalid_body`
   * (code 1009) without being read further (a declared `Content-Length` over it, without being
   * read at all). Default 16 MiB, far above the largest real request (25,000 recipients with
   * every option is under 1 MB).
   */
  readonly maxBodyBytes?: number
  /**
   * Seeds the generator of ids, PINs and tokens (the Effect `Random` the sandbox runs under): the
   * same seed and the same requests give the same answers. Default: unseeded.
   */
  readonly seed?: number
  /**
   * Callbacks (delivery reports, OTP status, lookup results) are POSTed to loopback URLs only,
   * unless `allowRemote`; at most `maxPending` wait (default 1000), each tried `attempts` times
   * (default 3) with `timeoutMillis` per attempt (default 5000).
   */
  readonly callbacks?: Partial<Callbacks.Options>
  /**
   * The attachments the sandbox starts with (again after `reset`), created when it starts.
   * Default none. Input the API could never have produced (an empty file name or type, a
   * negative or fractional size, an id malformed or given twice) is a defect.
   */
  readonly attachments?: ReadonlyArray<NewAttachment>
  /**
   * Faults injected into API requests (again after `reset`). Invalid ones fail `make` (and the
   * layers) with `InvalidFaults`. Default none.
   */
  readonly faults?: Faults
  /**
   * Delivery over time: a message is `SENT` `sentAfterSeconds` after it is accepted (or after
   * its schedule) and `DELIVERED` or `FAILED` `finalAfterSeconds` after (defaults 1 and 5). None
   * fails unless `failureRate` (0 to 1) or a rule says so: `rules` give the share for a country
   * (`countryIso`) or numbers matching a `pattern`, the first matching rule winning. Which
   * messages fail is drawn from the seeded generator (`seed`). Invalid values are a defect.
   */
  readonly delivery?: Partial<DeliveryOptions>
  /**
   * The account's quiet hours, in each destination's local time, `HH:MM` to `HH:MM` (across
   * midnight when the end comes first, e.g. `{ start: "21:30", end: "09:30" }`): a message due in
   * them is scheduled one minute after they end and flagged `inQuietHours`, as the API does (the
   * real account sets them in the vendor's web app). Default none. Invalid times are a defect.
   */
  readonly quietHours?: { readonly start: string; readonly end: string }
  /**
   * The messages kept at most (the outbox, reports, campaigns): past it, the oldest are dropped
   * first, with their delivery reports still to come and their recipients' link tokens; `stats`
   * counts them. It bounds as well, each on its own, the OTPs (a dropped one is unknown: 404,
   * 2021), the number lookups, the messages of conversations, the SMS received on rented numbers
   * and the hits of links. A positive integer (else a defect). Default 100,000.
   */
  readonly maxMessages?: number
  /**
   * The names the sandbox answers as, besides loopback's (`localhost`, `127.0.0.1` and the rest
   * of `127.0.0.0/8`, `[::1]`), at any port: a request whose `Host` names another is refused 403,
   * as a page rebound to 127.0.0.1 by its DNS sends its own (`sandbox` for a container reached as
   * `http://sandbox:4010`). `layerServer` and `start` add the address they bind, unless a
   * wildcard. A name that is not a host name is a defect.
   */
  readonly allowedHosts?: ReadonlyArray<string>
}

/**
 * A running sandbox: its HTTP app, and its state for tests to look at.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The web handler: serve it with any `HttpServer`, or call it in-process. */
  readonly app: HttpApp.Default
  readonly balance: Effect.Effect<number>
  readonly setBalance: (amount: number) => Effect.Effect<void>
  /** Every message sent or scheduled, oldest first. */
  readonly messages: Effect.Effect<ReadonlyArray<State.Message>>
  /** The messages sent to one number, oldest first (an OTP's PIN is in the last one's text). */
  readonly messagesTo: (phoneNumber: string) => Effect.Effect<ReadonlyArray<State.Message>>
  readonly campaigns: Effect.Effect<ReadonlyArray<State.Campaign>>
  /** The callbacks POSTed (or blocked, or dropped) so far, oldest first, with their outcome. */
  readonly callbacks: Effect.Effect<ReadonlyArray<CallbackRecord>>
  /** Advances the sandbox's clock (on top of the Effect `Clock` it runs under). */
  readonly advanceTime: (duration: Duration.DurationInput) => Effect.Effect<void>
  /**
   * Back to the state it started with: the balance, the seed groups, nothing sent, no tokens.
   * Nothing of the old state comes after: its delivery reports and callbacks still to come are
   * dropped, those being sent stopped.
   */
  readonly reset: Effect.Effect<void>
  /** The history kept and dropped (`Stats`), and the work still to come. */
  readonly stats: Effect.Effect<Control.Stats>
  /**
   * An SMS arriving on a rented number (listed by `getInboundSms`, and in the sender's
   * conversation); false when that number is not rented.
   */
  readonly receiveSms: (
    sms: { readonly to: string; readonly from: string; readonly text: string }
  ) => Effect.Effect<boolean>
  /**
   * A message from a number, on a channel (default SMS): it starts or extends the number's
   * conversation (the Conversations API), whose id it gives; with `to`, an SMS on a rented
   * number. Undefined, and nothing kept, when `to` is not rented or `from` is not a phone number.
   */
  readonly receiveMessage: (
    message: {
      readonly from: string
      readonly text: string
      readonly channel?: "sms" | "viber" | "whatsapp"
      readonly to?: string
    }
  ) => Effect.Effect<string | undefined>
  /** Which channels are active (what `getChannelsStatus` answers). */
  readonly channels: Effect.Effect<Generated.ChannelsStatus>
  /**
   * Activates or deactivates channels (until `reset`): Viber, WhatsApp and multichannel sends on
   * an inactive one are refused. Gives the status after.
   */
  readonly setChannels: (change: Partial<Generated.ChannelsStatus>) => Effect.Effect<Generated.ChannelsStatus>
  /** Approves a Viber or WhatsApp template; false when there is no such template. */
  readonly approveTemplate: (templateId: number) => Effect.Effect<boolean>
  /** Approves a sender name; false when there is no such originator. */
  readonly approveOriginator: (originatorId: number) => Effect.Effect<boolean>
  /**
   * A short URL visited, as `GET /s/<path>` does: a link's (`https://en.ax/bVc4x`, or its code
   * `bVc4x`), a recipient's tracked link from a message (`https://en.ax/bVc4x/r2N`: the hit
   * names the recipient's number, campaign and group) or an opt-out link from a message
   * (`https://en.ax/o/Ab3`: its recipient is opted out). Undefined when the URL leads nowhere.
   */
  readonly visit: (
    url: string,
    visitor?: { readonly userAgent?: string; readonly ip?: string }
  ) => Effect.Effect<Visit | undefined>
  /**
   * Adds an attachment, created now, as a message sent with a file would (no operation of the
   * API creates one). Input the API could never have produced (an empty file name or type, a
   * negative or fractional size, an id malformed or already given) fails with
   * `InvalidAttachment` and adds nothing.
   */
  readonly addAttachment: (file: NewAttachment) => Effect.Effect<Attachment, InvalidAttachment>
  /** The faults injected now. */
  readonly faults: Effect.Effect<ActiveFaults>
  /**
   * Replaces the faults injected (`{ rules: [] }`: none), the draws starting again from their
   * seed; `reset` brings back the configured ones. Invalid faults fail with `InvalidFaults` and
   * change nothing.
   */
  readonly setFaults: (faults: Faults) => Effect.Effect<void, FaultRules.InvalidFaults>
}

/**
 * A callback the sandbox sent (or did not: `blocked` for a host that is not loopback, `dropped`
 * when too many were pending). A redirect is never followed: it is `failed`, with the 3xx as its
 * `status`.
 * @since 0.1.0
 * @category models
 */
export interface CallbackRecord {
  /** Its number in the log, from 1 (`POST /__sandbox/callbacks/{id}/resend` names it). */
  readonly id: number
  readonly url: string
  readonly payload: unknown
  readonly createdAt: number
  readonly outcome: "pending" | "delivered" | "failed" | "blocked" | "dropped"
  readonly attempts: number
  readonly status: number | undefined
}
