import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as ErrorMapping from "@smscx/core/ErrorMapping"
import * as Errors from "@smscx/core/Errors"
import type * as Operation from "@smscx/core/Operation"
import * as Duration from "effect/Duration"
import { readFileSync } from "node:fs"

// ---------------------------------------------------------------------------
// The contract: spec/error-mapping.json, read at test time
// ---------------------------------------------------------------------------

interface JsonRule {
  readonly status?: number
  readonly statusRange?: readonly [number, number]
  readonly type?: string
  readonly codes?: ReadonlyArray<number>
  readonly exception: string
  readonly otherwise?: boolean
  readonly note?: string
}

const readJson = (path: string): any => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"))

const mapping: { readonly rules: ReadonlyArray<JsonRule> } = readJson(
  "../../../spec/error-mapping.json"
)
const spec = readJson("../../../spec/smscx-openapi.json")

const ordinaryRules = mapping.rules.filter((rule) => rule.otherwise !== true)

const isExceptionTag = (tag: string): tag is Errors.ApiExceptionTag => Object.hasOwn(Errors.ApiExceptions, tag)

/** A type no rule of the JSON names, so a rule without a type is reached only through its status. */
const UNMAPPED_TYPE = "some_unmapped_type"
/** A code no rule of the JSON lists. */
const UNMAPPED_CODE = 9999

const rateHeaders = { "x-rate-limit-limit": "100", "x-rate-limit-remaining": "0", "x-request-id": "req-1" }

const describeRule = (rule: JsonRule) =>
  [
    rule.status ?? `${rule.statusRange?.[0]}-${rule.statusRange?.[1]}`,
    rule.type ?? "(any type)",
    rule.codes ? `[${rule.codes.join(", ")}]` : "(any code)"
  ].join(" ") + ` -> ${rule.exception}`

/** Asserts every field an API error carries, for a body in the API's envelope. */
const assertMapped = (
  error: Errors.ApiError,
  expected: {
    readonly tag: string
    readonly status: number
    readonly type: string | undefined
    readonly code: number | undefined
    readonly message: string
    readonly uri: string | undefined
    readonly invalid: ReadonlyArray<string> | undefined
    readonly body: unknown
    readonly headers: Record<string, string>
  }
) => {
  assert.isTrue(isExceptionTag(expected.tag), `${expected.tag} is an exception of Errors`)
  assert.isTrue(
    error instanceof Errors.ApiExceptions[expected.tag as Errors.ApiExceptionTag],
    `instanceof ${expected.tag}`
  )
  assert.strictEqual(error._tag, expected.tag)
  assert.isTrue(Errors.isApiError(error))
  assert.strictEqual(error.status, expected.status)
  assert.strictEqual(error.type, expected.type)
  assert.strictEqual(error.code, expected.code)
  assert.strictEqual(error.message, expected.message)
  assert.strictEqual(error.uri, expected.uri)
  assert.deepStrictEqual(error.invalid, expected.invalid)
  assert.deepStrictEqual(error.body, expected.body)
  assert.deepStrictEqual(error.headers, expected.headers)
}

// ---------------------------------------------------------------------------

describe("ErrorMapping.fromResponse: one case per rule of spec/error-mapping.json", () => {
  it("the JSON has its rules (and a fallback)", () => {
    assert.strictEqual(ordinaryRules.length, mapping.rules.length - 1)
    assert.isAbove(ordinaryRules.length, 20)
  })

  for (const [index, rule] of ordinaryRules.entries()) {
    const statuses = rule.status !== undefined
      ? [rule.status]
      : [rule.statusRange![0], Math.floor((rule.statusRange![0] + rule.statusRange![1]) / 2), rule.statusRange![1]]
    const codes = rule.codes ?? [UNMAPPED_CODE]

    it(`rule ${index + 1}: ${describeRule(rule)}`, () => {
      for (const status of statuses) {
        for (const code of codes) {
          const type = rule.type ?? UNMAPPED_TYPE
          const withInvalid = rule.exception === "InvalidPhoneNumberException"
          const body = {
            error: { type, code, message: `message of rule ${index + 1}`, uri: `https://sms.cx/docs/errors#${code}` },
            ...(withInvalid ? { invalid: ["+3161246900", "12"] } : {})
          }
          const headers = status === 429 ? { ...rateHeaders, "x-rate-limit-reset": "10" } : rateHeaders
          const error = ErrorMapping.fromResponse(status, headers, JSON.stringify(body))
          assertMapped(error, {
            tag: rule.exception,
            status,
            type,
            code,
            message: `message of rule ${index + 1}`,
            uri: `https://sms.cx/docs/errors#${code}`,
            invalid: withInvalid ? ["+3161246900", "12"] : undefined,
            body,
            headers
          })
          assert.deepStrictEqual(
            error.rateLimit,
            status === 429 ? { limit: 100, remaining: 0, reset: 10 } : { limit: 100, remaining: 0 }
          )
          assert.strictEqual(ErrorMapping.exceptionTag(status, type, code), rule.exception)
        }
      }
    })
  }

  it("otherwise: any other non-2xx status is an ApiException", () => {
    const otherwise = mapping.rules.find((rule) => rule.otherwise === true)
    assert.strictEqual(otherwise?.exception, "ApiException")
    for (const status of [402, 409, 410, 418, 422, 451, 499]) {
      const body = { error: { type: "invalid_request", code: 1000, message: "teapot", uri: "https://sms.cx" } }
      const error = ErrorMapping.fromResponse(status, {}, JSON.stringify(body))
      assertMapped(error, {
        tag: "ApiException",
        status,
        type: "invalid_request",
        code: 1000,
        message: "teapot",
        uri: "https://sms.cx",
        invalid: undefined,
        body,
        headers: {}
      })
      assert.deepStrictEqual(error.rateLimit, {})
    }
  })
})

describe("ErrorMapping.fromResponse: rule order", () => {
  const envelope = (type: string | undefined, code: number | undefined, extra: object = {}) =>
    JSON.stringify({ error: { type, code, message: "m", uri: "u" }, ...extra })

  it("400 invalid_param 1207 and 1210 are invalid phone numbers, 1208 is an invalid request", () => {
    const invalid = ["+4400000"]
    const e1207 = ErrorMapping.fromResponse(400, {}, envelope("invalid_param", 1207, { invalid }))
    assert.instanceOf(e1207, Errors.InvalidPhoneNumberException)
    assert.deepStrictEqual(e1207.invalid, invalid)
    const e1210 = ErrorMapping.fromResponse(400, {}, envelope("invalid_param", 1210, { invalid }))
    assert.instanceOf(e1210, Errors.InvalidPhoneNumberException)
    const e1208 = ErrorMapping.fromResponse(400, {}, envelope("invalid_param", 1208))
    assert.instanceOf(e1208, Errors.InvalidRequestException)
    assert.notInstanceOf(e1208, Errors.InvalidPhoneNumberException)
    assert.strictEqual(e1208.code, 1208)
  })

  it("the code list of a rule needs a code: 400 invalid_param without a code is an invalid request", () => {
    const error = ErrorMapping.fromResponse(400, {}, JSON.stringify({ error: { type: "invalid_param", message: "m" } }))
    assert.strictEqual(error._tag, "InvalidRequestException")
    assert.isUndefined(error.code)
    assert.isUndefined(error.uri)
  })

  it("403 access_denied picks the rule of its code, then falls back to AccessDeniedException", () => {
    const tag = (code: number) => ErrorMapping.fromResponse(403, {}, envelope("access_denied", code))._tag
    assert.strictEqual(tag(1132), "TemplateNotApprovedException")
    assert.strictEqual(tag(1133), "TemplateNotApprovedException")
    assert.strictEqual(tag(1606), "ChannelNotActiveException")
    assert.strictEqual(tag(1608), "ChannelNotActiveException")
    assert.strictEqual(tag(2030), "OtpCancelledException")
    assert.strictEqual(tag(2031), "OtpActionNotAllowedException")
    assert.strictEqual(tag(1607), "AccessDeniedException")
  })

  it("a 403 without a type (or with a type no rule names) is an InsufficientScopeException", () => {
    assert.strictEqual(ErrorMapping.fromResponse(403, {}, envelope(undefined, 2030))._tag, "InsufficientScopeException")
    assert.strictEqual(ErrorMapping.fromResponse(403, {}, "")._tag, "InsufficientScopeException")
    assert.strictEqual(
      ErrorMapping.fromResponse(403, {}, envelope("invalid_param", 1207))._tag,
      "InsufficientScopeException"
    )
  })

  it("a type is matched only with its own status", () => {
    // otp_cancelled is a 400 rule: on a 404 the status rule wins
    assert.strictEqual(
      ErrorMapping.fromResponse(404, {}, envelope("otp_cancelled", 2030))._tag,
      "ResourceNotFoundException"
    )
    // no_coverage is a 403 rule: on a 400 it is an invalid request
    assert.strictEqual(
      ErrorMapping.fromResponse(400, {}, envelope("no_coverage", 1119))._tag,
      "InvalidRequestException"
    )
    // insufficient_credit on a 500 is still a server error
    assert.strictEqual(
      ErrorMapping.fromResponse(500, {}, envelope("insufficient_credit", 1113))._tag,
      "ServerErrorException"
    )
  })

  it("429 gives retryAfter from X-Rate-Limit-Reset (seconds), undefined without it", () => {
    const limited = ErrorMapping.fromResponse(
      429,
      { "x-rate-limit-limit": "60", "x-rate-limit-remaining": "0", "x-rate-limit-reset": "17" },
      envelope("rate_limit", 1000)
    )
    assert.instanceOf(limited, Errors.RateLimitExcedeedException)
    assert.instanceOf(limited, Errors.RateLimitExceededException)
    assert.deepStrictEqual(limited.rateLimit, { limit: 60, remaining: 0, reset: 17 })
    if (!(limited instanceof Errors.RateLimitExcedeedException)) return assert.fail("not a RateLimitExcedeedException")
    assert.isTrue(Duration.isDuration(limited.retryAfter))
    assert.strictEqual(Duration.toMillis(limited.retryAfter!), 17_000)

    const noReset = ErrorMapping.fromResponse(429, {}, envelope("rate_limit", 1000))
    if (!(noReset instanceof Errors.RateLimitExcedeedException)) return assert.fail("not a RateLimitExcedeedException")
    assert.isUndefined(noReset.retryAfter)
    assert.deepStrictEqual(noReset.rateLimit, {})
  })

  it("rate-limit headers that are not numbers are left out", () => {
    const error = ErrorMapping.fromResponse(
      429,
      { "x-rate-limit-limit": "lots", "x-rate-limit-remaining": "", "x-rate-limit-reset": "2" },
      ""
    )
    assert.deepStrictEqual(error.rateLimit, { reset: 2 })
  })
})

describe("ErrorMapping.fromResponse: bodies that are not the API's JSON", () => {
  const html = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"

  it("an HTML 502 is a ServerErrorException keeping the raw text", () => {
    const headers = { "content-type": "text/html" }
    const error = ErrorMapping.fromResponse(502, headers, html)
    assert.instanceOf(error, Errors.ServerErrorException)
    assert.strictEqual(error._tag, "ServerErrorException")
    assert.strictEqual(error.status, 502)
    assert.strictEqual(error.body, html)
    assert.isUndefined(error.type)
    assert.isUndefined(error.code)
    assert.isUndefined(error.uri)
    assert.isUndefined(error.invalid)
    assert.include(error.message, "502")
    assert.deepStrictEqual(error.headers, headers)
  })

  it("an HTML 418 is an ApiException keeping the raw text", () => {
    const teapot = "<html><body>I'm a teapot</body></html>"
    const error = ErrorMapping.fromResponse(418, {}, teapot)
    assert.instanceOf(error, Errors.ApiException)
    assert.strictEqual(error._tag, "ApiException")
    assert.strictEqual(error.status, 418)
    assert.strictEqual(error.body, teapot)
    assert.include(error.message, "418")
  })

  it("an empty 500 is a ServerErrorException with a message of its own", () => {
    const error = ErrorMapping.fromResponse(500, {}, "")
    assert.strictEqual(error._tag, "ServerErrorException")
    assert.strictEqual(error.body, "")
    assert.isAbove(error.message.length, 0)
  })

  it("JSON that is not the envelope is mapped by status and kept parsed", () => {
    const body = { message: "Bad Request", detail: ["x"] }
    const error = ErrorMapping.fromResponse(400, {}, JSON.stringify(body))
    assert.strictEqual(error._tag, "InvalidRequestException")
    assert.deepStrictEqual(error.body, body)
    assert.isUndefined(error.type)
    assert.isAbove(error.message.length, 0)
  })
})

describe("Errors: the API exceptions", () => {
  it("every exception class makes errors of its own tag, each an Error and an API error", () => {
    for (const [tag, Exception] of Object.entries(Errors.ApiExceptions)) {
      const error = new Exception({ status: 500, message: "m", body: "", headers: {}, rateLimit: {} })
      assert.strictEqual(error._tag, tag)
      assert.instanceOf(error, Error)
      assert.isTrue(Errors.isApiError(error))
      assert.isTrue(Errors.isSmsCxError(error))
    }
  })

  it("RateLimitExceededException is the very same class as the vendor's RateLimitExcedeedException", () => {
    assert.strictEqual(Errors.RateLimitExceededException, Errors.RateLimitExcedeedException)
  })

  it("isApiError tells API errors from the SDK's own errors", () => {
    assert.isTrue(Errors.isApiError(ErrorMapping.fromResponse(404, {}, "")))
    assert.isFalse(Errors.isApiError(new Errors.DecodeError({ operation: "x", status: 200, message: "m", body: "" })))
    assert.isFalse(Errors.isApiError(new Error("plain")))
    assert.isFalse(Errors.isApiError({ _tag: "Other" }))
  })
})

// ---------------------------------------------------------------------------
// The per-operation error unions that codegen derives from the spec
// ---------------------------------------------------------------------------

const operations: ReadonlyArray<Operation.Any> = Object.values(Api.groups).flatMap((group) =>
  Object.values<Operation.Any>(group)
)

const specOperation = (operation: Operation.Any): any => spec.paths[operation.path]?.[operation.method.toLowerCase()]

describe("Api: per-operation error unions", () => {
  it("sendSms documents the errors of sending", () => {
    for (
      const tag of [
        "InsufficientBalanceException",
        "InvalidPhoneNumberException",
        "NoCoverageException",
        "InvalidRequestException",
        "InvalidCredentialsException",
        "RateLimitExcedeedException",
        "ServerErrorException",
        "ApiException"
      ]
    ) {
      assert.isTrue(Api.Sms.sendSms.errorTags.has(tag), `sendSms.errorTags has ${tag}`)
    }
    // sending never meets an OTP or a template error
    assert.isFalse(Api.Sms.sendSms.errorTags.has("OtpExpiredException"))
    assert.isFalse(Api.Sms.sendSms.errorTags.has("TemplateNotApprovedException"))
    assert.isFalse(Api.Sms.sendSms.errorTags.has("ResourceNotFoundException"))
  })

  it("getAccessToken documents invalid scopes and client credentials; getAccountBalance no 404", () => {
    assert.isTrue(Api.Oauth.getAccessToken.errorTags.has("InvalidScopeException"))
    assert.isTrue(Api.Oauth.getAccessToken.errorTags.has("InvalidCredentialsException"))
    assert.isFalse(Api.Account.getAccountBalance.errorTags.has("ResourceNotFoundException"))
    assert.isTrue(Api.Sms.deleteScheduledSms.errorTags.has("ResourceNotFoundException"))
  })

  for (const operation of operations) {
    it(`${operation.spanName}: the union covers every documented error row, plus server errors and ApiException`, () => {
      const op = specOperation(operation)
      assert.isDefined(op, `${operation.method} ${operation.path} is in the spec`)
      assert.strictEqual(op.operationId, operation.id)
      const tags = [...operation.errorTags]
      assert.strictEqual(tags.length, operation.errors.length, "no duplicate exception")
      for (const tag of tags) assert.isTrue(isExceptionTag(tag), `${tag} is an API exception`)
      assert.deepStrictEqual(operation.errors.map((e) => e._tag), tags)
      for (const row of op["x-smscx-errors"] ?? []) {
        const tag = ErrorMapping.exceptionTag(row.status, row.type, row.code)
        assert.isTrue(operation.errorTags.has(tag), `${row.status} ${row.type} ${row.code} -> ${tag}`)
      }
      for (const status of Object.keys(op.responses).map(Number).filter((s) => s >= 400)) {
        // every documented error status maps to something the union holds (the status rule, type unknown)
        assert.isTrue(operation.errorTags.has(ErrorMapping.exceptionTag(status)), `status ${status}`)
      }
      assert.isTrue(operation.errorTags.has("ServerErrorException"))
      assert.isTrue(operation.errorTags.has("ApiException"))
      assert.isTrue(operation.errorTags.has("RateLimitExcedeedException"))
      assert.isTrue(operation.errorTags.has("InvalidCredentialsException"))
    })
  }
})
