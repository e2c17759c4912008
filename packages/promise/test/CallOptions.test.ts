import { createClient, RequestValidationError, SmsCx } from "@smscx/promise"
import { Account, Optouts, Sms } from "@smscx/promise/Api"
import { Sandbox } from "@smscx/sandbox"
import { assert, describe, it } from "vitest"
import { API_KEY, hello, LATER, NL, rejection, resources, within } from "./helpers.js"

const { listen, opened, setup } = resources()

describe("call options that are not an object", () => {
  it("reject with a RequestValidationError, nothing sent, for every kind of method", async () => {
    let requests = 0
    const baseUrl = await listen((_, res) => {
      requests++
      res.writeHead(500).end()
    })
    const client = createClient({ sms: Sms, account: Account, optouts: Optouts }, { apiKey: API_KEY, baseUrl })
    opened.push(() => client.close())
    const sms = { to: ["+31612345678"], from: "InfoText", text: "Hello" }
    const drain = async (iterable: AsyncIterable<unknown>) => {
      for await (const _ of iterable) break
    }
    const bad: ReadonlyArray<unknown> = ["x", 42, true, null, [], ["a"], () => {}, { signal: "x" }, {
      signal: { aborted: false }
    }]
    for (const options of bad) {
      const calls: ReadonlyArray<() => Promise<unknown>> = [
        () => (client.sms.sendSms as (...a: Array<unknown>) => Promise<unknown>)(sms, options),
        () => (client.sms.sendSms.withResponse as (...a: Array<unknown>) => Promise<unknown>)(sms, options),
        () => (client.account.getAccountBalance as (...a: Array<unknown>) => Promise<unknown>)(options),
        () =>
          drain((client.optouts.getOptoutsList.pages as (...a: Array<unknown>) => AsyncIterable<unknown>)({}, options)),
        () =>
          drain((client.optouts.getOptoutsList.all as (...a: Array<unknown>) => AsyncIterable<unknown>)({}, options)),
        () => (client.optouts.exportOptoutsToCSV.stream as (...a: Array<unknown>) => Promise<unknown>)(options)
      ]
      for (const [i, call] of calls.entries()) {
        let promise: Promise<unknown>
        try {
          promise = call()
        } catch (error) {
          assert.fail(`call ${i} with ${String(options)} threw synchronously: ${String(error)}`)
        }
        const error = await promise.then(() => undefined, (e: unknown) => e)
        assert.instanceOf(error, RequestValidationError, `call ${i} with ${JSON.stringify(options)}`)
        assert.include((error as RequestValidationError).message, "options")
      }
    }
    assert.strictEqual(requests, 0, "nothing was sent")
  })
})

describe("{ signal } as the last argument", () => {
  /** A fetch that never answers; it rejects only when its signal aborts. */
  const hanging = () => {
    const signals: Array<AbortSignal> = []
    const fetch: typeof globalThis.fetch = (_input, init) =>
      new Promise((_, reject) => {
        const signal = init?.signal
        if (signal == null) return
        signals.push(signal)
        signal.addEventListener("abort", () => reject(signal.reason))
      })
    return { fetch, signals }
  }

  it("aborting rejects the pending call promptly, and aborts its request", async () => {
    const { fetch, signals } = hanging()
    const client = new SmsCx({ apiKey: API_KEY, baseUrl: Sandbox.baseUrl, fetch })
    opened.push(() => client.close())
    const controller = new AbortController()
    const call = rejection(client.sms.sendSms({ to: [NL], ...hello }, { signal: controller.signal }))
    await new Promise((resolve) => setTimeout(resolve, 20))
    assert.strictEqual(signals.length, 1)
    const started = Date.now()
    controller.abort()
    const error = await within(1000, call)
    assert.isBelow(Date.now() - started, 1000)
    // the signal's own reason, as fetch rejects
    assert.strictEqual(error, controller.signal.reason)
    assert.strictEqual((error as DOMException).name, "AbortError")
    assert.isTrue(signals[0]!.aborted)
  })

  it("an aborted signal rejects at once", async () => {
    const { fetch } = hanging()
    const client = new SmsCx({ apiKey: API_KEY, baseUrl: Sandbox.baseUrl, fetch })
    opened.push(() => client.close())
    const signal = AbortSignal.abort(new Error("changed my mind"))
    const error = await within(1000, rejection(client.account.getAccountBalance({ signal })))
    assert.strictEqual(error, signal.reason)
  })

  it("a signal that is not aborted changes nothing, whatever the arity", async () => {
    const { client, state } = setup()
    const { signal } = new AbortController()
    assert.strictEqual((await client.account.getAccountBalance({ signal })).balance, 100)
    const pricing = await client.account.getChannelPricingByCountryIso("viber", "transactional", "DE", { signal })
    assert.deepStrictEqual(pricing, { countryCode: { TRANSACTIONAL: 0.031, PROMOTIONAL: 0.045 } })
    const sent = await client.sms.sendSms({ to: [NL], ...hello, scheduledDate: LATER }, { signal })
    const deleted = await client.sms.deleteScheduledSms(sent.data[0]!.msgId, { signal })
    assert.strictEqual(deleted.info.creditReturned, 0.072)
    assert.strictEqual(await state.balance(), 100)
  })
})
