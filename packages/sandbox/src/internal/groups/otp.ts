/**
 * The Otp group: send a PIN by SMS (billed like an SMS to the destination, kept in the outbox
 * with the PIN filled in), read its status, verify it (counting wrong attempts), cancel it.
 * Each status change is POSTed to the OTP's `otpCallbackUrl` as an `otp_update` callback.
 *
 * Expiry is noticed when the OTP is next touched (status, verify, cancel), as a server without
 * a timer of its own would: the verify that finds a pending PIN past its TTL answers 2028 (the
 * PIN has expired) and marks the OTP `EXPIRED`; any later verify answers 2025 (the OTP has
 * expired). Likewise the wrong PIN that uses up the last attempt answers 2027 (max attempts
 * reached) and marks it `FAILED`; any later verify answers 2026.
 *
 * The sandbox keeps the last `maxMessages` OTPs: an older one is forgotten, and answered as an
 * unknown one (404, 2021).
 */
import type * as Api from "@smscx/core/Api"
import type * as Generated from "@smscx/core/Generated"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Delivery from "../engines/delivery.js"
import * as Links from "../engines/links.js"
import * as MessageParts from "../engines/messageParts.js"
import * as Phone from "../engines/phone.js"
import * as Placeholders from "../engines/placeholders.js"
import * as Pricing from "../engines/pricing.js"
import { SendErrors } from "../engines/sendRequests.js"
import { type ApiFailure, documented, type ErrorSpec, fail } from "../kernel/errors.js"
import type * as Fields from "../kernel/fields.js"
import * as Ids from "../kernel/ids.js"
import { fromMicros } from "../kernel/money.js"
import type * as Router from "../kernel/router.js"
import { isHttpUrl } from "../kernel/urls.js"
import type { Context } from "../state/context.js"
import * as Store from "../state/store.js"

/** The documented errors of the Otp operations. @internal */
const OtpErrors = {
  phoneNumberMissing: documented("newOtp", 2001),
  countryIsoMissing: documented("newOtp", 2002),
  countryIsoInvalid: documented("newOtp", 2003),
  fromMissing: documented("newOtp", 2004),
  fromInvalid: documented("newOtp", 2005),
  templateMissing: documented("newOtp", 2006, { message: "empty" }),
  templateWithoutPin: documented("newOtp", 2006, { message: "placeholder" }),
  ttlNotNumber: documented("newOtp", 2007),
  ttlTooLow: documented("newOtp", 2008),
  ttlTooHigh: documented("newOtp", 2009),
  maxAttemptsNotNumber: documented("newOtp", 2010),
  maxAttemptsTooLow: documented("newOtp", 2011),
  maxAttemptsTooHigh: documented("newOtp", 2012),
  pinTypeMissing: documented("newOtp", 2013),
  pinTypeInvalid: documented("newOtp", 2014),
  pinLengthNotNumber: documented("newOtp", 2015),
  pinLengthTooLow: documented("newOtp", 2016),
  pinLengthTooHigh: documented("newOtp", 2017),
  trackIdInvalid: documented("newOtp", 2018),
  callbackUrlInvalid: documented("newOtp", 2019),
  phoneNumberInvalid: documented("newOtp", 2020),
  notFound: documented("getOtpStatus", 2021),
  pinMissing: documented("verifyOtp", 2022),
  alreadyVerified: documented("verifyOtp", 2023),
  cancelled: documented("verifyOtp", 2024),
  otpExpired: documented("verifyOtp", 2025),
  otpFailed: documented("verifyOtp", 2026),
  maxAttemptsReached: documented("verifyOtp", 2027),
  pinExpired: documented("verifyOtp", 2028),
  invalidPin: documented("verifyOtp", 2029),
  alreadyCancelled: documented("cancelOtp", 2030),
  notPending: documented("cancelOtp", 2031),
  // newOtp's table documents neither; a send's rows are what the API answers for an SMS
  insufficientCredit: SendErrors.insufficientCredit,
  noCoverage: SendErrors.noCoverage,
  textTooLong: SendErrors.textTooLong
} as const

const E = OtpErrors

/**
 * What an OTP takes when the request does not say: the API takes the application's OTP
 * settings (Admin Dashboard), which the sandbox does not keep; these are its own.
 * @internal
 */
const defaults = {
  template: "Your verification code is {{pin}}",
  from: "InfoText",
  pinType: "numbers",
  pinLength: 6,
  ttl: 300,
  maxAttempts: 3
} as const

/** The characters of each `pinType`. @internal */
const pinAlphabets = {
  numbers: "0123456789",
  letters: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  alphanumeric: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
} as const

/** @internal */
type OtpStatus = Generated.DataOtp["status"]

/** An OTP as the sandbox keeps it; the PIN never leaves it but in the SMS. @internal */
interface StoredOtp {
  readonly otpId: string
  readonly trackId: string | null
  readonly phoneNumber: string
  readonly countryIso: string
  readonly pin: string
  readonly msgId: string
  readonly costMicros: number
  readonly parts: number
  readonly maxAttempts: number
  readonly ttl: number
  readonly otpCallbackUrl: string | null
  readonly createdAt: number
  readonly expiresAt: number
  status: OtpStatus
  attempts: number
}

/** The OTPs, by id. @internal */
export const Otps = Store.collection<string, StoredOtp>("otp")

const pinPattern = /\{\{\s*pin\s*\}\}/g
const hasPin = (template: string) => new RegExp(pinPattern.source).test(template)

/** An integer field with bounds: not a number, too low, too high. */
const bounded = (notNumber: ErrorSpec, min: number, tooLow: ErrorSpec, max: number, tooHigh: ErrorSpec) =>
(
  value: unknown
): ErrorSpec =>
  typeof value !== "number" || !Number.isInteger(value)
    ? notNumber
    : value < min
    ? tooLow
    : value > max
    ? tooHigh
    : notNumber

const blank = (value: unknown) => value === null || (typeof value === "string" && value.trim() === "")

/** In the order the API checks them. */
const newOtpFields: Fields.Table = [
  ["phoneNumber", { missing: E.phoneNumberMissing, invalid: E.phoneNumberMissing }],
  ["countryIso", { invalid: (v) => blank(v) ? E.countryIsoMissing : E.countryIsoInvalid }],
  ["from", { invalid: (v) => blank(v) ? E.fromMissing : E.fromInvalid }],
  ["template", { invalid: E.templateMissing }],
  ["ttl", { invalid: bounded(E.ttlNotNumber, 60, E.ttlTooLow, 1800, E.ttlTooHigh) }],
  [
    "maxAttempts",
    { invalid: bounded(E.maxAttemptsNotNumber, 1, E.maxAttemptsTooLow, 10, E.maxAttemptsTooHigh) }
  ],
  ["pinType", { invalid: (v) => blank(v) ? E.pinTypeMissing : E.pinTypeInvalid }],
  ["pinLength", { invalid: bounded(E.pinLengthNotNumber, 4, E.pinLengthTooLow, 10, E.pinLengthTooHigh) }],
  ["trackId", { invalid: E.trackIdInvalid }],
  ["otpCallbackUrl", { invalid: E.callbackUrlInvalid }]
]

const idFields: Fields.Table = [["otpId", { missing: E.notFound, invalid: E.notFound }]]

/** The API's leniencies: a phone number as a JSON number, integers as digit strings. */
const normalizeNewOtp = (raw: Record<string, unknown>): Record<string, unknown> => {
  const out = { ...raw }
  if (typeof out.phoneNumber === "number") out.phoneNumber = String(out.phoneNumber)
  for (const field of ["ttl", "maxAttempts", "pinLength"]) {
    const value = out[field]
    if (typeof value === "string" && /^\s*\d{1,6}\s*$/.test(value)) out[field] = Number(value)
  }
  return out
}

const iso = (millis: number) => new Date(millis).toISOString()

/** An OTP on the wire (status, callbacks). @internal */
const view = (otp: StoredOtp): Generated.DataOtp => ({
  otpId: otp.otpId,
  trackId: otp.trackId,
  phoneNumber: otp.phoneNumber,
  countryIso: otp.countryIso,
  status: otp.status,
  cost: fromMicros(otp.costMicros),
  parts: otp.parts,
  maxAttempts: otp.maxAttempts,
  attempts: otp.attempts,
  ttl: otp.ttl,
  otpCallbackUrl: otp.otpCallbackUrl,
  dateCreated: iso(otp.createdAt),
  dateExpires: iso(otp.expiresAt)
})

/** @internal */
export const handlers = ({ callbacks, config, store }: Context): Router.Handlers<typeof Api.Otp> => {
  const otps = () => store.records(Otps)

  /** Tells the OTP's callback URL of its new status. */
  const notify = (otp: StoredOtp) =>
    otp.otpCallbackUrl === null
      ? Effect.void
      : callbacks.post(otp.otpCallbackUrl, { event: "otp_update", data: [view(otp)] })

  /**
   * The OTP, its expiry noticed: a pending one past its TTL becomes `EXPIRED` now (`expired`
   * says so, and the callback goes out). Unknown: 2021.
   */
  const current = (otpId: string) =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const found = yield* Effect.sync(() => {
        const otp = otps().get(otpId)
        if (otp === undefined) return undefined
        const expired = otp.status === "PENDING" && now >= otp.expiresAt
        if (expired) otp.status = "EXPIRED"
        return { otp, expired }
      })
      if (found === undefined) return yield* fail(E.notFound)
      if (found.expired) yield* notify(found.otp)
      return found
    })

  const create = (input: Generated.NewOtpRequest): Effect.Effect<Generated.NewOtpResponse, ApiFailure> =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      if (input.phoneNumber.trim() === "") return yield* fail(E.phoneNumberMissing)
      if (input.countryIso !== undefined) {
        if (input.countryIso.trim() === "") return yield* fail(E.countryIsoMissing)
        if (!Phone.isCountry(input.countryIso)) return yield* fail(E.countryIsoInvalid)
      }
      const from = input.from ?? defaults.from
      if (from.trim() === "") return yield* fail(E.fromMissing)
      const template = input.template ?? defaults.template
      if (template.trim() === "") return yield* fail(E.templateMissing)
      if (!hasPin(template)) return yield* fail(E.templateWithoutPin)
      if (input.otpCallbackUrl !== undefined && !isHttpUrl(input.otpCallbackUrl)) {
        return yield* fail(E.callbackUrlInvalid)
      }
      const number = Phone.validate(input.phoneNumber, input.countryIso)
      if (number === undefined) {
        // a national number needs its country
        const national = input.countryIso === undefined && /^\s*0/.test(input.phoneNumber)
        return yield* fail(national ? E.countryIsoMissing : E.phoneNumberInvalid)
      }
      // the template's general placeholders ({{numbers:6}}, {{today}}, ...) as in any SMS
      const problem = Placeholders.check(template, Links.exists(store))
      if (problem !== undefined) {
        switch (problem._tag) {
          case "InvalidLength":
            return yield* fail(SendErrors.placeholderLength(problem.name))
          case "LengthOutOfRange":
            return yield* fail(SendErrors.placeholderRange)
          case "UnknownLink":
            return yield* fail(SendErrors.trackedLinkNotFound)
        }
      }
      const partPrice = Pricing.smsPartPrice(number.countryIso)
      if (partPrice === undefined) return yield* fail(E.noCoverage)

      const next = yield* Ids.sampler
      const pinType = input.pinType ?? defaults.pinType
      const pin = Ids.stringFrom(next, pinAlphabets[pinType], input.pinLength ?? defaults.pinLength)
      const campaignId = Ids.uuidFrom(next)
      const links = Links.issuer(store, next)
      const who: Links.Recipient = { phoneNumber: number.e164, campaignId }
      const text = Placeholders.render(template, {
        now,
        random: next,
        trackedLink: (kind, id) => links.tracked(kind, id, who),
        optoutLink: () => links.optout(who)
      }).replace(pinPattern, pin)
      const analysis = MessageParts.analyze(text)
      if (analysis.parts > MessageParts.MAX_PARTS) return yield* fail(E.textTooLong)
      const ttl = input.ttl ?? defaults.ttl
      const otp: StoredOtp = {
        otpId: Ids.uuidFrom(next),
        trackId: input.trackId ?? null,
        phoneNumber: number.e164,
        countryIso: number.countryIso,
        pin,
        msgId: Ids.uuidFrom(next),
        costMicros: partPrice * analysis.parts,
        parts: analysis.parts,
        maxAttempts: input.maxAttempts ?? defaults.maxAttempts,
        ttl,
        otpCallbackUrl: input.otpCallbackUrl ?? null,
        createdAt: now,
        expiresAt: now + ttl * 1000,
        status: "PENDING",
        attempts: 0
      }
      const message: Store.StoredMessage = {
        msgId: otp.msgId,
        campaignId,
        channel: "sms",
        service: "sms",
        timeline: yield* Delivery.plan(config.delivery, number, now),
        dlrCallbackUrl: undefined,
        // a PIN is needed now: quiet hours do not hold it
        inQuietHours: false,
        to: otp.phoneNumber,
        countryIso: otp.countryIso,
        from,
        text,
        parts: otp.parts,
        costMicros: otp.costMicros,
        status: "ACCEPTED",
        createdAt: now,
        scheduledAt: undefined,
        trackData: otp.trackId ?? undefined
      }
      const committed = yield* store.commit(
        {
          campaignId: message.campaignId,
          operation: "newOtp",
          msgIds: [message.msgId],
          scheduled: false,
          groups: [],
          createdAt: now
        },
        [message]
      )
      if (!committed) return yield* fail(E.insufficientCredit)
      yield* Effect.sync(() => {
        // the history's bound: the oldest OTPs go, and are then unknown (2021)
        store.keep(Otps, otp.otpId, otp)
        links.commit()
      })
      return view(otp)
    })

  type Verified =
    | { readonly _tag: "Verified"; readonly otp: StoredOtp }
    | { readonly _tag: "Refused"; readonly error: ErrorSpec; readonly changed?: StoredOtp }

  const verify = (otpId: string, pin: string) =>
    Effect.gen(function*() {
      if (pin.trim() === "") return yield* fail(E.pinMissing)
      const { expired, otp } = yield* current(otpId)
      if (expired) return yield* fail(E.pinExpired)
      const outcome = yield* Effect.sync((): Verified => {
        switch (otp.status) {
          case "VERIFIED":
            return { _tag: "Refused", error: E.alreadyVerified }
          case "CANCELLED":
            return { _tag: "Refused", error: E.cancelled }
          case "EXPIRED":
            return { _tag: "Refused", error: E.otpExpired }
          case "FAILED":
            return { _tag: "Refused", error: E.otpFailed }
        }
        // PINs of letters are read without regard to case, as a user types them
        if (pin.trim().toUpperCase() === otp.pin) {
          otp.status = "VERIFIED"
          return { _tag: "Verified", otp }
        }
        otp.attempts = Math.min(otp.attempts + 1, otp.maxAttempts)
        if (otp.attempts < otp.maxAttempts) return { _tag: "Refused", error: E.invalidPin }
        otp.status = "FAILED"
        return { _tag: "Refused", error: E.maxAttemptsReached, changed: otp }
      })
      if (outcome._tag === "Verified") {
        yield* notify(outcome.otp)
        return { status: "VERIFIED" }
      }
      if (outcome.changed !== undefined) yield* notify(outcome.changed)
      return yield* fail(outcome.error)
    })

  const cancel = (otpId: string) =>
    Effect.gen(function*() {
      const { otp } = yield* current(otpId)
      const error = yield* Effect.sync((): ErrorSpec | undefined => {
        if (otp.status === "CANCELLED") return E.alreadyCancelled
        if (otp.status !== "PENDING") return E.notPending
        otp.status = "CANCELLED"
        return undefined
      })
      if (error !== undefined) return yield* fail(error)
      yield* notify(otp)
      return { info: { id: otp.otpId } }
    })

  return {
    newOtp: {
      fields: newOtpFields,
      normalize: normalizeNewOtp,
      handle: ({ input }) => Effect.map(create(input), (body) => ({ body }))
    },
    getOtpStatus: {
      fields: idFields,
      handle: ({ path }) => Effect.map(current(path.otpId), ({ otp }) => ({ body: view(otp) }))
    },
    verifyOtp: {
      fields: [...idFields, ["pin", { missing: E.pinMissing, invalid: E.pinMissing }]],
      handle: ({ input, path }) => Effect.map(verify(path.otpId, input.pin), (body) => ({ body }))
    },
    cancelOtp: {
      fields: idFields,
      handle: ({ path }) => Effect.map(cancel(path.otpId), (body) => ({ body }))
    }
  }
}
