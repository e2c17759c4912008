/**
 * Delivery over time. A message the sandbox accepts is given its future when it is sent: when it
 * leaves (`SENT`) and when its final report comes (`DELIVERED`, or `FAILED` with an error code),
 * counted from its schedule or its creation. Its status at any moment is read from that timeline
 * (`statusAt`), so every reader (the outbox, reports, callbacks) agrees without a timer per
 * message, and a `TestClock` or the control API's `advanceTime` moves all of them at once.
 *
 * Which messages fail is decided by the sandbox's `Random` (seeded with `seed`) against the
 * configured shares: a global `failureRate`, or per country / per number pattern rules, the first
 * matching rule winning.
 */
import * as Generated from "@smscx/core/Generated"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"

/**
 * The error codes of failed deliveries. The API's list of them is not in the reference; these
 * are the sandbox's own, documented here and in the README.
 * @internal
 */
export const FailureCodes = {
  /** The handset did not answer within the validity period. */
  absentSubscriber: 1,
  /** The number is not in service. */
  unknownSubscriber: 2,
  /** Blocked by the carrier or the destination's filters. */
  blocked: 3,
  /** The number has no Viber or WhatsApp account (a multichannel step falls back). */
  noChannelAccount: 4
} as const

/**
 * A share of failed deliveries: for a country, numbers matching a pattern, a channel, or all (a
 * rule for `viber` stands for numbers without Viber: a multichannel send fails over).
 * @internal
 */
export interface FailureRule {
  /** Deliveries on this channel only; absent: any channel. */
  readonly channel?: "sms" | "viber" | "whatsapp" | undefined
  /** ISO 3166 alpha-2; absent: any country. */
  readonly countryIso?: string | undefined
  /** A regular expression tested against the E.164 number; absent: any number. */
  readonly pattern?: string | undefined
  /** From 0 to 1. */
  readonly rate: number
}

/** @internal */
export interface Options {
  /** Seconds from acceptance (or the schedule) to `SENT`. */
  readonly sentAfterSeconds: number
  /** Seconds from acceptance (or the schedule) to `DELIVERED` or `FAILED`. */
  readonly finalAfterSeconds: number
  /** The share of deliveries that fail where no rule matches. */
  readonly failureRate: number
  readonly rules: ReadonlyArray<FailureRule>
}

/** @internal */
export const defaults: Options = { sentAfterSeconds: 1, finalAfterSeconds: 5, failureRate: 0, rules: [] }

/** A message's future, fixed when it is accepted. @internal */
export interface Timeline {
  /** Epoch millis. */
  readonly sentAt: number
  readonly finalAt: number
  readonly outcome: "DELIVERED" | "FAILED"
  readonly errorCode: number | null
}

/** The statuses a report can show (the spec's enum), and `DELETED` for a deleted scheduled one. @internal */
export type Status = "ACCEPTED" | "SENT" | "DELIVERED" | "FAILED" | "SCHEDULED" | "REJECTED" | "NO COVERAGE" | "DELETED"

/**
 * The sandbox's own status codes (the reference gives none): stable, one per status.
 * @internal
 */
export const statusCodes: Readonly<Record<Status, number>> = {
  ACCEPTED: 1,
  SCHEDULED: 2,
  REJECTED: 3,
  "NO COVERAGE": 4,
  SENT: 5,
  DELIVERED: 6,
  FAILED: 7,
  DELETED: 8
}

/** Each rule's pattern compiled once: rules are read for every recipient of every send. */
const patterns = new Map<string, RegExp>()
const patternOf = (source: string) => {
  let pattern = patterns.get(source)
  if (pattern === undefined) patterns.set(source, pattern = new RegExp(source))
  return pattern
}

const failureRateOf = (options: Options, e164: string, countryIso: string, channel: string): number => {
  for (const rule of options.rules) {
    if (rule.channel !== undefined && rule.channel !== channel) continue
    if (rule.countryIso !== undefined && rule.countryIso.toUpperCase() !== countryIso) continue
    if (rule.pattern !== undefined && !patternOf(rule.pattern).test(e164)) continue
    return rule.rate
  }
  return options.failureRate
}

/**
 * The timeline of a message on a channel, accepted at `start` (its schedule, or now). A failure
 * draws from the sandbox's `Random` only when its share is between 0 and 1, so that sandboxes
 * without failures give the same ids as before. A failed Viber or WhatsApp delivery is a number
 * without an account on the channel.
 * @internal
 */
export const plan = (
  options: Options,
  recipient: { readonly e164: string; readonly countryIso: string },
  start: number,
  channel: "sms" | "viber" | "whatsapp" = "sms"
): Effect.Effect<Timeline> =>
  Effect.gen(function*() {
    const rate = failureRateOf(options, recipient.e164, recipient.countryIso, channel)
    const failureCode = channel === "sms" ? FailureCodes.absentSubscriber : FailureCodes.noChannelAccount
    const failed = rate >= 1 ? true : rate <= 0 ? false : (yield* Random.next) < rate
    return {
      sentAt: start + options.sentAfterSeconds * 1000,
      finalAt: start + Math.max(options.finalAfterSeconds, options.sentAfterSeconds) * 1000,
      outcome: failed ? "FAILED" : "DELIVERED",
      errorCode: failed ? failureCode : null
    }
  })

/** What a message's report says at a moment. @internal */
export interface Report {
  readonly status: Status
  /** When the status last changed after creation; null when it has not. */
  readonly updatedAt: number | null
  readonly errorCode: number | null
}

/**
 * The report of a message at `now`: `held` is its state before delivery begins (`ACCEPTED`,
 * `SCHEDULED`, or one that never progresses: `NO COVERAGE`, `REJECTED`, `DELETED`).
 * @internal
 */
export const statusAt = (
  message: {
    readonly status: "ACCEPTED" | "SCHEDULED" | "NO COVERAGE" | "REJECTED" | "DELETED"
    readonly scheduledAt: number | undefined
    readonly timeline: Timeline | undefined
    readonly deletedAt?: number | undefined
  },
  now: number
): Report => {
  const { timeline } = message
  const held: Report = {
    status: message.status,
    updatedAt: message.status === "DELETED" ? message.deletedAt ?? null : null,
    errorCode: null
  }
  if (timeline === undefined || (message.status !== "ACCEPTED" && message.status !== "SCHEDULED")) return held
  if (now >= timeline.finalAt) {
    return { status: timeline.outcome, updatedAt: timeline.finalAt, errorCode: timeline.errorCode }
  }
  if (now >= timeline.sentAt) return { status: "SENT", updatedAt: timeline.sentAt, errorCode: null }
  if (message.scheduledAt !== undefined && now >= message.scheduledAt) {
    return { status: "ACCEPTED", updatedAt: message.scheduledAt, errorCode: null }
  }
  return held
}

/** Validates options given by a user; the reason when they are not valid. @internal */
export const invalid = (options: Partial<Options>): string | undefined => {
  const seconds = (name: "sentAfterSeconds" | "finalAfterSeconds") => {
    const value = options[name]
    return value === undefined || (Number.isFinite(value) && value >= 0 && value <= 14 * 86_400)
      ? undefined
      : `delivery.${name} must be a number of seconds from 0 to 14 days`
  }
  const rate = (value: number | undefined, where: string) =>
    value === undefined || (Number.isFinite(value) && value >= 0 && value <= 1)
      ? undefined
      : `${where} must be a number from 0 to 1`
  const first = seconds("sentAfterSeconds") ?? seconds("finalAfterSeconds") ??
    rate(options.failureRate, "delivery.failureRate")
  if (first !== undefined) return first
  for (const [i, rule] of (options.rules ?? []).entries()) {
    const bad = rate(rule.rate, `delivery.rules[${i}].rate`)
    if (bad !== undefined) return bad
    if (rule.channel !== undefined && !Generated.Strategy.fields.channel.literals.includes(rule.channel)) {
      return `delivery.rules[${i}].channel must be sms, viber or whatsapp`
    }
    if (rule.countryIso !== undefined && !/^[A-Za-z]{2}$/.test(rule.countryIso)) {
      return `delivery.rules[${i}].countryIso must be two letters`
    }
    if (rule.pattern !== undefined) {
      try {
        new RegExp(rule.pattern)
      } catch {
        return `delivery.rules[${i}].pattern is not a regular expression`
      }
    }
  }
  return undefined
}
