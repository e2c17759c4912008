import { createClient, DecodeError, SmsCx, TransportError } from "@smscx/promise"
import { Optouts } from "@smscx/promise/Api"
import { assert, describe, it } from "vitest"
import { API_KEY, rejection, resources } from "./helpers.js"

const { listen, opened } = resources()

describe("paging: a cursor that comes back", () => {
  it("pages() and all() reject with a DecodeError, each page fetched once (the server always says next: same)", async () => {
    let requests = 0
    const baseUrl = await listen((_, res) => {
      requests++
      res.writeHead(200, { "content-type": "application/json" })
      // gives up after 50 pages: an iteration that never ends still stops
      res.end(JSON.stringify({
        info: { id: "optouts", link: "", total: 2 },
        data: [{
          id: requests,
          phoneNumber: "+31612340000",
          countryIso: "NL",
          optoutFrom: "link",
          datetime: "2024-05-01 10:00:00"
        }],
        paging: { next: requests >= 50 ? null : "same", previous: null, size: 1 }
      }))
    })
    const client = createClient({ optouts: Optouts }, { apiKey: API_KEY, baseUrl })
    opened.push(() => client.close())
    const pages: Array<unknown> = []
    const error = await (async () => {
      for await (const page of client.optouts.getOptoutsList.pages({ limit: 1 })) pages.push(page)
    })().then(() => undefined, (e: unknown) => e)
    assert.instanceOf(error, DecodeError)
    assert.include((error as DecodeError).message, "paging.next")
    assert.strictEqual(pages.length, 2)
    assert.strictEqual(requests, 2)
    const items: Array<unknown> = []
    const again = await (async () => {
      for await (const item of client.optouts.getOptoutsList.all({ limit: 1 })) items.push(item)
    })().then(() => undefined, (e: unknown) => e)
    assert.instanceOf(again, DecodeError)
    assert.strictEqual(items.length, 2)
    assert.strictEqual(requests, 4)
  })
})

describe("paging, withResponse and per-call options (Promise)", () => {
  const optout = (id: number) => ({
    id,
    phoneNumber: "+31612345678",
    countryIso: "NL",
    optoutFrom: "link",
    datetime: "2024-05-01 10:00:00"
  })
  /** Three pages of two opt-outs; records each URL it is asked for. */
  const pagingFetch = () => {
    const urls: Array<string> = []
    /** Each request's `x-test` header, where it had one. */
    const marks: Array<string | null> = []
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const url = new URL(String(input))
      urls.push(url.pathname + url.search)
      marks.push(new Headers(init?.headers).get("x-test"))
      const next = url.searchParams.get("next")
      const page = next === null ? 1 : Number(next.slice(1))
      return new Response(
        JSON.stringify({
          info: { id: "optouts", link: "", total: 6 },
          data: [optout(page * 10 + 1), optout(page * 10 + 2)],
          paging: { next: page < 3 ? `p${page + 1}` : null, previous: null, size: 2 }
        }),
        { status: 200, headers: { "content-type": "application/json", "x-request-id": `req-${page}` } }
      )
    }
    return { urls, marks, fetch }
  }
  const clientOver = (fetch: typeof globalThis.fetch) => {
    // retry: false: a timed-out call below ends at its deadline, not after the retries' backoff
    const client = new SmsCx({ apiKey: API_KEY, baseUrl: "http://paging.test", fetch, retry: false })
    opened.push(() => client.close())
    return client
  }

  it("for await ... of all(): every item, page by page", async () => {
    const { fetch, urls } = pagingFetch()
    const ids: Array<number> = []
    for await (const row of clientOver(fetch).optouts.getOptoutsList.all({ limit: 2 })) ids.push(row.id)
    assert.deepStrictEqual(ids, [11, 12, 21, 22, 31, 32])
    assert.deepStrictEqual(urls, ["/optouts?limit=2", "/optouts?limit=2&next=p2", "/optouts?limit=2&next=p3"])
  })

  it("breaking out of the loop fetches no further page", async () => {
    const { fetch, urls } = pagingFetch()
    const client = clientOver(fetch)
    for await (const row of client.optouts.getOptoutsList.all({ limit: 2 })) {
      if (row.id === 12) break
    }
    assert.strictEqual(urls.length, 1)
    const pages = []
    for await (const page of client.optouts.getOptoutsList.pages({ limit: 2 })) {
      pages.push(page.paging.next)
      if (pages.length === 2) break
    }
    assert.deepStrictEqual(pages, ["p2", "p3"])
    assert.strictEqual(urls.length, 3)
  })

  it("withResponse gives the metadata; a per-call timeout overrides the client's", async () => {
    const { fetch } = pagingFetch()
    const client = clientOver(fetch)
    const { data, response } = await client.optouts.getOptoutsList.withResponse({ limit: 2 })
    assert.strictEqual(data.data.length, 2)
    assert.strictEqual(response.requestId, "req-1")
    const never = clientOver(() => new Promise<Response>(() => {}))
    const error = await rejection(never.account.getAccountBalance({ timeout: 20 }))
    assert.instanceOf(error, TransportError)
    assert.strictEqual((error as TransportError).reason, "Timeout")
  })

  it("a page's call options (headers, signal) go with every page it fetches; each iteration is its own", async () => {
    const { fetch, marks, urls } = pagingFetch()
    const client = clientOver(fetch)
    const { signal } = new AbortController()
    const rows = client.optouts.getOptoutsList.all({ limit: 2 }, { headers: { "x-test": "paged" }, signal })
    for (let round = 0; round < 2; round++) {
      const ids: Array<number> = []
      for await (const row of rows) ids.push(row.id)
      assert.deepStrictEqual(ids, [11, 12, 21, 22, 31, 32])
    }
    assert.strictEqual(urls.length, 6)
    assert.deepStrictEqual(marks, Array(6).fill("paged"))
  })

  it("aborting the signal mid-loop rejects it with the signal's reason; nothing further is fetched", async () => {
    const { fetch, urls } = pagingFetch()
    const client = clientOver(fetch)
    const controller = new AbortController()
    const reason = new Error("enough")
    const pages: Array<unknown> = []
    const error = await rejection((async () => {
      for await (const page of client.optouts.getOptoutsList.pages({ limit: 2 }, { signal: controller.signal })) {
        pages.push(page)
        controller.abort(reason)
      }
    })())
    assert.strictEqual(error, reason)
    assert.strictEqual(pages.length, 1)
    assert.strictEqual(urls.length, 1)
  })

  it("close() mid-loop rejects its next page with TransportError (reason Closed)", async () => {
    const { fetch, urls } = pagingFetch()
    const client = clientOver(fetch)
    const error = await rejection((async () => {
      for await (const _ of client.optouts.getOptoutsList.pages({ limit: 2 })) await client.close()
    })())
    assert.instanceOf(error, TransportError)
    assert.strictEqual((error as TransportError).reason, "Closed")
    assert.strictEqual(urls.length, 1)
  })

  it("the correctly spelled alias is the vendor's method", () => {
    const client = clientOver(pagingFetch().fetch)
    assert.strictEqual(client.conversations.getConversationsList, client.conversations.getConverstionsList)
  })
})
