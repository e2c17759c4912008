/**
 * The Node client's request targets, found without a URL parse per call: wherever one is found it
 * is what Node would have made of the parsed URL, and anything the parser would change is left to it.
 */
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import { urlToHttpOptions } from "node:url"
import * as RequestTarget from "../src/internal/requestTarget.js"

const requestOf = (url: string, params: ReadonlyArray<readonly [string, string]> = [], hash?: string) => {
  const request = HttpClientRequest.get(url).pipe(HttpClientRequest.setUrlParams(params))
  return hash === undefined ? request : HttpClientRequest.setHash(request, hash)
}

/** What Node gets from the URL the platform's makeUrl builds. */
const parsed = (url: string, params: ReadonlyArray<readonly [string, string]> = []) => {
  const whole = new URL(url)
  for (const [key, value] of params) whole.searchParams.append(key, value)
  const { hostname, path, port, protocol } = urlToHttpOptions(whole)
  return { protocol, hostname, path, port }
}

describe("request targets", () => {
  it("match what Node makes of the parsed URL, the origin parsed once", () => {
    const cache: RequestTarget.OriginCache = { last: undefined }
    const cases: ReadonlyArray<readonly [string, ReadonlyArray<readonly [string, string]>]> = [
      ["http://127.0.0.1:8080/account/balance", []],
      ["https://api.sms.cx/sms/a6d2963d-f625-42ce-844e-7e5383930e5d", []],
      ["https://api.sms.cx:443/numbers/%2B4915112345678/lookup", []],
      ["http://[::1]:3000/reports/campaigns", [["limit", "10"], ["q", "a b&c=d/é"], ["q", ""]]],
      ["HTTP://Example.COM/v1/sms", [["after", "MTIz+/="]]]
    ]
    for (const [url, params] of cases) {
      const target = RequestTarget.targetOf(cache, requestOf(url, params))
      assert.isDefined(target, url)
      const expected = parsed(url, params)
      const { https, options } = target!.origin
      assert.deepStrictEqual(
        { protocol: options.protocol, hostname: options.hostname, path: target!.path, port: options.port },
        expected,
        url
      )
      assert.strictEqual(https, expected.protocol === "https:")
    }
    const origin = cache.last
    RequestTarget.targetOf(cache, requestOf("HTTP://Example.COM/v1/other"))
    assert.strictEqual(cache.last, origin, "the same origin is not parsed again")
  })

  it("leaves to the URL parser what it would change or what is not a plain origin and path", () => {
    const cache: RequestTarget.OriginCache = { last: undefined }
    const leftToParser = [
      "http://127.0.0.1/a/../b",
      "http://127.0.0.1/a/%2E%2e/b",
      "http://127.0.0.1/a/./b",
      "http://127.0.0.1/a b",
      "http://127.0.0.1/caf\u00e9",
      "http://127.0.0.1/a?already=1",
      "http://user:secret@127.0.0.1/a",
      "http://127.0.0.1",
      "ftp://127.0.0.1/a",
      "not a url/a"
    ]
    for (const url of leftToParser) assert.isUndefined(RequestTarget.targetOf(cache, requestOf(url)), url)
    assert.isUndefined(RequestTarget.targetOf(cache, requestOf("http://127.0.0.1/a", [], "frag")))
  })
})
