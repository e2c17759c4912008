import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import type * as Operation from "@smscx/core/Operation"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as SchemaAST from "effect/SchemaAST"
import * as Dates from "../src/internal/engines/dates.js"
import * as MessageParts from "../src/internal/engines/messageParts.js"
import * as Phone from "../src/internal/engines/phone.js"
import * as Transliteration from "../src/internal/engines/transliteration.js"
import * as Router from "../src/internal/kernel/router.js"
import * as State from "../src/internal/state/store.js"

describe("message parts", () => {
  const parts = (text: string) => MessageParts.analyze(text).parts
  it("GSM-7: 160 in one part, then 153 per part", () => {
    assert.deepStrictEqual(
      [parts("a"), parts("a".repeat(160)), parts("a".repeat(161)), parts("a".repeat(306)), parts("a".repeat(307))],
      [1, 1, 2, 2, 3]
    )
  })
  it("GSM-7 extension characters take two septets and are not split across parts", () => {
    assert.deepStrictEqual([parts("€".repeat(80)), parts("€".repeat(81))], [1, 2])
    // 152 septets, then "€" (2) does not fit in the 153rd: it opens the next part
    assert.strictEqual(parts("a".repeat(152) + "€" + "a".repeat(152)), 3)
    assert.deepStrictEqual(MessageParts.analyze("[x]"), { length: 3, unicode: false, encoding: "GSM-7", parts: 1 })
  })
  it("UCS-2: 70 in one part, then 67 per part; surrogate pairs stay whole", () => {
    assert.deepStrictEqual([
      parts("ж".repeat(70)),
      parts("ж".repeat(71)),
      parts("ж".repeat(134)),
      parts("ж".repeat(135))
    ], [
      1,
      2,
      2,
      3
    ])
    const emoji = MessageParts.analyze("😀".repeat(35))
    assert.deepStrictEqual([emoji.length, emoji.unicode, emoji.parts], [35, true, 1])
    // 66 units + a 2-unit emoji: it moves to the next part
    assert.strictEqual(parts("ж".repeat(66) + "😀" + "ж".repeat(5)), 2)
    assert.strictEqual(parts("ж".repeat(66) + "😀" + "ж".repeat(66)), 3)
  })
})

describe("scheduled dates", () => {
  it("parses the documented form and ISO 8601 with an offset", () => {
    assert.deepStrictEqual(Dates.parse("2025-06-02 09:30:00"), {
      _tag: "WallClock",
      millis: Date.parse("2025-06-02T09:30:00Z")
    })
    assert.deepStrictEqual(Dates.parse("2025-06-02T11:30:00.250+02:00"), {
      _tag: "Instant",
      millis: Date.parse("2025-06-02T09:30:00.250Z")
    })
    assert.deepStrictEqual(Dates.parse("2025-06-02T09:30:00Z")?._tag, "Instant")
    for (
      const bad of [
        "2025-13-01 00:00:00",
        "2025-02-29 10:00:00",
        "yesterday",
        "2025-06-02",
        "2025-06-02T09:30:00+25:00"
      ]
    ) {
      assert.isUndefined(Dates.parse(bad), bad)
    }
  })
  it("a local wall-clock time becomes the destination's instant, across DST", () => {
    const winter = Dates.parse("2025-01-15 10:00:00")!
    const summer = Dates.parse("2025-07-15 10:00:00")!
    assert.strictEqual(Dates.instantAt(winter, false, "Europe/Bucharest"), Date.parse("2025-01-15T08:00:00Z"))
    assert.strictEqual(Dates.instantAt(summer, false, "America/New_York"), Date.parse("2025-07-15T14:00:00Z"))
    assert.strictEqual(Dates.instantAt(summer, true, "America/New_York"), Date.parse("2025-07-15T10:00:00Z"))
  })
})

describe("phone numbers", () => {
  it("E.164, national with a country, or international digits without +", () => {
    assert.deepStrictEqual(Phone.validate("+31 6 12345678"), { e164: "+31612345678", countryIso: "NL" })
    assert.deepStrictEqual(Phone.validate("0612345678", "nl"), { e164: "+31612345678", countryIso: "NL" })
    assert.deepStrictEqual(Phone.validate("4915123456789"), { e164: "+4915123456789", countryIso: "DE" })
    assert.isUndefined(Phone.validate("0612345678"))
    assert.isUndefined(Phone.validate("+3161234"))
    // non-geographic numbers have no country to deliver to
    assert.isUndefined(Phone.validate("+80012345678"))
  })

  it("a remembered result is the one parsing gives, whatever else was asked in between", () => {
    const asked: ReadonlyArray<readonly [string, string | undefined]> = [
      ["0612345678", "NL"],
      ["0612345678", undefined],
      ["NL0612345678", undefined],
      ["+31 6 12345678", undefined],
      ["+31 6 12345678", "DE"],
      ["612345678", "NL"]
    ]
    const first = asked.map(([raw, country]) => Phone.validate(raw, country))
    // the same questions again, in another order: answered from memory
    const again = [...asked].reverse().map(([raw, country]) => Phone.validate(raw, country)).reverse()
    assert.deepStrictEqual(again, first)
    assert.deepStrictEqual(first.map((n) => n?.e164), [
      "+31612345678",
      undefined,
      undefined,
      "+31612345678",
      "+31612345678",
      "+31612345678"
    ])
  })
})

describe("transliteration", () => {
  it("maps each alphabet to GSM-7 look-alikes", () => {
    assert.strictEqual(Transliteration.transliterate("Ştiinţă şi artă", "ROMANIAN", false), "Stiinta si arta")
    assert.strictEqual(Transliteration.transliterate("Щука", "BULGARIAN_CYRILLIC", false), "Shtuka")
    assert.strictEqual(Transliteration.transliterate("Щука", "RUSSIAN_CYRILLIC", false), "Shchuka")
    assert.strictEqual(Transliteration.transliterate("Καλημέρα", "GREEK", false), "KAΛHMEPA")
    assert.strictEqual(Transliteration.transliterate("“Ça va” — 日本", "NON_GSM", false), "\"Ça va\" - ??")
    assert.strictEqual(Transliteration.transliterate("Zażółć 日本", "POLISH", false), "Zazolc 日本")
    assert.strictEqual(Transliteration.transliterate("ok 👍🏽!", "NONE", true), "ok !")
    assert.isFalse(
      MessageParts.analyze(Transliteration.transliterate("Привет, мир", "RUSSIAN_CYRILLIC", false)).unicode
    )
  })
})

describe("idempotent answers", () => {
  it.effect("are replayed, and the oldest are forgotten past the bound", () =>
    Effect.gen(function*() {
      const store = yield* State.make({ balanceMicros: 0, maxRememberedAnswers: 2 })
      let runs = 0
      const answer = (key: string) => store.idempotent(key, "request", Effect.sync(() => `${key}#${++runs}`))
      assert.strictEqual(yield* answer("a"), "a#1")
      assert.strictEqual(yield* answer("a"), "a#1")
      yield* answer("b")
      yield* answer("c")
      // "a" was the oldest of three: performed again; "c" is still replayed
      assert.strictEqual(yield* answer("a"), "a#4")
      assert.strictEqual(yield* answer("c"), "c#3")
      assert.strictEqual(runs, 4)
    }))

  it.effect("another request under a remembered key is a conflict, and is not run", () =>
    Effect.gen(function*() {
      const store = yield* State.make({ balanceMicros: 0 })
      let runs = 0
      const run = Effect.sync(() => ++runs)
      assert.strictEqual(yield* store.idempotent("k", "first", run), 1)
      const conflict = yield* Effect.flip(store.idempotent("k", "second", run))
      assert.strictEqual(conflict._tag, "IdempotencyConflict")
      assert.strictEqual(yield* store.idempotent("k", "first", run), 1)
      assert.strictEqual(runs, 1)
    }))
})

describe("answers", () => {
  it("are checked in tests, or when SMSCX_SANDBOX_CHECK_ANSWERS says so", () => {
    // as these tests run: every answer of every other test is checked
    assert.isTrue(Router.checksAnswers(process.env))
    assert.isTrue(Router.checksAnswers({ NODE_ENV: "test" }))
    assert.isTrue(Router.checksAnswers({ SMSCX_SANDBOX_CHECK_ANSWERS: "1" }))
    assert.isTrue(Router.checksAnswers({ NODE_ENV: "production", SMSCX_SANDBOX_CHECK_ANSWERS: "TRUE" }))
    assert.isFalse(Router.checksAnswers({}))
    assert.isFalse(Router.checksAnswers({ NODE_ENV: "production", SMSCX_SANDBOX_CHECK_ANSWERS: "0" }))
  })

  // what makes an unchecked answer the same answer: encoding changes no value
  it("no operation's success schema transforms a value", () => {
    const transforms = (ast: SchemaAST.AST, seen: Set<SchemaAST.AST>): boolean => {
      if (seen.has(ast)) return false
      seen.add(ast)
      switch (ast._tag) {
        case "Transformation":
          return true
        case "Refinement":
          return transforms(ast.from, seen)
        case "Suspend":
          return transforms(ast.f(), seen)
        case "Union":
          return ast.types.some((t) => transforms(t, seen))
        case "TupleType":
          return [...ast.elements, ...ast.rest].some((e) => transforms(e.type, seen))
        case "TypeLiteral":
          return [...ast.propertySignatures, ...ast.indexSignatures].some((p) => transforms(p.type, seen))
        default:
          return false
      }
    }
    const operations = Object.values(Api.groups).flatMap((group) => Object.values(group) as Array<Operation.Any>)
    assert.isAbove(operations.length, 50)
    const transforming = operations.filter((o) =>
      o.success._tag === "Json" && transforms(o.success.schema.ast, new Set())
    )
    assert.deepStrictEqual(transforming.map((o) => o.id), [])
  })

  it.effect("unchecked, an answer goes out as the handler built it; checked, a bad one is refused", () =>
    Effect.gen(function*() {
      const bad = { info: { campaignId: 42 } }
      const handler = { handle: () => Effect.succeed({ body: bad as never }) }
      const unchecked = Router.make(Api.Sms.sendSms, handler, false)
      assert.strictEqual(yield* unchecked.encode(bad), bad)
      const checked = Router.make(Api.Sms.sendSms, handler, true)
      const exit = yield* Effect.exit(checked.encode(bad))
      assert.isTrue(Exit.isFailure(exit))
    }))
})

describe("input too deep to look at", () => {
  it.effect("a stack overflow while validating input is a 400 invalid_body, never a 500", () =>
    Effect.gen(function*() {
      const recurse = (n: number): number => n <= 0 ? 0 : 1 + recurse(n - 1)
      const overflows: ReadonlyArray<() => number> = [
        () => recurse(Number.MAX_SAFE_INTEGER),
        // as the ParseResult formatters throw it: wrapped by `Effect.runSync`
        () => Effect.runSync(Effect.sync(() => recurse(Number.MAX_SAFE_INTEGER)))
      ]
      for (const overflow of overflows) {
        const route = Router.make(Api.Sms.sendSms, {
          normalize: (raw) => ({ ...raw, depth: overflow() }),
          handle: () => Effect.die("not reached")
        })
        const error = yield* Effect.flip(route.decodeInput({}))
        assert.deepStrictEqual([error.status, error.type, error.code], [400, "invalid_body", 1007])
      }
      // any other defect is still a sandbox bug
      const buggy = Router.make(Api.Sms.sendSms, {
        normalize: () => {
          throw new Error("bug")
        },
        handle: () => Effect.die("not reached")
      })
      const exit = yield* Effect.exit(buggy.decodeInput({}))
      assert.isTrue(Exit.isFailure(exit) && Cause.isDie(exit.cause))
    }))
})
