/**
 * The Shortlinks group over raw HTTP: every documented error row, the hits recorded through
 * `recordShortlinkHit` (what the visit route calls), paging and the exports as real files.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Api from "@smscx/core/Api"
import { parse } from "csv-parse/sync"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { addAttachment } from "../src/internal/engines/attachments.js"
import { codeOfShortUrl, recordShortlinkHit, shortUrlOf, TrackedCodes } from "../src/internal/engines/trackedLinks.js"
import { anonymizeIp, DEFAULT_COUNTRY, locate, parseUserAgent } from "../src/internal/engines/visitors.js"
import { isValidUrl } from "../src/internal/groups/shortlinks.js"
import { failure, harness, noContent, success, UA, xlsxRows } from "./utils.js"

const create = Api.Shortlinks.createShortlink
const hits = Api.Shortlinks.getShortlinkHits

describe("Shortlinks: createShortlink", () => {
  it.effect("gives a 5-character code, its short URL on en.ax, and a default name numbered from 1", () =>
    Effect.gen(function*() {
      const { call, store } = yield* harness()
      const first = yield* success(create, yield* call("POST", "/shortlinks", { url: "https://example.com/offer?a=1" }))
      assert.match(first.info.id, /^[0-9A-Za-z]{5}$/)
      assert.deepStrictEqual(first.info, {
        id: first.info.id,
        name: "Short link #1",
        originalUrl: "https://example.com/offer?a=1",
        shortUrl: `https://en.ax/${first.info.id}`
      })
      assert.strictEqual(codeOfShortUrl(first.info.shortUrl), first.info.id)
      assert.strictEqual(store.records(TrackedCodes).get(first.info.id), "shortlink")
      const second = yield* success(
        create,
        yield* call("POST", "/shortlinks", { url: "  http://shop.example.org/x  ", name: "  Summer sale  " })
      )
      assert.strictEqual(second.info.name, "Summer sale")
      assert.strictEqual(second.info.originalUrl, "http://shop.example.org/x")
      assert.notStrictEqual(second.info.id, first.info.id)
      const third = yield* success(create, yield* call("POST", "/shortlinks", { url: "https://example.com" }))
      assert.strictEqual(third.info.name, "Short link #2")
    }))

  it.effect("1401 when the URL is missing, blank or null; checked before the name", () =>
    Effect.gen(function*() {
      const { call } = yield* harness()
      for (
        const body of [{}, { url: "" }, { url: "   " }, { url: null }, { url: "", name: "x" }, { name: "Fine name" }]
      ) {
        yield* failure(yield* call("POST", "/shortlinks", body), 400, "invalid_param", 1401)
      }
      // no body at all is a missing URL too
      yield* failure(yield* call("POST", "/shortlinks", ""), 400, "invalid_param", 1401)
    }))

  it.effect("1402 when the URL is not an absolute http(s) URL with a real host", () =>
    Effect.gen(function*() {
      const { call } = yield* harness()
      for (
        const url of [
          "not a url",
          "example.com",
          "ftp://example.com/file",
          "javascript:alert(1)",
          "https://exa mple.com",
          "https://nodot",
          "http://",
          42
        ]
      ) {
        const body = yield* failure(yield* call("POST", "/shortlinks", { url }), 400, "invalid_param", 1402)
        assert.strictEqual(body.error.message, "The URL provided is invalid")
      }
      // checked before the name
      yield* failure(yield* call("POST", "/shortlinks", { url: "nope", name: "x" }), 400, "invalid_param", 1402)
      for (const url of ["http://localhost:8080/a", "https://192.0.2.10/x", "https://sub.example.co.uk/p#f"]) {
        yield* success(create, yield* call("POST", "/shortlinks", { url }))
      }
    }))

  it.effect("1404 when the name is not 3 to 25 characters (spaces around it not counted)", () =>
    Effect.gen(function*() {
      const { call } = yield* harness()
      for (const name of ["ab", "  ab  ", "x".repeat(26), "", 7, null]) {
        yield* failure(
          yield* call("POST", "/shortlinks", { url: "https://example.com", name }),
          400,
          "invalid_param",
          1404
        )
      }
      for (const name of ["abc", "x".repeat(25)]) {
        const made = yield* success(create, yield* call("POST", "/shortlinks", { url: "https://example.com", name }))
        assert.strictEqual(made.info.name, name)
      }
    }))

  it.effect("1405 duplicate_id when the drawn code is already given (same seed, code taken by an attachment)", () =>
    Effect.gen(function*() {
      const first = yield* harness(42)
      const made = yield* success(create, yield* first.call("POST", "/shortlinks", { url: "https://example.com" }))
      // a second sandbox with the same seed draws the same code first; an attachment holds it
      const second = yield* harness(42)
      yield* addAttachment(second.store, {
        id: made.info.id,
        fileName: "a.pdf",
        contentType: "application/pdf",
        sizeBytes: 10
      })
      yield* failure(
        yield* second.call("POST", "/shortlinks", { url: "https://example.com" }),
        400,
        "duplicate_id",
        1405
      )
      // nothing was created; the next draw is another code
      assert.deepStrictEqual((yield* second.call("GET", "/shortlinks")).json, { data: [] })
      const next = yield* success(create, yield* second.call("POST", "/shortlinks", { url: "https://example.com" }))
      assert.notStrictEqual(next.info.id, made.info.id)
    }))
})

describe("Shortlinks: getShortlinksList", () => {
  it.effect("empty at first; then every shortlink, most recent first, with its hits and creation date", () =>
    Effect.gen(function*() {
      const { call, store } = yield* harness()
      assert.deepStrictEqual(
        yield* success(Api.Shortlinks.getShortlinksList, yield* call("GET", "/shortlinks")),
        { data: [] }
      )
      const a = yield* success(create, yield* call("POST", "/shortlinks", { url: "https://a.example.com" }))
      yield* TestClock.adjust("90 minutes")
      const b = yield* success(
        create,
        yield* call("POST", "/shortlinks", { url: "https://b.example.com", name: "Bee" })
      )
      assert.strictEqual(yield* recordShortlinkHit(store, a.info.id, { userAgent: UA.iPhone }), "https://a.example.com")
      yield* recordShortlinkHit(store, a.info.id, {})
      const list = yield* success(Api.Shortlinks.getShortlinksList, yield* call("GET", "/shortlinks"))
      assert.deepStrictEqual(list.data, [
        {
          id: b.info.id,
          name: "Bee",
          shortUrl: shortUrlOf(b.info.id),
          originalUrl: "https://b.example.com",
          hits: 0,
          dateCreated: "2025-06-01 13:30:00"
        },
        {
          id: a.info.id,
          name: "Short link #1",
          shortUrl: shortUrlOf(a.info.id),
          originalUrl: "https://a.example.com",
          hits: 2,
          dateCreated: "2025-06-01 12:00:00"
        }
      ])
    }))
})

describe("Shortlinks: hits", () => {
  it.effect("recordShortlinkHit: what a visit shows, as getShortlinkHits gives it; unknown codes give undefined", () =>
    Effect.gen(function*() {
      const { call, store } = yield* harness()
      const made = yield* success(create, yield* call("POST", "/shortlinks", { url: "https://example.com/p" }))
      const id = made.info.id
      assert.strictEqual(yield* recordShortlinkHit(store, "zzzzz", { userAgent: UA.iPhone }), undefined)
      yield* TestClock.adjust("1 minute")
      const target = yield* recordShortlinkHit(store, id, {
        userAgent: UA.galaxy,
        ip: "192.0.2.77",
        acceptLanguage: "de-DE,de;q=0.9",
        referrer: "https://news.example.com/",
        screenResolution: "1080x2340",
        phoneNumber: "+4915123456789",
        campaignId: "0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11",
        groupId: "12"
      })
      assert.strictEqual(target, "https://example.com/p")
      yield* TestClock.adjust("1 minute")
      yield* recordShortlinkHit(store, id, { userAgent: UA.windows, ip: "127.0.0.1" })
      const page = yield* success(hits, yield* call("GET", `/shortlinks/${id}`))
      assert.deepStrictEqual(page.info, {
        id,
        name: "Short link #1",
        shortUrl: `https://en.ax/${id}`,
        originalUrl: "https://example.com/p",
        dateCreated: "2025-06-01 12:00:00",
        hits: 2
      })
      assert.deepStrictEqual(page.paging, { next: null, previous: null, size: 2 })
      const [first, second] = page.data
      assert.deepStrictEqual(first, {
        hitId: first!.hitId,
        device: "mobile",
        browser: "Chrome",
        browserVersion: "124.0.6367.82",
        os: "Android",
        osVersion: "13",
        brand: "Samsung",
        model: "SM-S918B",
        screenResolution: "1080x2340",
        acceptLanguage: "de-DE,de;q=0.9",
        referrer: "https://news.example.com/",
        ipAddress: "192.0.2.0",
        countryIso: "DE",
        city: "Berlin",
        datetime: "2025-06-01 12:01:00",
        phoneNumber: "+4915123456789",
        phoneNumberCountryIso: "DE",
        campaignId: "0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11",
        groupId: "12"
      })
      assert.deepStrictEqual(second, {
        hitId: first!.hitId + 1,
        device: "desktop",
        browser: "Edge",
        browserVersion: "124.0.2478.67",
        os: "Windows",
        osVersion: "10",
        brand: null,
        model: null,
        screenResolution: null,
        acceptLanguage: null,
        referrer: null,
        ipAddress: "127.0.0.0",
        countryIso: DEFAULT_COUNTRY,
        city: null,
        datetime: "2025-06-01 12:02:00",
        phoneNumber: null,
        phoneNumberCountryIso: null,
        campaignId: null,
        groupId: null
      })
      // short_response leaves the tracking fields out
      const short = yield* success(hits, yield* call("GET", `/shortlinks/${id}?short_response=true`))
      assert.deepStrictEqual(Object.keys(short.data[0]!).includes("phoneNumber"), false)
      assert.strictEqual(short.data[0]!.countryIso, "DE")
    }))

  it.effect("pages with limit, next and previous; a bad limit or cursor is 400 invalid_param", () =>
    Effect.gen(function*() {
      const { call, store } = yield* harness()
      const { info } = yield* success(create, yield* call("POST", "/shortlinks", { url: "https://example.com" }))
      for (let i = 0; i < 5; i++) {
        yield* recordShortlinkHit(store, info.id, { ip: `8.8.8.${i}`, userAgent: UA.mac })
      }
      const one = yield* success(hits, yield* call("GET", `/shortlinks/${info.id}?limit=2`))
      assert.deepStrictEqual(one.data.map((h) => h.ipAddress), ["8.8.8.0", "8.8.8.0"])
      assert.strictEqual(one.paging.size, 2)
      assert.strictEqual(one.paging.previous, null)
      const two = yield* success(hits, yield* call("GET", `/shortlinks/${info.id}?limit=2&next=${one.paging.next}`))
      const three = yield* success(hits, yield* call("GET", `/shortlinks/${info.id}?limit=2&next=${two.paging.next}`))
      assert.strictEqual(three.paging.next, null)
      assert.strictEqual(three.paging.size, 1)
      const ids = [...one.data, ...two.data, ...three.data].map((h) => h.hitId)
      assert.deepStrictEqual(ids, [...ids].sort((a, b) => a - b))
      assert.strictEqual(new Set(ids).size, 5)
      const back = yield* success(
        hits,
        yield* call("GET", `/shortlinks/${info.id}?limit=2&previous=${two.paging.previous}`)
      )
      assert.deepStrictEqual(back.data, one.data)
      assert.deepStrictEqual(three.data[0]!.countryIso, "US")
      assert.deepStrictEqual([three.data[0]!.os, three.data[0]!.osVersion, three.data[0]!.browser], [
        "macOS",
        "10.15",
        "Firefox"
      ])
      yield* failure(yield* call("GET", `/shortlinks/${info.id}?limit=0`), 400, "invalid_param", 1000)
      yield* failure(yield* call("GET", `/shortlinks/${info.id}?limit=501`), 400, "invalid_param", 1000)
      yield* failure(yield* call("GET", `/shortlinks/${info.id}?next=garbage`), 400, "invalid_param", 1000)
      yield* failure(yield* call("GET", `/shortlinks/${info.id}?short_response=maybe`), 400, "invalid_param", 1000)
      const full = yield* success(hits, yield* call("GET", `/shortlinks/${info.id}?short_response=0&limit=1`))
      assert.strictEqual(full.data[0]!.phoneNumber, null)
    }))

  it.effect("an unknown shortlink: 404 1400 for hits and both exports", () =>
    Effect.gen(function*() {
      const { call, file } = yield* harness()
      yield* failure(yield* call("GET", "/shortlinks/nope1"), 404, "not_found", 1400)
      for (const path of ["/shortlinks/nope1/csv", "/shortlinks/nope1/xlsx"]) {
        const answer = yield* file(path)
        assert.strictEqual(answer.status, 404)
        assert.strictEqual(answer.headers["content-type"], "application/json")
        const body = JSON.parse(new TextDecoder().decode(answer.bytes)) as { error: { code: number; type: string } }
        assert.deepStrictEqual([body.error.type, body.error.code], ["not_found", 1400])
      }
    }))

  it.effect("exports: a header-only file without hits; then one row per hit, in CSV and XLSX", () =>
    Effect.gen(function*() {
      const { call, file, store } = yield* harness()
      const { info } = yield* success(create, yield* call("POST", "/shortlinks", { url: "https://example.com" }))
      const empty = yield* file(`/shortlinks/${info.id}/csv`)
      assert.strictEqual(empty.status, 200)
      assert.strictEqual(empty.headers["content-type"], "application/csv")
      assert.strictEqual(empty.headers["content-disposition"], `attachment; filename="shortlink-${info.id}-hits.csv"`)
      const header = parse(Buffer.from(empty.bytes)) as Array<Array<string>>
      assert.deepStrictEqual(header.length, 1)
      assert.deepStrictEqual(header[0]!.slice(0, 4), ["hitId", "datetime", "device", "browser"])
      yield* recordShortlinkHit(store, info.id, { userAgent: UA.iPad, ip: "203.0.113.9", referrer: "a,\"b\"" })
      yield* TestClock.adjust("2 hours")
      yield* recordShortlinkHit(store, info.id, { userAgent: UA.iPhone, ip: "2001:db8:85a3::8a2e:370:7334" })
      const csv = yield* file(`/shortlinks/${info.id}/csv`)
      const rows = parse(Buffer.from(csv.bytes), { columns: true }) as Array<Record<string, string>>
      assert.strictEqual(rows.length, 2)
      assert.deepStrictEqual(
        [rows[0]!.device, rows[0]!.os, rows[0]!.osVersion, rows[0]!.brand, rows[0]!.model, rows[0]!.countryIso],
        ["tablet", "iOS", "16.6", "Apple", "iPad", "GB"]
      )
      assert.strictEqual(rows[0]!.referrer, "a,\"b\"")
      assert.strictEqual(rows[0]!.city, "London")
      assert.strictEqual(rows[1]!.datetime, "2025-06-01 14:00:00")
      assert.strictEqual(rows[1]!.ipAddress, "2001:db8:85a3::")
      assert.strictEqual(rows[1]!.countryIso, "")
      const xlsx = yield* file(`/shortlinks/${info.id}/xlsx`)
      assert.strictEqual(
        xlsx.headers["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
      )
      const sheet = yield* xlsxRows(xlsx.bytes)
      assert.strictEqual(sheet.name, "Hits")
      assert.strictEqual(sheet.rows.length, 3)
      assert.deepStrictEqual(sheet.rows[0]!.slice(0, 3), ["hitId", "datetime", "device"])
      assert.deepStrictEqual(sheet.rows[1]!.slice(1, 3), ["2025-06-01 12:00:00", "tablet"])
      assert.deepStrictEqual(sheet.rows[2]!.slice(1, 4), ["2025-06-01 14:00:00", "mobile", "Safari"])
    }))
})

describe("Shortlinks: updateShortlink and deleteShortlink", () => {
  const update = Api.Shortlinks.updateShortlink

  it.effect("either field alone, or both; the other is left unchanged", () =>
    Effect.gen(function*() {
      const { call } = yield* harness()
      const { info } = yield* success(create, yield* call("POST", "/shortlinks", { url: "https://a.example.com" }))
      const path = `/shortlinks/${info.id}`
      assert.deepStrictEqual(yield* success(update, yield* call("PATCH", path, { name: "Renamed" })), {
        info: { id: info.id }
      })
      yield* success(update, yield* call("PATCH", path, { url: "https://b.example.com/new" }))
      let now = yield* success(hits, yield* call("GET", path))
      assert.deepStrictEqual([now.info.name, now.info.originalUrl], ["Renamed", "https://b.example.com/new"])
      yield* success(update, yield* call("PATCH", path, { name: " Both ", url: "https://c.example.com" }))
      now = yield* success(hits, yield* call("GET", path))
      assert.deepStrictEqual([now.info.name, now.info.originalUrl], ["Both", "https://c.example.com"])
      // the same data again: nothing changes, the API's 204 without a body
      noContent(yield* call("PATCH", path, { name: "Both", url: "https://c.example.com" }))
      now = yield* success(hits, yield* call("GET", path))
      assert.deepStrictEqual([now.info.name, now.info.originalUrl, now.info.shortUrl], [
        "Both",
        "https://c.example.com",
        shortUrlOf(info.id)
      ])
    }))

  it.effect("every documented error: 1400, 1401, 1402, 1404, 1406, 1407", () =>
    Effect.gen(function*() {
      const { call } = yield* harness()
      const { info } = yield* success(create, yield* call("POST", "/shortlinks", { url: "https://a.example.com" }))
      yield* success(create, yield* call("POST", "/shortlinks", { url: "https://a.example.com", name: "Taken" }))
      const path = `/shortlinks/${info.id}`
      yield* failure(yield* call("PATCH", "/shortlinks/nope1", { name: "Whatever" }), 404, "not_found", 1400)
      yield* failure(yield* call("PATCH", path, {}), 400, "invalid_param", 1406)
      yield* failure(yield* call("PATCH", path, ""), 400, "invalid_param", 1406)
      yield* failure(yield* call("PATCH", path, { other: 1 }), 400, "invalid_param", 1406)
      yield* failure(yield* call("PATCH", path, { url: "" }), 400, "invalid_param", 1401)
      yield* failure(yield* call("PATCH", path, { url: null, name: "Good name" }), 400, "invalid_param", 1401)
      yield* failure(yield* call("PATCH", path, { url: "mailto:x@example.com" }), 400, "invalid_param", 1402)
      yield* failure(yield* call("PATCH", path, { url: "bad", name: "x" }), 400, "invalid_param", 1402)
      yield* failure(yield* call("PATCH", path, { name: "xy" }), 400, "invalid_param", 1404)
      yield* failure(
        yield* call("PATCH", path, { name: "y".repeat(26), url: "https://ok.example.com" }),
        400,
        "invalid_param",
        1404
      )
      const dup = yield* failure(yield* call("PATCH", path, { name: " Taken " }), 400, "duplicate_value", 1407)
      assert.strictEqual(dup.error.message, "You already have a shortlink with this name")
      // nothing changed
      const now = yield* success(hits, yield* call("GET", path))
      assert.deepStrictEqual([now.info.name, now.info.originalUrl], ["Short link #1", "https://a.example.com"])
      // its own name is not a duplicate (and changes nothing: 204)
      noContent(yield* call("PATCH", path, { name: "Short link #1" }))
    }))

  it.effect("delete: its id back; then 404 1400 everywhere, its hits gone, its code never given again", () =>
    Effect.gen(function*() {
      const { call, file, store } = yield* harness()
      const { info } = yield* success(create, yield* call("POST", "/shortlinks", { url: "https://a.example.com" }))
      const keep = yield* success(create, yield* call("POST", "/shortlinks", { url: "https://b.example.com" }))
      yield* recordShortlinkHit(store, info.id, { userAgent: UA.iPhone })
      const path = `/shortlinks/${info.id}`
      assert.deepStrictEqual(
        yield* success(Api.Shortlinks.deleteShortlink, yield* call("DELETE", path)),
        { info: { id: info.id } }
      )
      yield* failure(yield* call("DELETE", path), 404, "not_found", 1400)
      yield* failure(yield* call("GET", path), 404, "not_found", 1400)
      yield* failure(yield* call("PATCH", path, { name: "Again" }), 404, "not_found", 1400)
      assert.strictEqual((yield* file(`${path}/csv`)).status, 404)
      assert.strictEqual((yield* file(`${path}/xlsx`)).status, 404)
      assert.strictEqual(yield* recordShortlinkHit(store, info.id, { userAgent: UA.iPhone }), undefined)
      const list = yield* success(Api.Shortlinks.getShortlinksList, yield* call("GET", "/shortlinks"))
      assert.deepStrictEqual(list.data.map((l) => l.id), [keep.info.id])
      assert.strictEqual(store.records(TrackedCodes).get(info.id), "shortlink")
    }))
})

describe("Shortlinks: the visit helpers", () => {
  it("parseUserAgent: the common patterns, nulls for the unknown", () => {
    assert.deepStrictEqual(parseUserAgent(UA.iPhone), {
      device: "mobile",
      os: "iOS",
      osVersion: "17.4",
      browser: "Safari",
      browserVersion: "17.4",
      brand: "Apple",
      model: "iPhone"
    })
    assert.deepStrictEqual(
      parseUserAgent(
        "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UD1A.230803.041) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0 Mobile Safari/537.36"
      ),
      {
        device: "mobile",
        os: "Android",
        osVersion: "14",
        browser: "Chrome",
        browserVersion: "123.0",
        brand: "Google",
        model: "Pixel 8"
      }
    )
    const tablet = parseUserAgent(
      "Mozilla/5.0 (Linux; Android 12; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0 Safari/537.36"
    )
    assert.deepStrictEqual([tablet.device, tablet.browser, tablet.brand], ["tablet", "Samsung Internet", "Samsung"])
    const linux = parseUserAgent("Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0")
    assert.deepStrictEqual([linux.device, linux.os, linux.osVersion, linux.browser], [
      "desktop",
      "Linux",
      null,
      "Firefox"
    ])
    const win7 = parseUserAgent(
      "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) OPR/95.0 Chrome/109.0"
    )
    assert.deepStrictEqual([win7.osVersion, win7.browser, win7.browserVersion], ["7", "Opera", "95.0"])
    const nothing = {
      device: null,
      os: null,
      osVersion: null,
      browser: null,
      browserVersion: null,
      brand: null,
      model: null
    }
    assert.deepStrictEqual(parseUserAgent(undefined), nothing)
    assert.deepStrictEqual(parseUserAgent("SomeBot/1.0"), nothing)
    assert.deepStrictEqual(parseUserAgent("curl/8.5.0"), { ...nothing, browser: "curl", browserVersion: "8.5.0" })
  })

  it("anonymizeIp and locate: the last byte dropped; a tiny table of places", () => {
    assert.strictEqual(anonymizeIp("204.79.200.17"), "204.79.200.0")
    assert.strictEqual(anonymizeIp("::ffff:10.1.2.3"), "10.1.2.0")
    assert.strictEqual(anonymizeIp("2001:db8:85a3::8a2e:370:7334"), "2001:db8:85a3::")
    assert.strictEqual(anonymizeIp("::1"), "0:0:0::")
    assert.strictEqual(anonymizeIp("300.1.1.1"), undefined)
    assert.strictEqual(anonymizeIp("not an ip"), undefined)
    assert.deepStrictEqual(locate("204.79.200.17"), { countryIso: "US", city: "Redmond" })
    assert.deepStrictEqual(locate("198.51.100.1"), { countryIso: "FR", city: "Paris" })
    for (
      const local of ["127.0.0.1", "10.0.0.8", "172.20.1.1", "192.168.1.10", "169.254.0.1", "::1", "fd00::1", "fe80::1"]
    ) {
      assert.deepStrictEqual(locate(local), { countryIso: DEFAULT_COUNTRY, city: null }, local)
    }
    assert.deepStrictEqual(locate("172.32.0.1"), { countryIso: null, city: null })
    assert.deepStrictEqual(locate("93.184.216.34"), { countryIso: null, city: null })
    assert.deepStrictEqual(locate(undefined), { countryIso: null, city: null })
  })

  it("isValidUrl and codeOfShortUrl", () => {
    assert.isTrue(isValidUrl("https://example.com"))
    assert.isTrue(isValidUrl("http://[::1]:3000/x"))
    assert.isFalse(isValidUrl("https://example"))
    assert.isFalse(isValidUrl("//example.com"))
    assert.strictEqual(codeOfShortUrl("https://en.ax/bVc4x"), "bVc4x")
    assert.strictEqual(codeOfShortUrl("https://en.ax/bVc/r2N"), "bVc")
    assert.strictEqual(codeOfShortUrl("https://example.com/bVc4x"), undefined)
    assert.strictEqual(codeOfShortUrl("https://en.ax/"), undefined)
  })
})
