import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { API_KEY, call, failure, NOW, provide, sandbox, success } from "./utils.js"

const NL = "+31612345678"
const DE = "+4915123456789"
const GB = "+447400123456"
const JP = "+819012345678"
const send = (body: object) => call("POST", "/sms", { body: { from: "InfoText", text: "Hello", ...body } })

describe("sendSms", () => {
  it.effect("sends, debits price x parts per recipient and keeps the messages", () =>
    Effect.gen(function*() {
      const body = yield* success(Api.Sms.sendSms, yield* send({ to: [NL, DE] }))
      assert.deepStrictEqual(
        { ...body.info, campaignId: "" },
        {
          campaignId: "",
          totalPhoneNumbers: 2,
          totalValid: 2,
          totalInvalid: 0,
          totalCost: 0.151,
          totalParts: 2,
          dlrCallbackUrl: null,
          scheduled: false,
          totalInQuietHours: 0
        }
      )
      assert.deepStrictEqual(
        body.data.map((m) => [m.to, m.countryIso, m.status, m.cost, m.parts, m.text, m.createdAt]),
        [
          [NL, "NL", "ACCEPTED", 0.072, 1, "Hello", new Date(NOW).toISOString()],
          [DE, "DE", "ACCEPTED", 0.079, 1, "Hello", new Date(NOW).toISOString()]
        ]
      )
      const state = yield* sandbox
      assert.strictEqual(yield* state.balance, 99.849)
      const messages = yield* state.messages
      assert.deepStrictEqual(messages.map((m) => m.msgId), body.data.map((m) => m.msgId))
      assert.isTrue(messages.every((m) => m.campaignId === body.info.campaignId))
    }).pipe(provide()))

  it.effect("bills every part: 161 GSM-7 characters are 2 parts, 71 UCS-2 characters are 2 parts", () =>
    Effect.gen(function*() {
      const gsm = yield* success(Api.Sms.sendSms, yield* send({ to: [NL], text: "a".repeat(161) }))
      assert.deepStrictEqual(gsm.data[0]!.textAnalysis, { length: 161, unicode: false, parts: 2 })
      assert.strictEqual(gsm.info.totalCost, 0.144)
      const single = yield* success(Api.Sms.sendSms, yield* send({ to: [NL], text: "a".repeat(160) }))
      assert.strictEqual(single.data[0]!.parts, 1)
      const ucs2 = yield* success(Api.Sms.sendSms, yield* send({ to: [NL], text: "ж".repeat(71) }))
      assert.deepStrictEqual(ucs2.data[0]!.textAnalysis, { length: 71, unicode: true, parts: 2 })
      assert.strictEqual(yield* (yield* sandbox).balance, 99.64)
    }).pipe(provide()))

  it.effect("takes `to` as one string, and national numbers with countryIso", () =>
    Effect.gen(function*() {
      const one = yield* success(Api.Sms.sendSms, yield* send({ to: NL }))
      assert.strictEqual(one.data[0]!.to, NL)
      const national = yield* success(Api.Sms.sendSms, yield* send({ to: ["0612345678"], countryIso: "NL" }))
      assert.strictEqual(national.data[0]!.to, NL)
    }).pipe(provide()))

  it.effect("rejects one invalid number with 1207 and several with 1210, listing them", () =>
    Effect.gen(function*() {
      const one = yield* failure(yield* send({ to: [NL, "+3161234"] }), 400, "invalid_param", 1207)
      assert.deepStrictEqual(one.invalid, ["+3161234"])
      const several = yield* failure(yield* send({ to: ["12", NL, "nope"] }), 400, "invalid_param", 1210)
      assert.deepStrictEqual(several.invalid, ["12", "nope"])
      assert.strictEqual(yield* (yield* sandbox).balance, 100)
    }).pipe(provide()))

  it.effect("allowInvalid skips invalid numbers and lists them in info.invalid", () =>
    Effect.gen(function*() {
      const body = yield* success(Api.Sms.sendSms, yield* send({ to: [NL, "+3161234"], allowInvalid: true }))
      assert.deepStrictEqual(
        [body.info.totalPhoneNumbers, body.info.totalValid, body.info.totalInvalid, body.info.invalid],
        [2, 1, 1, ["+3161234"]]
      )
      assert.strictEqual(body.data.length, 1)
      assert.strictEqual(yield* (yield* sandbox).balance, 99.928)
      // nothing valid left to send
      yield* failure(yield* send({ to: ["+3161234"], allowInvalid: true }), 400, "invalid_param", 1207)
    }).pipe(provide()))

  const invalid: ReadonlyArray<{ readonly name: string; readonly body: object; readonly code: number }> = [
    { name: "to missing", body: { to: undefined }, code: 1104 },
    { name: "to empty", body: { to: [] }, code: 1104 },
    { name: "to not a list", body: { to: { n: 1 } }, code: 1104 },
    { name: "to over 25000", body: { to: Array.from({ length: 25_001 }, () => NL) }, code: 1103 },
    { name: "from missing", body: { from: undefined }, code: 1105 },
    { name: "from empty", body: { from: "" }, code: 1105 },
    { name: "from too short", body: { from: "AB" }, code: 1106 },
    { name: "from too long", body: { from: "A".repeat(16) }, code: 1106 },
    { name: "text missing", body: { text: undefined }, code: 1107 },
    { name: "text blank", body: { text: "  " }, code: 1107 },
    { name: "scheduledDate not a date", body: { scheduledDate: "tomorrow" }, code: 1108 },
    { name: "scheduledDate impossible", body: { scheduledDate: "2025-02-30 10:00:00" }, code: 1108 },
    { name: "dlrCallbackUrl not a URL", body: { dlrCallbackUrl: "not a url" }, code: 1109 },
    { name: "dlrCallbackUrl not http", body: { dlrCallbackUrl: "ftp://example.com/dlr" }, code: 1109 },
    { name: "alphabet unknown", body: { transliteration: { alphabet: "KLINGON" } }, code: 1110 },
    { name: "alphabet missing", body: { transliteration: {} }, code: 1110 },
    { name: "idempotencyId not a UUID", body: { idempotencyId: "abc" }, code: 1111 },
    { name: "tracked shortlink unknown", body: { text: "Track {{shortlink:bVc}}" }, code: 1112 },
    { name: "scheduledDate in the past", body: { scheduledDate: "2025-06-01 11:59:59" }, code: 1116 },
    { name: "transliteration not an object", body: { transliteration: "NON_GSM" }, code: 1135 },
    { name: "placeholder length not a number", body: { text: "Code {{numbers:x}}" }, code: 1136 },
    { name: "placeholder length over 20", body: { text: "Code {{letters:21}}" }, code: 1137 },
    {
      name: "removeEmojis not boolean",
      body: { transliteration: { alphabet: "NONE", removeEmojis: "yes" } },
      code: 1503
    },
    { name: "countryIso not two letters (generic)", body: { countryIso: "NLD" }, code: 1000 },
    { name: "text over 10 parts (generic)", body: { text: "a".repeat(1531) }, code: 1000 }
  ]
  it.effect.each(invalid)("400 for $name", ({ body, code }) =>
    Effect.gen(function*() {
      yield* failure(yield* send({ to: [NL], ...body }), 400, "invalid_param", code)
      assert.strictEqual((yield* (yield* sandbox).messages).length, 0)
    }).pipe(provide()))

  it.effect("answers 400 invalid_body to a body that is not a JSON object", () =>
    Effect.gen(function*() {
      yield* failure(
        yield* call("POST", "/sms", {
          headers: { "X-API-KEY": API_KEY, "Content-Type": "application/json" },
          body: [1]
        }),
        400,
        "invalid_body",
        1007
      )
      yield* failure(yield* call("POST", "/sms", { text: "{\"to\": [" }), 400, "invalid_body", 1007)
      // an empty body is an empty object: its first missing field answers
      yield* failure(yield* call("POST", "/sms", { text: "" }), 400, "invalid_param", 1104)
    }).pipe(provide()))

  describe("deeply nested JSON", () => {
    const DEPTH = 100_000
    const deep = (leaf: string) => "[".repeat(DEPTH) + leaf + "]".repeat(DEPTH)
    const deepObject = "{\"a\":".repeat(DEPTH) + "1" + "}".repeat(DEPTH)
    const raw = (path: string, fields: string) =>
      call("POST", path, { text: `{"from": "InfoText", "text": "hi", ${fields}}` })
    const unchanged = Effect.gen(function*() {
      const state = yield* sandbox
      assert.strictEqual(yield* state.balance, 100)
      assert.strictEqual((yield* state.messages).length, 0)
    })

    it.effect("a 100,000-deep `to` is 400 1104, as any `to` that is not a list of strings", () =>
      Effect.gen(function*() {
        for (const path of ["/sms", "/sms/estimate"]) {
          yield* failure(yield* raw(path, `"to": ${deep("\"+31612345678\"")}`), 400, "invalid_param", 1104)
        }
        yield* unchanged
      }).pipe(provide()))

    it.effect("a 100,000-deep `transliteration` is 400 1135, or 1110 for nested objects", () =>
      Effect.gen(function*() {
        for (const path of ["/sms", "/sms/estimate"]) {
          yield* failure(
            yield* raw(path, `"to": ["${NL}"], "transliteration": ${deep("1")}`),
            400,
            "invalid_param",
            1135
          )
          // an object without `alphabet`, whatever else it holds
          yield* failure(
            yield* raw(path, `"to": ["${NL}"], "transliteration": ${deepObject}`),
            400,
            "invalid_param",
            1110
          )
        }
        yield* failure(
          yield* raw("/sms/campaign", `"groups": [1], "transliteration": ${deep("1")}`),
          400,
          "invalid_param",
          1135
        )
        yield* unchanged
      }).pipe(provide()))

    it.effect("deep values elsewhere: `groups` 1140, `from` 1106, `idempotencyId` 1111; an unknown field is ignored", () =>
      Effect.gen(function*() {
        yield* failure(yield* raw("/sms/campaign", `"groups": ${deep("1")}`), 400, "invalid_param", 1140)
        yield* failure(yield* raw("/sms/campaign/estimate", `"groups": ${deep("1")}`), 400, "invalid_param", 1140)
        yield* failure(
          yield* call("POST", "/sms", { text: `{"to": ["${NL}"], "text": "hi", "from": ${deep("1")}}` }),
          400,
          "invalid_param",
          1106
        )
        yield* failure(
          yield* raw("/sms", `"to": ["${NL}"], "idempotencyId": ${deepObject}`),
          400,
          "invalid_param",
          1111
        )
        yield* unchanged
        // fields the API does not define are ignored, however deep
        const sent = yield* raw("/sms", `"to": ["${NL}"], "extra": ${deep("1")}, "more": ${deepObject}`)
        yield* success(Api.Sms.sendSms, sent)
      }).pipe(provide()))
  })

  it.effect("1530 GSM-7 characters are the ceiling: 10 parts", () =>
    Effect.gen(function*() {
      const body = yield* success(Api.Sms.sendSms, yield* send({ to: [NL], text: "a".repeat(1530) }))
      assert.strictEqual(body.data[0]!.parts, 10)
    }).pipe(provide()))

  it.effect("insufficient credit: 400 1113 and nothing changes", () =>
    Effect.gen(function*() {
      yield* failure(yield* send({ to: [NL, DE] }), 400, "insufficient_credit", 1113)
      const state = yield* sandbox
      assert.strictEqual(yield* state.balance, 0.1)
      assert.deepStrictEqual(yield* state.messages, [])
      // one message still fits
      yield* success(Api.Sms.sendSms, yield* send({ to: [NL] }))
      assert.strictEqual(yield* state.balance, 0.028)
    }).pipe(provide({ balance: 0.1 })))

  it.effect("no covered recipient: 403 1119; some covered: NO COVERAGE at cost 0 for the others", () =>
    Effect.gen(function*() {
      yield* failure(yield* send({ to: [JP] }), 403, "no_coverage", 1119)
      const body = yield* success(Api.Sms.sendSms, yield* send({ to: [NL, JP] }))
      assert.deepStrictEqual(body.data.map((m) => [m.status, m.cost]), [["ACCEPTED", 0.072], ["NO COVERAGE", 0]])
      assert.strictEqual(body.info.totalCost, 0.072)
      assert.strictEqual(yield* (yield* sandbox).balance, 99.928)
    }).pipe(provide()))

  it.effect("an idempotent repeat gets the original answer, is not billed twice, and echoes the id", () =>
    Effect.gen(function*() {
      const idempotencyId = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
      const first = yield* send({ to: [NL], idempotencyId })
      const again = yield* send({ to: [NL], idempotencyId })
      assert.strictEqual(first.headers["x-idempotency-id"], idempotencyId)
      assert.strictEqual(again.headers["x-idempotency-id"], idempotencyId)
      assert.deepStrictEqual(yield* success(Api.Sms.sendSms, again), yield* success(Api.Sms.sendSms, first))
      const state = yield* sandbox
      assert.strictEqual(yield* state.balance, 99.928)
      assert.strictEqual((yield* state.messages).length, 1)
      // another id is another send
      yield* send({ to: [NL], idempotencyId: "7f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b" })
      assert.strictEqual(yield* state.balance, 99.856)
      // a failed request is not remembered: once it can succeed, the same id sends
      const retried = "9f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
      const failed = yield* send({ to: [NL], text: " ", idempotencyId: retried })
      yield* failure(failed, 400, "invalid_param", 1107)
      assert.strictEqual(failed.headers["x-idempotency-id"], retried)
      yield* success(Api.Sms.sendSms, yield* send({ to: [NL], idempotencyId: retried }))
      assert.strictEqual(yield* state.balance, 99.784)
    }).pipe(provide()))

  it.effect("idempotency is per credential: another API key with the same id and body is another send", () =>
    Effect.gen(function*() {
      const idempotencyId = "1a2b3c4d-5e6f-4a70-8b9c-0d1e2f3a4b5c"
      const body = { from: "InfoText", text: "Hello", to: [NL], idempotencyId }
      const first = yield* success(Api.Sms.sendSms, yield* call("POST", "/sms", { body }))
      const replayed = yield* success(Api.Sms.sendSms, yield* call("POST", "/sms", { body }))
      assert.deepStrictEqual(replayed, first)
      const state = yield* sandbox
      assert.strictEqual(yield* state.balance, 99.928)
      const other = yield* call("POST", "/sms", { body, headers: { "X-API-KEY": "second-key" } })
      assert.strictEqual(other.headers["x-idempotency-id"], idempotencyId)
      const second = yield* success(Api.Sms.sendSms, other)
      assert.notStrictEqual(second.info.campaignId, first.info.campaignId)
      assert.strictEqual(yield* state.balance, 99.856)
      assert.strictEqual((yield* state.messages).length, 2)
    }).pipe(provide({ apiKeys: [API_KEY, "second-key"] })))

  it.effect("idempotency: the tokens of one application share the records; another application does not", () =>
    Effect.gen(function*() {
      const tokenOf = (id: string) =>
        Effect.map(
          call("POST", "/oauth/token", {
            headers: { Authorization: `Basic ${btoa(`${id}:secret`)}` },
            form: { grant_type: "client_credentials" }
          }),
          (answer) => ({ Authorization: `Bearer ${(answer.json as { access_token: string }).access_token}` })
        )
      const [one, same, other] = [yield* tokenOf("app-a"), yield* tokenOf("app-a"), yield* tokenOf("app-b")]
      const body = { from: "InfoText", text: "Hello", to: [NL], idempotencyId: "2a2b3c4d-5e6f-4a70-8b9c-0d1e2f3a4b5c" }
      const first = yield* success(Api.Sms.sendSms, yield* call("POST", "/sms", { body, headers: one }))
      const again = yield* success(Api.Sms.sendSms, yield* call("POST", "/sms", { body, headers: same }))
      assert.deepStrictEqual(again, first)
      const state = yield* sandbox
      assert.strictEqual(yield* state.balance, 99.928)
      yield* success(Api.Sms.sendSms, yield* call("POST", "/sms", { body, headers: other }))
      assert.strictEqual(yield* state.balance, 99.856)
    }).pipe(provide()))

  it.effect("the same idempotencyId with a different body is 400 invalid_param 1000, and changes nothing", () =>
    Effect.gen(function*() {
      const idempotencyId = "3a2b3c4d-5e6f-4a70-8b9c-0d1e2f3a4b5c"
      const first = yield* success(Api.Sms.sendSms, yield* send({ to: [NL], idempotencyId }))
      const state = yield* sandbox
      assert.strictEqual(yield* state.balance, 99.928)
      for (const body of [{ to: [DE] }, { to: [NL], text: "Hello again" }, { to: [NL], shortResponse: true }]) {
        const reused = yield* send({ ...body, idempotencyId })
        const error = yield* failure(reused, 400, "invalid_param", 1000)
        assert.include(error.error.message, "idempotencyId")
        assert.strictEqual(reused.headers["x-idempotency-id"], idempotencyId)
      }
      assert.strictEqual(yield* state.balance, 99.928)
      assert.strictEqual((yield* state.messages).length, 1)
      // the same request again, its fields in another order, is still the original answer
      const reordered = yield* call("POST", "/sms", {
        body: { idempotencyId, to: NL, text: "Hello", from: "InfoText" }
      })
      assert.deepStrictEqual(yield* success(Api.Sms.sendSms, reordered), first)
      assert.strictEqual(yield* state.balance, 99.928)
    }).pipe(provide()))

  it.effect("shortResponse empties data; noTextDetails leaves the text out; trackData is echoed", () =>
    Effect.gen(function*() {
      const short = yield* success(Api.Sms.sendSms, yield* send({ to: [NL], shortResponse: true }))
      assert.deepStrictEqual(short.data, [])
      assert.strictEqual(short.info.totalCost, 0.072)
      const trackData = "5d3f3f66-0a55-4b8f-9bb2-2d3f0e4f5a6b"
      const body = yield* success(Api.Sms.sendSms, yield* send({ to: [NL], noTextDetails: true, trackData }))
      assert.isUndefined(body.data[0]!.text)
      assert.isUndefined(body.data[0]!.textAnalysis)
      assert.strictEqual(body.data[0]!.trackData, trackData)
      // an invalid trackData is dropped, as documented, not an error
      const dropped = yield* success(Api.Sms.sendSms, yield* send({ to: [NL], trackData: "not-a-uuid" }))
      assert.isUndefined(dropped.data[0]!.trackData)
      assert.strictEqual(yield* (yield* sandbox).balance, 99.784)
    }).pipe(provide()))

  it.effect("showTimezone adds each destination's time zone", () =>
    Effect.gen(function*() {
      const answer = yield* send({ to: [NL, GB], showTimezone: true })
      yield* success(Api.Sms.sendSms, answer, "ignore")
      const data = (answer.json as { data: Array<{ timezone: string }> }).data
      assert.deepStrictEqual(data.map((m) => m.timezone), ["Europe/Amsterdam", "Europe/London"])
    }).pipe(provide()))

  it.effect("replaces placeholders and transliterates before counting parts", () =>
    Effect.gen(function*() {
      const code = yield* success(Api.Sms.sendSms, yield* send({ to: [NL], text: "Code {{numbers:6}}" }))
      assert.match(code.data[0]!.text ?? "", /^Code \d{6}$/)
      const polish = yield* success(
        Api.Sms.sendSms,
        yield* send({ to: [NL], text: "Zażółć gęślą jaźń", transliteration: { alphabet: "POLISH" } })
      )
      assert.deepStrictEqual([polish.data[0]!.text, polish.data[0]!.textAnalysis?.unicode], [
        "Zazolc gesla jazn",
        false
      ])
      const russian = yield* success(
        Api.Sms.sendSms,
        yield* send({
          to: [NL],
          text: "Привет 👋",
          transliteration: { alphabet: "RUSSIAN_CYRILLIC", removeEmojis: true }
        })
      )
      assert.strictEqual(russian.data[0]!.text, "Privet ")
    }).pipe(provide()))

  it.effect("a failure share between 0 and 1 is drawn per message, the same with the same seed", () =>
    Effect.gen(function*() {
      // numbers ending in 9 always fail, in 8 never; the others fail half the time
      const delivery = { failureRate: 0.5, rules: [{ pattern: "9$", rate: 1 }, { pattern: "8$", rate: 0 }] }
      const to = Array.from({ length: 30 }, (_, i) => `+3161234${String(i).padStart(4, "0")}`)
      const outcomes = Effect.gen(function*() {
        const sent = yield* success(Api.Sms.sendSms, yield* send({ to }))
        yield* TestClock.adjust("1 hour")
        const reports: Array<readonly [string, string, string, number | null]> = []
        for (const { msgId, to } of sent.data) {
          const report = yield* success(Api.Reports.getSingleReport, yield* call("GET", `/reports/single/${msgId}`))
          reports.push([msgId, to, report.data.status, report.data.errorCode])
        }
        return reports
      })
      const first = yield* outcomes.pipe(provide({ seed: 7, delivery }))
      assert.deepStrictEqual(yield* outcomes.pipe(provide({ seed: 7, delivery })), first)
      const of = (end: string) => first.filter(([, to]) => to.endsWith(end))
      assert.isTrue(of("9").every(([, , status, code]) => status === "FAILED" && code === 1))
      assert.isTrue(of("8").every(([, , status, code]) => status === "DELIVERED" && code === null))
      const drawn = first.filter(([, to]) => !to.endsWith("9") && !to.endsWith("8")).map(([, , status]) => status)
      assert.includeMembers(drawn, ["FAILED", "DELIVERED"])
      assert.strictEqual(new Set(first.map(([msgId]) => msgId)).size, to.length)
    }))
})

describe("estimateSms", () => {
  it.effect("prices like a send, but debits and keeps nothing", () =>
    Effect.gen(function*() {
      const answer = yield* call("POST", "/sms/estimate", { body: { to: [NL, DE, JP], from: "InfoText", text: "Hi" } })
      const body = yield* success(Api.Sms.estimateSms, answer)
      assert.strictEqual(body.info.totalCost, 0.151)
      assert.deepStrictEqual(body.data.map((m) => m.status), ["ACCEPTED", "ACCEPTED", "NO COVERAGE"])
      const state = yield* sandbox
      assert.strictEqual(yield* state.balance, 100)
      assert.deepStrictEqual(yield* state.messages, [])
      assert.deepStrictEqual(yield* state.campaigns, [])
      // and a send then costs what was estimated
      const sent = yield* success(
        Api.Sms.sendSms,
        yield* call("POST", "/sms", { body: { to: [NL, DE, JP], from: "InfoText", text: "Hi" } })
      )
      assert.strictEqual(sent.info.totalCost, body.info.totalCost)
    }).pipe(provide()))

  it.effect("documents insufficient credit (1113) and invalid numbers (1207) too", () =>
    Effect.gen(function*() {
      const estimate = (body: object) =>
        call("POST", "/sms/estimate", { body: { from: "InfoText", text: "Hi", ...body } })
      yield* failure(yield* estimate({ to: [NL] }), 400, "insufficient_credit", 1113)
      yield* failure(yield* estimate({ to: ["+3161234"] }), 400, "invalid_param", 1207)
    }).pipe(provide({ balance: 0.05 })))
})
