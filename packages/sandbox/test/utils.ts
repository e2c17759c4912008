import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert } from "@effect/vitest"
import * as Generated from "@smscx/core/Generated"
import type * as Operation from "@smscx/core/Operation"
import { Sandbox } from "@smscx/sandbox"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"

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
    return { status: response.status, headers: response.headers, json: JSON.parse(text) as unknown } as Answer
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
