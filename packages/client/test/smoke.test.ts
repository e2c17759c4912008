import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, it } from "@effect/vitest"
import { Account, Sms, SmsCx } from "@smscx/client"
import { Effect, Layer } from "effect"

const fake = Layer.succeed(HttpClient.HttpClient, HttpClient.make((req) =>
  Effect.succeed(HttpClientResponse.fromWeb(req, new Response(JSON.stringify(
    req.url.endsWith("/account/balance") ? { balance: 5, currency: "eur", billing: "prepaid" } :
    { error: { type: "invalid_param", code: 1106, message: "bad from", uri: "x" } }
  ), { status: req.url.endsWith("/account/balance") ? 200 : 400 })))))

it.effect("smoke", () =>
  Effect.gen(function*() {
    const account = yield* Account
    const b = yield* account.getAccountBalance()
    assert.deepStrictEqual(b, { balance: 5, currency: "eur", billing: "prepaid" })
    const sms = yield* Sms
    const e = yield* Effect.flip(sms.sendSms({ to: ["+31612469000"], from: "InfoText", text: "hi" }))
    assert.strictEqual(e._tag, "InvalidRequestException")
    const v = yield* Effect.flip(sms.sendSms({ to: ["+31612469000"], from: "x".repeat(16), text: "hi" }))
    assert.strictEqual(v._tag, "RequestValidationError")
    console.log(v.message)
  }).pipe(Effect.provide(SmsCx.layerWithoutHttpClient({ apiKey: "k" }).pipe(Layer.provide(fake)))))
