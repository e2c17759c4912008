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
import type { Timeline } from "../state/timeline.js"
import type { DeliveryOptions as Options } from "../state/types.js"

/** The reading of a timeline, with the planning of it here. @internal */
export { type Status, statusAt, statusCodes, type Timeline } from "../state/timeline.js"

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

/** @internal */
export type { DeliveryOptions as Options } from "../state/types.js"

/** @internal */
export const defaults: Options = { sentAfterSeconds: 1, finalAfterSeconds: 5, failureRate: 0, rules: [] }

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
): Effect.Effect<Timeline> => {
  const rate = failureRateOf(options, recipient.e164, recipient.countryIso, channel)
  // a draw only when the share is between 0 and 1: one recipient of many is planned in no time
  return rate >= 1 || rate <= 0
    ? Effect.succeed(timelineOf(options, start, channel, rate >= 1))
    : Effect.map(Random.next, (draw) => timelineOf(options, start, channel, draw < rate))
}

/**
 * The share of a number's deliveries on a channel that fail: `plan` without its draw, for a loop
 * that plans many messages in plain code and draws only when the share is between 0 and 1.
 * @internal
 */
export const failureRate = (
  options: Options,
  recipient: { readonly e164: string; readonly countryIso: string },
  channel: "sms" | "viber" | "whatsapp"
): number => failureRateOf(options, recipient.e164, recipient.countryIso, channel)

/** The timeline of a message accepted at `start` that fails or not. @internal */
export const timelineOf = (
  options: Options,
  start: number,
  channel: "sms" | "viber" | "whatsapp",
  failed: boolean
): Timeline => ({
  sentAt: start + options.sentAfterSeconds * 1000,
  finalAt: start + Math.max(options.finalAfterSeconds, options.sentAfterSeconds) * 1000,
  outcome: failed ? "FAILED" : "DELIVERED",
  errorCode: failed ? (channel === "sms" ? FailureCodes.absentSubscriber : FailureCodes.noChannelAccount) : null
})

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
