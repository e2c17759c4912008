/**
 * The messaging engine every channel shares: a send's recipients (numbers, or the contacts of
 * groups minus duplicates), each recipient's step (the channel that reaches it: the first of the
 * send's steps with coverage in its country; a single-channel send has one step), the text
 * rendered per recipient (placeholders, tracked links, transliteration), the price, the debit,
 * the schedule, the delivery timeline, and the deletion of scheduled messages with a refund.
 *
 * Sms, Viber, Whatsapp and Multichannel are channel definitions over it (`groups/*.ts`): which
 * fields they take, how a step's text is found (a text, or an approved template), and the errors
 * of their own tables. A number on the opt-out list gets no message: it is answered `REJECTED`,
 * at cost 0, kept for reports and never sent.
 */
import type * as Generated from "@smscx/core/Generated"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type * as Callbacks from "../kernel/callbacks.js"
import { type ApiFailure, documented, type ErrorSpec, fail, Generic, spec } from "../kernel/errors.js"
import type * as Fields from "../kernel/fields.js"
import * as Ids from "../kernel/ids.js"
import { fromMicros } from "../kernel/money.js"
import type * as Timers from "../kernel/timers.js"
import { isHttpUrl } from "../kernel/urls.js"
import type { Context } from "../state/context.js"
import type * as Store from "../state/store.js"
import * as Groups from "./contactGroups.js"
import * as Dates from "./dates.js"
import * as Delivery from "./delivery.js"
import * as Links from "./links.js"
import * as MessageParts from "./messageParts.js"
import * as Optouts from "./optouts.js"
import * as Phone from "./phone.js"
import * as Placeholders from "./placeholders.js"
import * as Pricing from "./pricing.js"
import * as Transliteration from "./transliteration.js"

/**
 * The errors every send shares (the rows are alike in every channel's table; the SMS table is
 * the one read).
 * @internal
 */
export const SendErrors = {
  groupsMissing: documented("sendSmsCampaign", 1101),
  groupEmpty: documented("sendSmsCampaign", 1102),
  tooManyNumbers: documented("sendSms", 1103),
  toMissing: documented("sendSms", 1104),
  fromMissing: documented("sendSms", 1105),
  fromInvalid: documented("sendSms", 1106),
  textMissing: documented("sendSms", 1107),
  scheduledDateInvalid: documented("sendSms", 1108),
  dlrCallbackUrlInvalid: documented("sendSms", 1109),
  idempotencyIdInvalid: documented("sendSms", 1111),
  trackedLinkNotFound: documented("sendSms", 1112),
  insufficientCredit: documented("sendSms", 1113),
  scheduledDateInPast: documented("sendSms", 1116),
  noCoverage: documented("sendSms", 1119),
  placeholderLength: (name: string) => documented("sendSms", 1136, { message: `{{${name}}}` }),
  placeholderRange: documented("sendSms", 1137),
  groupInvalid: documented("sendSmsCampaign", 1140),
  phoneNumberInvalid: documented("sendSms", 1207),
  phoneNumbersInvalid: documented("sendSms", 1210),
  // not in the API's tables: the sandbox's own limit, with the generic code
  textTooLong: spec(
    400,
    "invalid_param",
    Generic.invalidParam("text").code,
    `The parameter \`text\` is too long (max. ${MessageParts.MAX_PARTS} message parts)`
  ),
  msgNotFound: documented("deleteScheduledSms", 1100),
  msgIdInvalid: documented("deleteScheduledSms", 1115),
  onlyScheduled: documented("deleteScheduledSms", 1118),
  campaignNotFound: documented("deleteScheduledSmsCampaign", 1150),
  campaignIdInvalid: documented("deleteScheduledSmsCampaign", 1155)
} as const

const E = SendErrors

/** At most this many recipients a request. @internal */
export const MAX_RECIPIENTS = 25_000

/** The fields every send checks the same way. @internal */
export const commonFields: Fields.Table = [
  ["from", { missing: E.fromMissing, invalid: (v) => v === "" ? E.fromMissing : E.fromInvalid }],
  ["scheduledDate", { invalid: E.scheduledDateInvalid }],
  ["dlrCallbackUrl", { invalid: E.dlrCallbackUrlInvalid }],
  ["idempotencyId", { invalid: E.idempotencyIdInvalid }]
]

/** `to`, for a send to numbers. @internal */
export const toField: Fields.Table[number] = ["to", {
  missing: E.toMissing,
  invalid: (v) => Array.isArray(v) && v.length > MAX_RECIPIENTS ? E.tooManyNumbers : E.toMissing
}]

/** `groups`, for a campaign. @internal */
export const groupsField: Fields.Table[number] = ["groups", {
  missing: E.groupsMissing,
  invalid: (v) => Array.isArray(v) ? E.groupInvalid : E.groupsMissing
}]

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/**
 * The API's leniencies for a send to numbers: `to` may be one string, numbers may be JSON
 * numbers, a bad `trackData` is dropped.
 * @internal
 */
export const normalizeNumbers = (raw: Record<string, unknown>): Record<string, unknown> => {
  const out = { ...raw }
  if (typeof out.to === "string") out.to = [out.to]
  if (Array.isArray(out.to)) out.to = out.to.map((n: unknown) => typeof n === "number" ? String(n) : n)
  if (out.trackData !== undefined && !(typeof out.trackData === "string" && uuid.test(out.trackData))) {
    delete out.trackData
  }
  return out
}

/** What every send takes besides its recipients and content. @internal */
export interface Compose {
  readonly from: string
  readonly scheduledDate?: string | undefined
  readonly isUtc?: boolean | undefined
  readonly dlrCallbackUrl?: string | undefined
  readonly shortResponse?: boolean | undefined
  readonly noTextDetails?: boolean | undefined
  readonly showTimezone?: boolean | undefined
  readonly trackData?: string | undefined
  readonly transliteration?: Generated.Transliteration | undefined
  /** `{customFieldName: {...}}`: placeholder values for every recipient. */
  readonly customFields?: { readonly customFieldName: Readonly<Record<string, string>> } | undefined
}

/** One way of reaching a recipient: a channel and the text it sends (before placeholders). @internal */
export interface Step {
  readonly channel: Store.Channel
  readonly text: string
}

/** The kind of a send: a channel's own, or multichannel. @internal */
export type Service = Store.Channel | "multichannel"

/** What a send is: its kind, the operation (for its name in campaigns) and its steps in order. @internal */
export interface Send<S extends Service = Service> {
  readonly operation: string
  readonly service: S
  readonly steps: ReadonlyArray<Step>
  /** Seconds a step has to deliver before the next is tried (multichannel). */
  readonly ttlSeconds?: number | undefined
}

/** What the handlers share: the store, the delivery options, quiet hours, callbacks and timers. @internal */
export interface Engine {
  readonly store: Store.Store
  readonly delivery: Delivery.Options
  readonly quietHours: Dates.QuietHours | undefined
  readonly callbacks: Callbacks.Callbacks
  readonly timers: Timers.Timers
}

/** The engine of a group's handlers. @internal */
export const engineOf = ({ callbacks, config, store, timers }: Context): Engine => ({
  store,
  callbacks,
  timers,
  delivery: config.delivery,
  quietHours: config.quietHours
})

interface Recipient {
  readonly number: Phone.PhoneNumber
  readonly contact?: Readonly<Record<string, string | undefined>>
  readonly group?: { readonly id: number; readonly name: string }
  readonly optedOut: boolean
}

/** A message on the wire, as every channel's send answers it. @internal */
export interface Data {
  readonly msgId: string
  readonly status: "ACCEPTED" | "SCHEDULED" | "REJECTED" | "NO COVERAGE"
  readonly statusCode: number
  readonly errorCode: null
  readonly createdAt: string
  readonly inQuietHours: boolean
  readonly cost: number
  readonly to: string
  readonly countryIso: string
  readonly from: string
  readonly parts: number
  /**
   * Required by every channel's schema but the SMS one, whose `noTextDetails` leaves it out (the
   * only case where it is absent).
   */
  readonly text: string
  readonly textAnalysis?: { readonly length: number; readonly unicode: boolean; readonly parts: number }
  readonly trackData?: string
  readonly scheduledAt?: string
  readonly timezone?: string
}

/** A message on the wire for a kind of send: a multichannel one also names its channel. @internal */
export type DataOf<S extends Service> = S extends "multichannel" ? Data & { readonly channel: Store.Channel } : Data

interface Outcome {
  readonly campaignId: string
  readonly messages: ReadonlyArray<Store.StoredMessage>
  readonly data: ReadonlyArray<Data>
  readonly totalMicros: number
  readonly totalParts: number
  /**
   * What a multichannel send holds back besides its cost: the SMS failover of each recipient
   * reached on another channel, should that channel fail to deliver (not charged).
   */
  readonly reserveMicros: number
  readonly scheduled: boolean
  /** How many recipients the quiet hours hold. */
  readonly inQuietHours: number
  readonly createdAt: number
  readonly links: Links.Issuer
}

/** The error of a text's placeholders, if any. @internal */
export const placeholderError = (problem: Placeholders.Problem): ErrorSpec => {
  switch (problem._tag) {
    case "InvalidLength":
      return E.placeholderLength(problem.name)
    case "LengthOutOfRange":
      return E.placeholderRange
    case "UnknownLink":
      return E.trackedLinkNotFound
  }
}

/** The checks of a send no schema can state; gives the parsed schedule. */
const checkCompose = (
  store: Store.Store,
  send: Send,
  compose: Compose,
  now: number
): Effect.Effect<Dates.Scheduled | undefined, ApiFailure> =>
  Effect.gen(function*() {
    for (const step of send.steps) {
      if (step.text.trim() === "") return yield* fail(E.textMissing)
      const problem = Placeholders.check(step.text, Links.exists(store))
      if (problem !== undefined) return yield* fail(placeholderError(problem))
    }
    if (compose.dlrCallbackUrl !== undefined && !isHttpUrl(compose.dlrCallbackUrl)) {
      return yield* fail(E.dlrCallbackUrlInvalid)
    }
    if (compose.scheduledDate === undefined) return undefined
    const scheduled = Dates.parse(compose.scheduledDate)
    if (scheduled === undefined) return yield* fail(E.scheduledDateInvalid)
    // a local wall-clock time is checked per destination, once its time zone is known
    const local = scheduled._tag === "WallClock" && compose.isUtc === false
    if (!local && scheduled.millis <= now) return yield* fail(E.scheduledDateInPast)
    return scheduled
  })

/** Parts of a text on a channel: Viber and WhatsApp messages are always one. */
const analyze = (channel: Store.Channel, text: string) => {
  const analysis = MessageParts.analyze(text)
  return channel === "sms" ? analysis : { ...analysis, parts: 1 }
}

/** Renders, prices, schedules and plans the delivery of one message per recipient. */
const price = (
  engine: Engine,
  send: Send,
  compose: Compose,
  recipients: ReadonlyArray<Recipient>,
  scheduled: Dates.Scheduled | undefined,
  now: number
): Effect.Effect<Outcome, ApiFailure> =>
  Effect.gen(function*() {
    const next = yield* Ids.sampler
    const campaignId = Ids.uuidFrom(next)
    const links = Links.issuer(engine.store, next)
    const custom = compose.customFields?.customFieldName ?? {}
    const transliterate = (channel: Store.Channel, text: string) =>
      compose.transliteration === undefined || channel !== "sms"
        ? text
        : Transliteration.transliterate(
          text,
          compose.transliteration.alphabet,
          compose.transliteration.removeEmojis === true
        )
    const render = (step: Step, recipient: Recipient) => {
      if (!Placeholders.hasPlaceholders(step.text)) return transliterate(step.channel, step.text)
      const who: Links.Recipient = {
        phoneNumber: recipient.number.e164,
        campaignId,
        groupId: recipient.group?.id,
        groupName: recipient.group?.name
      }
      // a contact's own fields win over the send's custom fields
      const values = recipient.contact === undefined
        ? (Object.keys(custom).length > 0 ? custom : undefined)
        : { ...custom, ...recipient.contact }
      return transliterate(
        step.channel,
        Placeholders.render(step.text, {
          now,
          random: next,
          ...(values === undefined ? {} : { contact: values }),
          trackedLink: (kind, id) => links.tracked(kind, id, who),
          optoutLink: () => links.optout(who)
        })
      )
    }

    const messages: Array<Store.StoredMessage> = []
    const data: Array<Data> = []
    let totalMicros = 0
    let totalParts = 0
    let reserveMicros = 0
    let covered = 0
    let inQuietHours = 0
    for (const recipient of recipients) {
      const { countryIso, e164 } = recipient.number
      const zone = Pricing.timeZone(countryIso)
      const requestedAt = scheduled === undefined
        ? undefined
        : Dates.instantAt(scheduled, compose.isUtc !== false, zone)
      if (requestedAt !== undefined && requestedAt <= now) return yield* fail(E.scheduledDateInPast)
      // due in the destination's quiet hours: scheduled at their end, as the API does
      const quietEnd = engine.quietHours === undefined || zone === undefined
        ? undefined
        : Dates.afterQuietHours(requestedAt ?? now, engine.quietHours, zone)
      const scheduledAt = quietEnd ?? requestedAt
      // the first step with coverage in the recipient's country reaches it
      const covers = (s: Step) => Pricing.messagePrice(s.channel, countryIso) !== undefined
      // the first step with coverage in the recipient's country is tried first
      const first = send.steps.find(covers) ?? send.steps[send.steps.length - 1]!
      const firstPrice = Pricing.messagePrice(first.channel, countryIso)
      if (firstPrice !== undefined) covered++
      // an opted-out number is not sent to: rejected, at no cost (a number without coverage
      // is "NO COVERAGE" whether or not it opted out)
      const rejected = recipient.optedOut && firstPrice !== undefined
      const status = firstPrice === undefined
        ? "NO COVERAGE" as const
        : rejected
        ? "REJECTED" as const
        : scheduledAt === undefined
        ? "ACCEPTED" as const
        : "SCHEDULED" as const
      const sending = status === "ACCEPTED" || status === "SCHEDULED"
      // a delivery that fails fails over to the next covered step, `ttl` later, each attempt
      // priced on its channel; the message reports the channel that ended it
      let step = first
      let timeline: Delivery.Timeline | undefined
      let failedMicros = 0
      if (sending) {
        const tried = send.steps.slice(send.steps.indexOf(first)).filter(covers)
        let start = scheduledAt ?? now
        let firstSentAt: number | undefined
        for (const [i, attempt] of tried.entries()) {
          const planned = yield* Delivery.plan(engine.delivery, recipient.number, start, attempt.channel)
          firstSentAt ??= planned.sentAt
          if (planned.outcome === "DELIVERED" || i === tried.length - 1) {
            step = attempt
            timeline = { ...planned, sentAt: firstSentAt }
            break
          }
          failedMicros += Pricing.messagePrice(attempt.channel, countryIso)! *
            analyze(attempt.channel, render(attempt, recipient)).parts
          start += (send.ttlSeconds ?? 0) * 1000
        }
      }
      const text = render(step, recipient)
      const analysis = analyze(step.channel, text)
      if (analysis.parts > MessageParts.MAX_PARTS) return yield* fail(E.textTooLong)
      const costMicros = sending ? Pricing.messagePrice(step.channel, countryIso)! * analysis.parts + failedMicros : 0
      const held = quietEnd !== undefined && sending
      if (held) inQuietHours++
      if (sending) {
        totalMicros += costMicros
        totalParts += analysis.parts
        const failover = send.steps[send.steps.length - 1]!
        const failoverPrice = Pricing.messagePrice(failover.channel, countryIso)
        if (failover !== step && failoverPrice !== undefined) {
          reserveMicros += failoverPrice * analyze(failover.channel, render(failover, recipient)).parts
        }
      }
      const message: Store.StoredMessage = {
        msgId: Ids.uuidFrom(next),
        campaignId,
        channel: step.channel,
        service: send.service,
        to: e164,
        countryIso,
        from: compose.from,
        text,
        parts: analysis.parts,
        costMicros,
        status,
        createdAt: now,
        scheduledAt: status === "SCHEDULED" ? scheduledAt : undefined,
        trackData: compose.trackData,
        inQuietHours: held,
        timeline,
        dlrCallbackUrl: compose.dlrCallbackUrl
      }
      messages.push(message)
      data.push({
        msgId: message.msgId,
        status,
        statusCode: Delivery.statusCodes[status],
        errorCode: null,
        createdAt: new Date(now).toISOString(),
        inQuietHours: held,
        cost: fromMicros(costMicros),
        to: e164,
        countryIso,
        from: compose.from,
        parts: analysis.parts,
        ...(send.service === "multichannel" ? { channel: step.channel } : {}),
        // `noTextDetails` leaves an SMS send's text and its analysis out, as documented; the other
        // sends' schemas require the text, so it stays
        ...(compose.noTextDetails === true && send.service === "sms" ? {} : { text }),
        ...(compose.noTextDetails === true || send.service !== "sms"
          ? {}
          : { textAnalysis: { length: analysis.length, unicode: analysis.unicode, parts: analysis.parts } }),
        ...(compose.trackData === undefined ? {} : { trackData: compose.trackData }),
        ...(message.scheduledAt === undefined ? {} : { scheduledAt: new Date(message.scheduledAt).toISOString() }),
        // not in the response schema; kept on the wire as the API documents it
        ...(compose.showTimezone === true && zone !== undefined ? { timezone: zone } : {})
      } as Data)
    }
    if (covered === 0) return yield* fail(E.noCoverage)
    return {
      campaignId,
      messages,
      data,
      totalMicros,
      totalParts,
      reserveMicros,
      scheduled: scheduled !== undefined,
      inQuietHours,
      createdAt: now,
      links
    }
  })

/**
 * A send's delivery reports, POSTed to its `dlrCallbackUrl` as each status is reached: work on the
 * sandbox's timers, owned by the campaign (dropped with it from the history). A message dropped
 * before its report is due is not reported.
 */
const reportDeliveries = (engine: Engine, outcome: Outcome) => {
  const tracked = outcome.messages.filter((m) => m.dlrCallbackUrl !== undefined && m.timeline !== undefined)
  if (tracked.length === 0) return Effect.void
  const instants = [...new Set(tracked.flatMap((m) => [m.timeline!.sentAt, m.timeline!.finalAt]))].sort((a, b) => a - b)
  const campaignId = outcome.campaignId
  return Effect.forEach(
    instants,
    (at) => engine.timers.schedule(at, Effect.suspend(() => reportAt(engine, tracked, at)), campaignId),
    { discard: true }
  )
}

/**
 * The reports of a send's messages whose status changes at `at`, by URL. Apart from
 * `reportDeliveries`, so that the work waiting for `at` holds the messages and nothing more of
 * the send.
 */
const reportAt = (engine: Engine, tracked: ReadonlyArray<Store.StoredMessage>, at: number) =>
  Effect.gen(function*() {
    const byUrl = new Map<string, Array<Generated.DataDlrUpdate>>()
    for (const m of tracked) {
      if (m.timeline!.sentAt !== at && m.timeline!.finalAt !== at) continue
      if (engine.store.findMessage(m.msgId) !== m) continue
      const report = Delivery.statusAt(m, at)
      // a deleted scheduled message is not reported
      if (report.status === "DELETED") continue
      const items = byUrl.get(m.dlrCallbackUrl!) ?? []
      items.push({
        campaignId: m.campaignId,
        msgId: m.msgId,
        statusCode: Delivery.statusCodes[report.status],
        status: report.status as Generated.DataDlrUpdate["status"],
        errorCode: report.errorCode,
        datetime: new Date(at).toISOString(),
        trackData: m.trackData ?? null
      })
      byUrl.set(m.dlrCallbackUrl!, items)
    }
    for (const [url, items] of byUrl) {
      // up to 200 reports a request, as the API batches them
      for (let i = 0; i < items.length; i += 200) {
        yield* engine.callbacks.post(url, { event: "dlr_update", data: items.slice(i, i + 200) })
      }
    }
  })

/** Debits and keeps the messages (a send), or only checks the balance (an estimate). */
const settle = (
  engine: Engine,
  send: Send,
  outcome: Outcome,
  mode: Mode,
  groups: ReadonlyArray<Store.CampaignGroup> = []
) =>
  Effect.gen(function*() {
    const { store } = engine
    const { commit, shortOfFailover } = mode
    const reserve = shortOfFailover === undefined ? 0 : outcome.reserveMicros
    // short of the cost itself, or only of the failover it holds back
    const short = (balance: number) =>
      outcome.totalMicros <= balance && shortOfFailover !== undefined ? shortOfFailover : E.insufficientCredit
    if (!commit) {
      const balance = yield* store.balanceMicros
      return outcome.totalMicros + reserve > balance ? yield* fail(short(balance)) : undefined
    }
    const committed = yield* store.commit(
      {
        campaignId: outcome.campaignId,
        operation: send.operation,
        msgIds: outcome.messages.map((m) => m.msgId),
        scheduled: outcome.scheduled,
        groups,
        createdAt: outcome.createdAt
      },
      outcome.messages,
      reserve
    )
    if (!committed) return yield* fail(short(yield* store.balanceMicros))
    outcome.links.commit()
    yield* reportDeliveries(engine, outcome)
  })

/** The `info` every send answers. */
const info = (outcome: Outcome, compose: Compose) => ({
  campaignId: outcome.campaignId,
  totalCost: fromMicros(outcome.totalMicros),
  totalParts: outcome.totalParts,
  dlrCallbackUrl: compose.dlrCallbackUrl ?? null,
  scheduled: outcome.scheduled,
  totalInQuietHours: outcome.inQuietHours
})

/** How a send runs: for real, or as an estimate; what a shortfall on failover steps answers. @internal */
export interface Mode {
  readonly commit: boolean
  /** Multichannel's 1130; other sends have no failover. */
  readonly shortOfFailover?: ErrorSpec | undefined
}

/** @internal */
export type NumbersInput = Compose & {
  readonly to: ReadonlyArray<string>
  readonly countryIso?: string | undefined
  readonly allowInvalid?: boolean | undefined
}

/** A send (or estimate) to numbers. @internal */
export const toNumbers = <S extends Service>(engine: Engine, send: Send<S>, input: NumbersInput, mode: Mode) =>
  Effect.gen(function*() {
    const { store } = engine
    const now = yield* Clock.currentTimeMillis
    if (input.to.length === 0) return yield* fail(E.toMissing)
    const scheduled = yield* checkCompose(store, send, input, now)
    const recipients: Array<Recipient> = []
    const invalid: Array<string> = []
    const optedOut = Optouts.optedOut(store)
    for (const raw of input.to) {
      const number = Phone.validate(raw, input.countryIso)
      if (number === undefined) invalid.push(raw)
      else recipients.push({ number, optedOut: optedOut.has(number.e164) })
    }
    if (invalid.length > 0 && (input.allowInvalid !== true || recipients.length === 0)) {
      return yield* fail(invalid.length === 1 ? E.phoneNumberInvalid : E.phoneNumbersInvalid, { invalid })
    }
    const outcome = yield* price(engine, send, input, recipients, scheduled, now)
    yield* settle(engine, send, outcome, mode)
    return {
      info: {
        ...info(outcome, input),
        totalPhoneNumbers: input.to.length,
        totalValid: recipients.length,
        totalInvalid: invalid.length,
        ...(input.allowInvalid === true ? { invalid } : {})
      },
      data: input.shortResponse === true ? [] : outcome.data as ReadonlyArray<DataOf<S>>
    }
  })

/** @internal */
export type GroupsInput = Compose & { readonly groups: ReadonlyArray<number> }

/** A campaign (or its estimate) to contact groups: their contacts, duplicates removed. @internal */
export const toGroups = <S extends Service>(engine: Engine, send: Send<S>, input: GroupsInput, mode: Mode) =>
  Effect.gen(function*() {
    const { store } = engine
    const now = yield* Clock.currentTimeMillis
    if (input.groups.length === 0) return yield* fail(E.groupsMissing)
    const groups: Array<
      { readonly id: number; readonly name: string; readonly contacts: Array<Groups.StoredContact> }
    > = []
    for (const id of new Set(input.groups)) {
      const group = Groups.find(store, id)
      if (group === undefined) return yield* fail(E.groupInvalid)
      if (group.contacts.size === 0) return yield* fail(E.groupEmpty)
      // the contacts as they are now: a change while the campaign is priced does not show
      groups.push({ id: group.id, name: group.name, contacts: [...group.contacts.values()] })
    }
    const submitted = groups.reduce((sum, g) => sum + g.contacts.length, 0)
    if (submitted > MAX_RECIPIENTS) return yield* fail(E.tooManyNumbers)
    const scheduled = yield* checkCompose(store, send, input, now)
    const seen = new Set<string>()
    const optedOut = Optouts.optedOut(store)
    const recipients: Array<Recipient> = []
    const invalid: Array<string> = []
    let duplicates = 0
    for (const group of groups) {
      for (const contact of group.contacts) {
        const number = Phone.validate(contact.phoneNumber)
        if (number === undefined) {
          invalid.push(contact.phoneNumber)
        } else if (seen.has(number.e164)) {
          duplicates++
        } else {
          seen.add(number.e164)
          recipients.push({
            number,
            contact: Groups.placeholderValues(contact),
            group: { id: group.id, name: group.name },
            optedOut: optedOut.has(number.e164)
          })
        }
      }
    }
    const outcome = yield* price(engine, send, input, recipients, scheduled, now)
    const sentTo = groups.map((g) => ({ id: g.id, name: g.name, phoneNumbers: g.contacts.length }))
    yield* settle(engine, send, outcome, mode, sentTo)
    return {
      info: {
        ...info(outcome, input),
        totalPhoneNumbers: submitted,
        totalValid: recipients.length,
        totalInvalid: invalid.length,
        duplicatesRemoved: duplicates,
        groups: sentTo,
        ...(invalid.length > 0 ? { invalid } : {})
      },
      data: input.shortResponse === true ? [] : outcome.data as ReadonlyArray<DataOf<S>>
    }
  })

const sum = (ms: ReadonlyArray<Store.StoredMessage>, f: (m: Store.StoredMessage) => number) =>
  ms.reduce((total, m) => total + f(m), 0)

/**
 * Deletes a scheduled message of a kind of send (`service`), refunding it; a message of another
 * kind is not found, as the API keeps each channel's messages apart.
 * @internal
 */
export const deleteScheduledMessage = (store: Store.Store, service: Send["service"], msgId: string) =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const found = store.findMessage(msgId)
    if (found === undefined || found.service !== service) return yield* fail(E.msgNotFound)
    const result = yield* store.deleteMessage(msgId, now)
    switch (result._tag) {
      case "NotFound":
        return yield* fail(E.msgNotFound)
      case "AlreadySent":
        return yield* fail(E.onlyScheduled)
      case "Deleted":
        return {
          info: {
            msgId: result.message.msgId,
            parts: result.message.parts,
            creditReturned: fromMicros(result.message.costMicros),
            channel: service
          }
        }
    }
  })

/** Deletes the messages of a scheduled campaign still to be sent, refunding them. @internal */
export const deleteScheduledCampaign = (store: Store.Store, service: Send["service"], campaignId: string) =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const result = yield* store.deleteCampaign(campaignId, now, service)
    switch (result._tag) {
      case "NotFound":
        return yield* fail(E.campaignNotFound)
      case "AlreadySent":
        return yield* fail(E.onlyScheduled)
      case "Deleted":
        return {
          info: {
            campaignId: result.campaign.campaignId,
            totalPhoneNumbers: result.messages.length,
            totalParts: sum(result.messages, (m) => m.parts),
            phoneNumbersDeleted: result.deleted.length,
            partsDeleted: sum(result.deleted, (m) => m.parts),
            creditReturned: fromMicros(sum(result.deleted, (m) => m.costMicros)),
            channel: service
          }
        }
    }
  })
