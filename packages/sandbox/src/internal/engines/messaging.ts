/**
 * The messaging engine every channel shares: a send's recipients (numbers, or the contacts of
 * groups minus duplicates), priced (`sendPricing.ts`: each recipient's step, the channel that
 * reaches it; the text rendered; the price, the schedule, the delivery timeline), then debited and
 * kept with its delivery reports to come (`deliveryReports.ts`); and the deletion of scheduled
 * messages with a refund.
 *
 * Sms, Viber, Whatsapp and Multichannel are channel definitions over it (`groups/*.ts`): which
 * fields they take (`sendRequests.ts`), how a step's text is found (a text, or an approved
 * template), and the errors of their own tables. A number on the opt-out list gets no message:
 * it is answered `REJECTED`, at cost 0, kept for reports and never sent.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { type ApiFailure, fail } from "../kernel/errors.js"
import { fromMicros } from "../kernel/money.js"
import type * as Store from "../state/store.js"
import * as Groups from "./contactGroups.js"
import { reportDeliveries } from "./deliveryReports.js"
import * as Optouts from "./optouts.js"
import * as Phone from "./phone.js"
import { checkCompose, price } from "./sendPricing.js"
import { MAX_RECIPIENTS, SendErrors } from "./sendRequests.js"
import type {
  Compose,
  DataOf,
  Engine,
  GroupsInput,
  Mode,
  NumbersInput,
  Outcome,
  Recipient,
  Send,
  Service
} from "./sends.js"

const E = SendErrors

// a send to numbers went to no group: one empty list for all of them, kept with each campaign
const noGroups: ReadonlyArray<Store.CampaignGroup> = []

/** Debits and keeps the messages (a send), or only checks the balance (an estimate). */
const settle = (
  engine: Engine,
  send: Send,
  outcome: Outcome,
  mode: Mode,
  groups: ReadonlyArray<Store.CampaignGroup> = noGroups
): Effect.Effect<void, ApiFailure> => {
  // no generator: every send runs this
  const { store } = engine
  const { commit, shortOfFailover } = mode
  const reserve = shortOfFailover === undefined ? 0 : outcome.reserveMicros
  // short of the cost itself, or only of the failover it holds back
  const short = (balance: number) =>
    fail(outcome.totalMicros <= balance && shortOfFailover !== undefined ? shortOfFailover : E.insufficientCredit)
  if (!commit) {
    return Effect.flatMap(
      store.balanceMicros,
      (balance) => outcome.totalMicros + reserve > balance ? short(balance) : Effect.void
    )
  }
  const committed = store.commit(
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
  return Effect.flatMap(committed, (done) => {
    if (!done) return Effect.flatMap(store.balanceMicros, short)
    outcome.links.commit()
    return reportDeliveries(engine, outcome)
  })
}

/** The `info` every send answers. */
const info = (outcome: Outcome, compose: Compose) => ({
  campaignId: outcome.campaignId,
  totalCost: fromMicros(outcome.totalMicros),
  totalParts: outcome.totalParts,
  dlrCallbackUrl: compose.dlrCallbackUrl ?? null,
  scheduled: outcome.scheduled,
  totalInQuietHours: outcome.inQuietHours
})

/** A send (or estimate) to numbers. @internal */
export const toNumbers = <S extends Service>(engine: Engine, send: Send<S>, input: NumbersInput, mode: Mode) =>
  // no generator: every send runs this
  Effect.flatMap(Clock.currentTimeMillis, (now) => {
    const { store } = engine
    if (input.to.length === 0) return fail(E.toMissing)
    return Effect.flatMap(checkCompose(store, send, input, now), (scheduled) => {
      const recipients: Array<Recipient> = []
      const invalid: Array<string> = []
      const optedOut = Optouts.optedOut(store)
      for (const raw of input.to) {
        const number = Phone.validate(raw, input.countryIso)
        if (number === undefined) invalid.push(raw)
        else recipients.push({ number, optedOut: optedOut.has(number.e164) })
      }
      if (invalid.length > 0 && (input.allowInvalid !== true || recipients.length === 0)) {
        return fail(invalid.length === 1 ? E.phoneNumberInvalid : E.phoneNumbersInvalid, { invalid })
      }
      return Effect.flatMap(price(engine, send, input, recipients, scheduled, now), (outcome) =>
        Effect.as(settle(engine, send, outcome, mode), {
          info: {
            ...info(outcome, input),
            totalPhoneNumbers: input.to.length,
            totalValid: recipients.length,
            totalInvalid: invalid.length,
            ...(input.allowInvalid === true ? { invalid } : {})
          },
          data: input.shortResponse === true ? [] : outcome.data as ReadonlyArray<DataOf<S>>
        }))
    })
  })

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
