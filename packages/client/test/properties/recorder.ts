/**
 * The SDK's transport over a fake `HttpClient` that records each request it is given and answers
 * the operation's documented success status with `{}`: what reached the wire, and nothing else,
 * without a network. Retries are off, so a sent call is exactly one request.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as SmsCx from "@smscx/client/SmsCx"
import type * as Operation from "@smscx/core/Operation"
import * as Transport from "@smscx/transport/Transport"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"

/** One request as the fake received it. */
export interface Recorded {
  readonly method: string
  /** As parsed by the client: any normalisation of the path shows here. */
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  /** The body as text; undefined without one. */
  readonly body: string | undefined
}

const bodyOf = (request: HttpClientRequest.HttpClientRequest): string | undefined => {
  const body = request.body
  switch (body._tag) {
    case "Raw":
      return String(body.body)
    case "Uint8Array":
      return new TextDecoder().decode(body.body)
    case "Empty":
      return undefined
    default:
      return `<${body._tag}>`
  }
}

export interface Recorder {
  /** Every request since the last `clear`. */
  readonly sent: Array<Recorded>
  readonly clear: () => void
  /** Performs one call through the transport whose credentials the operation authenticates with. */
  readonly call: (
    operation: Operation.Any,
    args: ReadonlyArray<unknown>,
    options?: Transport.CallOptions
  ) => Promise<Exit.Exit<unknown, unknown>>
  readonly dispose: () => Promise<void>
}

const BASE_URL = "http://127.0.0.1:1"

export const make = (): Recorder => {
  const sent: Array<Recorded> = []
  const http = Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request, url) =>
      Effect.sync(() => {
        sent.push({
          method: request.method,
          url: new URL(url.toString()),
          headers: { ...request.headers },
          body: bodyOf(request)
        })
        // the status an answer of this path documents does not matter here: 200 with a JSON body
        return HttpClientResponse.fromWeb(
          request,
          new Response("{}", { status: 200, headers: { "content-type": "application/json" } })
        )
      })
    )
  )
  const runtime = (options: Transport.Options) =>
    ManagedRuntime.make(SmsCx.layerTransportWithoutHttpClient(options).pipe(Layer.provide(http), Layer.orDie))
  // `POST /oauth/token` authenticates with the application's id and secret, every other
  // operation with the API key (an application client would fetch a token first: two requests)
  const apiKey = runtime({ apiKey: "property-key", baseUrl: BASE_URL, retry: false })
  const application = runtime({
    applicationId: "property-app",
    applicationSecret: "property-secret",
    baseUrl: BASE_URL,
    retry: false
  })
  return {
    sent,
    clear: () => void sent.splice(0),
    call: (operation, args, options) =>
      (operation.auth === "basic" ? application : apiKey).runPromiseExit(
        Effect.flatMap(Transport.Transport, (transport) => transport.call(operation, args, options))
      ),
    dispose: async () => {
      await apiKey.dispose()
      await application.dispose()
    }
  }
}
