/**
 * What a send request takes, alike for every channel: the documented errors every send shares,
 * the field rules of recipients and common options, and the API's leniencies before validation.
 */
import { documented, type ErrorSpec, Generic, spec } from "../kernel/errors.js"
import type * as Fields from "../kernel/fields.js"
import * as MessageParts from "./messageParts.js"
import type * as Placeholders from "./placeholders.js"

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
