import { createClient, InvalidPhoneNumberException } from "@smscx/promise"
import { Account, Optouts, Sms } from "@smscx/promise/Api"
import { Sandbox } from "@smscx/sandbox"
import { assert, describe, expect, it } from "vitest"
import { API_KEY, resources } from "./helpers.js"

const { opened, sandbox } = resources()

describe("tracer: calls as OpenTelemetry client spans", () => {
  /** A tracer as @opentelemetry/api's is, recording what it is told. */
  const recordingTracer = () => {
    const spans: Array<{
      name: string
      kind: number
      attributes: Readonly<Record<string, string>>
      status?: { code: number; message?: string }
      numbers: Record<string, number>
      ended: boolean
      traceId: string
      spanId: string
    }> = []
    let next = 0
    const tracer = {
      startSpan: (name: string, options: { kind: number; attributes: Readonly<Record<string, string>> }) => {
        const span = {
          name,
          ...options,
          numbers: {} as Record<string, number>,
          ended: false,
          traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
          spanId: (++next).toString(16).padStart(16, "0")
        } as (typeof spans)[number]
        spans.push(span)
        return {
          spanContext: () => ({ traceId: span.traceId, spanId: span.spanId, traceFlags: 1 }),
          setAttribute: (key: string, value: number) => void (span.numbers[key] = value),
          setStatus: (status: { code: number; message?: string }) => void (span.status = status),
          end: () => void (span.ended = true)
        }
      }
    }
    return { spans, tracer }
  }

  it("each call is a span named after its operation; the request joins its trace; failures carry the tag only", async () => {
    const server = sandbox()
    const traceparents: Array<string | null> = []
    const { spans, tracer } = recordingTracer()
    const client = createClient({ account: Account, sms: Sms }, {
      apiKey: API_KEY,
      baseUrl: Sandbox.baseUrl,
      fetch: (input, init) => {
        traceparents.push(new Headers(init?.headers).get("traceparent"))
        return server.fetch(input, init)
      },
      tracer,
      retry: false
    })
    opened.push(() => client.close())
    await client.account.getAccountBalance()
    await client.sms.sendSms({ to: ["+3161234"], from: "InfoText", text: "Hello" }).catch(() => undefined)
    assert.deepStrictEqual(spans.map((s) => [s.name, s.kind, s.ended, s.status?.code]), [
      ["Account.getAccountBalance", 2, true, 1],
      ["Sms.sendSms", 2, true, 2]
    ])
    assert.deepStrictEqual(spans[0]!.attributes, {
      "smscx.operation": "getAccountBalance",
      "http.request.method": "GET",
      "url.template": "/account/balance"
    })
    assert.strictEqual(spans[1]!.status?.message, "InvalidPhoneNumberException")
    assert.strictEqual(spans[1]!.numbers["smscx.attempts"], 1)
    // the SDK's own span is a child in the same trace: the header carries the trace, not the user's span id
    assert.strictEqual(traceparents.length, 2)
    for (const header of traceparents) {
      assert.match(header ?? "", /^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/)
    }
    assert.notInclude(JSON.stringify(spans), "+3161234")
    expect(() => createClient({ sms: Sms }, { apiKey: API_KEY, tracer: {} as never })).toThrow(/option tracer must be/)
  })

  it("a tracer that throws, or gives no span context, costs the span only: answers and declared errors stay", async () => {
    const server = sandbox()
    const boom = () => {
      throw new TypeError("tracer broke")
    }
    const spanWith = (broken: string) => ({
      spanContext: broken === "spanContext"
        ? boom
        : broken === "noContext"
        ? () => undefined as never
        : () => ({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", traceFlags: 1 }),
      setAttribute: broken === "setAttribute" ? boom : () => undefined,
      setStatus: broken === "setStatus" ? boom : () => undefined,
      end: broken === "end" ? boom : () => undefined
    })
    for (const broken of ["startSpan", "spanContext", "noContext", "setAttribute", "setStatus", "end"]) {
      const tracer = { startSpan: () => broken === "startSpan" ? boom() : spanWith(broken) }
      const client = createClient({ account: Account, sms: Sms }, {
        apiKey: API_KEY,
        baseUrl: Sandbox.baseUrl,
        fetch: server.fetch,
        tracer,
        retry: false
      })
      opened.push(() => client.close())
      const balance = await client.account.getAccountBalance()
      assert.strictEqual(typeof balance.balance, "number", broken)
      const error = await client.sms.sendSms({ to: ["+3161234"], from: "InfoText", text: "Hello" }).then(
        () => assert.fail(`${broken}: sendSms to an invalid number resolved`),
        (e: unknown) => e
      )
      assert.instanceOf(error, InvalidPhoneNumberException, broken)
    }
  })

  it("a list is a span per page fetched, none for its end; a download is one span", async () => {
    const { spans, tracer } = recordingTracer()
    const fetch: typeof globalThis.fetch = async (input) => {
      const url = new URL(String(input))
      if (url.pathname.endsWith("/csv")) {
        return new Response("+31612345678,NL\n", { status: 200, headers: { "content-type": "application/csv" } })
      }
      const next = url.searchParams.get("next")
      const page = next === null ? 1 : Number(next.slice(1))
      return new Response(
        JSON.stringify({
          info: { id: "optouts", link: "", total: 0 },
          data: [],
          paging: { next: page < 3 ? `p${page + 1}` : null, previous: null, size: 2 }
        }),
        { status: 200, headers: { "content-type": "application/json" } }
      )
    }
    const client = createClient({ optouts: Optouts }, { apiKey: API_KEY, baseUrl: "http://paging.test", fetch, tracer })
    opened.push(() => client.close())
    let pages = 0
    for await (const _ of client.optouts.getOptoutsList.pages({ limit: 2 })) pages++
    assert.strictEqual(pages, 3)
    const file = await client.optouts.exportOptoutsToCSV.stream()
    await file.body.cancel()
    assert.deepStrictEqual(spans.map((s) => [s.name, s.ended, s.status?.code]), [
      ["Optouts.getOptoutsList", true, 1],
      ["Optouts.getOptoutsList", true, 1],
      ["Optouts.getOptoutsList", true, 1],
      ["Optouts.exportOptoutsToCSV", true, 1]
    ])
  })
})
