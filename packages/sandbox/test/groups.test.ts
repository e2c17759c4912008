import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import { Sandbox } from "@smscx/sandbox"
import { parse } from "csv-parse/sync"
import * as Effect from "effect/Effect"
import ExcelJS from "exceljs"
import { API_KEY, call, failure, noContent, NOW, provide, sandbox, success } from "./utils.js"

const NL = "+31612345678"
const NL2 = "+31612345679"
const NL3 = "+31612345670"
const DE = "+4915123456789"
const GB = "+447400123456"
const FR = "+33612345678"

const create = (name: unknown) => call("POST", "/groups", { body: { name } })
const newGroup = (name: string) =>
  Effect.map(Effect.flatMap(create(name), (a) => success(Api.Groups.createGroup, a)), (b) => b.info.id)
const add = (id: number, body: object) => call("POST", `/groups/${id}`, { body })
const details = (id: number, query = "") => call("GET", `/groups/${id}${query}`)

/** A raw GET: status, headers and the bytes (exports are not JSON). */
const download = (path: string) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const response = yield* client.execute(
      HttpClientRequest.get(Sandbox.baseUrl + path).pipe(HttpClientRequest.setHeaders({ "X-API-KEY": API_KEY }))
    )
    const bytes = new Uint8Array(yield* response.arrayBuffer)
    return { status: response.status, headers: response.headers, bytes }
  })

describe("createGroup and getGroupsList", () => {
  it.effect("creates groups after the seed ids; lists them most recent first with their totals", () =>
    Effect.gen(function*() {
      const created = yield* success(Api.Groups.createGroup, yield* create("  Newsletter  "))
      assert.deepStrictEqual(created.info, { id: 4, name: "Newsletter" })
      assert.strictEqual(yield* newGroup("VIP"), 5)
      const list = yield* success(Api.Groups.getGroupsList, yield* call("GET", "/groups"))
      assert.deepStrictEqual(list.data.map((g) => [g.id, g.name, g.totalPhoneNumbers]), [
        [5, "VIP", 0],
        [4, "Newsletter", 0],
        [3, "Empty group", 0],
        [2, "Demo partners", 3],
        [1, "Demo customers", 3]
      ])
      const demo = list.data.find((g) => g.id === 1)!
      // one part to NL, DE and FR
      assert.deepStrictEqual([demo.totalCost, demo.totalOptouts], [0.219, 0])
      assert.strictEqual(list.data[0]!.createdAt, new Date(NOW).toISOString())
    }).pipe(provide()))

  it.effect("seed groups keep their ids; the next group gets the next one", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* newGroup("Third"), 8)
      const list = yield* success(Api.Groups.getGroupsList, yield* call("GET", "/groups"))
      assert.deepStrictEqual(list.data.map((g) => g.id), [8, 7])
    }).pipe(provide({ groups: [{ id: 7, name: "Seeded", contacts: [{ phoneNumber: NL }] }] })))

  it.effect("name missing or blank 1204, outside 3..40 characters 1206, taken 1211 (any case)", () =>
    Effect.gen(function*() {
      yield* failure(yield* call("POST", "/groups", { body: {} }), 400, "invalid_param", 1204)
      yield* failure(yield* create(""), 400, "invalid_param", 1204)
      yield* failure(yield* create("    "), 400, "invalid_param", 1204)
      yield* failure(yield* create(null), 400, "invalid_param", 1204)
      yield* failure(yield* create("ab"), 400, "invalid_param", 1206)
      yield* failure(yield* create(" ab "), 400, "invalid_param", 1206)
      yield* failure(yield* create("x".repeat(41)), 400, "invalid_param", 1206)
      yield* failure(yield* create("x".repeat(61)), 400, "invalid_param", 1206)
      yield* failure(yield* create(42), 400, "invalid_param", 1206)
      assert.strictEqual(yield* newGroup("x".repeat(40)), 4)
      yield* failure(yield* create("demo CUSTOMERS"), 400, "duplicate_value", 1211)
    }).pipe(provide()))
})

describe("addContactsToGroup", () => {
  it.effect("validates numbers (national with countryIso), counts valid, invalid and duplicates", () =>
    Effect.gen(function*() {
      const id = yield* newGroup("Numbers")
      const first = yield* success(
        Api.Groups.addContactsToGroup,
        yield* add(id, { phoneNumbers: ["0612345678", NL2, "0612345678", DE], countryIso: "NL" })
      )
      assert.deepStrictEqual(first.info, {
        totalCost: 0.223,
        totalValid: 3,
        totalInvalid: 0,
        totalDuplicates: 1,
        totalPhoneNumbers: 4,
        invalid: []
      })
      // numbers may come as JSON numbers; one already in the group is a duplicate
      const second = yield* success(
        Api.Groups.addContactsToGroup,
        yield* add(id, { phoneNumbers: [31612345678, "nonsense", GB], allowInvalid: true })
      )
      assert.deepStrictEqual(second.info, {
        totalCost: second.info.totalCost,
        totalValid: 1,
        totalInvalid: 1,
        totalDuplicates: 1,
        totalPhoneNumbers: 3,
        invalid: ["nonsense"]
      })
      assert.isAbove(second.info.totalCost, 0)
      const body = yield* success(Api.Groups.getGroupDetails, yield* details(id))
      assert.deepStrictEqual(body.data.map((c) => [c.phoneNumber, c.countryIso]), [
        [NL, "NL"],
        [NL2, "NL"],
        [DE, "DE"],
        [GB, "GB"]
      ])
      assert.strictEqual(body.info.totalPhoneNumbers, 4)
    }).pipe(provide()))

  it.effect("invalid numbers without allowInvalid: 1207 for one, 1210 for several, with `invalid`; nothing added", () =>
    Effect.gen(function*() {
      const id = yield* newGroup("Strict")
      const one = yield* failure(yield* add(id, { phoneNumbers: [NL, "123"] }), 400, "invalid_param", 1207)
      assert.deepStrictEqual(one.invalid, ["123"])
      const several = yield* failure(
        yield* add(id, { phoneNumbers: [NL, "123", "+0000"] }),
        400,
        "invalid_param",
        1210
      )
      assert.deepStrictEqual(several.invalid, ["123", "+0000"])
      const withFields = yield* failure(
        yield* add(id, { phoneNumbers: [{ phoneNumber: "abc", firstName: "X" }] }),
        400,
        "invalid_param",
        1207
      )
      assert.deepStrictEqual(withFields.invalid, ["abc"])
      const body = yield* success(Api.Groups.getGroupDetails, yield* details(id))
      assert.strictEqual(body.info.totalPhoneNumbers, 0)
      // all invalid but allowed: nothing added, no error
      const allowed = yield* success(
        Api.Groups.addContactsToGroup,
        yield* add(id, { phoneNumbers: ["123"], allowInvalid: true })
      )
      assert.deepStrictEqual([allowed.info.totalValid, allowed.info.totalInvalid], [0, 1])
    }).pipe(provide()))

  it.effect("phoneNumbers missing or empty 1203, not an array of numbers 1208, unknown group 404 1200", () =>
    Effect.gen(function*() {
      yield* failure(yield* add(1, {}), 400, "invalid_param", 1203)
      yield* failure(yield* add(1, { phoneNumbers: [] }), 400, "invalid_param", 1203)
      yield* failure(yield* add(1, { phoneNumbers: null }), 400, "invalid_param", 1203)
      yield* failure(yield* add(1, { phoneNumbers: NL }), 400, "invalid_param", 1208)
      yield* failure(yield* add(1, { phoneNumbers: [true] }), 400, "invalid_param", 1208)
      yield* failure(yield* add(1, { phoneNumbers: [{ firstName: "no number" }] }), 400, "invalid_param", 1208)
      yield* failure(yield* add(99, { phoneNumbers: [NL] }), 404, "not_found", 1200)
      yield* failure(yield* add(1, { phoneNumbers: [NL], countryIso: "NLD" }), 400, "invalid_param", 1000)
    }).pipe(provide()))

  it.effect("contacts with fields and custom fields, in either custom-field form", () =>
    Effect.gen(function*() {
      const id = yield* newGroup("Fields")
      yield* success(
        Api.Groups.addContactsToGroup,
        yield* add(id, {
          phoneNumbers: [
            {
              phoneNumber: "0612345678",
              countryIso: "NL",
              firstName: "Jan",
              lastName: "Jansen",
              email: "jan@example.com",
              field1: "gold",
              field5: "five",
              customFields: { customFieldName: { city: "Utrecht" } }
            },
            { phoneNumber: DE, firstName: "Anna", customFields: { city: "Berlin", team: "A" } }
          ]
        })
      )
      const body = yield* success(Api.Groups.getGroupDetails, yield* details(id))
      const [jan, anna] = body.data
      assert.deepStrictEqual({ ...jan!, id: "", dateAdded: "" }, {
        id: "",
        phoneNumber: NL,
        countryIso: "NL",
        firstName: "Jan",
        lastName: "Jansen",
        email: "jan@example.com",
        field1: "gold",
        field2: null,
        field3: null,
        field4: null,
        field5: "five",
        groupId: id,
        optout: false,
        dateAdded: "",
        customFields: { customFieldName: { city: "Utrecht" } }
      })
      assert.match(jan!.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      assert.strictEqual(jan!.dateAdded, new Date(NOW).toISOString())
      assert.deepStrictEqual([anna!.firstName, anna!.lastName, anna!.customFields], [
        "Anna",
        null,
        { customFieldName: { city: "Berlin", team: "A" } }
      ])
    }).pipe(provide()))
})

describe("getGroupDetails", () => {
  it.effect("pages over the contacts; short_response gives the totals only; unknown group 1200", () =>
    Effect.gen(function*() {
      const id = yield* newGroup("Paged")
      yield* add(id, { phoneNumbers: [NL, NL2, NL3, DE, GB] })
      const first = yield* success(Api.Groups.getGroupDetails, yield* details(id, "?limit=2"))
      assert.deepStrictEqual(first.data.map((c) => c.phoneNumber), [NL, NL2])
      assert.strictEqual(first.paging.previous, null)
      assert.strictEqual(first.paging.size, 2)
      const second = yield* success(
        Api.Groups.getGroupDetails,
        yield* details(id, `?limit=2&next=${first.paging.next}`)
      )
      assert.deepStrictEqual(second.data.map((c) => c.phoneNumber), [NL3, DE])
      const third = yield* success(
        Api.Groups.getGroupDetails,
        yield* details(id, `?limit=2&next=${second.paging.next}`)
      )
      assert.deepStrictEqual(third.data.map((c) => c.phoneNumber), [GB])
      assert.strictEqual(third.paging.next, null)
      const back = yield* success(
        Api.Groups.getGroupDetails,
        yield* details(id, `?limit=2&previous=${third.paging.previous}`)
      )
      assert.deepStrictEqual(back.data.map((c) => c.phoneNumber), [NL3, DE])
      assert.deepStrictEqual({ ...first.info, createdAt: "" }, {
        id,
        name: "Paged",
        totalPhoneNumbers: 5,
        totalCost: first.info.totalCost,
        totalOptouts: 0,
        createdAt: ""
      })
      const short = yield* success(Api.Groups.getGroupDetails, yield* details(id, "?short_response=true"))
      assert.deepStrictEqual([short.data, short.info.totalPhoneNumbers], [[], 5])
      yield* failure(yield* details(id, "?limit=0"), 400, "invalid_param", 1000)
      yield* failure(yield* details(id, "?next=bogus"), 400, "invalid_param", 1000)
      yield* failure(yield* details(99), 404, "not_found", 1200)
    }).pipe(provide()))
})

describe("contacts", () => {
  const contactsOf = (id: number) =>
    Effect.map(Effect.flatMap(details(id), (a) => success(Api.Groups.getGroupDetails, a)), (b) => b.data)

  it.effect("updateContactFromGroup sets the fields given and keeps the others", () =>
    Effect.gen(function*() {
      const id = yield* newGroup("Updates")
      yield* add(id, {
        phoneNumbers: [{ phoneNumber: NL, firstName: "Jan", lastName: "Jansen", customFields: { city: "Delft" } }, {
          phoneNumber: DE
        }]
      })
      const [jan, anna] = yield* contactsOf(id)
      const path = `/groups/${id}/${jan!.id}`
      const updated = yield* success(
        Api.Groups.updateContactFromGroup,
        yield* call("PATCH", path, {
          body: { firstName: "Johan", field2: "two", customFields: { customFieldName: { team: "B" } } }
        })
      )
      assert.deepStrictEqual(updated!.info, { id: jan!.id, groupId: String(id) })
      yield* success(Api.Groups.updateContactFromGroup, yield* call("PATCH", path, { body: { phoneNumber: NL2 } }))
      const [changed] = yield* contactsOf(id)
      assert.deepStrictEqual(
        [
          changed!.id,
          changed!.phoneNumber,
          changed!.firstName,
          changed!.lastName,
          changed!.field2,
          changed!.customFields
        ],
        [jan!.id, NL2, "Johan", "Jansen", "two", { customFieldName: { city: "Delft", team: "B" } }]
      )
      // the flat custom-field form works too
      yield* call("PATCH", path, { body: { customFields: { city: "Leiden" } } })
      assert.deepStrictEqual((yield* contactsOf(id))[0]!.customFields, {
        customFieldName: { city: "Leiden", team: "B" }
      })
      // errors: nothing to update 1213, the number of another contact 1215, bad number 1000
      yield* failure(yield* call("PATCH", path, { body: {} }), 400, "invalid_param", 1213)
      yield* failure(yield* call("PATCH", path, { body: { phoneNumber: DE } }), 400, "duplicate_value", 1215)
      yield* failure(yield* call("PATCH", path, { body: { phoneNumber: "12" } }), 400, "invalid_param", 1000)
      // its own number again is no conflict, and changes nothing: the API's 204
      noContent(yield* call("PATCH", path, { body: { phoneNumber: NL2 } }))
      const unknown = "00000000-0000-4000-8000-000000000000"
      yield* failure(
        yield* call("PATCH", `/groups/${id}/${unknown}`, { body: { firstName: "X" } }),
        404,
        "not_found",
        1202
      )
      yield* failure(
        yield* call("PATCH", `/groups/99/${anna!.id}`, { body: { firstName: "X" } }),
        404,
        "not_found",
        1202
      )
      yield* failure(yield* call("PATCH", `/groups/${id}/nope`, { body: { firstName: "X" } }), 404, "not_found", 1202)
    }).pipe(provide()))

  it.effect("deleteContactFromGroup removes one contact; then 1202; unknown group 1200", () =>
    Effect.gen(function*() {
      const id = yield* newGroup("Deletes")
      yield* add(id, { phoneNumbers: [NL, DE] })
      const [jan] = yield* contactsOf(id)
      const path = `/groups/${id}/${jan!.id}`
      const deleted = yield* success(Api.Groups.deleteContactFromGroup, yield* call("DELETE", path))
      assert.deepStrictEqual(deleted.info, { id: jan!.id, phoneNumber: NL, countryIso: "NL" })
      assert.deepStrictEqual((yield* contactsOf(id)).map((c) => c.phoneNumber), [DE])
      yield* failure(yield* call("DELETE", path), 404, "not_found", 1202)
      yield* failure(yield* call("DELETE", `/groups/${id}/not-a-uuid`), 404, "not_found", 1202)
      yield* failure(yield* call("DELETE", `/groups/99/${jan!.id}`), 404, "not_found", 1200)
    }).pipe(provide()))

  it.effect("emptyGroup removes every contact; a campaign to it is then 1102", () =>
    Effect.gen(function*() {
      const emptied = yield* success(Api.Groups.emptyGroup, yield* call("GET", "/groups/1/empty"))
      assert.deepStrictEqual(emptied!.info, { id: 1, name: "Demo customers" })
      assert.deepStrictEqual(yield* contactsOf(1), [])
      yield* failure(
        yield* call("POST", "/sms/campaign", { body: { groups: [1], from: "InfoText", text: "Hi" } }),
        400,
        "invalid_param",
        1102
      )
      yield* failure(yield* call("GET", "/groups/99/empty"), 404, "not_found", 1200)
    }).pipe(provide()))

  it.effect("deleteGroup: answers its totals, then it is 404 1200 everywhere and campaigns refuse it (1140)", () =>
    Effect.gen(function*() {
      const deleted = yield* success(Api.Groups.deleteGroup, yield* call("DELETE", "/groups/2"))
      assert.deepStrictEqual(deleted.info, { id: 2, name: "Demo partners", totalPhoneNumbers: 3 })
      yield* failure(yield* call("DELETE", "/groups/2"), 404, "not_found", 1200)
      yield* failure(yield* details(2), 404, "not_found", 1200)
      yield* failure(yield* add(2, { phoneNumbers: [NL] }), 404, "not_found", 1200)
      assert.strictEqual((yield* download("/groups/2/csv")).status, 404)
      assert.strictEqual((yield* download("/groups/2/xlsx")).status, 404)
      yield* failure(
        yield* call("POST", "/sms/campaign/estimate", { body: { groups: [2], from: "InfoText", text: "Hi" } }),
        400,
        "invalid_param",
        1140
      )
      // a new group does not take the deleted id
      assert.strictEqual(yield* newGroup("After"), 4)
    }).pipe(provide()))
})

describe("exports", () => {
  it.effect("CSV: a header line, then one row per contact, custom fields as columns", () =>
    Effect.gen(function*() {
      const file = yield* download("/groups/2/csv")
      assert.strictEqual(file.status, 200)
      assert.strictEqual(file.headers["content-type"], "application/csv")
      assert.include(file.headers["content-disposition"], "group-2-demo-partners.csv")
      const rows = parse(new TextDecoder().decode(file.bytes), { columns: true }) as Array<Record<string, string>>
      assert.deepStrictEqual(rows.map((r) => [r.phoneNumber, r.countryIso, r.firstName, r.optout, r.city]), [
        [NL, "NL", "Jan", "false", ""],
        [GB, "GB", "Oliver", "false", ""],
        ["+40721234567", "RO", "Andrei", "false", "Cluj"]
      ])
      const empty = yield* download("/groups/3/csv")
      const text = new TextDecoder().decode(empty.bytes)
      assert.strictEqual(text.trim().split("\r\n").length, 1)
      assert.include(text, "phoneNumber")
    }).pipe(provide()))

  it.effect("XLSX: the same cells in a workbook", () =>
    Effect.gen(function*() {
      const file = yield* download("/groups/1/xlsx")
      assert.strictEqual(file.status, 200)
      assert.strictEqual(
        file.headers["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
      )
      assert.include(file.headers["content-disposition"], "group-1-demo-customers.xlsx")
      const workbook = new ExcelJS.Workbook()
      yield* Effect.promise(() => workbook.xlsx.load(file.bytes.buffer as ArrayBuffer))
      const sheet = workbook.worksheets[0]!
      const header = (sheet.getRow(1).values as Array<unknown>).slice(1)
      const column = (name: string) => header.indexOf(name) + 1
      assert.strictEqual(sheet.rowCount, 4)
      assert.deepStrictEqual(
        [2, 3, 4].map((r) => [sheet.getCell(r, column("phoneNumber")).value, sheet.getCell(r, column("email")).value]),
        [[NL, "jan@example.com"], [DE, "anna@example.com"], [FR, "marie@example.com"]]
      )
    }).pipe(provide()))
})

describe("campaigns to stored groups", () => {
  it.effect("a new group's contacts get the campaign, fields filled in, billed", () =>
    Effect.gen(function*() {
      const id = yield* newGroup("Campaign")
      yield* add(id, {
        phoneNumbers: [
          { phoneNumber: NL, firstName: "Jan", field1: "A1", customFields: { city: "Delft" } },
          { phoneNumber: DE, firstName: "Anna" }
        ]
      })
      const body = yield* success(
        Api.Sms.sendSmsCampaign,
        yield* call("POST", "/sms/campaign", {
          body: { groups: [id], from: "InfoText", text: "Hi {{firstName}} {{field1}} {{city}}" }
        })
      )
      assert.deepStrictEqual(body.data.map((m) => [m.to, m.text, m.status]), [
        [NL, "Hi Jan A1 Delft", "ACCEPTED"],
        [DE, "Hi Anna  ", "ACCEPTED"]
      ])
      assert.deepStrictEqual(body.info.groups, [{ id, name: "Campaign", phoneNumbers: 2 }])
      assert.strictEqual(body.info.totalCost, 0.151)
      assert.strictEqual(yield* (yield* sandbox).balance, 99.849)
    }).pipe(provide()))
})
