import { Account, InvalidOptionsError, Sms, SmsCx } from "@smscx/client"
import { Sandbox } from "@smscx/sandbox"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { assert, describe, it } from "vitest"

const API_KEY = "sk-test-Qm7Vd9XbL2"

describe("providing only the groups a program uses", () => {
  it("Sms.layer over SmsCx.layerTransport sends through the default client, and provides no other group", async () => {
    const server = await Sandbox.start({ port: 0, apiKeys: [API_KEY] })
    try {
      const SmsLive = Sms.layer.pipe(
        Layer.provide(SmsCx.layerTransport({ apiKey: Redacted.make(API_KEY), baseUrl: server.url }))
      )
      const program = Effect.gen(function*() {
        const sms = yield* Sms
        const sent = yield* sms.sendSms({ to: ["+31612345678"], from: "InfoText", text: "Hello" })
        const account = yield* Effect.serviceOption(Account)
        return { recipients: sent.info.totalPhoneNumbers, account }
      })
      const { account, recipients } = await Effect.runPromise(Effect.provide(program, SmsLive))
      assert.strictEqual(recipients, 1)
      assert.isTrue(Option.isNone(account))
    } finally {
      await server.close()
    }
  })

  it("SmsCx.layerTransport checks its options when built", async () => {
    const exit = await Effect.runPromiseExit(
      Layer.build(SmsCx.layerTransport({ apiKey: Redacted.make(API_KEY), baseUrl: "ftp://example.com" })).pipe(
        Effect.scoped
      )
    )
    assert.isTrue(Exit.isFailure(exit))
    if (Exit.isFailure(exit)) {
      const error = exit.cause._tag === "Fail" ? exit.cause.error : undefined
      assert.instanceOf(error, InvalidOptionsError)
    }
  })
})
