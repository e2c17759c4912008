/**
 * Contract tests: the Effect schemas of every operation entry in `Api` against the reference
 * OpenAPI document (`spec/smscx-openapi.json`), checked by a JSON Schema 2020-12 validator.
 *
 * - every request the Effect input schema accepts, the spec's request schema accepts (what the
 *   SDK lets through validation must be a request the API takes);
 * - every answer the Effect success schema describes, the spec's 200 schema accepts (what the
 *   sandbox answers with, generated from these schemas, must be an answer the API could give);
 * - request schemas round-trip through their wire form.
 */
import { assert, describe, it } from "@effect/vitest"
import { Api, Generated } from "@smscx/core"
import type * as Operation from "@smscx/core/Operation"
import addFormatsModule from "ajv-formats"
import Ajv2020Module from "ajv/dist/2020.js"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import { readFileSync } from "node:fs"
import { fixSchemas } from "../../../scripts/spec-fixes.js"
import { propertyRuns } from "./propertyRuns.js"

// ajv and ajv-formats are CommonJS modules whose default export is `exports.default`
const Ajv2020 = Ajv2020Module.default
const addFormats = addFormatsModule.default

// the spec as the generated schemas read it: with the documented fixes of scripts/spec-fixes.ts
const rawSpec = JSON.parse(readFileSync(new URL("../../../spec/smscx-openapi.json", import.meta.url), "utf8"))
const spec = { ...rawSpec, components: { ...rawSpec.components, schemas: fixSchemas(rawSpec.components.schemas) } }

const SPEC_ID = "https://smscx.test/smscx-openapi.json"
const ajv = new Ajv2020({ strict: false, allErrors: true })
addFormats(ajv)
// the whole document, so that every `#/components/schemas/...` reference resolves
ajv.addSchema(spec, SPEC_ID)

const pointer = (...segments: ReadonlyArray<string>) =>
  segments.map((s) => "/" + s.replace(/~/g, "~0").replace(/\//g, "~1")).join("")

const validatorAt = (...segments: ReadonlyArray<string>) => {
  const validate = ajv.getSchema(`${SPEC_ID}#${pointer(...segments)}`)
  if (validate === undefined) throw new Error(`no schema at ${pointer(...segments)}`)
  return validate
}

/**
 * The generated Effect schemas keep plain strings where the spec adds `format: date-time` or
 * `format: uri` (see the report: `scheduledDate` is documented as `YYYY-MM-DD HH:MM:SS`, which
 * RFC 3339 `date-time` rejects). Those format failures, and only those, are tolerated.
 */
const UNENFORCED_FORMATS: ReadonlySet<string> = new Set(["date-time", "uri"])

const contractErrors = (validate: ReturnType<typeof validatorAt>, json: unknown) => {
  if (validate(json)) return []
  return (validate.errors ?? []).filter((e) =>
    !(e.keyword === "format" && UNENFORCED_FORMATS.has(String(e.params.format)))
  )
}

/** The spec's operation object of an entry. */
const hasProtoKey = (value: unknown): boolean =>
  typeof value === "object" && value !== null &&
  (Object.hasOwn(value, "__proto__") || Object.values(value).some(hasProtoKey))

const specOperation = (operation: Operation.Any): any => spec.paths[operation.path]?.[operation.method.toLowerCase()]

const contentType = (input: Operation.Input) =>
  input._tag === "Json" ? "application/json" : input._tag === "Form" ? "application/x-www-form-urlencoded" : undefined

/**
 * `Schema.Number` also admits NaN and ±Infinity, which JSON cannot carry (`JSON.stringify` writes
 * `null`): those are replaced by 0 before the JSON encoding is checked (see the report).
 */
const finiteNumbers = (u: unknown): unknown =>
  typeof u === "number"
    ? (Number.isFinite(u) ? u : 0)
    : Array.isArray(u)
    ? u.map(finiteNumbers)
    : typeof u === "object" && u !== null
    ? Object.fromEntries(Object.entries(u).map(([k, v]) => [k, finiteNumbers(v)]))
    : u

const toJson = (u: unknown): unknown => JSON.parse(JSON.stringify(u))

const operations: ReadonlyArray<Operation.Any> = Object.values(Api.groups).flatMap((group) =>
  Object.values<Operation.Any>(group)
)

/**
 * The properties below are plain synchronous ones (`it.prop`): `it.effect.prop` provides a fresh
 * TestContext layer to every sample, some 5 to 10 ms each, which was nearly all of this file's
 * minute and a half; encoding, decoding and validating a sample takes well under a millisecond.
 */
const RUNS = { fastCheck: { numRuns: propertyRuns(50) } }

// ---------------------------------------------------------------------------

describe("Api entries describe the spec's operations", () => {
  it("the groups hold exactly the spec's 100 operations, each under its tag", () => {
    const expected: Array<string> = []
    for (const item of Object.values<any>(spec.paths)) {
      for (const op of Object.values<any>(item)) {
        if (typeof op === "object" && op?.operationId) expected.push(`${op.tags[0]}.${op.operationId}`)
      }
    }
    assert.strictEqual(expected.length, 100)
    assert.deepStrictEqual(operations.map((o) => o.spanName).sort(), expected.sort())
    assert.deepStrictEqual(
      Object.keys(Api.groups).sort(),
      spec.tags.map((t: { name: string }) => t.name.charAt(0).toLowerCase() + t.name.slice(1)).sort()
    )
  })

  for (const operation of operations) {
    it(`${operation.spanName}: method, path, parameters, body, auth and idempotency match the spec`, () => {
      const op = specOperation(operation)
      assert.isDefined(op)
      assert.strictEqual(op.operationId, operation.id)
      assert.strictEqual(op.tags[0], operation.group)
      const params: Array<any> = op.parameters ?? []
      assert.deepStrictEqual(
        [...operation.pathParamNames],
        params.filter((p) => p.in === "path").map((p) => p.name),
        "path parameters, in path order"
      )
      assert.deepStrictEqual(Object.keys(operation.pathParams).sort(), [...operation.pathParamNames].sort())
      const bodyTypes = Object.keys(op.requestBody?.content ?? {})
      const ct = contentType(operation.input)
      if (ct === undefined) {
        assert.deepStrictEqual(bodyTypes, [])
        assert.strictEqual(operation.input._tag === "Query", params.some((p) => p.in === "query"))
      } else {
        assert.deepStrictEqual(bodyTypes, [ct])
      }
      assert.strictEqual(operation.auth === "basic", op.security.some((s: object) => "BasicAuth" in s))
      assert.strictEqual(operation.billed, op["x-smscx-cost"] === true)
      const bodySchema = ct === "application/json"
        ? ajv.getSchema(
          `${SPEC_ID}#${
            pointer("paths", operation.path, operation.method.toLowerCase(), "requestBody", "content", ct, "schema")
          }`
        )?.schema as any
        : undefined
      const referenced = bodySchema?.$ref
        ? spec.components.schemas[String(bodySchema.$ref).split("/").at(-1)!]
        : bodySchema
      assert.strictEqual(
        operation.idempotencyKey,
        referenced?.properties?.idempotencyId !== undefined ? "idempotencyId" : undefined
      )
      const answers = op.responses["200"] ?? op.responses["201"]
      const [answerType] = Object.keys(answers.content ?? {})
      assert.strictEqual(
        operation.success._tag,
        answerType === "application/json" ? "Json" : answerType === undefined ? "Empty" : "File"
      )
      if (operation.success._tag === "File") assert.strictEqual(operation.success.contentType, answerType)
      const query = params.filter((p) => p.in === "query").map((p) => p.name)
      assert.strictEqual(operation.paging, ["limit", "next", "previous"].every((name) => query.includes(name)))
    })
  }
})

describe("requests: what the Effect input schema accepts, the spec accepts", () => {
  for (const operation of operations) {
    const input = operation.input
    const ct = contentType(input)
    if (input._tag === "None" || ct === undefined) continue
    const schema = input.schema
    const validate = validatorAt(
      "paths",
      operation.path,
      operation.method.toLowerCase(),
      "requestBody",
      "content",
      ct,
      "schema"
    )

    const encode = Schema.encodeSync(schema)
    const decode = Schema.decodeUnknownSync(schema)
    const inputs = Arbitrary.make(schema)

    it.prop(
      `${operation.spanName}: generated input is a valid ${ct} body`,
      [inputs],
      ([value]) => {
        const json = toJson(encode(value))
        assert.deepStrictEqual(contractErrors(validate, json), [], JSON.stringify(json))
      },
      RUNS
    )

    it.prop(
      `${operation.spanName}: input round-trips through its wire form`,
      [inputs],
      ([value]) => {
        // a record key "__proto__" (a custom field name, say) cannot survive being assigned to a
        // plain object: fast-check generates it, no caller of this API would
        if (hasProtoKey(value)) return
        assert.deepStrictEqual(decode(encode(value)), value)
      },
      RUNS
    )
  }

  for (const operation of operations) {
    if (operation.pathParamNames.length === 0) continue
    const params: Array<any> = specOperation(operation).parameters
    it.prop(
      `${operation.spanName}: generated path parameters are valid per the spec`,
      [Arbitrary.make(operation.pathSchema)],
      ([value]) => {
        for (const name of operation.pathParamNames) {
          const param = params.find((p) => p.in === "path" && p.name === name)
          assert.isTrue(
            ajv.validate(param.schema, (value as Record<string, unknown>)[name]),
            `${name}: ${JSON.stringify(value)}`
          )
        }
      },
      RUNS
    )
  }
})

describe("answers: what the Effect success schema describes, the spec's 200 (201) schema accepts", () => {
  for (const operation of operations) {
    const success = operation.success
    if (success._tag !== "Json") continue
    const schema = success.schema
    const validate = validatorAt(
      "paths",
      operation.path,
      operation.method.toLowerCase(),
      "responses",
      // a creation answers 201
      "200" in specOperation(operation).responses ? "200" : "201",
      "content",
      "application/json",
      "schema"
    )
    const answers = Arbitrary.make(schema).map(finiteNumbers).filter(Schema.is(schema))
    const encode = Schema.encodeSync(schema)
    const decode = Schema.decodeUnknownSync(schema)

    it.prop(
      `${operation.spanName}: generated answer is a valid 200 body`,
      [answers],
      ([value]) => {
        const json = toJson(encode(value))
        assert.deepStrictEqual(contractErrors(validate, json), [], JSON.stringify(json))
        // and the SDK reads the wire form back (JSON drops undefined fields and the sign of -0)
        assert.deepStrictEqual(toJson(decode(json)), json)
      },
      RUNS
    )
  }
})

describe("channel pricing: the clients' literal shape and the keyed reading both decode", () => {
  const pricing = validatorAt("components", "schemas", "GetChannelPricing200Response")
  const decode = (u: unknown) => Schema.decodeUnknown(Generated.GetChannelPricing200Response)(u).pipe(Effect.either)
  const literalSms = { countryCode: { "20404": { operatorName: { transactional: 0.045 } } } }
  const literalViber = { countryCode: { TRANSACTIONAL: 0.02, PROMOTIONAL: 0.03 } }

  it.effect("the literal shapes are valid for the spec and decode", () =>
    Effect.gen(function*() {
      for (const body of [literalSms, literalViber]) {
        assert.isTrue(pricing(body), JSON.stringify(body))
        assert.deepStrictEqual(yield* decode(body), Either.right(body))
      }
    }))

  it.effect("bodies keyed by country code decode", () =>
    Effect.gen(function*() {
      const sms = { NL: { "20404": { Vodafone: { price: 0.045 } } }, DE: { "26201": { Telekom: { price: 0.07 } } } }
      const viber = { NL: { TRANSACTIONAL: 0.02, PROMOTIONAL: 0.03 }, DE: { TRANSACTIONAL: 0.025, PROMOTIONAL: 0.035 } }
      assert.deepStrictEqual(yield* decode(sms), Either.right(sms))
      assert.deepStrictEqual(yield* decode(viber), Either.right(viber))
    }))

  it.effect("a price that is not a number is rejected", () =>
    Effect.gen(function*() {
      assert.isTrue(Either.isLeft(yield* decode({ NL: { "20404": { Vodafone: { price: "cheap" } } } })))
    }))
})

describe("input limits", () => {
  const SendSms = Generated.SendSmsMessageRequest
  const sendSmsBody = validatorAt("components", "schemas", "SendSmsMessageRequest")
  const base = { to: ["+31612469000"], from: "InfoText", text: "Hello" }
  const decode = (u: unknown) => Schema.decodeUnknown(SendSms, { onExcessProperty: "error" })(u).pipe(Effect.either)

  it.effect("a valid request is accepted by both", () =>
    Effect.gen(function*() {
      assert.isTrue(Either.isRight(yield* decode(base)))
      assert.isTrue(sendSmsBody(base))
    }))

  it.effect("from: 3 to 15 characters", () =>
    Effect.gen(function*() {
      for (const from of ["abc", "x".repeat(15)]) {
        assert.isTrue(Either.isRight(yield* decode({ ...base, from })), from)
        assert.isTrue(sendSmsBody({ ...base, from }))
      }
      for (const from of ["ab", "x".repeat(16)]) {
        const result = yield* decode({ ...base, from })
        assert.isTrue(Either.isLeft(result), from)
        if (Either.isLeft(result)) assert.include(result.left.message, "from")
        assert.isFalse(sendSmsBody({ ...base, from }))
      }
    }))

  it.effect("idempotencyId must be a lower-case UUID", () =>
    Effect.gen(function*() {
      const good = "0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11"
      assert.isTrue(Either.isRight(yield* decode({ ...base, idempotencyId: good })))
      assert.isTrue(sendSmsBody({ ...base, idempotencyId: good }))
      for (const bad of ["not-a-uuid", good.toUpperCase(), good.slice(1), `${good}0`, good.replace(/-/g, "")]) {
        assert.isTrue(Either.isLeft(yield* decode({ ...base, idempotencyId: bad })), bad)
        assert.isFalse(sendSmsBody({ ...base, idempotencyId: bad }), bad)
      }
    }))

  it.effect("to: 25,000 recipients are accepted, 25,001 rejected", () =>
    Effect.gen(function*() {
      const numbers = (n: number) => Array.from({ length: n }, (_, i) => `+3161${String(i).padStart(7, "0")}`)
      assert.isTrue(Either.isRight(yield* decode({ ...base, to: numbers(25_000) })))
      assert.isTrue(sendSmsBody({ ...base, to: numbers(25_000) }))
      const tooMany = yield* decode({ ...base, to: numbers(25_001) })
      assert.isTrue(Either.isLeft(tooMany))
      assert.isFalse(sendSmsBody({ ...base, to: numbers(25_001) }))
    }))

  it.effect("countryIso is two letters; text and to are required", () =>
    Effect.gen(function*() {
      assert.isTrue(Either.isRight(yield* decode({ ...base, countryIso: "NL" })))
      assert.isTrue(Either.isLeft(yield* decode({ ...base, countryIso: "NLD" })))
      assert.isFalse(sendSmsBody({ ...base, countryIso: "NLD" }))
      const { text: _text, ...noText } = base
      assert.isTrue(Either.isLeft(yield* decode(noText)))
      assert.isFalse(sendSmsBody(noText))
      const { to: _to, ...noTo } = base
      assert.isTrue(Either.isLeft(yield* decode(noTo)))
    }))

  it.effect("transliteration.alphabet is one of the spec's alphabets", () =>
    Effect.gen(function*() {
      assert.isTrue(Either.isRight(yield* decode({ ...base, transliteration: { alphabet: "GREEK" } })))
      assert.isTrue(Either.isLeft(yield* decode({ ...base, transliteration: { alphabet: "KLINGON" } })))
      assert.isFalse(sendSmsBody({ ...base, transliteration: { alphabet: "KLINGON" } }))
    }))

  it.effect("getAccessToken only takes grant_type client_credentials", () =>
    Effect.gen(function*() {
      const form = Api.Oauth.getAccessToken.input.schema
      assert.isTrue(
        Either.isRight(yield* Effect.either(Schema.decodeUnknown(form)({ grant_type: "client_credentials" })))
      )
      assert.isTrue(
        Either.isLeft(yield* Effect.either(Schema.decodeUnknown(form)({ grant_type: "password", scope: "sms" })))
      )
    }))

  it("arrays of generated inputs stay small (bounded generation)", () => {
    // `to` allows 25,000 items: fast-check's default size keeps generated arrays short, so the
    // property tests above stay fast
    const sizes = FastCheck.sample(Arbitrary.make(Generated.SendSmsMessageRequest), { numRuns: 50, seed: 42 })
      .map((r) => r.to.length)
    assert.isBelow(Math.max(...sizes), 200)
  })
})
