/**
 * No secret in errors, however they are printed, nor in spans.
 */
import * as HttpClientError from "@effect/platform/HttpClientError"
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import type * as Operation from "@smscx/core/Operation"
import type * as Transport from "@smscx/transport/Transport"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as util from "node:util"
import { sent, sms } from "./answers.js"
import * as FakeHttp from "./fakeHttp.js"
import {
  ACCESS_TOKEN,
  API_KEY,
  APP_ID,
  APP_SECRET,
  application,
  isToken,
  limited,
  renderings,
  tokenAnswer,
  withTransport
} from "./fixtures.js"
import { recordingTracer } from "./recordingTracer.js"

describe("secrets stay out of errors and spans", () => {
  const basic = Buffer.from(`${APP_ID}:${APP_SECRET}`).toString("base64")
  const SECRETS = [API_KEY, APP_SECRET, ACCESS_TOKEN, basic, "tok-SECRET-1", "tok-SECRET-2"]

  const assertClean = (label: string, text: string) => {
    for (const secret of SECRETS) assert.notInclude(text, secret, `${label} leaks a secret`)
  }

  /** Runs every scenario, collecting the errors and the spans. */
  const scenarios: ReadonlyArray<
    readonly [string, Transport.Options, () => FakeHttp.Fake, Operation.Any, ReadonlyArray<unknown>]
  > = [
    [
      "400",
      { apiKey: API_KEY },
      () => FakeHttp.always(() => FakeHttp.json(400, FakeHttp.apiError("invalid_param", 1106))),
      Api.Sms.sendSms,
      [sms]
    ],
    [
      "401",
      { apiKey: API_KEY },
      () => FakeHttp.always(() => FakeHttp.json(401, FakeHttp.apiError("invalid_api_key", 1002))),
      Api.Account.getAccountBalance,
      []
    ],
    [
      "401 bearer",
      { accessToken: ACCESS_TOKEN },
      () => FakeHttp.always(() => FakeHttp.json(401, FakeHttp.apiError("invalid_api_key", 1002))),
      Api.Account.getAccountBalance,
      []
    ],
    [
      "429",
      { apiKey: API_KEY, retry: false },
      () => FakeHttp.always(() => limited(5)),
      Api.Account.getAccountBalance,
      []
    ],
    [
      "HTML 502",
      { apiKey: API_KEY },
      () => FakeHttp.always(() => new Response("<html>502</html>", { status: 502 })),
      Api.Sms.sendSms,
      [sms]
    ],
    [
      "404 narrowed",
      { apiKey: API_KEY },
      () => FakeHttp.always(() => FakeHttp.json(404, FakeHttp.apiError("not_found", 1404))),
      Api.Account.getAccountBalance,
      []
    ],
    [
      "RequestError",
      { apiKey: API_KEY },
      () =>
        FakeHttp.make((r) =>
          Effect.fail(
            new HttpClientError.RequestError({
              request: r.request,
              reason: "Transport",
              cause: new Error("ECONNRESET")
            })
          )
        ),
      Api.Sms.sendSms,
      [sms]
    ],
    [
      "RequestError, bearer",
      { accessToken: ACCESS_TOKEN },
      () =>
        FakeHttp.make((r) =>
          Effect.fail(
            new HttpClientError.RequestError({ request: r.request, reason: "Transport", description: "socket hang up" })
          )
        ),
      Api.Sms.sendSms,
      [sms]
    ],
    [
      "Timeout",
      { apiKey: API_KEY, timeout: "1 millis" },
      () => FakeHttp.always(() => Effect.never),
      Api.Account.getAccountBalance,
      []
    ],
    [
      "not JSON",
      { apiKey: API_KEY },
      () => FakeHttp.always(() => new Response("oops", { status: 200 })),
      Api.Account.getAccountBalance,
      []
    ],
    [
      "bad JSON",
      { apiKey: API_KEY },
      () => FakeHttp.always(() => FakeHttp.json(200, { balance: "x" })),
      Api.Account.getAccountBalance,
      []
    ],
    ["validation", { apiKey: API_KEY }, () => FakeHttp.always(() => FakeHttp.json(200, sent)), Api.Sms.sendSms, [{
      ...sms,
      from: ""
    }]],
    [
      "token refused",
      application,
      () => FakeHttp.always(() => FakeHttp.json(401, FakeHttp.apiError("invalid_client", 1600))),
      Api.Sms.sendSms,
      [sms]
    ],
    [
      "token endpoint down",
      application,
      () =>
        FakeHttp.make((r) =>
          Effect.fail(
            new HttpClientError.RequestError({
              request: r.request,
              reason: "Transport",
              cause: new Error("ECONNREFUSED")
            })
          )
        ),
      Api.Sms.sendSms,
      [sms]
    ],
    [
      "token answer without scope",
      application,
      () =>
        FakeHttp.always(() =>
          FakeHttp.json(200, { access_token: "tok-SECRET-1", expires_in: 3600, token_type: "Bearer" })
        ),
      Api.Account.getAccountBalance,
      []
    ],
    [
      "token answer form-encoded",
      application,
      () =>
        FakeHttp.always(() =>
          new Response("access_token=tok-SECRET-1&token_type=Bearer&expires_in=3600", { status: 200 })
        ),
      Api.Account.getAccountBalance,
      []
    ],
    [
      "token answer of the wrong shape",
      application,
      () => FakeHttp.always(() => FakeHttp.json(200, [{ access_token: "tok-SECRET-1", expires_in: "soon" }])),
      Api.Account.getAccountBalance,
      []
    ],
    [
      "token then 401 twice",
      application,
      () =>
        FakeHttp.make((r, i) =>
          isToken(r)
            ? tokenAnswer(`tok-SECRET-${i === 0 ? 1 : 2}`)
            : FakeHttp.json(401, FakeHttp.apiError("invalid_api_key", 1002))
        ),
      Api.Account.getAccountBalance,
      []
    ],
    [
      "getAccessToken 200 but the call fails",
      application,
      () =>
        FakeHttp.make((r) =>
          isToken(r) ? tokenAnswer("tok-SECRET-1") : FakeHttp.json(500, FakeHttp.apiError("server_error", 1000))
        ),
      Api.Sms.sendSms,
      [sms]
    ]
  ]

  it.live("no error shows a credential, however it is printed; no span attribute holds one", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const tags = new Set<string>()
      for (const [label, options, makeFake, operation, args] of scenarios) {
        const result = yield* withTransport(options, makeFake(), (t) => t.call(operation, args)).pipe(
          Effect.withTracer(tracer),
          Effect.either
        )
        assert.isTrue(Either.isLeft(result), `${label} fails`)
        if (Either.isRight(result)) continue
        tags.add(result.left._tag)
        for (const text of renderings(result.left)) assertClean(`${label} (${result.left._tag})`, text)
      }
      // the scenarios met every kind of error
      assert.includeMembers([...tags], [
        "InvalidRequestException",
        "InvalidCredentialsException",
        "RateLimitExcedeedException",
        "ServerErrorException",
        "ApiException",
        "TransportError",
        "DecodeError",
        "RequestValidationError"
      ])

      // the spans were recorded, including those where a credential would show
      assert.isTrue(spans.some((s) => s.name === "Sms.sendSms" && s.attributes.get("smscx.operation") === "sendSms"))
      assert.isTrue(spans.some((s) => s.name === "Oauth.getAccessToken"))
      assert.isTrue(spans.some((s) => s.attributes.has("http.request.header.x-api-key")))
      assert.isTrue(spans.some((s) => s.attributes.has("http.request.header.authorization")))
      for (const span of spans) {
        for (const [key, value] of span.attributes) {
          assertClean(`span ${span.name}, attribute ${key}`, typeof value === "string" ? value : util.inspect(value))
        }
        for (const [name, attributes] of span.events) {
          assertClean(`span ${span.name}, event ${name}`, util.inspect(attributes, { depth: 10 }))
        }
        // what an exporter records of a failed span: the rendered cause
        if (span.status._tag === "Ended" && Exit.isFailure(span.status.exit)) {
          assertClean(`span ${span.name}, exit`, Cause.pretty(span.status.exit.cause))
        }
      }
    }))
})
