import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import { Sandbox } from "@smscx/sandbox"
import { parse } from "csv-parse/sync"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import ExcelJS from "exceljs"
import * as Optouts from "../src/internal/engines/optouts.js"
import * as OptoutsGroup from "../src/internal/groups/optouts.js"
import type { Context } from "../src/internal/state/context.js"
import * as State from "../src/internal/state/store.js"
import { API_KEY, call, failure, NOW, provide, sandbox, success } from "./utils.js"

const NL = "+31612345678"
const NL2 = "+31612345679"
const DE = "+4915123456789"
const GB = "+447400123456"
const FR = "+33612345678"

const optout = (body: object) => call("POST", "/optouts", { body })
const list = (query = "") =>
  Effect.flatMap(call("GET", `/optouts${query}`), (a) => success(Api.Optouts.getOptoutsList, a))

const download = (path: string) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const response = yield* client.execute(
      HttpClientRequest.get(Sandbox.baseUrl + path).pipe(HttpClientRequest.setHeaders({ "X-API-KEY": API_KEY }))
    )
    return { status: response.status, headers: response.headers, bytes: new Uint8Array(yield* response.arrayBuffer) }
  })

describe("addContactToOptoutsList", () => {
  it.effect("adds valid numbers once; counts duplicates (in the request or already listed) and invalid ones", () =>
    Effect.gen(function*() {
      const first = yield* success(
        Api.Optouts.addContactToOptoutsList,
        yield* optout({ phoneNumbers: ["0612345678", NL, DE], countryIso: "NL" })
      )
      assert.deepStrictEqual(first.info, {
        totalValid: 2,
        totalInvalid: 0,
        totalDuplicates: 1,
        totalPhoneNumbers: 3,
        invalid: []
      })
      const second = yield* success(
        Api.Optouts.addContactToOptoutsList,
        yield* optout({ phoneNumbers: [DE, "bogus", 447400123456], allowInvalid: true })
      )
      assert.deepStrictEqual(second.info, {
        totalValid: 1,
        totalInvalid: 1,
        totalDuplicates: 1,
        totalPhoneNumbers: 3,
        invalid: ["bogus"]
      })
      const body = yield* list()
      assert.deepStrictEqual(body.data.map((o) => [o.id, o.phoneNumber, o.countryIso, o.optoutFrom]), [
        [3, GB, "GB", "admin"],
        [2, DE, "DE", "admin"],
        [1, NL, "NL", "admin"]
      ])
      assert.strictEqual(body.info.total, 3)
      assert.strictEqual(body.data[0]!.datetime, new Date(NOW).toISOString())
    }).pipe(provide()))

  it.effect("errors: 1203 missing or empty, 1208 not an array, 1210 invalid (even one), 1441 nothing new", () =>
    Effect.gen(function*() {
      yield* failure(yield* optout({}), 400, "invalid_param", 1203)
      yield* failure(yield* optout({ phoneNumbers: [] }), 400, "invalid_param", 1203)
      yield* failure(yield* optout({ phoneNumbers: NL }), 400, "invalid_param", 1208)
      yield* failure(yield* optout({ phoneNumbers: [{ phoneNumber: NL }] }), 400, "invalid_param", 1208)
      const one = yield* failure(yield* optout({ phoneNumbers: [NL, "12"] }), 400, "invalid_param", 1210)
      assert.deepStrictEqual(one.invalid, ["12"])
      assert.strictEqual((yield* list()).data.length, 0)
      yield* failure(yield* optout({ phoneNumbers: ["12"], allowInvalid: true }), 400, "invalid_param", 1441)
      yield* success(Api.Optouts.addContactToOptoutsList, yield* optout({ phoneNumbers: [NL] }))
      yield* failure(yield* optout({ phoneNumbers: [NL, "+31 6 12345678"] }), 400, "invalid_param", 1441)
      yield* failure(yield* optout({ phoneNumbers: [NL], countryIso: "N1" }), 400, "invalid_param", 1000)
    }).pipe(provide()))
})

describe("getOptoutsList", () => {
  it.effect("pages most recent first", () =>
    Effect.gen(function*() {
      yield* optout({ phoneNumbers: [NL, NL2, DE, GB, FR] })
      const first = yield* list("?limit=2")
      assert.deepStrictEqual(first.data.map((o) => o.phoneNumber), [FR, GB])
      assert.deepStrictEqual([first.paging.previous, first.paging.size, first.info.total], [null, 2, 5])
      const second = yield* list(`?limit=2&next=${first.paging.next}`)
      assert.deepStrictEqual(second.data.map((o) => o.phoneNumber), [DE, NL2])
      const third = yield* list(`?limit=2&next=${second.paging.next}`)
      assert.deepStrictEqual(third.data.map((o) => o.phoneNumber), [NL])
      assert.strictEqual(third.paging.next, null)
      yield* failure(yield* call("GET", "/optouts?limit=501"), 400, "invalid_param", 1000)
      yield* failure(yield* call("GET", "/optouts?next=zzz"), 400, "invalid_param", 1000)
    }).pipe(provide()))
})

describe("deleteContactFromOptoutsList", () => {
  it.effect("removes an admin opt-out, then 404 1202; the number can be sent to again", () =>
    Effect.gen(function*() {
      yield* optout({ phoneNumbers: [NL] })
      const deleted = yield* success(Api.Optouts.deleteContactFromOptoutsList, yield* call("DELETE", "/optouts/1"))
      assert.deepStrictEqual(deleted.info, { id: "1", phoneNumber: NL })
      yield* failure(yield* call("DELETE", "/optouts/1"), 404, "not_found", 1202)
      yield* failure(yield* call("DELETE", "/optouts/abc"), 404, "not_found", 1202)
      assert.strictEqual((yield* list()).data.length, 0)
      const sent = yield* success(
        Api.Sms.sendSms,
        yield* call("POST", "/sms", { body: { to: [NL], from: "InfoText", text: "Hi" } })
      )
      assert.strictEqual(sent.data[0]!.status, "ACCEPTED")
    }).pipe(provide()))

  it.effect("a `link` opt-out cannot be deleted: 403 1443", () =>
    Effect.gen(function*() {
      const store = yield* State.make({ balanceMicros: 0 })
      const recorded = Optouts.record(store, {
        phoneNumber: NL,
        countryIso: "NL",
        optoutFrom: "link",
        createdAt: NOW,
        campaignId: "0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11"
      })!
      const handlers = OptoutsGroup.handlers({ store } as unknown as Context)
      const exit = yield* Effect.exit(
        handlers.deleteContactFromOptoutsList.handle({
          path: { optoutId: recorded.id },
          input: undefined,
          principal: undefined as never
        })
      )
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) {
        const error = exit.cause._tag === "Fail" ? exit.cause.error : undefined
        assert.deepStrictEqual([error?.status, error?.type, error?.code], [403, "access_denied", 1443])
      }
      assert.isDefined(store.records(Optouts.Optouts).get(recorded.id))
      // the same number again is not recorded twice
      assert.isUndefined(
        Optouts.record(store, { phoneNumber: NL, countryIso: "NL", optoutFrom: "admin", createdAt: 0 })
      )
    }))
})

describe("exports", () => {
  it.effect("CSV and XLSX hold the list, most recent first; empty lists keep the header", () =>
    Effect.gen(function*() {
      const empty = yield* download("/optouts/csv")
      assert.strictEqual(empty.status, 200)
      const header = new TextDecoder().decode(empty.bytes).trim()
      assert.strictEqual(
        header,
        "id,phoneNumber,countryIso,optoutFrom,datetime,campaignId,groupId,groupName,campaignName"
      )
      yield* optout({ phoneNumbers: [NL, DE] })
      const csv = yield* download("/optouts/csv")
      assert.strictEqual(csv.headers["content-type"], "application/csv")
      assert.include(csv.headers["content-disposition"], "optouts.csv")
      const rows = parse(new TextDecoder().decode(csv.bytes), { columns: true }) as Array<Record<string, string>>
      assert.deepStrictEqual(rows.map((r) => [r.id, r.phoneNumber, r.countryIso, r.optoutFrom, r.campaignId]), [
        ["2", DE, "DE", "admin", ""],
        ["1", NL, "NL", "admin", ""]
      ])
      const xlsx = yield* download("/optouts/xlsx")
      assert.include(xlsx.headers["content-disposition"], "optouts.xlsx")
      const workbook = new ExcelJS.Workbook()
      yield* Effect.promise(() => workbook.xlsx.load(xlsx.bytes.buffer as ArrayBuffer))
      const sheet = workbook.worksheets[0]!
      assert.strictEqual(sheet.rowCount, 3)
      assert.deepStrictEqual([sheet.getCell(2, 2).value, sheet.getCell(3, 2).value, sheet.getCell(3, 4).value], [
        DE,
        NL,
        "admin"
      ])
    }).pipe(provide()))
})

describe("sends skip opted-out numbers", () => {
  it.effect("sendSms: REJECTED at cost 0, not billed, not kept; counted as valid", () =>
    Effect.gen(function*() {
      yield* optout({ phoneNumbers: [DE] })
      const body = yield* success(
        Api.Sms.sendSms,
        yield* call("POST", "/sms", { body: { to: [NL, DE, "bad"], allowInvalid: true, from: "InfoText", text: "Hi" } })
      )
      assert.deepStrictEqual(body.data.map((m) => [m.to, m.status, m.statusCode, m.cost, m.parts]), [
        [NL, "ACCEPTED", 1, 0.072, 1],
        [DE, "REJECTED", 3, 0, 1]
      ])
      assert.deepStrictEqual(
        [body.info.totalPhoneNumbers, body.info.totalValid, body.info.totalInvalid, body.info.totalCost],
        [3, 2, 1, 0.072]
      )
      assert.strictEqual(body.info.totalParts, 1)
      const state = yield* sandbox
      assert.strictEqual(yield* state.balance, 99.928)
      assert.deepStrictEqual((yield* state.messages).map((m) => m.to), [NL])
      // only opted-out numbers: answered, nothing billed
      const none = yield* success(
        Api.Sms.sendSms,
        yield* call("POST", "/sms", { body: { to: [DE], from: "InfoText", text: "Hi" } })
      )
      assert.deepStrictEqual([none.info.totalCost, none.info.totalParts, none.data[0]!.status], [0, 0, "REJECTED"])
      assert.strictEqual(yield* state.balance, 99.928)
      // a scheduled send does not schedule the opted-out number
      const scheduled = yield* success(
        Api.Sms.sendSms,
        yield* call("POST", "/sms", {
          body: { to: [NL, DE], from: "InfoText", text: "Hi", scheduledDate: "2025-06-02 10:00:00" }
        })
      )
      assert.deepStrictEqual(scheduled.data.map((m) => [m.status, m.scheduledAt !== undefined]), [
        ["SCHEDULED", true],
        ["REJECTED", false]
      ])
    }).pipe(provide()))

  it.effect("estimateSms shows the same, without billing", () =>
    Effect.gen(function*() {
      yield* optout({ phoneNumbers: [NL] })
      const body = yield* success(
        Api.Sms.estimateSms,
        yield* call("POST", "/sms/estimate", { body: { to: [NL, DE], from: "InfoText", text: "Hi" } })
      )
      assert.deepStrictEqual(body.data.map((m) => [m.status, m.cost]), [["REJECTED", 0], ["ACCEPTED", 0.079]])
      assert.strictEqual(body.info.totalCost, 0.079)
      assert.strictEqual(yield* (yield* sandbox).balance, 100)
    }).pipe(provide()))

  it.effect("campaigns: opted-out contacts REJECTED after duplicates are removed; groups show the opt-outs", () =>
    Effect.gen(function*() {
      // NL is in groups 1 and 2; DE in group 1
      yield* optout({ phoneNumbers: [NL, DE] })
      const body = yield* success(
        Api.Sms.sendSmsCampaign,
        yield* call("POST", "/sms/campaign", { body: { groups: [1, 2], from: "InfoText", text: "Hi {{firstName}}" } })
      )
      assert.deepStrictEqual(body.data.map((m) => [m.to, m.status, m.cost, m.text]), [
        [NL, "REJECTED", 0, "Hi Jan"],
        [DE, "REJECTED", 0, "Hi Anna"],
        [FR, "ACCEPTED", 0.068, "Hi Marie"],
        [GB, "ACCEPTED", body.data[3]!.cost, "Hi Oliver"],
        ["+40721234567", "ACCEPTED", body.data[4]!.cost, "Hi Andrei"]
      ])
      assert.deepStrictEqual(
        [body.info.totalPhoneNumbers, body.info.totalValid, body.info.duplicatesRemoved, body.info.totalParts],
        [6, 5, 1, 3]
      )
      // 0.306 for all five, less NL and DE
      assert.strictEqual(body.info.totalCost, 0.155)
      assert.strictEqual(yield* (yield* sandbox).balance, 99.845)
      const details = yield* success(Api.Groups.getGroupDetails, yield* call("GET", "/groups/1"))
      assert.deepStrictEqual(details.data.map((c) => c.optout), [true, true, false])
      assert.deepStrictEqual([details.info.totalOptouts, details.info.totalCost], [2, 0.068])
      const groups = yield* success(Api.Groups.getGroupsList, yield* call("GET", "/groups"))
      assert.deepStrictEqual(groups.data.map((g) => g.totalOptouts), [0, 1, 2])
      // an estimate to a group of only opted-out contacts costs nothing
      yield* call("POST", "/groups", { body: { name: "Opted out" } })
      yield* call("POST", "/groups/4", { body: { phoneNumbers: [NL] } })
      const estimate = yield* success(
        Api.Sms.estimateSmsCampaign,
        yield* call("POST", "/sms/campaign/estimate", { body: { groups: [4], from: "InfoText", text: "Hi" } })
      )
      assert.deepStrictEqual([estimate.info.totalCost, estimate.data[0]!.status], [0, "REJECTED"])
    }).pipe(provide()))
})
