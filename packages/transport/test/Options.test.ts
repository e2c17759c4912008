/**
 * Unknown options are refused, with the likeliest one meant.
 */
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Errors from "@smscx/core/Errors"
import * as Transport from "@smscx/transport/Transport"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { balance } from "./answers.js"
import * as FakeHttp from "./fakeHttp.js"
import { API_KEY, withTransport } from "./fixtures.js"

describe("unknown options are refused, with the likeliest meant", () => {
  const refusal = (options: Record<string, unknown>) => {
    const result = Transport.validate(options as unknown as Transport.Options)
    assert.isTrue(Either.isLeft(result), JSON.stringify(Object.keys(options)))
    return Either.isLeft(result) ? result.left : undefined!
  }

  it("a near miss names the option and proposes the one meant", () => {
    const cases: ReadonlyArray<readonly [Record<string, unknown>, string, string]> = [
      [{ apiKey: API_KEY, retries: 3 }, "retries", "did you mean retry: { maxRetries }?"],
      [{ apiKey: API_KEY, maxRetries: 3 }, "maxRetries", "did you mean retry: { maxRetries }?"],
      [{ apiKey: API_KEY, timout: 5000 }, "timout", "did you mean timeout?"],
      [{ apiKey: API_KEY, baseURL: "http://x" }, "baseURL", "did you mean baseUrl?"],
      [{ api_key: API_KEY }, "api_key", "did you mean apiKey?"],
      [{ apiKey: API_KEY, retry: { maxRetires: 2 } }, "retry.maxRetires", "did you mean retry: { maxRetries }?"]
    ]
    for (const [options, option, hint] of cases) {
      const error = refusal(options)
      assert.instanceOf(error, Errors.InvalidOptionsError)
      assert.strictEqual(error.option, option)
      assert.include(error.message, `option ${option} is not a`)
      assert.include(error.message, hint)
      assert.notInclude(error.message, API_KEY)
    }
  })

  it("a name like none of them lists them all", () => {
    const error = refusal({ apiKey: API_KEY, colour: "blue" })
    assert.strictEqual(error.option, "colour")
    assert.include(error.message, "is not an option (they are apiKey, accessToken, ")
    assert.include(error.message, "tracePropagation")
  })

  it("a facade's own names are proposed too (never accepted by the transport)", () => {
    const result = Transport.validate({ apiKey: API_KEY, loger: () => {} } as never, ["fetch", "log", "logger"])
    assert.isTrue(Either.isLeft(result) && result.left.message.includes("did you mean logger?"))
    assert.isTrue(Either.isLeft(Transport.validate({ apiKey: API_KEY, logger: () => {} } as never)))
  })

  it.effect("Transport.make refuses them as the layer is built", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Transport.make({ apiKey: API_KEY, retries: 3 } as never))
      assert.strictEqual(error.option, "retries")
    }).pipe(Effect.scoped, Effect.provide(FakeHttp.always(() => FakeHttp.json(200, balance)).layer)))

  it.effect("a call option that is not one fails the call before anything is sent", () => {
    const fake = FakeHttp.always(() => FakeHttp.json(200, balance))
    return withTransport({ apiKey: API_KEY }, fake, (t) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(t.call(Api.Account.getAccountBalance, [], { timout: 5 } as never))
        assert.instanceOf(error, Errors.RequestValidationError)
        assert.include(error.message, "call option timout is not an option: did you mean timeout?")
        const retries = yield* Effect.flip(t.call(Api.Account.getAccountBalance, [], { retries: 1 } as never))
        assert.include(retries.message, "did you mean retry: { maxRetries }?")
        assert.strictEqual(fake.requests.length, 0)
        assert.isTrue(Either.isLeft(Transport.validateCall({ sigal: 1 } as never, ["signal"])))
        const proposal = Transport.validateCall({ sigal: 1 } as never, ["signal"])
        assert.isTrue(Either.isLeft(proposal) && proposal.left.problem.includes("did you mean signal?"))
      }))
  })
})
