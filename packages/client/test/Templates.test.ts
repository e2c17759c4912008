import { assert, describe, it } from "@effect/vitest"
import {
  AccessDeniedException,
  DuplicateValueException,
  InsufficientScopeException,
  InvalidRequestException,
  RequestValidationError,
  ResourceNotFoundException,
  Sms,
  Templates
} from "@smscx/client"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { NL, NOW, provide, Requests, sandbox, sentTo } from "./utils.js"

const button = { imageUrl: "https://example.com/shoe.png", buttonCaption: "Shop now", targetUrl: "https://example.com" }

describe("Templates: create, use, change, delete", () => {
  it.effect("an SMS template: create, read, update, list, delete, then ResourceNotFoundException", () =>
    Effect.gen(function*() {
      const templates = yield* Templates
      const created = yield* templates.createTemplate({ name: "Welcome", text: "Hi {{firstName}}" })
      assert.deepStrictEqual(created.info, { id: 1, name: "Welcome", text: "Hi {{firstName}}", channel: "sms" })
      const [sent] = yield* sentTo("/templates")
      assert.deepStrictEqual([sent!.method, JSON.parse(sent!.body)], ["POST", {
        name: "Welcome",
        text: "Hi {{firstName}}"
      }])

      const read = yield* templates.getTemplate(1)
      assert.deepStrictEqual(read.data, {
        id: 1,
        name: "Welcome",
        text: "Hi {{firstName}}",
        channel: "sms",
        type: null,
        richMedia: { imageUrl: null, buttonCaption: null, targetUrl: null },
        createdAt: new Date(NOW).toISOString(),
        approved: true,
        locked: false
      })
      const updated = yield* templates.updateTemplate(1, { text: "Hello {{firstName}}, welcome!" })
      assert.deepStrictEqual(updated, { info: { id: 1 } })
      assert.deepStrictEqual((yield* sentTo("/templates/1")).map((r) => r.method), ["GET", "PATCH"])
      assert.strictEqual((yield* templates.getTemplate(1)).data.text, "Hello {{firstName}}, welcome!")

      yield* TestClock.adjust("1 minute")
      yield* templates.createTemplate({ text: "Promo", channel: "whatsapp" })
      const list = yield* templates.getTemplatesList()
      assert.deepStrictEqual(list.data.map((t) => [t.id, t.name, t.channel, t.approved]), [
        [2, "Template 2025-06-01 12:01:00", "whatsapp", false],
        [1, "Welcome", "sms", true]
      ])

      assert.deepStrictEqual(yield* templates.deleteTemplate(1), { info: { id: 1 } })
      for (
        const error of yield* Effect.all([
          Effect.flip(templates.getTemplate(1)),
          Effect.flip(templates.deleteTemplate(1)),
          Effect.flip(templates.updateTemplate(1, { name: "Again" }))
        ])
      ) {
        assert.instanceOf(error, ResourceNotFoundException)
        assert.deepStrictEqual([error.status, error.type, error.code], [404, "not_found", 1800])
      }
      assert.deepStrictEqual((yield* templates.getTemplatesList()).data.map((t) => t.id), [2])
    }).pipe(provide()))

  it.effect("a Viber template waits for approval; once approved it is locked: AccessDeniedException 1812", () =>
    Effect.gen(function*() {
      const templates = yield* Templates
      const created = yield* templates.createTemplate({
        name: "Spring sale",
        text: "50% off everything",
        channel: "viber",
        richMedia: button
      })
      assert.deepStrictEqual([created.info.type, created.info.approved], ["promotional", false])
      // editable while under review
      yield* templates.updateTemplate(created.info.id, { text: "40% off everything" })
      assert.isTrue(yield* (yield* sandbox).approveTemplate(created.info.id))
      const approved = yield* templates.getTemplate(created.info.id)
      assert.deepStrictEqual(
        [approved.data.text, approved.data.approved, approved.data.locked, approved.data.richMedia],
        ["40% off everything", true, true, button]
      )
      const locked = yield* Effect.flip(templates.updateTemplate(created.info.id, { text: "60% off" }))
      assert.instanceOf(locked, AccessDeniedException)
      assert.deepStrictEqual([locked.status, locked.type, locked.code], [403, "access_denied", 1812])
      assert.strictEqual((yield* templates.getTemplate(created.info.id)).data.text, "40% off everything")
    }).pipe(provide()))
})

describe("Templates: errors", () => {
  it.effect("the API's checks: empty text, duplicate name, Viber text too long, nothing to update", () =>
    Effect.gen(function*() {
      const templates = yield* Templates
      const empty = yield* Effect.flip(templates.createTemplate({ text: "" }))
      assert.instanceOf(empty, InvalidRequestException)
      assert.deepStrictEqual([empty.status, empty.code], [400, 1801])

      yield* templates.createTemplate({ name: "Reminder", text: "See you" })
      const duplicate = yield* Effect.flip(templates.createTemplate({ name: "reminder", text: "Again" }))
      assert.instanceOf(duplicate, DuplicateValueException)
      assert.deepStrictEqual([duplicate.status, duplicate.type, duplicate.code], [400, "duplicate_value", 1805])

      const long = yield* Effect.flip(templates.createTemplate({ text: "x".repeat(1001), channel: "viber" }))
      assert.instanceOf(long, InvalidRequestException)
      assert.strictEqual(long.code, 1811)

      const nothing = yield* Effect.flip(templates.updateTemplate(1, {}))
      assert.instanceOf(nothing, InvalidRequestException)
      assert.strictEqual(nothing.code, 1804)

      const target = yield* Effect.flip(templates.createTemplate({
        text: "Hi",
        channel: "viber",
        richMedia: { ...button, targetUrl: "not a url" }
      }))
      assert.instanceOf(target, InvalidRequestException)
      assert.strictEqual(target.code, 1809)
      assert.deepStrictEqual((yield* templates.getTemplatesList()).data.map((t) => t.name), ["Reminder"])
    }).pipe(provide()))

  it.effect("a name the schema refuses is RequestValidationError, and nothing is sent", () =>
    Effect.gen(function*() {
      const templates = yield* Templates
      const error = yield* Effect.flip(templates.createTemplate({ name: "ab", text: "Hi" }))
      assert.instanceOf(error, RequestValidationError)
      assert.deepStrictEqual(yield* Effect.flatten(Requests), [])
    }).pipe(provide()))
})

describe("Scopes: a token with only the sms scope", () => {
  const APP = { applicationId: "sms-only-app", applicationSecret: "sms-only-Secret-41" }

  it.effect("gets InsufficientScopeException on Templates and sends SMS", () =>
    Effect.gen(function*() {
      const denied = yield* Effect.flip((yield* Templates).getTemplatesList())
      assert.instanceOf(denied, InsufficientScopeException)
      assert.deepStrictEqual([denied.status, denied.type], [403, "insufficient_scope"])
      const created = yield* Effect.flip((yield* Templates).createTemplate({ text: "Hi" }))
      assert.instanceOf(created, InsufficientScopeException)

      const sent = yield* (yield* Sms).sendSms({ to: [NL], from: "InfoText", text: "Hello" })
      assert.strictEqual(sent.data[0]!.status, "ACCEPTED")
      assert.strictEqual((yield* (yield* sandbox).messages).length, 1)
      // one token, granted the application's only scope, carried by every call
      const [token, ...others] = yield* sentTo("/oauth/token")
      assert.deepStrictEqual(others, [])
      assert.strictEqual(token!.response!.status, 200)
      const bearers = new Set(
        [...yield* sentTo("/templates"), ...yield* sentTo("/sms")].map((r) => r.headers["authorization"])
      )
      assert.strictEqual(bearers.size, 1)
      assert.match([...bearers][0]!, /^Bearer \S+$/)
    }).pipe(provide(APP, { apiKeys: ["unused"], applications: [{ ...APP, scopes: ["sms"] }] })))
})
