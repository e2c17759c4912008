/**
 * The Sms group: send and estimate to numbers or to contact groups, delete scheduled messages
 * and campaigns (with a refund). Campaigns go to the contacts of the groups the Groups module
 * keeps; a number on the opt-out list gets no message: it is answered `REJECTED`, at cost 0,
 * and is neither billed nor kept in the outbox.
 */
import type * as Api from "@smscx/core/Api"
import type * as Generated from "@smscx/core/Generated"
import type * as Operation from "@smscx/core/Operation"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Dates from "../engines/dates.js"
import * as Links from "../engines/links.js"
import * as MessageParts from "../engines/messageParts.js"
import { fromMicros } from "../engines/money.js"
import * as Phone from "../engines/phone.js"
import * as Placeholders from "../engines/placeholders.js"
import * as Pricing from "../engines/pricing.js"
import * as Transliteration from "../engines/transliteration.js"
import type { Context } from "../kernel/context.js"
import { type ApiFailure, documented, type ErrorSpec, fail, Generic, spec } from "../kernel/errors.js"
import type * as Fields from "../kernel/fields.js"
import * as Ids from "../kernel/ids.js"
import type * as Router from "../kernel/router.js"
import type * as State from "../store.js"
import * as Groups from "./groups.js"
import * as Optouts from "./optouts.js"

/** The documented errors of the Sms operations. @internal */
export const SmsErrors = {
  groupsMissing: documented("sendSmsCampaign", 1101),
  groupEmpty: documented("sendSmsCampaign", 1102),
  tooManyNumbers: documented("sendSms", 1103),
  toMissing: documented("sendSms", 1104),
  fromMissing: documented("sendSms", 1105),
  fromInvalid: documented("sendSms", 1106),
  textMissing: documented("sendSms", 1107),
  scheduledDateInvalid: documented("sendSms", 1108),
  dlrCallbackUrlInvalid: documented("sendSms", 1109),
  alphabetInvalid: documented("sendSms", 1110),
  idempotencyIdInvalid: documented("sendSms", 1111),
  trackedLinkNotFound: documented("sendSms", 1112),
  insufficientCredit: documented("sendSms", 1113),
  scheduledDateInPast: documented("sendSms", 1116),
  noCoverage: documented("sendSms", 1119),
  transliterationInvalid: documented("sendSms", 1135),
  placeholderLength: (name: string) => documented("sendSms", 1136, { message: `{{${name}}}` }),
  placeholderRange: documented("sendSms", 1137),
  groupInvalid: documented("sendSmsCampaign", 1140),
  phoneNumberInvalid: documented("sendSms", 1207),
  phoneNumbersInvalid: documented("sendSms", 1210),
  removeEmojisInvalid: documented("sendSms", 1503),
  // not in the API's table: the sandbox's own limit, with the generic code
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

const E = SmsErrors
const MAX_RECIPIENTS = 25_000

const composeFields: Fields.Table = [
  ["from", { missing: E.fromMissing, invalid: (v) => v === "" ? E.fromMissing : E.fromInvalid }],
  ["text", { missing: E.textMissing, invalid: E.textMissing }],
  ["scheduledDate", { invalid: E.scheduledDateInvalid }],
  ["dlrCallbackUrl", { invalid: E.dlrCallbackUrlInvalid }],
  ["idempotencyId", { invalid: E.idempotencyIdInvalid }],
  // before their parent: an optional object's bad field also fails the object's `undefined` branch
  ["transliteration.alphabet", { missing: E.alphabetInvalid, invalid: E.alphabetInvalid }],
  ["transliteration.removeEmojis", { invalid: E.removeEmojisInvalid }],
  ["transliteration", { invalid: E.transliterationInvalid }]
]

const toFields: Fields.Table = [
  ["to", {
    missing: E.toMissing,
    invalid: (v) => Array.isArray(v) && v.length > MAX_RECIPIENTS ? E.tooManyNumbers : E.toMissing
  }],
  ...composeFields
]

const groupFields: Fields.Table = [
  ["groups", { missing: E.groupsMissing, invalid: (v) => Array.isArray(v) ? E.groupInvalid : E.groupsMissing }],
  ...composeFields
]

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** The API's leniencies: `to` may be one string, numbers may be JSON numbers, a bad `trackData` is dropped. */
const normalizeSms = (raw: Record<string, unknown>): Record<string, unknown> => {
  const out = { ...raw }
  if (typeof out.to === "string") out.to = [out.to]
  if (Array.isArray(out.to)) out.to = out.to.map((n: unknown) => typeof n === "number" ? String(n) : n)
  if (out.trackData !== undefined && !(typeof out.trackData === "string" && uuid.test(out.trackData))) {
    delete out.trackData
  }
  return out
}

// The spec lists no values for `statusCode`; these are the sandbox's own.
const statusCodes: Record<Exclude<State.MessageStatus, "DELETED"> | "REJECTED", number> = {
  ACCEPTED: 1,
  SCHEDULED: 2,
  REJECTED: 3,
  "NO COVERAGE": 4
}

/** What every send or estimate takes besides its recipients. */
interface Compose {
  readonly from: string
  readonly text: string
  readonly scheduledDate?: string | undefined
  readonly isUtc?: boolean | undefined
  readonly dlrCallbackUrl?: string | undefined
  readonly shortResponse?: boolean | undefined
  readonly noTextDetails?: boolean | undefined
  readonly showTimezone?: boolean | undefined
  readonly transliteration?: Generated.Transliteration | undefined
  readonly trackData?: string | undefined
}

interface Recipient {
  readonly number: Phone.PhoneNumber
  readonly contact?: Readonly<Record<string, string | undefined>>
  /** The campaign's group the contact is in (a send to groups). */
  readonly group?: { readonly id: number; readonly name: string }
  /** On the opt-out list: answered REJECTED, not sent, not billed. */
  readonly optedOut: boolean
}

interface Priced {
  /** Undefined for a message to an opted-out number: it is not kept. */
  readonly message: State.StoredMessage | undefined
  readonly data: Generated.DataSms
}

interface Outcome {
  readonly campaignId: string
  readonly priced: ReadonlyArray<Priced>
  readonly totalMicros: number
  readonly totalParts: number
  readonly scheduled: boolean
  readonly createdAt: number
  /** The per-recipient links of the texts, kept once the send is. */
  readonly links: Links.Issuer
}

const isHttpUrl = (raw: string) => {
  try {
    const url = new URL(raw)
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== ""
  } catch {
    return false
  }
}

const placeholderError = (problem: Placeholders.Problem): ErrorSpec => {
  switch (problem._tag) {
    case "InvalidLength":
      return E.placeholderLength(problem.name)
    case "LengthOutOfRange":
      return E.placeholderRange
    case "UnknownLink":
      return E.trackedLinkNotFound
  }
}

/** The checks of a composition no schema can state; gives the parsed schedule. */
const checkCompose = (
  store: State.Store,
  compose: Compose,
  now: number
): Effect.Effect<Dates.Scheduled | undefined, ApiFailure> =>
  Effect.gen(function*() {
    if (compose.text.trim() === "") return yield* fail(E.textMissing)
    const problem = Placeholders.check(compose.text, Links.exists(store))
    if (problem !== undefined) return yield* fail(placeholderError(problem))
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

/** Renders, transliterates, prices and schedules one message per recipient. */
const price = (
  store: State.Store,
  compose: Compose,
  recipients: ReadonlyArray<Recipient>,
  scheduled: Dates.Scheduled | undefined,
  now: number
): Effect.Effect<Outcome, ApiFailure> =>
  Effect.gen(function*() {
    const next = yield* Ids.sampler
    const campaignId = Ids.uuidFrom(next)
    const links = Links.issuer(store, next)
    const transliterate = (text: string) =>
      compose.transliteration === undefined
        ? text
        : Transliteration.transliterate(
          text,
          compose.transliteration.alphabet,
          compose.transliteration.removeEmojis === true
        )
    const finalText = (recipient: Recipient) => {
      const who: Links.Recipient = {
        phoneNumber: recipient.number.e164,
        campaignId,
        groupId: recipient.group?.id,
        groupName: recipient.group?.name
      }
      return transliterate(Placeholders.render(compose.text, {
        now,
        random: next,
        ...(recipient.contact === undefined ? {} : { contact: recipient.contact }),
        trackedLink: (kind, id) => links.tracked(kind, id, who),
        optoutLink: () => links.optout(who)
      }))
    }
    // without placeholders every recipient gets the same text: analyse it once
    const shared = Placeholders.hasPlaceholders(compose.text) ? undefined : transliterate(compose.text)
    const sharedAnalysis = shared === undefined ? undefined : MessageParts.analyze(shared)

    const priced: Array<Priced> = []
    let totalMicros = 0
    let totalParts = 0
    let covered = 0
    for (const recipient of recipients) {
      const { countryIso, e164 } = recipient.number
      const zone = Pricing.timeZone(countryIso)
      const scheduledAt = scheduled === undefined
        ? undefined
        : Dates.instantAt(scheduled, compose.isUtc !== false, zone)
      if (scheduledAt !== undefined && scheduledAt <= now) return yield* fail(E.scheduledDateInPast)
      const text = shared ?? finalText(recipient)
      const analysis = sharedAnalysis ?? MessageParts.analyze(text)
      if (analysis.parts > MessageParts.MAX_PARTS) return yield* fail(E.textTooLong)
      const partPrice = Pricing.smsPartPrice(countryIso)
      if (partPrice !== undefined) covered++
      // an opted-out number is not sent to: rejected, at no cost (a number without coverage
      // is "NO COVERAGE" whether or not it opted out)
      const rejected = recipient.optedOut && partPrice !== undefined
      const costMicros = partPrice === undefined || rejected ? 0 : partPrice * analysis.parts
      const status: Exclude<State.MessageStatus, "DELETED"> | "REJECTED" = partPrice === undefined
        ? "NO COVERAGE"
        : rejected
        ? "REJECTED"
        : scheduledAt === undefined
        ? "ACCEPTED"
        : "SCHEDULED"
      if (partPrice !== undefined && !rejected) {
        totalMicros += costMicros
        totalParts += analysis.parts
      }
      const message = {
        msgId: Ids.uuidFrom(next),
        campaignId,
        to: e164,
        countryIso,
        from: compose.from,
        text,
        parts: analysis.parts,
        costMicros,
        createdAt: now,
        scheduledAt: partPrice === undefined || rejected ? undefined : scheduledAt,
        trackData: compose.trackData
      }
      const data: Generated.DataSms = {
        msgId: message.msgId,
        status,
        statusCode: statusCodes[status],
        errorCode: null,
        createdAt: new Date(now).toISOString(),
        inQuietHours: false,
        cost: fromMicros(costMicros),
        to: e164,
        countryIso,
        from: compose.from,
        parts: analysis.parts,
        // `noTextDetails` leaves the text and its analysis out, as documented
        ...(compose.noTextDetails === true ? {} : {
          text,
          textAnalysis: { length: analysis.length, unicode: analysis.unicode, parts: analysis.parts }
        }),
        ...(compose.trackData === undefined ? {} : { trackData: compose.trackData }),
        ...(message.scheduledAt === undefined ? {} : { scheduledAt: new Date(message.scheduledAt).toISOString() }),
        // not in the response schema; kept on the wire as the API documents it
        ...(compose.showTimezone === true && zone !== undefined ? { timezone: zone } : {})
      }
      // a rejected message is answered but not kept: nothing is sent or billed
      priced.push({ message: status === "REJECTED" ? undefined : { ...message, status }, data })
    }
    if (covered === 0) return yield* fail(E.noCoverage)
    return { campaignId, priced, totalMicros, totalParts, scheduled: scheduled !== undefined, createdAt: now, links }
  })

/** Debits and keeps the messages (a send), or only checks the balance (an estimate). */
const settle = (store: State.Store, operation: string, outcome: Outcome, send: boolean) =>
  Effect.gen(function*() {
    if (!send) {
      const balance = yield* store.balanceMicros
      return outcome.totalMicros > balance ? yield* fail(E.insufficientCredit) : undefined
    }
    const kept = outcome.priced.flatMap((p) => p.message === undefined ? [] : [p.message])
    const committed = yield* store.commit(
      {
        campaignId: outcome.campaignId,
        operation,
        msgIds: kept.map((m) => m.msgId),
        scheduled: outcome.scheduled,
        createdAt: outcome.createdAt
      },
      kept
    )
    if (!committed) return yield* fail(E.insufficientCredit)
    outcome.links.commit()
  })

type NumbersInput = Compose & {
  readonly to: ReadonlyArray<string>
  readonly countryIso?: string | undefined
  readonly allowInvalid?: boolean | undefined
}

const toNumbers = (store: State.Store, operation: string, send: boolean) => (input: NumbersInput) =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    if (input.to.length === 0) return yield* fail(E.toMissing)
    const scheduled = yield* checkCompose(store, input, now)
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
    const outcome = yield* price(store, input, recipients, scheduled, now)
    yield* settle(store, operation, outcome, send)
    const answer: Operation.SuccessOf<typeof Api.Sms.sendSms> = {
      info: {
        campaignId: outcome.campaignId,
        totalPhoneNumbers: input.to.length,
        totalValid: recipients.length,
        totalInvalid: invalid.length,
        totalCost: fromMicros(outcome.totalMicros),
        totalParts: outcome.totalParts,
        dlrCallbackUrl: input.dlrCallbackUrl ?? null,
        scheduled: outcome.scheduled,
        totalInQuietHours: 0,
        ...(input.allowInvalid === true ? { invalid } : {})
      },
      data: input.shortResponse === true ? [] : outcome.priced.map((p) => p.data)
    }
    return answer
  })

type GroupsInput = Compose & { readonly groups: ReadonlyArray<number> }

const toGroups = (store: State.Store, operation: string, send: boolean) => (input: GroupsInput) =>
  Effect.gen(function*() {
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
    const scheduled = yield* checkCompose(store, input, now)
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
    const outcome = yield* price(store, input, recipients, scheduled, now)
    yield* settle(store, operation, outcome, send)
    const answer: Operation.SuccessOf<typeof Api.Sms.sendSmsCampaign> = {
      info: {
        campaignId: outcome.campaignId,
        totalPhoneNumbers: submitted,
        totalValid: recipients.length,
        totalInvalid: invalid.length,
        totalCost: fromMicros(outcome.totalMicros),
        totalParts: outcome.totalParts,
        duplicatesRemoved: duplicates,
        dlrCallbackUrl: input.dlrCallbackUrl ?? null,
        groups: groups.map((g) => ({ id: g.id, name: g.name, phoneNumbers: g.contacts.length })),
        scheduled: outcome.scheduled,
        totalInQuietHours: 0,
        ...(invalid.length > 0 ? { invalid } : {})
      },
      data: input.shortResponse === true ? [] : outcome.priced.map((p) => p.data)
    }
    return answer
  })

/** @internal */
export const handlers = ({ store }: Context): Router.Handlers<typeof Api.Sms> => ({
  sendSms: {
    fields: toFields,
    normalize: normalizeSms,
    handle: ({ input }) => Effect.map(toNumbers(store, "sendSms", true)(input), (body) => ({ body }))
  },
  estimateSms: {
    fields: toFields,
    normalize: normalizeSms,
    handle: ({ input }) => Effect.map(toNumbers(store, "estimateSms", false)(input), (body) => ({ body }))
  },
  sendSmsCampaign: {
    fields: groupFields,
    handle: ({ input }) => Effect.map(toGroups(store, "sendSmsCampaign", true)(input), (body) => ({ body }))
  },
  estimateSmsCampaign: {
    fields: groupFields,
    handle: ({ input }) => Effect.map(toGroups(store, "estimateSmsCampaign", false)(input), (body) => ({ body }))
  },
  deleteScheduledSms: {
    fields: [["msgId", { missing: E.msgIdInvalid, invalid: E.msgIdInvalid }]],
    handle: ({ path }) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const result = yield* store.deleteMessage(path.msgId, now)
        switch (result._tag) {
          case "NotFound":
            return yield* fail(E.msgNotFound)
          case "AlreadySent":
            return yield* fail(E.onlyScheduled)
          case "Deleted":
            return {
              body: {
                info: {
                  msgId: result.message.msgId,
                  parts: result.message.parts,
                  creditReturned: fromMicros(result.message.costMicros),
                  channel: "sms"
                }
              }
            } as const
        }
      })
  },
  deleteScheduledSmsCampaign: {
    fields: [["campaignId", { missing: E.campaignIdInvalid, invalid: E.campaignIdInvalid }]],
    handle: ({ path }) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const result = yield* store.deleteCampaign(path.campaignId, now)
        switch (result._tag) {
          case "NotFound":
            return yield* fail(E.campaignNotFound)
          case "AlreadySent":
            return yield* fail(E.onlyScheduled)
          case "Deleted": {
            const sum = (ms: ReadonlyArray<State.StoredMessage>, f: (m: State.StoredMessage) => number) =>
              ms.reduce((total, m) => total + f(m), 0)
            return {
              body: {
                info: {
                  campaignId: result.campaign.campaignId,
                  totalPhoneNumbers: result.messages.length,
                  totalParts: sum(result.messages, (m) => m.parts),
                  phoneNumbersDeleted: result.deleted.length,
                  partsDeleted: sum(result.deleted, (m) => m.parts),
                  creditReturned: fromMicros(sum(result.deleted, (m) => m.costMicros)),
                  channel: "sms"
                }
              }
            } as const
          }
        }
      })
  }
})
