import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Transport from "@smscx/transport/Transport"
import { Effect, Layer } from "effect"
import * as util from "node:util"

const fake = Layer.succeed(HttpClient.HttpClient, HttpClient.make((req) =>
  Effect.succeed(HttpClientResponse.fromWeb(req, new Response(JSON.stringify(
    req.url.endsWith("/oauth/token") ? { access_token: "SECRET-TOKEN-123", expires_in: 3600, token_type: "Bearer" } :
    { balance: 5, currency: "eur", billing: "prepaid" }
  ), { status: 200 })))))

it.effect("scratch", () =>
  Effect.gen(function*() {
    const t = yield* Transport.Transport
    const e = yield* Effect.flip(t.call(Api.Account.getAccountBalance, []))
    console.log(String(e))
    console.log(JSON.stringify(e))
    console.log(util.inspect(e))
  }).pipe(Effect.provide(Transport.layer({ applicationId: "app", applicationSecret: "SEKRET" }).pipe(Layer.provide(fake)))))
