/**
 * A send priced: its checks beyond the schema, then per recipient the channel that reaches it,
 * the text rendered (placeholders, tracked links, transliteration), its parts and price, its
 * schedule (quiet hours included) and delivery timeline. Nothing is kept or debited here: the
 * messaging engine settles the outcome.
 */
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import { ApiFailure, fail, failure } from "../kernel/errors.js"
import * as Ids from "../kernel/ids.js"
import { fromMicros } from "../kernel/money.js"
import { isHttpUrl } from "../kernel/urls.js"
import type * as Store from "../state/store.js"
import * as Dates from "./dates.js"
import * as Delivery from "./delivery.js"
import * as Links from "./links.js"
import * as MessageParts from "./messageParts.js"
import * as Placeholders from "./placeholders.js"
import * as Pricing from "./pricing.js"
import { placeholderError, SendErrors as E } from "./sendRequests.js"
import type { Compose, Data, Engine, Outcome, Recipient, Send, Step } from "./sends.js"
import * as Transliteration from "./transliteration.js"

/** The checks of a send no schema can state; gives the parsed schedule. @internal */
export const checkCompose = (
  store: Store.Store,
  send: Send,
  compose: Compose,
  now: number
): Effect.Effect<Dates.Scheduled | undefined, ApiFailure> => {
  // plain checks, no generator: every send runs them
  for (const step of send.steps) {
    if (step.text.trim() === "") return fail(E.textMissing)
    const problem = Placeholders.check(step.text, Links.exists(store))
    if (problem !== undefined) return fail(placeholderError(problem))
  }
  if (compose.dlrCallbackUrl !== undefined && !isHttpUrl(compose.dlrCallbackUrl)) {
    return fail(E.dlrCallbackUrlInvalid)
  }
  if (compose.scheduledDate === undefined) return Effect.succeed(undefined)
  const scheduled = Dates.parse(compose.scheduledDate)
  if (scheduled === undefined) return fail(E.scheduledDateInvalid)
  // a local wall-clock time is checked per destination, once its time zone is known
  const local = scheduled._tag === "WallClock" && compose.isUtc === false
  if (!local && scheduled.millis <= now) return fail(E.scheduledDateInPast)
  return Effect.succeed(scheduled)
}

/** Parts of a text on a channel: Viber and WhatsApp messages are always one. */
const analyze = (channel: Store.Channel, text: string) => {
  const analysis = MessageParts.analyze(text)
  return channel === "sms" ? analysis : { ...analysis, parts: 1 }
}

/** Renders, prices, schedules and plans the delivery of one message per recipient. @internal */
export const price = (
  engine: Engine,
  send: Send,
  compose: Compose,
  recipients: ReadonlyArray<Recipient>,
  scheduled: Dates.Scheduled | undefined,
  now: number
): Effect.Effect<Outcome, ApiFailure> =>
  Effect.flatMap(Ids.sampler, (next) => {
    const run = pricing(engine, send, compose, recipients, scheduled, now, next)
    return resume(run, run.next())
  })

/** Runs `pricing` on, drawing from `Random` each time it asks for a draw. */
const resume = (
  run: Generator<void, Outcome | ApiFailure, number>,
  result: IteratorResult<void, Outcome | ApiFailure>
): Effect.Effect<Outcome, ApiFailure> =>
  result.done !== true
    ? Effect.flatMap(Random.next, (draw) => resume(run, run.next(draw)))
    : result.value instanceof ApiFailure
    ? Effect.fail(result.value)
    : Effect.succeed(result.value)

/**
 * The pricing itself, plain code (no Effect step per recipient): it pauses only for a draw from
 * `Random` (a delivery failure whose share is between 0 and 1), and returns its refusal as a value.
 */
function* pricing(
  engine: Engine,
  send: Send,
  compose: Compose,
  recipients: ReadonlyArray<Recipient>,
  scheduled: Dates.Scheduled | undefined,
  now: number,
  next: () => number
): Generator<void, Outcome | ApiFailure, number> {
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
  const createdAt = new Date(now).toISOString()
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
    if (requestedAt !== undefined && requestedAt <= now) return failure(E.scheduledDateInPast)
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
      for (let i = 0; i < tried.length; i++) {
        const attempt = tried[i]!
        const rate = Delivery.failureRate(engine.delivery, recipient.number, attempt.channel)
        // a draw only when the share is between 0 and 1, as `Delivery.plan` does
        const failed = rate >= 1 ? true : rate <= 0 ? false : (yield) < rate
        const planned = Delivery.timelineOf(engine.delivery, start, attempt.channel, failed)
        firstSentAt ??= planned.sentAt
        if (planned.outcome === "DELIVERED" || i === tried.length - 1) {
          step = attempt
          // the first attempt's plan is the timeline itself
          timeline = planned.sentAt === firstSentAt ? planned : { ...planned, sentAt: firstSentAt }
          break
        }
        failedMicros += Pricing.messagePrice(attempt.channel, countryIso)! *
          analyze(attempt.channel, render(attempt, recipient)).parts
        start += (send.ttlSeconds ?? 0) * 1000
      }
    }
    const text = render(step, recipient)
    const analysis = analyze(step.channel, text)
    if (analysis.parts > MessageParts.MAX_PARTS) return failure(E.textTooLong)
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
    // built field by field, in the answer's order: conditional spreads made an object each
    const item: Record<string, unknown> = {
      msgId: message.msgId,
      status,
      statusCode: Delivery.statusCodes[status],
      errorCode: null,
      createdAt,
      inQuietHours: held,
      cost: fromMicros(costMicros),
      to: e164,
      countryIso,
      from: compose.from,
      parts: analysis.parts
    }
    if (send.service === "multichannel") item.channel = step.channel
    // `noTextDetails` leaves an SMS send's text and its analysis out, as documented; the other
    // sends' schemas require the text, so it stays
    if (compose.noTextDetails !== true || send.service !== "sms") item.text = text
    if (compose.noTextDetails !== true && send.service === "sms") {
      item.textAnalysis = { length: analysis.length, unicode: analysis.unicode, parts: analysis.parts }
    }
    if (compose.trackData !== undefined) item.trackData = compose.trackData
    if (message.scheduledAt !== undefined) item.scheduledAt = new Date(message.scheduledAt).toISOString()
    // not in the response schema; kept on the wire as the API documents it
    if (compose.showTimezone === true && zone !== undefined) item.timezone = zone
    data.push(item as unknown as Data)
  }
  if (covered === 0) return failure(E.noCoverage)
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
}
