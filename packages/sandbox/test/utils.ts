import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert } from "@effect/vitest"
import * as Generated from "@smscx/core/Generated"
import type * as Operation from "@smscx/core/Operation"
import { Sandbox } from "@smscx/sandbox"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import * as Delivery from "../src/internal/engines/delivery.js"

import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpApp from "@effect/platform/HttpApp"
import ExcelJS from "exceljs"
import * as App from "../src/internal/app/app.js"
import { DEFAULT_MAX_BODY_BYTES } from "../src/internal/kernel/body.js"
import * as Callbacks from "../src/internal/kernel/callbacks.js"
import { toMicros } from "../src/internal/kernel/money.js"
export const API_KEY = "test-key"

/** 2025-06-01T12:00:00Z: tests set the TestClock here, so dates are deterministic. */
export const NOW = Date.parse("2025-06-01T12:00:00Z")

export interface Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly json: unknown
}

export interface CallOptions {
  readonly body?: unknown
  /** A raw body, sent as JSON. */
  readonly text?: string
  /** A form body (`application/x-www-form-urlencoded`). */
  readonly form?: Record<string, string>
  /** Replaces the default `X-API-KEY` header. */
  readonly headers?: Record<string, string>
}

/** One raw HTTP call to the sandbox. */
export const call = (method: string, path: string, options: CallOptions = {}) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    let request = HttpClientRequest.make(method as "GET")(Sandbox.baseUrl + path).pipe(
      HttpClientRequest.setHeaders(options.headers ?? { "X-API-KEY": API_KEY })
    )
    if (options.body !== undefined) {
      request = HttpClientRequest.bodyText(request, JSON.stringify(options.body), "application/json")
    }
    if (options.text !== undefined) request = HttpClientRequest.bodyText(request, options.text, "application/json")
    if (options.form !== undefined) request = HttpClientRequest.bodyUrlParams(request, options.form)
    const response = yield* client.execute(request)
    const text = yield* response.text
    return {
      status: response.status,
      headers: response.headers,
      json: (text === "" ? undefined : JSON.parse(text)) as unknown
    } as Answer
  })

/** The sandbox's HTTP client and state; the TestClock starts at `NOW`. */
export const provide = (options: Sandbox.Options = {}) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.zipRight(TestClock.setTime(NOW), effect).pipe(
    Effect.provide(Sandbox.layerHttpClient({ apiKeys: [API_KEY], ...options }))
  )

/**
 * The contract check: a 200 whose body decodes with the operation's own success schema. Unknown
 * fields fail too (a misspelt field name would otherwise go unnoticed), unless `extra` allows them.
 */
export const success = <O extends Operation.Any>(
  operation: O,
  answer: Answer,
  extra: "error" | "ignore" = "error"
): Effect.Effect<Operation.SuccessOf<O>> => {
  assert.strictEqual(answer.status, operation.successStatus, JSON.stringify(answer.json))
  const schema = operation.success._tag === "Json" ? operation.success.schema : Schema.Unknown
  return Schema.decodeUnknown(schema, { onExcessProperty: extra })(answer.json).pipe(
    Effect.orDie
  ) as Effect.Effect<Operation.SuccessOf<O>>
}

/** The API's 204: nothing to change, and no body. */
export const noContent = (answer: Answer): void => {
  assert.strictEqual(answer.status, 204, JSON.stringify(answer.json))
  assert.isUndefined(answer.json)
}

const ErrorBody = Schema.Struct({ error: Generated.Error, invalid: Schema.optional(Schema.Array(Schema.String)) })

/** An error answer: its status, `error.type` and `error.code`; gives the decoded body. */
export const failure = (answer: Answer, status: number, type: string, code: number) =>
  Effect.gen(function*() {
    const body = yield* Effect.orDie(Schema.decodeUnknown(ErrorBody, { onExcessProperty: "error" })(answer.json))
    assert.deepStrictEqual(
      { status: answer.status, type: body.error.type, code: body.error.code },
      { status, type, code },
      body.error.message
    )
    return body
  })

/** The state of the sandbox under test. */
export const sandbox = Sandbox.Sandbox

// A sandbox whose store and instance a test reaches directly (what the control API and the visit
// route call), with user agents and a reader of XLSX files.
/** User agents of common devices. */
export const UA = {
  iPhone:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
  galaxy:
    "Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36",
  windows:
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67",
  iPad:
    "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
  mac: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:125.0) Gecko/20100101 Firefox/125.0"
} as const

export const testConfig = (seed?: number): App.Config => ({
  apiKeys: [API_KEY],
  applications: [],
  balanceMicros: 0,
  currency: "eur",
  rateLimit: { limit: 1000, windowSeconds: 1 },
  tokenLifetimeSeconds: 86_400,
  channels: { sms: true, viber: true, whatsapp: true, multichannel: true },
  delivery: Delivery.defaults,
  groups: [],
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  seed,
  callbacks: Callbacks.defaults,
  attachments: []
})

/**
 * A sandbox whose store the test reaches (to record hits, as the visit route will), answering
 * in-process under the test's services (the TestClock, set to NOW).
 */
export const harness = (seed?: number) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(NOW)
    const instance = yield* App.make(testConfig(seed))
    const runtime = yield* Effect.runtime<never>()
    const handler = HttpApp.toWebHandlerRuntime(runtime)(instance.app)
    const raw = (method: string, path: string, body?: unknown) =>
      Effect.promise(() =>
        handler(
          new Request(Sandbox.baseUrl + path, {
            method,
            headers: { "X-API-KEY": API_KEY, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
            ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) })
          })
        )
      )
    const call = (method: string, path: string, body?: unknown) =>
      Effect.flatMap(raw(method, path, body), (response) =>
        Effect.promise(async (): Promise<Answer> => ({
          status: response.status,
          headers: Object.fromEntries(response.headers),
          json: await response.text().then((text) => text === "" ? undefined : JSON.parse(text) as unknown)
        })))
    /** A file answer: status, headers and bytes. */
    const file = (path: string) =>
      Effect.flatMap(raw("GET", path), (response) =>
        Effect.promise(async () => ({
          status: response.status,
          headers: Object.fromEntries(response.headers),
          bytes: new Uint8Array(await response.arrayBuffer())
        })))
    return { store: instance.store, call, file }
  })

export const xlsxRows = (bytes: Uint8Array) =>
  Effect.promise(async () => {
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer)
    const sheet = workbook.worksheets[0]!
    const rows: Array<Array<unknown>> = []
    sheet.eachRow((row) => rows.push((row.values as Array<unknown>).slice(1)))
    return { name: sheet.name, rows }
  })

/**
 * A sandbox whose store and callbacks the test can reach (the public one shows neither): the
 * app of `App.make`, served in-process to `call`.
 */
export const withInstance = <A, E>(
  body: (instance: App.Instance) => Effect.Effect<A, E, HttpClient.HttpClient>,
  balanceAmount = 100
) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(NOW)
    const instance = yield* App.make({
      ...testConfig(),
      balanceMicros: toMicros(balanceAmount),
      maxBodyBytes: 10_000_000
    })
    const fetchLayer = Layer.effect(
      FetchHttpClient.Fetch,
      Effect.map(Effect.runtime<never>(), (runtime) => {
        const handler = HttpApp.toWebHandlerRuntime(runtime)(instance.app)
        const fetch: typeof globalThis.fetch = (input, init) =>
          handler(input instanceof Request ? input : new Request(new URL(String(input), Sandbox.baseUrl), init))
        return fetch
      })
    )
    return yield* body(instance).pipe(Effect.provide(FetchHttpClient.layer.pipe(Layer.provide(fetchLayer))))
  })
