/**
 * A fake `HttpClient` for the transport's tests: it records every request it receives and
 * answers through a handler, without any network.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Api from "@smscx/core/Api"
import * as Transport from "@smscx/transport/Transport"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/** One request as the fake received it. */
export interface Recorded {
  readonly request: HttpClientRequest.HttpClientRequest
  readonly method: string
  /** The full URL, query included. */
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  /** The body as text. */
  readonly body: string | undefined
  readonly contentType: string | undefined
}

/** What a handler answers: a web `Response`, or an effect (to fail, or never answer). */
export type Answer = Response | Effect.Effect<Response, HttpClientError.HttpClientError>

export type Handler = (request: Recorded, index: number) => Answer

const bodyOf = (request: HttpClientRequest.HttpClientRequest): string | undefined => {
  const body = request.body
  switch (body._tag) {
    case "Uint8Array":
      return new TextDecoder().decode(body.body)
    case "Raw":
      return typeof body.body === "string" ? body.body : `<Raw>`
    case "Empty":
      return undefined
    default:
      return `<${body._tag}>`
  }
}

export interface Fake {
  readonly requests: Array<Recorded>
  readonly client: HttpClient.HttpClient
  /** The client, and the token operation application credentials need (as `@smscx/client` gives it). */
  readonly layer: Layer.Layer<HttpClient.HttpClient | Transport.TokenOperation>
}

/** A fake client answering with `handler`; `requests` fills as requests arrive. */
export const make = (handler: Handler): Fake => {
  const requests: Array<Recorded> = []
  const client = HttpClient.make((request, url) =>
    Effect.suspend(() => {
      const recorded: Recorded = {
        request,
        method: request.method,
        url: new URL(url.toString()),
        headers: { ...request.headers },
        body: bodyOf(request),
        contentType: request.body._tag === "Empty" ? undefined : request.body.contentType
      }
      requests.push(recorded)
      const answer = handler(recorded, requests.length - 1)
      const effect = Effect.isEffect(answer) ? answer : Effect.succeed(answer)
      return Effect.map(effect, (response) => HttpClientResponse.fromWeb(request, response))
    })
  )
  return {
    requests,
    client,
    layer: Layer.merge(
      Layer.succeed(HttpClient.HttpClient, client),
      Layer.succeed(Transport.TokenOperation, Api.Oauth.getAccessToken)
    )
  }
}

/** A fake answering the same for every request. */
export const always = (answer: () => Answer): Fake => make(() => answer())

/** A fake answering with the given answers in turn (the last one repeats). */
export const sequence = (...answers: ReadonlyArray<() => Answer>): Fake =>
  make((_, index) => answers[Math.min(index, answers.length - 1)]!())

/** A JSON answer. */
export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } })

/** A body in the API's error envelope. */
export const apiError = (type: string, code: number, message = "error", extra: object = {}) => ({
  error: { type, code, message, uri: `https://sms.cx/docs/errors#${code}` },
  ...extra
})
