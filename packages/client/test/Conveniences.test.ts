/**
 * What every method has besides its call: cursor paging (Streams that follow `paging.next`
 * lazily), `withResponse` (the response's metadata), per-call options (timeout, retry, extra
 * headers), the request id on errors, and the correctly spelled aliases.
 */
import { assert, describe, it } from "@effect/vitest"
import { Conversations, FetchClient, Optouts, RequestValidationError, Sms, SmsCx } from "@smscx/client"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"

const BASE = "http://conveniences.test"

interface Seen {
  readonly url: URL
  readonly headers: Headers
}

/** A fetch recording each request and answering through `answer`. */
const recorder = (answer: (url: URL, index: number) => Response | Promise<Response>) => {
  const seen: Array<Seen> = []
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(String(input))
    seen.push({ url, headers: new Headers(init?.headers) })
    return answer(url, seen.length - 1)
  }
  return { seen, fetch }
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } })

const optout = (id: number) => ({
  id,
  phoneNumber: `+3161234${String(id).padStart(4, "0")}`,
  countryIso: "NL",
  optoutFrom: "link",
  datetime: "2024-05-01 10:00:00"
})

/** Three pages of two opt-outs: cursors "p2", "p3", then null. */
const optoutPages = (url: URL) => {
  const next = url.searchParams.get("next")
  const page = next === null ? 1 : Number(next.slice(1))
  return json(200, {
    info: { id: "optouts", link: "", total: 6 },
    data: [optout(page * 10 + 1), optout(page * 10 + 2)],
    paging: { next: page < 3 ? `p${page + 1}` : null, previous: page > 1 ? `p${page - 1}` : null, size: 2 }
  }, { "x-request-id": `req-${page}`, "x-rate-limit-limit": "100", "x-rate-limit-remaining": String(100 - page) })
}

const layerOver = (
  fetch: typeof globalThis.fetch,
  options: Partial<Parameters<typeof SmsCx.layerWithoutHttpClient>[0]> = {}
) =>
  SmsCx.layerWithoutHttpClient(
    { apiKey: "k", baseUrl: BASE, ...options } as Parameters<typeof SmsCx.layerWithoutHttpClient>[0]
  )
    .pipe(Layer.provide(FetchClient.layerWith(fetch)))

describe("cursor paging (Effect)", () => {
  it.effect("all: every item of every page, following paging.next, the filters kept", () => {
    const { fetch, seen } = recorder(optoutPages)
    return Effect.gen(function*() {
      const optouts = yield* Optouts
      const items = yield* Stream.runCollect(optouts.getOptoutsList.all({ limit: 2 }))
      assert.deepStrictEqual(Chunk.toReadonlyArray(items).map((o) => o.id), [11, 12, 21, 22, 31, 32])
      assert.deepStrictEqual(seen.map((s) => s.url.search), ["?limit=2", "?limit=2&next=p2", "?limit=2&next=p3"])
    }).pipe(Effect.provide(layerOver(fetch)))
  })

  it.effect("lazy: taking 3 items fetches 2 pages, taking none fetches nothing", () => {
    const { fetch, seen } = recorder(optoutPages)
    return Effect.gen(function*() {
      const optouts = yield* Optouts
      const stream = optouts.getOptoutsList.all({ limit: 2 })
      assert.strictEqual(seen.length, 0, "building the stream fetches nothing")
      const first = yield* Stream.runCollect(Stream.take(stream, 3))
      assert.strictEqual(first.length, 3)
      assert.strictEqual(seen.length, 2)
      const pages = yield* Stream.runCollect(Stream.take(optouts.getOptoutsList.pages({ limit: 2 }), 1))
      assert.strictEqual(Chunk.unsafeGet(pages, 0).paging.next, "p2")
      assert.strictEqual(seen.length, 3)
    }).pipe(Effect.provide(layerOver(fetch)))
  })

  it.effect("an error mid-way fails the stream with the typed error, after the pages before it", () => {
    const { fetch } = recorder((url, index) =>
      index === 1
        ? json(500, { error: { type: "server_error", code: 1500, message: "down", uri: "" } })
        : optoutPages(url)
    )
    return Effect.gen(function*() {
      const optouts = yield* Optouts
      const seenItems: Array<number> = []
      const error = yield* Effect.flip(
        Stream.runForEach(
          optouts.getOptoutsList.all({ limit: 2 }, { retry: false }),
          (o) => Effect.sync(() => seenItems.push(o.id))
        )
      )
      assert.strictEqual(error._tag, "ServerErrorException")
      assert.deepStrictEqual(seenItems, [11, 12])
    }).pipe(Effect.provide(layerOver(fetch)))
  })
})

/**
 * A loopback server whose opt-out list names `cursors(n)` as the next page of the n-th page
 * (from 1), giving up after 50 pages so that a loop that never ends still stops.
 */
const cyclingServer = (cursors: (page: number) => string) =>
  Effect.acquireRelease(
    Effect.async<{ readonly url: string; readonly server: Http.Server; readonly requests: Array<string> }>(
      (resume) => {
        const requests: Array<string> = []
        const server = Http.createServer((req, res) => {
          requests.push(req.url ?? "")
          const page = requests.length
          res.writeHead(200, { "content-type": "application/json" })
          res.end(JSON.stringify({
            info: { id: "optouts", link: "", total: 2 },
            data: [optout(page)],
            paging: { next: page >= 50 ? null : cursors(page), previous: null, size: 1 }
          }))
        })
        server.listen(0, "127.0.0.1", () =>
          resume(Effect.succeed({
            url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
            server,
            requests
          })))
      }
    ),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.close(() => resume(Effect.void))
      })
  )

describe("cursor paging: a cursor that comes back", () => {
  for (
    const [name, cursors, fetched] of [
      ["always the same next cursor", () => "same", 2],
      ["a cycle of three cursors", (page: number) => `c${page % 3}`, 4]
    ] as const
  ) {
    it.live(`${name}: all() and pages() end with a DecodeError after ${fetched} pages`, () =>
      Effect.gen(function*() {
        const { requests, url } = yield* cyclingServer(cursors)
        const optouts = yield* Effect.provide(Optouts, SmsCx.layer({ apiKey: "k", baseUrl: url }))
        const items: Array<number> = []
        const error = yield* Effect.flip(
          Stream.runForEach(optouts.getOptoutsList.all({ limit: 1 }), (o) => Effect.sync(() => items.push(o.id)))
        )
        assert.strictEqual(error._tag, "DecodeError")
        assert.include(error.message, "paging.next")
        assert.deepStrictEqual(error._tag === "DecodeError" ? error.issues.map((i) => i.path) : [], [[
          "paging",
          "next"
        ]])
        assert.strictEqual(requests.length, fetched, "no page fetched twice")
        assert.deepStrictEqual(items, Array.from({ length: fetched }, (_, i) => i + 1), "the pages before it")
        const pages = yield* Effect.flip(Stream.runDrain(optouts.getOptoutsList.pages({ limit: 1 })))
        assert.strictEqual(pages._tag, "DecodeError")
        assert.strictEqual(requests.length, 2 * fetched, "each iteration keeps its own trail")
      }).pipe(Effect.scoped))
  }
})

describe("withResponse and the request id", () => {
  it.effect("gives status, headers, request id, rate limit and the idempotency id sent", () => {
    const { fetch } = recorder((url, index) =>
      index === 0
        ? optoutPages(url)
        : json(400, { error: { type: "invalid_param", code: 1000, message: "bad limit", uri: "" } }, {
          "x-request-id": "req-err"
        })
    )
    return Effect.gen(function*() {
      const optouts = yield* Optouts
      const { data, response } = yield* optouts.getOptoutsList.withResponse({ limit: 2 })
      assert.strictEqual(data.data.length, 2)
      assert.strictEqual(response.status, 200)
      assert.strictEqual(response.requestId, "req-1")
      assert.deepStrictEqual(response.rateLimit, { limit: 100, remaining: 99 })
      assert.strictEqual(response.headers["x-request-id"], "req-1")
      assert.isUndefined(response.idempotencyId)
      const failed = yield* Effect.flip(optouts.getOptoutsList({ limit: 2 }))
      // getOptoutsList documents no 400: it comes narrowed to ApiException, with every field
      assert.strictEqual(failed._tag, "ApiException")
      if (failed._tag === "ApiException") assert.strictEqual(failed.requestId, "req-err", "errors carry the request id")
    }).pipe(Effect.provide(layerOver(fetch)))
  })
})

describe("per-call options", () => {
  it.effect("extra headers are sent; the SDK's own headers win", () => {
    const { fetch, seen } = recorder(optoutPages)
    return Effect.gen(function*() {
      const optouts = yield* Optouts
      yield* optouts.getOptoutsList({ limit: 2 }, { headers: { "X-Trace": "t-1", "X-Api-Key": "not mine" } })
      assert.strictEqual(seen[0]!.headers.get("x-trace"), "t-1")
      assert.strictEqual(seen[0]!.headers.get("x-api-key"), "k")
    }).pipe(Effect.provide(layerOver(fetch)))
  })

  it.effect("a call's timeout overrides the client's", () => {
    const { fetch } = recorder(() => new Promise<Response>(() => {}))
    return Effect.gen(function*() {
      const optouts = yield* Optouts
      const error = yield* Effect.flip(optouts.getOptoutsList({ limit: 2 }, { timeout: "20 millis", retry: false }))
      assert.strictEqual(error._tag, "TransportError")
      if (error._tag === "TransportError") assert.strictEqual(error.reason, "Timeout")
    }).pipe(Effect.provide(layerOver(fetch, { timeout: "1 minute" })), Effect.timeout("5 seconds"))
  }, { timeout: 10_000 })

  it.effect("a call's retry policy overrides the client's: retry false makes one request", () => {
    const { fetch, seen } = recorder(() =>
      json(429, { error: { type: "rate_limit", code: 1000, message: "slow", uri: "" } }, { "x-rate-limit-reset": "0" })
    )
    return Effect.gen(function*() {
      const optouts = yield* Optouts
      const error = yield* Effect.flip(optouts.getOptoutsList({ limit: 2 }, { retry: false }))
      assert.strictEqual(error._tag, "RateLimitExcedeedException")
      assert.strictEqual(seen.length, 1)
    }).pipe(Effect.provide(layerOver(fetch)))
  })

  it.effect("bad call options are a RequestValidationError, nothing sent", () => {
    const { fetch, seen } = recorder(optoutPages)
    return Effect.gen(function*() {
      const optouts = yield* Optouts
      for (
        const options of [
          { timeout: Number.NaN },
          { retry: { maxRetries: -1 } },
          { headers: { "X-Trace": "a\r\nX-Injected: 1" } },
          { headers: { "Content-Length": "1" } },
          { headers: { "bad name": "x" } }
        ]
      ) {
        const error = yield* Effect.flip(optouts.getOptoutsList({ limit: 2 }, options))
        assert.instanceOf(error, RequestValidationError)
        assert.notInclude(error.message, "X-Injected")
      }
      assert.strictEqual(seen.length, 0)
    }).pipe(Effect.provide(layerOver(fetch)))
  })
})

describe("fields the SDK does not know yet", () => {
  it.effect("extraBody and extraQuery are sent as given; a known field there is refused", () => {
    const bodies: Array<string> = []
    const urls: Array<string> = []
    const fetch: typeof globalThis.fetch = async (input, init) => {
      urls.push(String(input))
      bodies.push(String(init?.body ?? ""))
      return json(400, { error: { type: "invalid_param", code: 1106, message: "stop here", uri: "" } })
    }
    return Effect.gen(function*() {
      const sms = yield* Sms
      const optouts = yield* Optouts
      yield* Effect.either(sms.sendSms({ to: ["+31612469000"], from: "InfoText", text: "Hi" }, {
        extraBody: { priority: "high", tags: ["a"] },
        extraQuery: { beta: true }
      }))
      const body = JSON.parse(bodies[0]!)
      assert.deepStrictEqual([body.priority, body.tags, body.text], ["high", ["a"], "Hi"])
      assert.match(urls[0]!, /\/sms\?beta=true$/)
      yield* Effect.either(optouts.getOptoutsList({ limit: 2 }, { extraQuery: { sort: "desc" } }))
      assert.match(urls[1]!, /limit=2&sort=desc$/)
      const refused: ReadonlyArray<readonly [Effect.Effect<unknown, unknown>, ReadonlyArray<string>]> = [
        [sms.sendSms({ to: ["+31612469000"], from: "InfoText", text: "Hi" }, { extraBody: { text: "sneaky" } }), [
          "options",
          "extraBody",
          "text"
        ]],
        [optouts.getOptoutsList({ limit: 2 }, { extraQuery: { limit: 3 } }), ["options", "extraQuery", "limit"]],
        [optouts.getOptoutsList({ limit: 2 }, { extraBody: { x: 1 } }), ["options", "extraBody"]]
      ]
      for (const [call, path] of refused) {
        const error = yield* Effect.flip(call)
        assert.instanceOf(error, RequestValidationError)
        if (error instanceof RequestValidationError) assert.deepStrictEqual(error.issues[0]?.path, path)
      }
      assert.strictEqual(urls.length, 2, "the refused calls sent nothing")
    }).pipe(Effect.provide(layerOver(fetch)))
  })
})

describe("aliases of misspelled operationIds", () => {
  it.effect("getConversationsList is getConverstionsList", () =>
    Effect.gen(function*() {
      const conversations = yield* Conversations
      assert.strictEqual(conversations.getConversationsList, conversations.getConverstionsList)
      assert.deepStrictEqual(Conversations.aliases, { getConversationsList: "getConverstionsList" })
    }).pipe(Effect.provide(layerOver(recorder(optoutPages).fetch))))
})
