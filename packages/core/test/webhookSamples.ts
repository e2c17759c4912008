/**
 * Fully populated callback bodies, one per kind (one item shape per spec model), and the helpers
 * the webhook tests share.
 */
import { assert } from "@effect/vitest"
import { Webhooks } from "@smscx/core"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"

const UUID = "0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11"
const UUID2 = "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"

export const dlrItem = {
  campaignId: UUID,
  msgId: UUID2,
  statusCode: 2,
  status: "DELIVERED",
  errorCode: null,
  datetime: "2025-03-01 10:15:30",
  trackData: "d9428888-122b-41e6-a9b5-a1b2c3d4e5f6"
}
const receiveItem = {
  msgId: UUID,
  from: "+31612469000",
  countryIso: "NL",
  to: "3197010260000",
  text: "STOP",
  cost: 0.01,
  receivedAt: "2025-03-01T10:15:30Z"
}
export const hitItem = {
  hitId: 1234,
  shortlinkId: "aB3dE",
  url: "https://smsc.cx/aB3dE",
  device: "mobile",
  browser: "Chrome",
  browserVersion: "122.0",
  os: "Android",
  osVersion: "14",
  brand: "Samsung",
  model: "Galaxy S23",
  screenResolution: "1080x2340",
  acceptLanguage: "nl-NL,nl;q=0.9",
  referrer: null,
  ipAddress: "204.79.200.0",
  countryIso: "NL",
  city: "Amsterdam",
  datetime: "2025-03-01 10:15:30",
  phoneNumber: "+31612469000",
  campaignId: UUID,
  groupId: "1842"
}
const optoutItem = {
  hitId: 77,
  optoutId: "Xy12",
  optoutUrl: "https://smsc.cx/o/Xy12",
  optoutType: "link",
  countryIso: "NL",
  datetime: "2025-03-01 10:15:30",
  phoneNumber: "+31612469000",
  campaignId: UUID,
  groupId: null
}
export const lookupItem = {
  phoneNumber: "+31612469000",
  lookupBulkId: null,
  lookupId: UUID,
  cost: 0.005,
  mcc: "204",
  mccmnc: "20408",
  countryIso: "NL",
  countryName: "Netherlands",
  countryNameLocale: "Nederland",
  status: "ACTIVE",
  statusDescription: "The number is active",
  ported: true,
  roaming: false,
  originalNetwork: { name: "KPN", mnc: "08" },
  portedNetwork: { name: "Vodafone", mnc: "04" },
  roamingNetwork: { countryIso: null, countryName: null, mcc: null, mnc: null, name: null },
  datetime: "2025-03-01T10:15:30Z"
}
export const otpItem = {
  otpId: UUID,
  trackId: UUID2,
  phoneNumber: "+31612469000",
  countryIso: "NL",
  status: "VERIFIED",
  cost: 0.072,
  parts: 1,
  maxAttempts: 3,
  attempts: 1,
  ttl: 300,
  otpCallbackUrl: "https://example.com/hooks/otp",
  dateCreated: "2025-03-01T10:15:30Z",
  dateExpires: "2025-03-01T10:20:30Z"
}

/** A fully populated body of each kind, and the spec model it follows. */
export const samples: Record<Webhooks.Kind, { readonly body: Record<string, unknown>; readonly model: string }> = {
  dlr_update: { body: { event: "dlr_update", data: [dlrItem] }, model: "CallBackRequestDlrUpdate" },
  receive_sms: { body: { event: "receive_sms", data: [receiveItem] }, model: "CallBackRequestReceiveSms" },
  receive_viber: { body: { event: "receive_viber", data: [receiveItem] }, model: "CallBackRequestReceiveSms" },
  receive_whatsapp: { body: { event: "receive_whatsapp", data: [receiveItem] }, model: "CallBackRequestReceiveSms" },
  shortlink_hit: { body: { event: "shortlink_hit", data: [hitItem] }, model: "CallBackRequestShortlinkHit" },
  shortlink_hit_update: {
    body: { event: "shortlink_hit_update", data: [hitItem] },
    model: "CallBackRequestShortlinkHit"
  },
  attachment_hit: { body: { event: "attachment_hit", data: [hitItem] }, model: "CallBackRequestAttachmentHit" },
  attachment_hit_update: {
    body: { event: "attachment_hit_update", data: [hitItem] },
    model: "CallBackRequestAttachmentHit"
  },
  new_optout: { body: { event: "new_optout", data: [optoutItem] }, model: "CallBackRequestNewOptout" },
  // the spec's event of a number lookup is "otp_update" (a copy error of the vendor's models)
  number_lookup: { body: { event: "otp_update", data: [lookupItem] }, model: "CallBackRequestNumberLookup" },
  otp_update: { body: { event: "otp_update", data: [otpItem] }, model: "CallBackRequestOtpUpdate" }
}

export const kinds = Object.keys(samples) as Array<Webhooks.Kind>

export const decodeEither = <K extends Webhooks.Kind>(kind: K, body: unknown) =>
  Effect.either(Webhooks.decode(kind, body))

export const expectError = (
  result: Either.Either<unknown, Webhooks.WebhookDecodeError>
): Webhooks.WebhookDecodeError => {
  if (Either.isRight(result)) {
    return assert.fail(`expected a WebhookDecodeError, decoded ${JSON.stringify(result.right)}`)
  }
  assert.instanceOf(result.left, Webhooks.WebhookDecodeError)
  assert.strictEqual(result.left._tag, "WebhookDecodeError")
  return result.left
}

export const clone = <A>(a: A): A => structuredClone(a)

/** Deep equality of a decoded payload and a sample (whose enum fields are plain strings). */
export const equal = (actual: unknown, expected: unknown) => assert.deepStrictEqual(actual, expected)
