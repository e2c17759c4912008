import { assert, describe, it } from "@effect/vitest"
import {
  AccessDeniedException,
  InsufficientBalanceException,
  InvalidPhoneNumberException,
  InvalidRequestException,
  NoCoverageException,
  Numbers,
  ResourceNotFoundException
} from "@smscx/client"
import { parse } from "csv-parse/sync"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import ExcelJS from "exceljs"
import { DE, GB, INVALID, NL, NOW, provide, sandbox, UNKNOWN_ID, UUID } from "./utils.js"

const DAY = 86_400_000
const balance = Effect.flatMap(sandbox, (s) => s.balance)

const errorOf = <A, E>(effect: Effect.Effect<A, E>) => Effect.flip(effect)

describe("Numbers: validation and lookups through the SDK", () => {
  it.effect("validateNumber / validateNumbers: typed answers, InvalidPhoneNumberException", () =>
    Effect.gen(function*() {
      const numbers = yield* Numbers
      const one = yield* numbers.validateNumber(DE)
      assert.deepStrictEqual(one.data, {
        phoneNumber: DE,
        countryIso: "DE",
        networkOperator: "Telekom",
        timezone: "Europe/Berlin"
      })
      const error = yield* errorOf(numbers.validateNumber(INVALID))
      assert.instanceOf(error, InvalidPhoneNumberException)
      assert.deepStrictEqual([error.code, error.invalid], [1207, [INVALID]])
      const many = yield* numbers.validateNumbers({ phoneNumbers: [INVALID, "07400123456"], countryIso: "GB" })
      assert.deepStrictEqual(many.data.map((d) => [d.phoneNumber, d.invalid, d.networkOperator]), [
        [INVALID, true, undefined],
        [GB, false, "O2"]
      ])
      const empty = yield* errorOf(numbers.validateNumbers({ phoneNumbers: [] }))
      assert.instanceOf(empty, InvalidRequestException)
      assert.strictEqual(empty.code, 1203)
    }).pipe(provide()))

  it.effect("lookupNumber: debits the lookup price, typed errors for invalid, uncovered and unaffordable numbers", () =>
    Effect.gen(function*() {
      const numbers = yield* Numbers
      const found = yield* numbers.lookupNumber(GB)
      assert.match(found.data.lookupId, UUID)
      assert.deepStrictEqual([found.data.status, found.data.cost, found.data.originalNetwork.name], [
        "ACTIVE",
        0.006,
        "O2"
      ])
      assert.strictEqual(yield* balance, 99.994)
      assert.deepStrictEqual(yield* numbers.getSingleLookupStatus(found.data.lookupId), found.data)
      assert.instanceOf(yield* errorOf(numbers.lookupNumber(INVALID)), InvalidPhoneNumberException)
      assert.instanceOf(yield* errorOf(numbers.lookupNumber("+34612345678")), NoCoverageException)
      const missing = yield* errorOf(numbers.getSingleLookupStatus(UNKNOWN_ID))
      assert.instanceOf(missing, ResourceNotFoundException)
      assert.strictEqual(missing.code, 1219)
      yield* (yield* sandbox).setBalance(0.001)
      const broke = yield* errorOf(numbers.lookupNumber(NL))
      assert.instanceOf(broke, InsufficientBalanceException)
      assert.strictEqual(broke.code, 1113)
      assert.strictEqual(yield* balance, 0.001)
    }).pipe(provide()))

  it.effect("lookupNumbers: pending, then completed under the TestClock; paged streams; exports read back", () =>
    Effect.gen(function*() {
      const numbers = yield* Numbers
      const phoneNumbers = ["+40721234560", "+40721234561", "+40721234562", "+40721234563", "+40721234564", INVALID]
      const bulk = yield* numbers.lookupNumbers({ phoneNumbers })
      assert.deepStrictEqual([bulk.info.totalValid, bulk.info.totalInvalid, bulk.info.totalCost, bulk.info.invalid], [
        5,
        1,
        0.025,
        [INVALID]
      ])
      assert.strictEqual(yield* balance, 99.975)
      const id = bulk.info.lookupBulkId
      const statuses = Effect.map(
        Stream.runCollect(numbers.getBulkLookupStatus.all(id, { limit: 2 })),
        (items) => Chunk.toReadonlyArray(items).map((d) => d.status)
      )
      // in progress: nothing to show yet
      assert.deepStrictEqual(yield* statuses, [])
      const missing = yield* errorOf(numbers.getSingleLookupStatus(bulk.data[0]!.lookupId))
      assert.instanceOf(missing, ResourceNotFoundException)
      yield* TestClock.adjust("5 seconds")
      const pages = yield* Stream.runCollect(numbers.getBulkLookupStatus.pages(id, { limit: 2 }))
      assert.deepStrictEqual(Chunk.toReadonlyArray(pages).map((p) => p.data.length), [2, 2, 1])
      assert.deepStrictEqual(yield* statuses, ["ABSENT", "UNKNOWN", "BARRED", "ACTIVE", "ACTIVE"])
      const campaigns = yield* numbers.getBulkLookupCampaigns({})
      assert.deepStrictEqual(campaigns.data.map((c) => [c.id, c.totalValid, c.totalCost]), [[id, 5, 0.025]])

      const csv = yield* numbers.exportNumberLookupReportToCSV(id)
      assert.strictEqual(csv.fileName, `number-lookup-${id}.csv`)
      const rows = parse(new TextDecoder().decode(csv.bytes), { columns: true }) as Array<Record<string, string>>
      assert.deepStrictEqual(rows.map((r) => [r.phoneNumber, r.status, r.originalNetwork]), [
        ["+40721234560", "ABSENT", "Vodafone"],
        ["+40721234561", "UNKNOWN", "Vodafone"],
        ["+40721234562", "BARRED", "Vodafone"],
        ["+40721234563", "ACTIVE", "Vodafone"],
        ["+40721234564", "ACTIVE", "Vodafone"]
      ])
      const xlsx = yield* numbers.exportNumberLookupReportToXLSX(id)
      const workbook = new ExcelJS.Workbook()
      yield* Effect.promise(() => workbook.xlsx.load(xlsx.bytes.buffer as ArrayBuffer))
      const sheet = workbook.worksheets[0]!
      assert.strictEqual(sheet.rowCount, 6)
      assert.deepStrictEqual(
        [sheet.getRow(5).getCell(2).value, sheet.getRow(5).getCell(5).value, sheet.getRow(5).getCell(15).value],
        ["+40721234563", "ACTIVE", 0.005]
      )
      const notFound = yield* errorOf(numbers.exportNumberLookupReportToCSV(UNKNOWN_ID))
      assert.instanceOf(notFound, ResourceNotFoundException)
      assert.strictEqual(notFound.code, 1220)
    }).pipe(provide()))
})

describe("Numbers: rented numbers through the SDK", () => {
  it.effect("rent → status → list → renew → edit → cancel (refund) → gone", () =>
    Effect.gen(function*() {
      const numbers = yield* Numbers
      const offers = yield* numbers.getAvailableNumbers("DE", {})
      assert.strictEqual(offers.data.length, 5)
      const offer = offers.data[1]!
      const rented = yield* numbers.rentNumber({ numberId: offer.numberId, rentPeriod: 30 })
      // setup 1.75 + 30 days 7
      assert.deepStrictEqual([rented.info.setupCost, rented.info.rentCost], [1.75, 7])
      assert.strictEqual(yield* balance, 91.25)
      const id = rented.info.rentId
      assert.strictEqual((yield* numbers.getAvailableNumbers("DE", {})).data.length, 4)
      const taken = yield* errorOf(numbers.rentNumber({ numberId: offer.numberId, rentPeriod: 30 }))
      assert.instanceOf(taken, AccessDeniedException)
      assert.strictEqual(taken.code, 1231)

      const status = yield* numbers.getRentStatus(id)
      assert.deepStrictEqual([status.info.phoneNumber, status.info.activeRent, status.info.rentEnd], [
        "+4915100000102",
        true,
        new Date(NOW + 30 * DAY).toISOString()
      ])
      const listed = yield* numbers.getRentedNumbers({ country_iso: "DE", active_rent: true, features: 3 })
      assert.deepStrictEqual(listed.data.map((r) => r.rentId), [id])
      assert.deepStrictEqual((yield* numbers.getRentedNumbers({ features: 3, number_type: "landline" })).data, [])

      const renewed = yield* numbers.renewRent(id, { rentPeriod: 7 })
      assert.deepStrictEqual([renewed.info.rentCost, renewed.info.rentEnd], [
        2.8,
        new Date(NOW + 37 * DAY).toISOString()
      ])
      assert.strictEqual(yield* balance, 88.45)
      yield* numbers.editRentSettings(id, { autoRenew: true, callbackUrl: "https://example.com/inbound" })
      const edited = yield* numbers.getRentStatus(id)
      assert.deepStrictEqual([edited.info.autoRenew, edited.info.callbackUrl], [true, "https://example.com/inbound"])
      const nothing = yield* errorOf(numbers.editRentSettings(id, {}))
      assert.instanceOf(nothing, InvalidRequestException)
      assert.strictEqual(nothing.code, 1233)

      const cancelled = yield* numbers.cancelRent(id)
      assert.strictEqual(cancelled.info.creditReturned, 9.8)
      assert.strictEqual(yield* balance, 98.25)
      const again = yield* errorOf(numbers.cancelRent(id))
      assert.instanceOf(again, ResourceNotFoundException)
      assert.strictEqual(again.code, 1223)
      assert.strictEqual((yield* numbers.getRentStatus(id)).info.activeRent, false)
      assert.strictEqual((yield* numbers.getAvailableNumbers("DE", {})).data.length, 5)
      const unknown = yield* errorOf(numbers.getRentStatus(UNKNOWN_ID))
      assert.instanceOf(unknown, ResourceNotFoundException)
    }).pipe(provide()))

  it.effect("the cancel window closes after 30 minutes of Clock time; an ended rent cannot be renewed", () =>
    Effect.gen(function*() {
      const numbers = yield* Numbers
      const offer = (yield* numbers.getAvailableNumbers("FR", { number_type: "mobile", features: 3 })).data[0]!
      const rented = yield* numbers.rentNumber({ numberId: offer.numberId, rentPeriod: 1 })
      yield* TestClock.adjust("31 minutes")
      const late = yield* errorOf(numbers.cancelRent(rented.info.rentId))
      assert.instanceOf(late, AccessDeniedException)
      assert.strictEqual(late.code, 1227)
      yield* TestClock.adjust("1 days")
      assert.strictEqual((yield* numbers.getRentStatus(rented.info.rentId)).info.activeRent, false)
      const ended = yield* errorOf(numbers.renewRent(rented.info.rentId, {}))
      assert.instanceOf(ended, AccessDeniedException)
      assert.strictEqual(ended.code, 1228)
      const short = yield* errorOf(numbers.rentNumber({ numberId: UNKNOWN_ID, rentPeriod: 1 }))
      assert.instanceOf(short, ResourceNotFoundException)
      assert.strictEqual(short.code, 1230)
    }).pipe(provide()))

  it.effect("rentNumber: InsufficientBalanceException, nothing rented", () =>
    Effect.gen(function*() {
      const numbers = yield* Numbers
      const offer = (yield* numbers.getAvailableNumbers("NL", {})).data[0]!
      const error = yield* errorOf(numbers.rentNumber({ numberId: offer.numberId, rentPeriod: 30 }))
      assert.instanceOf(error, InsufficientBalanceException)
      assert.deepStrictEqual((yield* numbers.getRentedNumbers({})).data, [])
      assert.strictEqual(yield* balance, 5)
    }).pipe(provide(undefined, { balance: 5 })))

  it.effect("inbound SMS delivered to a rented number: listed, paged, and blocking a cancel", () =>
    Effect.gen(function*() {
      const numbers = yield* Numbers
      const state = yield* sandbox
      const offer = (yield* numbers.getAvailableNumbers("GB", {})).data[0]!
      const rented = yield* numbers.rentNumber({ numberId: offer.numberId, rentPeriod: 1 })
      assert.isFalse(yield* state.receiveSms({ to: "+447400000102", from: NL, text: "not rented" }))
      for (let i = 0; i < 5; i++) {
        assert.isTrue(yield* state.receiveSms({ to: rented.info.phoneNumber, from: NL, text: `message ${i}` }))
      }
      const texts = yield* Stream.runCollect(numbers.getInboundSms.all(rented.info.rentId, { limit: 2 }))
      assert.deepStrictEqual(Chunk.toReadonlyArray(texts).map((m) => [m.text, m.from, m.to]), [
        ["message 0", NL, rented.info.phoneNumber],
        ["message 1", NL, rented.info.phoneNumber],
        ["message 2", NL, rented.info.phoneNumber],
        ["message 3", NL, rented.info.phoneNumber],
        ["message 4", NL, rented.info.phoneNumber]
      ])
      const first = yield* numbers.getInboundSms(rented.info.rentId, { limit: 2 })
      assert.deepStrictEqual([first.info.phoneNumber, first.paging.size], [rented.info.phoneNumber, 2])
      assert.deepStrictEqual((yield* numbers.getRentStatus(rented.info.rentId)).info.inboundSms, {
        total: 5,
        cost: 0
      })
      const used = yield* errorOf(numbers.cancelRent(rented.info.rentId))
      assert.instanceOf(used, AccessDeniedException)
      assert.strictEqual(used.code, 1232)
    }).pipe(provide()))
})
