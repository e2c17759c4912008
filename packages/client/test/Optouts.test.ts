import { assert, describe, it } from "@effect/vitest"
import { InvalidPhoneNumberException, InvalidRequestException, Optouts, ResourceNotFoundException } from "@smscx/client"
import { parse } from "csv-parse/sync"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import ExcelJS from "exceljs"
import { DE, GB, INVALID, NL, NOW, provide } from "./utils.js"

const NL2 = "+31612345679"
const FR = "+33612345678"

describe("Optouts: the list against the sandbox", () => {
  it.effect("add, list (paged), export, delete; then 404 1202", () =>
    Effect.gen(function*() {
      const optouts = yield* Optouts
      const added = yield* optouts.addContactToOptoutsList({
        phoneNumbers: ["0612345678", NL2, NL, INVALID],
        countryIso: "NL",
        allowInvalid: true
      })
      assert.deepStrictEqual(added.info, {
        totalValid: 2,
        totalInvalid: 1,
        totalDuplicates: 1,
        totalPhoneNumbers: 4,
        invalid: [INVALID]
      })
      yield* optouts.addContactToOptoutsList({ phoneNumbers: [DE, GB, FR] })

      const first = yield* optouts.getOptoutsList({ limit: 2 })
      assert.deepStrictEqual(first.info.total, 5)
      assert.deepStrictEqual(first.data.map((o) => [o.id, o.phoneNumber]), [[5, FR], [4, GB]])
      const all = Chunk.toReadonlyArray(yield* Stream.runCollect(optouts.getOptoutsList.all({ limit: 2 })))
      assert.deepStrictEqual(all.map((o) => o.phoneNumber), [FR, GB, DE, NL2, NL])
      assert.deepStrictEqual(all[4], {
        id: 1,
        phoneNumber: NL,
        countryIso: "NL",
        optoutFrom: "admin",
        datetime: new Date(NOW).toISOString(),
        campaignId: null,
        groupId: null,
        groupName: null,
        campaignName: null
      })

      const csv = yield* optouts.exportOptoutsToCSV()
      assert.strictEqual(csv.fileName, "optouts.csv")
      const rows = parse(new TextDecoder().decode(csv.bytes), { columns: true }) as Array<Record<string, string>>
      assert.deepStrictEqual(rows.map((r) => [r.id, r.phoneNumber, r.optoutFrom]), [
        ["5", FR, "admin"],
        ["4", GB, "admin"],
        ["3", DE, "admin"],
        ["2", NL2, "admin"],
        ["1", NL, "admin"]
      ])
      const xlsx = yield* optouts.exportOptoutsToXLSX()
      assert.strictEqual(xlsx.fileName, "optouts.xlsx")
      const workbook = new ExcelJS.Workbook()
      yield* Effect.promise(() => workbook.xlsx.load(xlsx.bytes.buffer as ArrayBuffer))
      const sheet = workbook.worksheets[0]!
      assert.strictEqual(sheet.rowCount, 6)
      assert.deepStrictEqual([sheet.getCell(1, 2).value, sheet.getCell(2, 2).value], ["phoneNumber", FR])

      const deleted = yield* optouts.deleteContactFromOptoutsList(3)
      assert.deepStrictEqual(deleted.info, { id: "3", phoneNumber: DE })
      const again = yield* Effect.flip(optouts.deleteContactFromOptoutsList(3))
      assert.instanceOf(again, ResourceNotFoundException)
      assert.deepStrictEqual([again.status, again.type, again.code], [404, "not_found", 1202])
      assert.strictEqual((yield* optouts.getOptoutsList()).info.total, 4)
    }).pipe(provide()))

  it.effect("typed errors: invalid numbers 1210 (listed), nothing new 1441, no numbers 1203", () =>
    Effect.gen(function*() {
      const optouts = yield* Optouts
      const invalid = yield* Effect.flip(optouts.addContactToOptoutsList({ phoneNumbers: [NL, INVALID] }))
      assert.instanceOf(invalid, InvalidPhoneNumberException)
      assert.deepStrictEqual([invalid.status, invalid.code, invalid.invalid], [400, 1210, [INVALID]])
      assert.strictEqual((yield* optouts.getOptoutsList()).info.total, 0)
      yield* optouts.addContactToOptoutsList({ phoneNumbers: [NL] })
      const nothing = yield* Effect.flip(optouts.addContactToOptoutsList({ phoneNumbers: [NL] }))
      assert.instanceOf(nothing, InvalidRequestException)
      assert.strictEqual(nothing.code, 1441)
      const empty = yield* Effect.flip(optouts.addContactToOptoutsList({ phoneNumbers: [] }))
      assert.instanceOf(empty, InvalidRequestException)
      assert.strictEqual(empty.code, 1203)
    }).pipe(provide()))
})
