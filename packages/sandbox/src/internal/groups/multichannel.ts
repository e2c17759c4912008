/**
 * The Multichannel group: one message per recipient, tried on the channels of a `strategy` in
 * order (Viber or WhatsApp templates, then SMS last), over the shared messaging engine.
 *
 * Each recipient's path is settled when the message is accepted: the first step with coverage in
 * the recipient's country is tried first (the US has no Viber, so a US number starts on the next
 * step); a delivery the `delivery` option makes fail (a rule for `viber` stands for numbers
 * without Viber) fails over to the next step `ttl` seconds later (default 300), and so on to SMS.
 * Each attempt is priced on its channel; the answer and the reports name the channel that ends
 * it. A send holds back, besides its cost, the SMS failover of each recipient reached on another
 * channel: a balance that covers the cost but not that reserve is its own error (1130); the
 * reserve is not charged.
 */
import type * as Api from "@smscx/core/Api"
import * as Generated from "@smscx/core/Generated"
import * as Effect from "effect/Effect"
import { isRecord } from "effect/Predicate"
import { channelsOf } from "../engines/channels.js"
import * as Messaging from "../engines/messaging.js"
import * as SendRequests from "../engines/sendRequests.js"
import * as Sends from "../engines/sends.js"
import * as TemplateSends from "../engines/templateSends.js"
import { documented, type ErrorSpec, fail, Generic, spec } from "../kernel/errors.js"
import type * as Fields from "../kernel/fields.js"
import type * as Router from "../kernel/router.js"
import type { Context } from "../state/context.js"

/** The documented errors of the strategy, the ttl and the failover. @internal */
const MultichannelErrors = {
  fromInvalid: documented("sendMultichannelMessage", 1106),
  shortOfFailover: documented("sendMultichannelMessage", 1130),
  ttlNotNumber: documented("sendMultichannelMessage", 1124),
  ttlTooSmall: documented("sendMultichannelMessage", 1125),
  ttlTooLarge: documented("sendMultichannelMessage", 1134),
  strategyMissing: documented("sendMultichannelMessage", 1120),
  strategyTooShort: documented("sendMultichannelMessage", 1121),
  smsNotLast: documented("sendMultichannelMessage", 1122),
  channelInvalid: documented("sendMultichannelMessage", 1123),
  duplicateChannels: documented("sendMultichannelMessage", 1129),
  channelsNotActive: documented("sendMultichannelMessage", 1131)
} as const

const M = MultichannelErrors
const E = SendRequests.SendErrors
const T = TemplateSends.TemplateErrors

/** `from` is at most 11 characters here (the schema allows 15; the table says 11). */
const MAX_FROM = 11
const TTL = { min: 300, max: 1_209_600, default: 300 } as const

/** The channels a strategy step may name, as the spec's `Strategy` schema lists them. */
const channels: ReadonlySet<string> = new Set(Generated.Strategy.fields.channel.literals)

/** What is wrong with a strategy, in the order the table lists its rows; undefined when nothing. */
const strategyProblem = (raw: unknown): ErrorSpec | undefined => {
  if (!Array.isArray(raw) || raw.length === 0) return M.strategyMissing
  if (raw.some((step) => !isRecord(step) || typeof step.channel !== "string" || !channels.has(step.channel))) {
    return M.channelInvalid
  }
  const steps = raw as ReadonlyArray<Record<string, unknown>>
  if (steps.length < 2) return M.strategyTooShort
  if (new Set(steps.map((s) => s.channel)).size < steps.length) return M.duplicateChannels
  if (steps[steps.length - 1]!.channel !== "sms") return M.smsNotLast
  for (const step of steps) {
    if (step.channel === "sms") {
      if (typeof step.text !== "string" || step.text.trim() === "") return E.textMissing
    } else if (step.templateId === undefined || step.templateId === null) {
      return T.templateIdMissing
    } else if (typeof step.templateId !== "number" || !Number.isInteger(step.templateId)) {
      return T.templateIdInvalid
    }
  }
  return undefined
}

const ttlProblem = (raw: unknown): ErrorSpec | undefined => {
  if (raw === undefined) return undefined
  if (typeof raw !== "number" || !Number.isInteger(raw)) return M.ttlNotNumber
  return raw < TTL.min ? M.ttlTooSmall : raw > TTL.max ? M.ttlTooLarge : undefined
}

const strategyFields: Fields.Table = [
  ["strategy", { missing: M.strategyMissing, invalid: (v) => strategyProblem(v) ?? Generic.invalidParam("strategy") }],
  ["ttl", { invalid: (v) => ttlProblem(v) ?? M.ttlNotNumber }]
]

const commonFields: Fields.Table = [
  ["from", { missing: E.fromMissing, invalid: (v) => v === "" ? E.fromMissing : M.fromInvalid }],
  ...SendRequests.commonFields.filter(([path]) => path !== "from"),
  ...strategyFields
]

type Strategy = ReadonlyArray<{
  readonly channel: "viber" | "whatsapp" | "sms"
  readonly templateId?: number | undefined
  readonly text?: string | undefined
}>

/** @internal */
export const handlers = (context: Context): Router.Handlers<typeof Api.Multichannel> => {
  const { config, store } = context
  const engine = Sends.engineOf(context)

  /** The send a strategy describes, once every check no schema states has passed. */
  const multichannel = (
    operation: string,
    input: { readonly from: string; readonly strategy: Strategy; readonly ttl?: number | undefined }
  ) =>
    Effect.gen(function*() {
      const problem = strategyProblem(input.strategy) ?? ttlProblem(input.ttl)
      if (problem !== undefined) return yield* fail(problem)
      if (input.from.trim().length > MAX_FROM) return yield* fail(M.fromInvalid)
      const active = channelsOf(store, config)
      const inactive = [
        ...(active.multichannel ? [] : ["multichannel"]),
        ...input.strategy.map((s) => s.channel).filter((c) => !active[c])
      ]
      if (inactive.length > 0) {
        return yield* fail(spec(
          M.channelsNotActive.status,
          M.channelsNotActive.type,
          M.channelsNotActive.code,
          `${M.channelsNotActive.message} ${inactive.join(", ")}`
        ))
      }
      const steps = yield* Effect.forEach(input.strategy, (step) =>
        step.channel === "sms"
          ? Effect.succeed({ channel: "sms" as const, text: step.text! })
          : Effect.map(TemplateSends.templateText(store, step.channel, step.templateId!), (text) => ({
            channel: step.channel,
            text
          })))
      return {
        operation,
        service: "multichannel",
        steps,
        ttlSeconds: input.ttl ?? TTL.default
      } satisfies Sends.Send<"multichannel">
    })

  const mode = (commit: boolean): Sends.Mode => ({ commit, shortOfFailover: M.shortOfFailover })
  const toFields: Fields.Table = [SendRequests.toField, ...commonFields]
  const groupFields: Fields.Table = [SendRequests.groupsField, ...commonFields]
  return {
    sendMultichannelMessage: {
      fields: toFields,
      normalize: SendRequests.normalizeNumbers,
      handle: ({ input }) =>
        multichannel("sendMultichannelMessage", input).pipe(
          Effect.flatMap((send) => Messaging.toNumbers(engine, send, input, mode(true))),
          Effect.map((body) => ({ body }))
        )
    },
    estimateMultichannelMessage: {
      fields: toFields,
      normalize: SendRequests.normalizeNumbers,
      handle: ({ input }) =>
        multichannel("estimateMultichannelMessage", input).pipe(
          Effect.flatMap((send) => Messaging.toNumbers(engine, send, input, mode(false))),
          Effect.map((body) => ({ body }))
        )
    },
    sendMultichannelCampaign: {
      fields: groupFields,
      handle: ({ input }) =>
        multichannel("sendMultichannelCampaign", input).pipe(
          Effect.flatMap((send) => Messaging.toGroups(engine, send, input, mode(true))),
          Effect.map((body) => ({ body }))
        )
    },
    estimateMultichannelCampaign: {
      fields: groupFields,
      handle: ({ input }) =>
        multichannel("estimateMultichannelCampaign", input).pipe(
          Effect.flatMap((send) => Messaging.toGroups(engine, send, input, mode(false))),
          Effect.map((body) => ({ body }))
        )
    },
    deleteScheduledMultichannelMessage: {
      fields: [["msgId", { missing: E.msgIdInvalid, invalid: E.msgIdInvalid }]],
      handle: ({ path }) =>
        Effect.map(Messaging.deleteScheduledMessage(store, "multichannel", path.msgId), (body) => ({ body }))
    },
    deleteScheduledMultichannelCampaign: {
      fields: [["campaignId", { missing: E.campaignIdInvalid, invalid: E.campaignIdInvalid }]],
      handle: ({ path }) =>
        Effect.map(Messaging.deleteScheduledCampaign(store, "multichannel", path.campaignId), (body) => ({ body }))
    }
  }
}
