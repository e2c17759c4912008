/**
 * A stateful local simulator of the SMS.CX API, for tests, examples and benchmarks. Its routes
 * are derived from the SDK's operation entries (`Api`), whose schemas validate every request
 * and check every answer. It keeps a prepaid balance, sent and scheduled messages, contact
 * groups and OAuth tokens; it authenticates, rate limits and answers errors as the API
 * documents them.
 *
 * Serve it in-process (`layerHttpClient`, `inProcessFetch`: nothing touches the network) or on
 * loopback (`layerServer`, `start`, the `smscx-sandbox` CLI: `npx @smscx/sandbox`).
 *
 * Idempotency: a send with an `idempotencyId` is performed and billed once. Its records belong
 * to the account the credential acts for: each API key has its own, and all the tokens of one
 * OAuth application share the application's. The same id with the same request (the same
 * decoded fields, in any order) gets the original answer again, with its `X-Idempotency-Id`
 * header; the same id with a different request is answered 400 `invalid_param` (code 1000,
 * "already used with a different request") and nothing is performed or billed. A failed
 * request is not remembered: its id can be used again.
 *
 * Request bodies are read up to `maxBodyBytes` (default 16 MiB); a larger body is answered 413
 * `invalid_body` (code 1009), and is not read further.
 *
 * Web pages are kept off it: a request whose `Host` is not loopback's (`localhost`, `127.0.0.1`,
 * `[::1]`) or a name in `allowedHosts` is refused 403 (DNS rebinding), and the control API refuses
 * a request from another origin (403) and a write whose body is not `application/json` (415).
 *
 * Its history is bounded: at most `maxMessages` messages (default 100,000) are kept, the oldest
 * dropped first with their link tokens, and as many OTPs, lookups, conversation messages, SMS
 * received on rented numbers and link hits, each; work due later (delivery reports, lookup results) waits on one timer queue, and
 * `reset` drops all of it.
 *
 * Faults (the `faults` option, `setFaults`, the control API's `/__sandbox/faults`): API requests
 * answered 429, 500 or 503, reset, stalled, answered with broken JSON, or processed and then
 * reset, each with a probability, from a generator of their own seed.
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpApp from "@effect/platform/HttpApp"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpServer from "@effect/platform/HttpServer"
import type { ServeError } from "@effect/platform/HttpServerError"
import type * as Generated from "@smscx/core/Generated"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as App from "./internal/app/app.js"
import type * as Control from "./internal/app/control.js"
import * as Attachments from "./internal/engines/attachments.js"
import type { InvalidAttachment } from "./internal/engines/attachments.js"
import * as Dates from "./internal/engines/dates.js"
import * as Delivery from "./internal/engines/delivery.js"
import { shortUrlOf } from "./internal/engines/trackedLinks.js"
import { DEFAULT_MAX_BODY_BYTES } from "./internal/kernel/body.js"
import * as Callbacks from "./internal/kernel/callbacks.js"
import * as FaultRules from "./internal/kernel/faults.js"
import * as Guard from "./internal/kernel/guard.js"
import { toMicros } from "./internal/kernel/money.js"
import * as NodeServer from "./internal/kernel/nodeServer.js"
import type * as State from "./internal/state/store.js"

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
 * A contact of a seed group: its number in E.164 (one that is not valid is kept as given, and
 * campaigns count it invalid) and the fields its `{{name}}` placeholders fill
 * (`firstName`, `lastName`, `email`, `field1`..`field5`, and any `customFields`).
 *
 * @since 0.1.0
 * @category models
 */
export type Contact = State.Contact

/**
 * A contact group the sandbox starts with: the Groups API lists, changes and exports it, and
 * campaign sends address it by id.
 *
 * @since 0.1.0
 * @category models
 */
export type Group = State.Group

/**
 * A message the sandbox sent or scheduled (estimates keep nothing).
 *
 * @since 0.1.0
 * @category models
 */
export type Message = State.Message

/**
 * A send: its campaign id and messages.
 *
 * @since 0.1.0
 * @category models
 */
export type Campaign = State.Campaign

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
 * Why `addAttachment` refused a file (its `message` says which field).
 * @since 0.1.0
 * @category errors
 */
export { InvalidAttachment } from "./internal/engines/attachments.js"

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
 * A fault the sandbox can inject into an API request:
 *
 * - `rateLimit`: a 429 with the API's 429 body and the rate-limit headers (`X-Rate-Limit-Reset`
 *   the seconds left in the window, `X-Rate-Limit-Remaining` 0).
 * - `serverError`: a 500 with the API's 500 body.
 * - `unavailable`: a 503 with the same body (the API documents no 503; like any 5xx, the SDK
 *   reads it as a `ServerErrorException`).
 * - `reset`: the connection is reset before any answer (in-process, `fetch` rejects with a
 *   `TypeError` "fetch failed" whose cause has the code `ECONNRESET`).
 * - `stall`: no answer until the client gives up (its `AbortSignal`, in-process), the server
 *   closes, or `maxStallMillis` pass (then the connection is reset).
 * - `malformed`: a 200 of type `application/json` whose body is JSON cut short.
 * - `lostAnswer`: the request is performed (a send is sent and billed) and the connection reset
 *   instead of answering.
 *
 * Only `lostAnswer` performs the request: with the others, nothing changes.
 *
 * @since 0.1.0
 * @category models
 */
export type FaultKind = FaultRules.Kind

/**
 * An operation of the API, by its `operationId` (`sendSms`, `getAccountBalance`, ...).
 *
 * @since 0.1.0
 * @category models
 */
export type OperationId = FaultRules.OperationId

/**
 * One fault rule: its kind, the probability that a request meets it, and the operations it
 * applies to.
 *
 * @since 0.1.0
 * @category models
 */
export interface FaultRule {
  readonly kind: FaultKind
  /** The probability, from 0 (never) to 1 (every request). */
  readonly rate: number
  /** The operations it applies to (at least one); every route of the API when absent. */
  readonly operations?: ReadonlyArray<OperationId>
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
 * Why faults were refused (a rate outside [0, 1], an unknown kind or operationId, an empty list
 * of operations, a field that is not one): its `message` names the field. Nothing changed.
 *
 * @since 0.1.0
 * @category errors
 */
export { InvalidFaults } from "./internal/kernel/faults.js"

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
  readonly groups?: ReadonlyArray<Group>
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
 * What a sandbox holds (`stats`, `GET /__sandbox/stats`): its history within `maxMessages`, and
 * the work still to come.
 *
 * @since 0.1.0
 * @category models
 */
export type Stats = Control.Stats

/**
 * When messages are sent and delivered, and the shares that fail (the `delivery` option).
 *
 * @since 0.1.0
 * @category models
 */
export type DeliveryOptions = Delivery.Options

/**
 * A share of failed deliveries for a country, numbers matching a pattern, or both.
 *
 * @since 0.1.0
 * @category models
 */
export type DeliveryFailureRule = Delivery.FailureRule

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
  readonly messages: Effect.Effect<ReadonlyArray<Message>>
  /** The messages sent to one number, oldest first (an OTP's PIN is in the last one's text). */
  readonly messagesTo: (phoneNumber: string) => Effect.Effect<ReadonlyArray<Message>>
  readonly campaigns: Effect.Effect<ReadonlyArray<Campaign>>
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
  readonly stats: Effect.Effect<Stats>
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
  readonly url: string
  readonly payload: unknown
  readonly createdAt: number
  readonly outcome: "pending" | "delivered" | "failed" | "blocked" | "dropped"
  readonly attempts: number
  readonly status: number | undefined
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Sandbox extends Context.Tag("@smscx/sandbox/Sandbox")<Sandbox, Service>() {}

/**
 * The base URL for in-process clients; any host works, since nothing reaches the network.
 *
 * @since 0.1.0
 * @category constants
 */
export const baseUrl = "http://sandbox.local"

/**
 * The demo contact groups: 1 and 2 share a number (campaigns remove the duplicate), 3 is
 * empty.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultGroups: ReadonlyArray<Group> = [
  {
    id: 1,
    name: "Demo customers",
    contacts: [
      { phoneNumber: "+31612345678", firstName: "Jan", lastName: "Jansen", email: "jan@example.com" },
      { phoneNumber: "+4915123456789", firstName: "Anna", lastName: "Schmidt", email: "anna@example.com" },
      { phoneNumber: "+33612345678", firstName: "Marie", lastName: "Dubois", email: "marie@example.com" }
    ]
  },
  {
    id: 2,
    name: "Demo partners",
    contacts: [
      { phoneNumber: "+31612345678", firstName: "Jan", lastName: "Jansen" },
      { phoneNumber: "+447400123456", firstName: "Oliver", lastName: "Smith" },
      { phoneNumber: "+40721234567", firstName: "Andrei", lastName: "Popescu", customFields: { city: "Cluj" } }
    ]
  },
  { id: 3, name: "Empty group", contacts: [] }
]

const deliveryOf = (options: Options): Delivery.Options => {
  const given = options.delivery ?? {}
  const invalid = Delivery.invalid(given)
  // options are the program's own: a bad one is a defect, named
  if (invalid !== undefined) throw new TypeError(`Sandbox options: ${invalid}`)
  return { ...Delivery.defaults, ...given }
}

const quietHoursOf = (options: Options) => {
  const quiet = options.quietHours
  if (quiet === undefined) return undefined
  if (!Dates.isTimeOfDay(quiet.start) || !Dates.isTimeOfDay(quiet.end) || quiet.start === quiet.end) {
    throw new TypeError("Sandbox options: quietHours.start and .end must be distinct times of day, HH:MM")
  }
  return { start: quiet.start, end: quiet.end }
}

const maxMessagesOf = (options: Options) => {
  const max = options.maxMessages
  if (max !== undefined && !(Number.isSafeInteger(max) && max > 0)) {
    throw new TypeError("Sandbox options: maxMessages must be a positive integer")
  }
  return max
}

const allowedHostsOf = (options: Options) =>
  (options.allowedHosts ?? []).map((name) => {
    const hostname = Guard.hostnameOf(name)
    if (hostname === undefined) throw new TypeError(`Sandbox options: allowedHosts: not a host name: ${name}`)
    return hostname
  })

const configOf = (options: Options, faults: FaultRules.Resolved): App.Config => ({
  apiKeys: options.apiKeys ?? [],
  applications: options.applications ?? [],
  balanceMicros: toMicros(options.balance ?? 100),
  currency: options.currency ?? "eur",
  rateLimit: options.rateLimit ?? { limit: 1000, windowSeconds: 1 },
  tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 86_400,
  channels: { sms: true, viber: true, whatsapp: true, multichannel: true, ...options.channels },
  groups: options.groups ?? defaultGroups,
  maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
  seed: options.seed,
  callbacks: { ...Callbacks.defaults, ...options.callbacks },
  attachments: options.attachments ?? [],
  faults,
  delivery: deliveryOf(options),
  quietHours: quietHoursOf(options),
  maxMessages: maxMessagesOf(options),
  allowedHosts: allowedHostsOf(options)
})

const attachmentOf = (record: Attachments.AttachmentRecord): Attachment => ({
  id: record.id,
  name: record.name,
  fileName: record.fileName,
  contentType: record.contentType,
  sizeBytes: record.sizeBytes,
  shortUrl: shortUrlOf(record.id),
  fileUrl: record.fileUrl,
  createdAt: record.createdAt
})

/**
 * A new sandbox with its own state.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (options?: Options) => Effect.Effect<Service, FaultRules.InvalidFaults> = Effect.fn(
  "Sandbox.make"
)(
  function*(options: Options = {}) {
    const faults = options.faults === undefined ? FaultRules.none : yield* FaultRules.resolve(options.faults)
    const config = configOf(options, faults)
    // the instance in use: `reset` closes it (its timers and callbacks) and replaces it with a new
    // one built from the same options
    let instance: App.Instance
    const hooks: App.Hooks = {
      reset: Effect.suspend(() => Effect.zipRight(instance.close, App.make(config, hooks))).pipe(
        Effect.map((fresh) => void (instance = fresh))
      )
    }
    instance = yield* App.make(config, hooks)
    const current = <A, E>(f: (instance: App.Instance) => Effect.Effect<A, E>) => Effect.suspend(() => f(instance))
    const service: Service = {
      app: Effect.suspend(() => instance.app),
      balance: current((i) => i.control.balance),
      setBalance: (amount) => current((i) => i.control.setBalance(amount)),
      messages: current((i) => i.store.messages),
      messagesTo: (to) => current((i) => i.store.messages).pipe(Effect.map((all) => all.filter((m) => m.to === to))),
      campaigns: current((i) => i.store.campaigns),
      callbacks: current((i) => Effect.sync(() => i.callbacks.log().map((record) => ({ ...record })))),
      advanceTime: (duration) => current((i) => i.control.advanceTime(Duration.toMillis(duration) / 1000)),
      reset: hooks.reset,
      stats: current((i) => i.control.stats),
      receiveSms: (sms) =>
        current((i) =>
          Effect.map(i.control.receiveInbound({ ...sms, channel: "sms" }), (received) => received._tag === "Received")
        ),
      receiveMessage: ({ channel = "sms", ...message }) =>
        current((i) =>
          Effect.map(
            i.control.receiveInbound({ ...message, channel }),
            (received) => received._tag === "Received" ? received.conversationId : undefined
          )
        ),
      channels: current((i) => i.control.channels),
      setChannels: (change) => current((i) => i.control.setChannels(change)),
      approveTemplate: (id) => current((i) => i.control.approveTemplate(id)),
      approveOriginator: (id) => current((i) => i.control.approveOriginator(id)),
      visit: (url, visitor = {}) =>
        current((i) => i.control.visit(url, { userAgent: visitor.userAgent ?? "", ip: visitor.ip ?? "127.0.0.1" })),
      addAttachment: (file) => current((i) => Effect.map(Attachments.addAttachment(i.store, file), attachmentOf)),
      faults: current((i) => i.control.faults),
      setFaults: (faults) =>
        current((i) => Either.match(FaultRules.resolve(faults), { onLeft: Effect.fail, onRight: i.control.setFaults }))
    }
    return service
  }
)

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<Sandbox, FaultRules.InvalidFaults> =>
  Layer.effect(Sandbox, make(options))

const toRequest = (input: RequestInfo | URL, init: RequestInit | undefined, base: string): Request =>
  input instanceof Request
    ? init === undefined ? input : new Request(input, init)
    : new Request(new URL(String(input), base), init)

/**
 * `fetch` over a web handler, acting on the socket-level faults as a connection would: a reset
 * (or a lost answer) rejects as undici does, a stall waits for the request's signal.
 */
const webFetch = (handler: (request: Request) => Promise<Response>): typeof globalThis.fetch => async (input, init) => {
  const request = toRequest(input, init, baseUrl)
  const response = await handler(request)
  const fault = FaultRules.socketFaultOf(response.headers)
  if (fault === undefined) return response
  await response.body?.cancel()
  return fault.kind === "stall"
    ? FaultRules.stall(request.signal, fault.maxStallMillis)
    : Promise.reject(FaultRules.connectionReset())
}

/**
 * An `HttpClient` answered by a new sandbox in-process, without a socket; the sandbox itself is
 * provided too, for tests to inspect. The sandbox runs with the services of the fiber that
 * builds the layer, so a `TestClock` there drives token expiry, rate-limit windows and
 * scheduled dates.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerHttpClient = (
  options: Options = {}
): Layer.Layer<HttpClient.HttpClient | Sandbox, FaultRules.InvalidFaults> =>
  FetchHttpClient.layer.pipe(
    Layer.provide(Layer.effect(
      FetchHttpClient.Fetch,
      Effect.gen(function*() {
        const sandbox = yield* Sandbox
        const runtime = yield* Effect.runtime<never>()
        return webFetch(HttpApp.toWebHandlerRuntime(runtime)(sandbox.app))
      })
    )),
    Layer.provideMerge(layer(options))
  )

/**
 * Where a server listens. Default: a random free port on 127.0.0.1.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServerOptions {
  readonly port?: number
  readonly host?: string
}

const WILDCARDS = ["0.0.0.0", "::", "[::]", ""]

/**
 * A new sandbox served over HTTP with Node's `http` server, on loopback unless told otherwise. The
 * address it binds (unless a wildcard, `0.0.0.0` or `::`) is one of its `allowedHosts`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerServer = (
  options: Options & ServerOptions = {}
): Layer.Layer<Sandbox | HttpServer.HttpServer, ServeError | FaultRules.InvalidFaults> => {
  const host = options.host ?? "127.0.0.1"
  const allowedHosts = [...(options.allowedHosts ?? []), ...(WILDCARDS.includes(host) ? [] : [host])]
  return Layer.unwrapEffect(Effect.map(Sandbox, (sandbox) => HttpServer.serve(sandbox.app))).pipe(
    Layer.provideMerge(NodeServer.layer({ port: options.port ?? 0, host })),
    Layer.provideMerge(layer({ ...options, allowedHosts }))
  )
}

/**
 * The URL of a server address.
 *
 * @since 0.1.0
 * @category utils
 */
export const urlOf = (address: HttpServer.Address): string => {
  if (address._tag === "UnixAddress") return `http+unix://${encodeURIComponent(address.path)}`
  const host = address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname
  return `http://${host}:${address.port}`
}

/**
 * A sandbox listening on a socket, for code that does not use Effect.
 *
 * @since 0.1.0
 * @category models
 */
export interface Server {
  /** E.g. `http://127.0.0.1:41234`. */
  readonly url: string
  /** `fetch`, with paths (`/sms`) resolved against `url`. */
  readonly fetch: typeof globalThis.fetch
  readonly close: () => Promise<void>
}

const squash = (cause: Cause.Cause<unknown>): unknown => Cause.squash(cause)

/**
 * Starts a sandbox on loopback (port 0: a random free port).
 *
 * @since 0.1.0
 * @category constructors
 */
export const start = async (options: Options & ServerOptions = {}): Promise<Server> => {
  const scope = Effect.runSync(Scope.make())
  const close = () => Effect.runPromise(Scope.close(scope, Exit.void))
  const built = await Effect.runPromiseExit(Layer.buildWithScope(layerServer(options), scope))
  if (Exit.isFailure(built)) {
    await close()
    throw squash(built.cause)
  }
  const url = urlOf(Context.get(built.value, HttpServer.HttpServer).address)
  return {
    url,
    fetch: (input, init) => globalThis.fetch(input instanceof Request ? input : new URL(String(input), url), init),
    close
  }
}

/**
 * A `fetch` answered by a sandbox in-process.
 *
 * @since 0.1.0
 * @category models
 */
export interface InProcess {
  /** Resolves paths (`/sms`) against `baseUrl`; any host is answered by the sandbox. */
  readonly fetch: typeof globalThis.fetch
  /** Later calls of `fetch` fail, as against a stopped server. */
  readonly close: () => Promise<void>
  /** The sandbox, to inspect its state (its effects run with `Effect.runPromise`). */
  readonly sandbox: Service
}

/**
 * A new sandbox answering `fetch` in-process, for the Promise client
 * (`new SmsCx({ apiKey, baseUrl: Sandbox.baseUrl, fetch })`) and examples. Throws
 * `InvalidFaults` for invalid `faults`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const inProcessFetch = (options: Options = {}): InProcess => {
  const made = Effect.runSyncExit(make(options))
  if (Exit.isFailure(made)) throw squash(made.cause)
  const sandbox = made.value
  const handler = webFetch(HttpApp.toWebHandler(sandbox.app))
  let closed = false
  return {
    fetch: (input, init) =>
      closed ? Promise.reject(new TypeError("fetch failed: the sandbox is closed")) : handler(input, init),
    close: async () => {
      closed = true
    },
    sandbox
  }
}
