/**
 * Webhooks: every kind of callback decodes a fully populated payload (checked against the spec's
 * own schema) to the same value; unknown fields and enum values never fail; anything else is a
 * WebhookDecodeError with a short message naming the path, never a throw, whatever the body.
 */
import { assert, describe, it } from "@effect/vitest"
import { Webhooks } from "@smscx/core"
import addFormatsModule from "ajv-formats"
import Ajv2020Module from "ajv/dist/2020.js"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import type * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import { readFileSync } from "node:fs"
import { propertyRuns } from "./propertyRuns.js"

const Ajv2020 = Ajv2020Module.default
const addFormats = addFormatsModule.default

const spec = JSON.parse(readFileSync(new URL("../../../spec/smscx-openapi.json", import.meta.url), "utf8"))
const SPEC_ID = "https://smscx.test/smscx-openapi.json"
const ajv = new Ajv2020({ strict: false, allErrors: true })
addFormats(ajv)
ajv.addSchema(spec, SPEC_ID)

// ---------------------------------------------------------------------------
// fully populated samples, one item shape per spec model
// ---------------------------------------------------------------------------

const UUID = "0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11"
const UUID2 = "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"

const dlrItem = {
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
const hitItem = {
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
const lookupItem = {
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
const otpItem = {
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
const samples: Record<Webhooks.Kind, { readonly body: Record<string, unknown>; readonly model: string }> = {
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

const kinds = Object.keys(samples) as Array<Webhooks.Kind>

/** The paths of the properties a schema describes that a value lacks (optional ones too). */
const missingProperties = (ast: AST.AST, value: unknown, path = ""): Array<string> => {
  if (typeof value !== "object" || value === null) return []
  switch (ast._tag) {
    case "TypeLiteral":
      return ast.propertySignatures.flatMap((ps) =>
        Object.hasOwn(value, ps.name)
          ? missingProperties(ps.type, (value as Record<PropertyKey, unknown>)[ps.name], `${path}.${String(ps.name)}`)
          : [`${path}.${String(ps.name)}`]
      )
    case "TupleType":
      return Array.isArray(value) && value.length > 0 && ast.rest[0] !== undefined
        ? value.flatMap((v, i) => missingProperties(ast.rest[0]!.type, v, `${path}[${i}]`))
        : [`${path}[0]`]
    case "Union":
      return ast.types.flatMap((member) => missingProperties(member, value, path))
    case "Refinement":
      return missingProperties(ast.from, value, path)
    default:
      return []
  }
}

const decodeEither = <K extends Webhooks.Kind>(kind: K, body: unknown) => Effect.either(Webhooks.decode(kind, body))

const expectError = (result: Either.Either<unknown, Webhooks.WebhookDecodeError>): Webhooks.WebhookDecodeError => {
  if (Either.isRight(result)) {
    return assert.fail(`expected a WebhookDecodeError, decoded ${JSON.stringify(result.right)}`)
  }
  assert.instanceOf(result.left, Webhooks.WebhookDecodeError)
  assert.strictEqual(result.left._tag, "WebhookDecodeError")
  return result.left
}

const nested = (depth: number): unknown => {
  let value: unknown = "bottom"
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value }
  return value
}

const clone = <A>(a: A): A => structuredClone(a)

/** Deep equality of a decoded payload and a sample (whose enum fields are plain strings). */
const equal = (actual: unknown, expected: unknown) => assert.deepStrictEqual(actual, expected)

// ---------------------------------------------------------------------------

describe("Webhooks: the kinds", () => {
  it("cover the spec's 7 webhooks and every CallbackEventTypes value, and nothing else", () => {
    const expected = new Set([...Object.keys(spec.webhooks), ...spec.components.schemas.CallbackEventTypes.enum])
    assert.deepStrictEqual([...Webhooks.kinds].sort(), [...expected].sort())
    assert.deepStrictEqual(Object.keys(spec.webhooks).sort(), [
      "attachment_hit",
      "dlr_update",
      "new_optout",
      "number_lookup",
      "otp_update",
      "receive_sms",
      "shortlink_hit"
    ])
    assert.isTrue(Webhooks.isKind("dlr_update"))
    for (const notAKind of ["constructor", "__proto__", "toString", "DLR_UPDATE", "", 1, null]) {
      assert.isFalse(Webhooks.isKind(notAKind), String(notAKind))
    }
  })

  it("each webhook's schema follows the component its body references in the spec", () => {
    for (const [kind, webhook] of Object.entries<any>(spec.webhooks)) {
      const ref: string = webhook.post.requestBody.content["application/json"].schema.$ref
      assert.strictEqual(ref.split("/").at(-1), samples[kind as Webhooks.Kind].model, kind)
    }
  })

  it("each kind's `event`: the spec's literals and optionality, pinned to the kind", () => {
    const eventOf = (kind: Webhooks.Kind) => {
      const ast = Webhooks.schemas[kind].ast as AST.TypeLiteral
      const event = ast.propertySignatures.find((ps) => ps.name === "event")!
      const literals = (t: AST.AST): Array<unknown> =>
        AST.isUnion(t) ? t.types.flatMap(literals) : AST.isLiteral(t) ? [t.literal] : []
      return { literals: literals(event.type).sort(), optional: event.isOptional }
    }
    const specEventOf = (model: string) => {
      const schema = spec.components.schemas[model]
      return { literals: [...schema.properties.event.enum].sort(), optional: !schema.required.includes("event") }
    }
    for (const kind of kinds) {
      const mine = eventOf(kind)
      const fromSpec = specEventOf(samples[kind].model)
      assert.include(mine.literals, kind, kind)
      assert.strictEqual(mine.optional, fromSpec.optional, kind)
      if (kind in spec.webhooks) {
        // number_lookup: the spec's "otp_update" (a copy error), and the event its name says
        const extra = kind === "number_lookup" ? ["number_lookup"] : []
        assert.deepStrictEqual(mine.literals, [...fromSpec.literals, ...extra].sort(), kind)
      } else {
        assert.deepStrictEqual(mine.literals, [kind], kind)
        if (kind.endsWith("_update")) assert.include(fromSpec.literals, kind)
      }
    }
  })

  for (const kind of kinds) {
    const { body, model } = samples[kind]
    it(`${kind}: the sample is fully populated and valid against the spec's ${model}`, () => {
      const schema: Schema.Schema.AnyNoContext = Webhooks.schemas[kind]
      assert.deepStrictEqual(missingProperties(schema.ast, body), [])
      // receive_viber / receive_whatsapp have no model of their own: the receive_sms one, but for `event`
      const asSpec = kind === "receive_viber" || kind === "receive_whatsapp" ? { ...body, event: "receive_sms" } : body
      const validate = ajv.getSchema(`${SPEC_ID}#/components/schemas/${model}`)!
      const errors = validate(asSpec) ? [] : (validate.errors ?? []).filter((e) => e.keyword !== "format")
      assert.deepStrictEqual(errors, [])
    })

    it.effect(`${kind}: a fully populated payload decodes to the same value, from JSON text, bytes or parsed`, () =>
      Effect.gen(function*() {
        const text = JSON.stringify(body)
        assert.deepStrictEqual(yield* Webhooks.decode(kind, clone(body)), body)
        assert.deepStrictEqual(yield* Webhooks.decode(kind, text), body)
        assert.deepStrictEqual(yield* Webhooks.decode(kind, new TextEncoder().encode(text)), body)
      }))

    it.effect(`${kind}: generated payloads (seeded) decode to themselves`, () =>
      Effect.gen(function*() {
        const schema = Webhooks.schemas[kind] as Schema.Schema<unknown>
        const values = FastCheck.sample(Arbitrary.make(schema), { seed: 20250301, numRuns: propertyRuns(25) })
        for (const value of values) assert.deepStrictEqual(yield* Webhooks.decode(kind, value), value)
      }))
  }
})

describe("Webhooks: what the API may add never fails", () => {
  it.effect("unknown fields are kept, at the top level and in items", () =>
    Effect.gen(function*() {
      const body = {
        event: "dlr_update",
        sentAt: 1740824130,
        data: [{ ...dlrItem, carrier: { name: "KPN" }, parts: 2 }]
      }
      const payload = yield* Webhooks.decode("dlr_update", JSON.stringify(body))
      equal(payload, body)
      assert.deepStrictEqual((payload as Record<string, unknown>).sentAt, 1740824130)
      assert.deepStrictEqual((payload.data[0] as Record<string, unknown>).carrier, { name: "KPN" })
    }))

  it.effect("enum values the SDK does not know decode as they are; the event stays strict", () =>
    Effect.gen(function*() {
      const dlr = yield* Webhooks.decode("dlr_update", {
        event: "dlr_update",
        data: [{ ...dlrItem, status: "QUEUED" }]
      })
      assert.strictEqual(dlr.data[0]!.status, "QUEUED")
      const hit = yield* Webhooks.decode("shortlink_hit", {
        event: "shortlink_hit",
        data: [{ ...hitItem, device: "tv" }]
      })
      assert.strictEqual(hit.data[0]!.device, "tv")
      const otp = yield* Webhooks.decode("otp_update", {
        event: "otp_update",
        data: [{ ...otpItem, status: "BLOCKED" }]
      })
      assert.strictEqual(otp.data[0]!.status, "BLOCKED")
      const error = expectError(yield* decodeEither("dlr_update", { event: "dlr_updated", data: [dlrItem] }))
      assert.deepStrictEqual(error.issues.map((i) => i.path), [["event"]])
      // an enum field still has to be a string
      const notString = expectError(yield* decodeEither("dlr_update", { data: [{ ...dlrItem, status: 3 }] }))
      assert.deepStrictEqual(notString.issues.map((i) => i.path), [["data", 0, "status"]])
    }))

  it.effect("`event` keeps the spec's optionality: required for shortlink and attachment hits only", () =>
    Effect.gen(function*() {
      equal(yield* Webhooks.decode("dlr_update", { data: [dlrItem] }), { data: [dlrItem] })
      const error = expectError(yield* decodeEither("shortlink_hit", { data: [hitItem] }))
      assert.deepStrictEqual(error.issues, [{ path: ["event"], message: "is missing" }])
    }))

  it.effect("shortlink_hit takes both of its events; shortlink_hit_update only its own", () =>
    Effect.gen(function*() {
      const update = samples.shortlink_hit_update.body
      equal(yield* Webhooks.decode("shortlink_hit", update), update)
      expectError(yield* decodeEither("shortlink_hit_update", samples.shortlink_hit.body))
      expectError(yield* decodeEither("attachment_hit_update", samples.attachment_hit.body))
    }))

  it.effect("number_lookup takes the spec's event (otp_update) and the one its name says", () =>
    Effect.gen(function*() {
      const body = { event: "number_lookup", data: [lookupItem] }
      equal(yield* Webhooks.decode("number_lookup", body), body)
    }))
})

describe("Webhooks: bodies that do not fit", () => {
  it.effect("a missing required field: the error names its path", () =>
    Effect.gen(function*() {
      const { msgId: _, ...withoutMsgId } = dlrItem
      const error = expectError(
        yield* decodeEither("dlr_update", { event: "dlr_update", data: [dlrItem, withoutMsgId] })
      )
      assert.strictEqual(error.kind, "dlr_update")
      assert.deepStrictEqual(error.issues, [{ path: ["data", 1, "msgId"], message: "is missing" }])
      assert.include(error.message, "data[1].msgId: is missing")
    }))

  it.effect("a wrong type: the error names the path, with a short excerpt of the value", () =>
    Effect.gen(function*() {
      const error = expectError(
        yield* decodeEither("otp_update", { data: [{ ...otpItem, attempts: "one", ttl: 5 }] })
      )
      assert.deepStrictEqual(error.issues.map((i) => i.path), [["data", 0, "attempts"], ["data", 0, "ttl"]])
      assert.include(error.message, "data[0].attempts")
      assert.include(error.message, `actual "one"`)
      assert.include(error.message, "data[0].ttl")
    }))

  it.effect("a 10 MB string gives a message under 1,000 characters, with an excerpt only", () =>
    Effect.gen(function*() {
      const huge = "x".repeat(10_000_000)
      for (
        const body of [{ data: [{ ...dlrItem, msgId: huge }] }, {
          data: [{ ...dlrItem, status: 1, msgId: huge, campaignId: huge }]
        }]
      ) {
        const error = expectError(yield* decodeEither("dlr_update", body))
        assert.isBelow(error.message.length, 1_000)
        assert.include(error.message, "data[0].msgId")
        assert.include(error.message, "10000000 characters")
        for (const issue of error.issues) assert.isBelow(issue.message.length, 300)
      }
      // as the raw body: the JSON parse error is clipped as well
      const text = expectError(yield* decodeEither("dlr_update", huge))
      assert.isBelow(text.message.length, 1_000)
      assert.isBelow(String(text).length, 2_000)
    }))

  it.effect("a value nested 100,000 deep gives a WebhookDecodeError, not a stack overflow", () =>
    Effect.gen(function*() {
      const deep = nested(100_000)
      for (
        const body of [
          deep,
          { data: deep },
          { event: deep, data: [] },
          { data: [{ ...dlrItem, msgId: deep }] },
          { data: [deep] }
        ]
      ) {
        const error = expectError(yield* decodeEither("dlr_update", body))
        assert.isBelow(error.message.length, 1_000)
      }
      // the same as JSON text
      const text = "[".repeat(100_000) + "]".repeat(100_000)
      expectError(yield* decodeEither("dlr_update", text))
      expectError(yield* Effect.either(Webhooks.decodeAny(`{"event":"dlr_update","data":${text}}`)))
      // kept, not walked, where an unknown field may be anything
      const kept = yield* Webhooks.decode("dlr_update", { data: [], extra: deep })
      assert.strictEqual((kept as Record<string, unknown>).extra, deep)
    }))

  it.effect("bad JSON, a non-object body, bad UTF-8: a WebhookDecodeError at the root", () =>
    Effect.gen(function*() {
      for (
        const body of [
          "{bad",
          "",
          "null",
          "[]",
          "42",
          `"text"`,
          null,
          undefined,
          42,
          [],
          [samples.dlr_update.body],
          true
        ]
      ) {
        const error = expectError(yield* decodeEither("dlr_update", body))
        assert.deepStrictEqual(error.issues.map((i) => i.path), [[]], JSON.stringify(body))
        assert.strictEqual(error.kind, "dlr_update")
        if (body !== "{bad" && body !== "") {
          assert.include(error.message, "Expected a JSON object", JSON.stringify(body))
        }
      }
      const bytes = expectError(yield* decodeEither("dlr_update", new Uint8Array([0x7b, 0xff, 0x7d])))
      assert.include(bytes.message, "not UTF-8")
      assert.include(expectError(yield* decodeEither("dlr_update", "{bad")).message, "not JSON")
    }))

  it.effect("a body that throws when read (getter, Proxy) is a WebhookDecodeError, not a throw", () =>
    Effect.gen(function*() {
      const getter = {
        event: "dlr_update",
        get data(): unknown {
          throw new Error("boom")
        }
      }
      expectError(yield* decodeEither("dlr_update", getter))
      const proxy = new Proxy({}, {
        ownKeys: () => {
          throw new Error("boom")
        },
        get: () => {
          throw new Error("boom")
        }
      })
      expectError(yield* decodeEither("dlr_update", proxy))
      expectError(yield* Effect.either(Webhooks.decodeAny(proxy)))
    }))

  it.effect("an unknown kind is a WebhookDecodeError, not a throw", () =>
    Effect.gen(function*() {
      const error = expectError(yield* decodeEither("dlr" as Webhooks.Kind, samples.dlr_update.body))
      assert.include(error.message, "Unknown webhook kind")
      assert.strictEqual(error.kind, "dlr")
    }))

  it.effect("issues are capped, and the message stays a few lines", () =>
    Effect.gen(function*() {
      const data = Array.from({ length: 200 }, () => ({ ...dlrItem, msgId: 1, campaignId: 2 }))
      const error = expectError(yield* decodeEither("dlr_update", { data }))
      assert.strictEqual(error.issues.length, 100)
      // a headline, the first five issues, and the count of the others
      assert.isAtMost(error.message.split("\n").length, 7)
      assert.include(error.message, "(and 395 more issues)")
    }))
})

describe("Webhooks.decodeAny", () => {
  for (const kind of kinds) {
    it.effect(`picks ${kind} by the body's event`, () =>
      Effect.gen(function*() {
        const { body } = samples[kind]
        const payload = yield* Webhooks.decodeAny(JSON.stringify(body))
        assert.deepStrictEqual(payload, body)
        // decoded as that kind: its own schema accepts the result
        assert.deepStrictEqual(yield* Webhooks.decode(kind, payload), body)
      }))
  }

  it.effect("tells otp_update from number_lookup by their items, and reports the kind it picked", () =>
    Effect.gen(function*() {
      const lookup = yield* Webhooks.decodeAny(samples.number_lookup.body)
      assert.isTrue(lookup.data.every((item) => "lookupId" in item))
      const otp = yield* Webhooks.decodeAny(samples.otp_update.body)
      assert.isTrue(otp.data.every((item) => "otpId" in item))
      // a lookup item with a bad field: the error is the number_lookup one, naming that field
      const error = expectError(
        yield* Effect.either(Webhooks.decodeAny({ event: "otp_update", data: [{ ...lookupItem, ported: "yes" }] }))
      )
      assert.strictEqual(error.kind, "number_lookup")
      assert.deepStrictEqual(error.issues.map((i) => i.path), [["data", 0, "ported"]])
      assert.deepStrictEqual(yield* Webhooks.decodeAny({ event: "otp_update", data: [] }), {
        event: "otp_update",
        data: []
      })
    }))

  it.effect("rejects an unknown or missing event, with kind \"auto\"", () =>
    Effect.gen(function*() {
      for (
        const event of ["dlr_updated", "DLR_UPDATE", "constructor", "__proto__", "x".repeat(100_000), 7, null, [
          "dlr_update"
        ]]
      ) {
        const error = expectError(yield* Effect.either(Webhooks.decodeAny({ event, data: [dlrItem] })))
        assert.strictEqual(error.kind, "auto")
        assert.deepStrictEqual(error.issues.map((i) => i.path), [["event"]])
        assert.isBelow(error.message.length, 1_000)
        assert.include(error.message, "Unknown webhook event")
      }
      const missing = expectError(yield* Effect.either(Webhooks.decodeAny({ data: [dlrItem] })))
      assert.deepStrictEqual(missing.issues.map((i) => i.path), [["event"]])
      expectError(yield* Effect.either(Webhooks.decodeAny("{bad")))
    }))
})

describe("Webhooks: a sender never chooses a prototype", () => {
  /** What a hostile prototype would lend: every field of each kind, and a few more. */
  const lent = (body: Record<string, unknown>) => {
    const item = (body.data as Array<Record<string, unknown>>)[0]!
    const fields = [...Object.keys(body), ...Object.keys(item), "trackData", "event", "toString", "valueOf"]
    return Object.fromEntries(fields.map((field) => [field, { $ne: null }]))
  }

  /** Every object in a decoded payload is a plain object or array, with no `__proto__` key of its own. */
  const assertPlain = (value: unknown, path = "payload"): void => {
    if (typeof value !== "object" || value === null) return
    const proto = Object.getPrototypeOf(value)
    assert.isTrue(proto === Object.prototype || proto === Array.prototype, `${path} has a foreign prototype`)
    assert.isFalse(Object.hasOwn(value, "__proto__"), `${path} keeps a __proto__ key`)
    for (const [key, child] of Object.entries(value)) assertPlain(child, `${path}.${key}`)
  }

  for (const kind of kinds) {
    it.effect(`${kind}: "__proto__" in the body and its items decides nothing`, () =>
      Effect.gen(function*() {
        const body = clone(samples[kind].body)
        const hostile = JSON.stringify(lent(body))
        // the body's own optional fields left out, so that a prototype would lend them
        const item = { ...(body.data as Array<Record<string, unknown>>)[0]! }
        delete item.trackData
        const text = JSON.stringify({ ...body, data: [item, item] })
          .replace(/^\{/, `{"__proto__":${hostile},`)
          .replace(/\[\{/, `[{"__proto__":null,`)
          .replace(/\},\{/, `},{"__proto__":${hostile},`)
        // as text, as bytes, and as what JSON.parse made of it (an own "__proto__" key)
        for (const input of [text, new TextEncoder().encode(text), JSON.parse(text)]) {
          const payload = (yield* Webhooks.decode(kind, input)) as unknown as Record<string, unknown>
          assertPlain(payload)
          const items = payload.data as Array<Record<string, unknown>>
          assert.strictEqual(items.length, 2)
          for (const decoded of [payload, ...items]) {
            for (const field of Object.keys(lent(body))) {
              if (!Object.hasOwn(decoded, field)) {
                assert.notDeepEqual(decoded[field], { $ne: null }, `${kind}: ${field} read from a prototype`)
              }
            }
            assert.isString(String(decoded))
          }
          assert.isUndefined(items[0]!.trackData)
          const any = (yield* Webhooks.decodeAny(input)) as unknown as Record<string, unknown>
          assertPlain(any)
          assert.strictEqual(any.event, body.event)
        }
        // the caller's parsed body is left as it was
        const parsed = JSON.parse(text)
        yield* Webhooks.decode(kind, parsed)
        assert.isTrue(Object.hasOwn(parsed, "__proto__"))
      }))
  }

  it.effect("an escaped \"\\u005f_proto__\" key is the same key, and decides nothing either", () =>
    Effect.gen(function*() {
      const text = JSON.stringify({ data: [dlrItem] }).replace(/^\{/, `{"\\u005f_proto__":{"event":"otp_update"},`)
      const payload = yield* Webhooks.decode("dlr_update", text)
      assertPlain(payload)
      assert.isUndefined(payload.event)
    }))

  it.effect("\"constructor\" and \"prototype\" are fields like any other", () =>
    Effect.gen(function*() {
      const text = JSON.stringify({
        constructor: { prototype: { event: "otp_update" } },
        prototype: { event: "otp_update" },
        data: [{ ...dlrItem, constructor: { prototype: { trackData: "x" } } }]
      })
      const payload = (yield* Webhooks.decode("dlr_update", text)) as unknown as Record<string, unknown>
      assertPlain(payload)
      assert.isUndefined(payload.event)
      assert.strictEqual(Object.getPrototypeOf(payload), Object.prototype)
      assert.isUndefined(({} as Record<string, unknown>).event)
    }))
})
