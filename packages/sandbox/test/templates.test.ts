import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { call, failure, noContent, NOW, provide, sandbox, success } from "./utils.js"

const create = (body: object) => call("POST", "/templates", { body })
const get = (id: number) => call("GET", `/templates/${id}`)
const update = (id: number, body: object) => call("PATCH", `/templates/${id}`, { body })
const created = (body: object) => Effect.flatMap(create(body), (a) => success(Api.Templates.createTemplate, a))

const button = { imageUrl: "https://example.com/shoe.png", buttonCaption: "Shop now", targetUrl: "https://example.com" }
const noMedia = { imageUrl: null, buttonCaption: null, targetUrl: null }
const at = new Date(NOW).toISOString()

describe("createTemplate", () => {
  it.effect("an SMS template (the default channel) is approved at once and has no type", () =>
    Effect.gen(function*() {
      const body = yield* created({ name: "Welcome", text: "Hi {{firstName}}" })
      assert.deepStrictEqual(body, { info: { id: 1, name: "Welcome", text: "Hi {{firstName}}", channel: "sms" } })
      const details = yield* success(Api.Templates.getTemplate, yield* get(1))
      assert.deepStrictEqual(details.data, {
        id: 1,
        name: "Welcome",
        text: "Hi {{firstName}}",
        channel: "sms",
        type: null,
        richMedia: noMedia,
        createdAt: at,
        approved: true,
        locked: false
      })
    }).pipe(provide()))

  it.effect("Viber and WhatsApp templates wait for approval; with an image or button they are promotional", () =>
    Effect.gen(function*() {
      const viber = yield* created({ name: "Sale", text: "50% off", channel: "viber", richMedia: button })
      assert.deepStrictEqual(viber.info, {
        id: 1,
        name: "Sale",
        text: "50% off",
        channel: "viber",
        type: "promotional",
        approved: false
      })
      const whatsapp = yield* created({ name: "Code", text: "Your code", channel: "whatsapp" })
      assert.deepStrictEqual([whatsapp.info.type, whatsapp.info.approved], ["transactional", false])
      const details = yield* success(Api.Templates.getTemplate, yield* get(1))
      assert.deepStrictEqual(
        [details.data.type, details.data.richMedia, details.data.approved, details.data.locked],
        ["promotional", button, false, false]
      )
    }).pipe(provide()))

  it.effect("richMedia fields left out are null; an SMS template keeps no rich media", () =>
    Effect.gen(function*() {
      yield* created({ name: "Picture", text: "Look", channel: "viber", richMedia: { imageUrl: button.imageUrl } })
      yield* created({ name: "Plain", text: "Hi", richMedia: button })
      const picture = yield* success(Api.Templates.getTemplate, yield* get(1))
      assert.deepStrictEqual(picture.data.richMedia, { ...noMedia, imageUrl: button.imageUrl })
      assert.strictEqual(picture.data.type, "promotional")
      const plain = yield* success(Api.Templates.getTemplate, yield* get(2))
      assert.deepStrictEqual(plain.data.richMedia, noMedia)
    }).pipe(provide()))

  it.effect("without a name the API names it by date; a second in the same second is numbered", () =>
    Effect.gen(function*() {
      const first = yield* created({ text: "One" })
      const second = yield* created({ text: "Two" })
      assert.deepStrictEqual([first.info.name, second.info.name], [
        "Template 2025-06-01 12:00:00",
        "Template 2025-06-01 12:00:00 (2)"
      ])
      yield* TestClock.adjust("90 seconds")
      assert.strictEqual((yield* created({ text: "Three" })).info.name, "Template 2025-06-01 12:01:30")
    }).pipe(provide()))

  it.effect("text: missing or empty 1801, not a string 1802; too long for Viber/WhatsApp 1811", () =>
    Effect.gen(function*() {
      yield* failure(yield* create({ name: "Abc" }), 400, "invalid_param", 1801)
      yield* failure(yield* create({ text: "" }), 400, "invalid_param", 1801)
      yield* failure(yield* create({ text: "   " }), 400, "invalid_param", 1801)
      yield* failure(yield* create({ text: null }), 400, "invalid_param", 1801)
      yield* failure(yield* create({ text: 42 }), 400, "invalid_param", 1802)
      const long = "x".repeat(1001)
      yield* failure(yield* create({ text: long, channel: "viber" }), 400, "invalid_param", 1811)
      yield* failure(yield* create({ text: long, channel: "whatsapp" }), 400, "invalid_param", 1811)
      // 1000 characters (code points) is the limit
      yield* created({ text: "😀".repeat(1000), channel: "viber" })
      // SMS: no documented limit
      yield* created({ text: long })
    }).pipe(provide()))

  it.effect("name: 3 to 100 characters (1803), unique without regard to case (1805)", () =>
    Effect.gen(function*() {
      yield* failure(yield* create({ text: "Hi", name: "ab" }), 400, "invalid_param", 1803)
      yield* failure(yield* create({ text: "Hi", name: "  ab  " }), 400, "invalid_param", 1803)
      yield* failure(yield* create({ text: "Hi", name: "n".repeat(101) }), 400, "invalid_param", 1803)
      yield* failure(yield* create({ text: "Hi", name: 7 }), 400, "invalid_param", 1803)
      yield* created({ text: "Hi", name: "Promo" })
      const taken = yield* create({ text: "Hi", name: "PROMO", channel: "viber" })
      const error = yield* failure(taken, 400, "duplicate_value", 1805)
      assert.strictEqual(error.error.message, "You already have a template with this name")
    }).pipe(provide()))

  it.effect("channel: not sms, viber or whatsapp is 1806", () =>
    Effect.gen(function*() {
      yield* failure(yield* create({ text: "Hi", channel: "fax" }), 400, "invalid_param", 1806)
      yield* failure(yield* create({ text: "Hi", channel: "SMS" }), 400, "invalid_param", 1806)
    }).pipe(provide()))

  it.effect("richMedia: caption 1..30 (1808), target URL (1809), image URL (1810); a button needs both", () =>
    Effect.gen(function*() {
      const media = (richMedia: object) => create({ text: "Hi", channel: "viber", richMedia })
      yield* failure(yield* media({ ...button, buttonCaption: "c".repeat(31) }), 400, "invalid_param", 1808)
      yield* failure(yield* media({ ...button, buttonCaption: "" }), 400, "invalid_param", 1808)
      yield* failure(yield* media({ ...button, buttonCaption: "  " }), 400, "invalid_param", 1808)
      yield* failure(yield* media({ ...button, targetUrl: "not a url" }), 400, "invalid_param", 1809)
      yield* failure(yield* media({ ...button, targetUrl: 5 }), 400, "invalid_param", 1809)
      yield* failure(yield* media({ ...button, imageUrl: "ftp://example.com/a.png" }), 400, "invalid_param", 1810)
      yield* failure(yield* media({ ...button, imageUrl: false }), 400, "invalid_param", 1810)
      yield* failure(yield* media({ buttonCaption: "Go" }), 400, "invalid_param", 1809)
      yield* failure(yield* media({ targetUrl: "https://example.com" }), 400, "invalid_param", 1808)
      yield* failure(yield* media([]), 400, "invalid_param", 1000)
      // nothing was created
      assert.deepStrictEqual(
        (yield* success(Api.Templates.getTemplatesList, yield* call("GET", "/templates"))).data,
        []
      )
    }).pipe(provide()))
})

describe("getTemplatesList, getTemplate, deleteTemplate", () => {
  it.effect("the list is most recent first; delete answers the id, then 404 1800 everywhere", () =>
    Effect.gen(function*() {
      const empty = yield* success(Api.Templates.getTemplatesList, yield* call("GET", "/templates"))
      assert.deepStrictEqual(empty, { data: [] })
      yield* created({ name: "First", text: "One" })
      yield* TestClock.adjust("1 minute")
      yield* created({ name: "Second", text: "Two", channel: "whatsapp" })
      const list = yield* success(Api.Templates.getTemplatesList, yield* call("GET", "/templates"))
      assert.deepStrictEqual(list.data, [
        {
          id: 2,
          name: "Second",
          channel: "whatsapp",
          text: "Two",
          createdAt: "2025-06-01T12:01:00.000Z",
          approved: false
        },
        { id: 1, name: "First", channel: "sms", text: "One", createdAt: at, approved: true }
      ])
      const deleted = yield* success(Api.Templates.deleteTemplate, yield* call("DELETE", "/templates/1"))
      assert.deepStrictEqual(deleted, { info: { id: 1 } })
      yield* failure(yield* get(1), 404, "not_found", 1800)
      yield* failure(yield* call("DELETE", "/templates/1"), 404, "not_found", 1800)
      yield* failure(yield* update(1, { text: "x" }), 404, "not_found", 1800)
      const after = yield* success(Api.Templates.getTemplatesList, yield* call("GET", "/templates"))
      assert.deepStrictEqual(after.data.map((t) => t.id), [2])
      // the name is free again, and ids are not reused
      assert.strictEqual((yield* created({ name: "First", text: "Again" })).info.id, 3)
    }).pipe(provide()))

  it.effect("a template id that is not an integer is the generic invalid parameter", () =>
    Effect.gen(function*() {
      yield* failure(yield* get(Number.NaN), 400, "invalid_param", 1000)
      yield* failure(yield* call("GET", "/templates/abc"), 400, "invalid_param", 1000)
    }).pipe(provide()))
})

describe("updateTemplate", () => {
  it.effect("changes only what is given; the name stays unique; the same data changes nothing", () =>
    Effect.gen(function*() {
      yield* created({ name: "Welcome", text: "Hi" })
      yield* created({ name: "Other", text: "Yo" })
      const body = yield* success(Api.Templates.updateTemplate, yield* update(1, { text: "Hello {{firstName}}" }))
      assert.deepStrictEqual(body, { info: { id: 1 } })
      const renamed = yield* success(Api.Templates.updateTemplate, yield* update(1, { name: "Greeting" }))
      assert.deepStrictEqual(renamed, { info: { id: 1 } })
      const details = yield* success(Api.Templates.getTemplate, yield* get(1))
      assert.deepStrictEqual([details.data.name, details.data.text, details.data.approved], [
        "Greeting",
        "Hello {{firstName}}",
        true
      ])
      // its own name again is no conflict
      yield* success(Api.Templates.updateTemplate, yield* update(1, { name: "greeting", text: "Hello {{firstName}}" }))
      // the same data again: the API's 204, without a body
      noContent(yield* update(1, { name: "greeting", text: "Hello {{firstName}}" }))
      yield* failure(yield* update(1, { name: "OTHER" }), 400, "duplicate_value", 1805)
    }).pipe(provide()))

  it.effect("errors: 1804 with nothing to change, 1802 text, 1803 name, 1811 length, rich media 1808-1810", () =>
    Effect.gen(function*() {
      yield* created({ name: "Viber one", text: "Hi", channel: "viber" })
      yield* created({ name: "Sms one", text: "x".repeat(1001) })
      yield* failure(yield* update(1, {}), 400, "invalid_param", 1804)
      yield* failure(yield* update(1, { unknown: "field" }), 400, "invalid_param", 1804)
      yield* failure(yield* update(1, { text: "" }), 400, "invalid_param", 1802)
      yield* failure(yield* update(1, { text: 1 }), 400, "invalid_param", 1802)
      yield* failure(yield* update(1, { name: "x" }), 400, "invalid_param", 1803)
      yield* failure(yield* update(1, { text: "y".repeat(1001) }), 400, "invalid_param", 1811)
      // the SMS template's long text does not fit Viber
      yield* failure(yield* update(2, { channel: "viber" }), 400, "invalid_param", 1811)
      // updateTemplate documents no channel error: the generic one
      yield* failure(yield* update(1, { channel: "fax" }), 400, "invalid_param", 1000)
      yield* failure(
        yield* update(1, { richMedia: { ...button, buttonCaption: "c".repeat(31) } }),
        400,
        "invalid_param",
        1808
      )
      yield* failure(
        yield* update(1, { richMedia: { ...button, targetUrl: "mailto:a@b.c" } }),
        400,
        "invalid_param",
        1809
      )
      yield* failure(yield* update(1, { richMedia: { ...button, imageUrl: "image.png" } }), 400, "invalid_param", 1810)
      const details = yield* success(Api.Templates.getTemplate, yield* get(1))
      assert.deepStrictEqual([details.data.text, details.data.richMedia], ["Hi", noMedia])
    }).pipe(provide()))

  it.effect("channel changes: to Viber it waits for approval, back to SMS it is approved and drops rich media", () =>
    Effect.gen(function*() {
      yield* created({ name: "Moving", text: "Hi" })
      yield* success(Api.Templates.updateTemplate, yield* update(1, { channel: "viber", richMedia: button }))
      const viber = yield* success(Api.Templates.getTemplate, yield* get(1))
      assert.deepStrictEqual([viber.data.channel, viber.data.type, viber.data.approved, viber.data.richMedia], [
        "viber",
        "promotional",
        false,
        button
      ])
      yield* success(Api.Templates.updateTemplate, yield* update(1, { channel: "sms" }))
      const sms = yield* success(Api.Templates.getTemplate, yield* get(1))
      assert.deepStrictEqual([sms.data.channel, sms.data.type, sms.data.approved, sms.data.richMedia], [
        "sms",
        null,
        true,
        noMedia
      ])
    }).pipe(provide()))
})

describe("approveTemplate (the control API's)", () => {
  it.effect("approves a Viber template, which is then locked for editing (403 1812); false for an unknown id", () =>
    Effect.gen(function*() {
      const state = yield* sandbox
      yield* created({ name: "Sale", text: "50% off", channel: "viber", richMedia: button })
      yield* created({ name: "Draft", text: "Soon", channel: "whatsapp" })
      assert.isTrue(yield* state.approveTemplate(1))
      assert.isFalse(yield* state.approveTemplate(99))
      const details = yield* success(Api.Templates.getTemplate, yield* get(1))
      assert.deepStrictEqual([details.data.approved, details.data.locked], [true, true])
      const list = yield* success(Api.Templates.getTemplatesList, yield* call("GET", "/templates"))
      assert.deepStrictEqual(list.data.map((t) => [t.id, t.approved]), [[2, false], [1, true]])
      const locked = yield* failure(yield* update(1, { text: "60% off" }), 403, "access_denied", 1812)
      assert.strictEqual(locked.error.message, "Template is locked for editing")
      // the unapproved one may still be edited; an edit keeps it unapproved
      yield* success(Api.Templates.updateTemplate, yield* update(2, { text: "Now" }))
      assert.isFalse((yield* success(Api.Templates.getTemplate, yield* get(2))).data.approved)
      // deleting a locked template is allowed
      yield* success(Api.Templates.deleteTemplate, yield* call("DELETE", "/templates/1"))
      assert.isFalse(yield* state.approveTemplate(1))
    }).pipe(provide()))

  it.effect("an approved SMS template stays editable", () =>
    Effect.gen(function*() {
      const state = yield* sandbox
      yield* created({ name: "Sms", text: "Hi" })
      assert.isTrue(yield* state.approveTemplate(1))
      yield* success(Api.Templates.updateTemplate, yield* update(1, { text: "Hello" }))
      const details = yield* success(Api.Templates.getTemplate, yield* get(1))
      assert.deepStrictEqual([details.data.text, details.data.locked], ["Hello", false])
    }).pipe(provide()))
})
