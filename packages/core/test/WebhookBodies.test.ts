/**
 * Webhooks: a body that does not fit is a WebhookDecodeError with a short message naming the
 * path, never a throw, whatever the body (huge, deep, not JSON, hostile getters); and a sender
 * never chooses a decoded payload's prototype.
 */
import { assert, describe, it } from "@effect/vitest"
import { Webhooks } from "@smscx/core"
import * as Effect from "effect/Effect"
import { clone, decodeEither, dlrItem, expectError, kinds, otpItem, samples } from "./webhookSamples.js"

const nested = (depth: number): unknown => {
  let value: unknown = "bottom"
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value }
  return value
}

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
