/**
 * Webhooks: every kind of callback decodes a fully populated payload (checked against the spec's
 * own schema) to the same value; unknown fields and enum values never fail; `decodeAny` picks the
 * kind by the body's `event`. (Bodies that do not fit: WebhookBodies.test.ts.)
 */
import { assert, describe, it } from "@effect/vitest"
import { Webhooks } from "@smscx/core"
import addFormatsModule from "ajv-formats"
import Ajv2020Module from "ajv/dist/2020.js"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import type * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"
import { readFileSync } from "node:fs"
import { propertyRuns } from "./propertyRuns.js"
import {
  clone,
  decodeEither,
  dlrItem,
  equal,
  expectError,
  hitItem,
  kinds,
  lookupItem,
  otpItem,
  samples
} from "./webhookSamples.js"

const Ajv2020 = Ajv2020Module.default
const addFormats = addFormatsModule.default

const spec = JSON.parse(readFileSync(new URL("../../../spec/smscx-openapi.json", import.meta.url), "utf8"))
const SPEC_ID = "https://smscx.test/smscx-openapi.json"
const ajv = new Ajv2020({ strict: false, allErrors: true })
addFormats(ajv)
ajv.addSchema(spec, SPEC_ID)

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

// ---------------------------------------------------------------------------

describe("Webhooks: the kinds", () => {
  it("isKind takes the kinds, and nothing a body could smuggle in", () => {
    for (const kind of Webhooks.kinds) assert.isTrue(Webhooks.isKind(kind), kind)
    for (const notAKind of ["constructor", "__proto__", "toString", "DLR_UPDATE", "", 1, null]) {
      assert.isFalse(Webhooks.isKind(notAKind), String(notAKind))
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
