import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/**
 * `fetch`, where Node's `http` module is not there (Bun, Deno, edge runtimes, browsers). The
 * transport spans each operation itself, so the client's own span per request is turned off.
 *
 * @internal
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = Layer.effect(
  HttpClient.HttpClient,
  Effect.map(HttpClient.HttpClient, HttpClient.withTracerDisabledWhen(() => true))
).pipe(Layer.provide(FetchHttpClient.layer))
