import { assert, describe, it } from "@effect/vitest"
import {
  DuplicateValueException,
  Groups,
  InvalidPhoneNumberException,
  InvalidRequestException,
  Optouts,
  ResourceNotFoundException,
  Sms
} from "@smscx/client"
import { parse } from "csv-parse/sync"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import ExcelJS from "exceljs"
import { DE, GB, INVALID, NL, NOW, provide, sandbox, sentTo, UUID } from "./utils.js"

const NL2 = "+31612345679"
const NL3 = "+31612345670"
const FR = "+33612345678" // 0.068

describe("Groups: a group's life against the sandbox", () => {
  it.effect("create, add, page, update, delete a contact, export, empty, delete; then 404 1200", () =>
    Effect.gen(function*() {
      const groups = yield* Groups
      const created = yield* groups.createGroup({ name: "Customers" })
      // the demo groups 1..3 come first
      assert.deepStrictEqual(created.info, { id: 4, name: "Customers" })
      const id = created.info.id

      const added = yield* groups.addContactsToGroup(id, {
        phoneNumbers: ["0612345678", NL2, "0612345678", INVALID],
        countryIso: "NL",
        allowInvalid: true
      })
      assert.deepStrictEqual(added.info, {
        totalCost: 0.144,
        totalValid: 2,
        totalInvalid: 1,
        totalDuplicates: 1,
        totalPhoneNumbers: 4,
        invalid: [INVALID]
      })
      yield* groups.addContactsToGroup(id, {
        phoneNumbers: [
          {
            phoneNumber: DE,
            firstName: "Anna",
            email: "anna@example.com",
            customFields: { customFieldName: { city: "Berlin" } }
          },
          { phoneNumber: GB, firstName: "Oliver", field3: "three" },
          { phoneNumber: NL3 }
        ]
      })

      // the path parameter went into the path
      assert.isAbove((yield* sentTo(`/groups/${id}`)).length, 1)
      const details = yield* groups.getGroupDetails(id, { limit: 2 })
      assert.deepStrictEqual(details.data.map((c) => c.phoneNumber), [NL, NL2])
      assert.strictEqual(details.info.totalPhoneNumbers, 5)
      assert.isNotNull(details.paging.next)
      // every contact, two a page
      const all = Chunk.toReadonlyArray(yield* Stream.runCollect(groups.getGroupDetails.all(id, { limit: 2 })))
      assert.deepStrictEqual(all.map((c) => c.phoneNumber), [NL, NL2, DE, GB, NL3])
      const pages = yield* Stream.runCount(groups.getGroupDetails.pages(id, { limit: 2 }))
      assert.strictEqual(pages, 3)
      assert.match(all[2]!.id, UUID)
      assert.deepStrictEqual([all[2]!.firstName, all[2]!.email, all[2]!.customFields], [
        "Anna",
        "anna@example.com",
        { customFieldName: { city: "Berlin" } }
      ])

      // update: the fields given change, the rest stays
      const updated = yield* groups.updateContactFromGroup(id, all[3]!.id, { lastName: "Smith", field3: "3" })
      assert.deepStrictEqual(updated?.info, { id: all[3]!.id, groupId: String(id) })
      const duplicate = yield* Effect.flip(groups.updateContactFromGroup(id, all[3]!.id, { phoneNumber: NL }))
      assert.instanceOf(duplicate, DuplicateValueException)
      assert.strictEqual(duplicate.code, 1215)
      const nothing = yield* Effect.flip(groups.updateContactFromGroup(id, all[3]!.id, {}))
      assert.instanceOf(nothing, InvalidRequestException)
      assert.strictEqual(nothing.code, 1213)

      const removed = yield* groups.deleteContactFromGroup(id, all[4]!.id)
      assert.deepStrictEqual(removed.info, { id: all[4]!.id, phoneNumber: NL3, countryIso: "NL" })
      const gone = yield* Effect.flip(groups.deleteContactFromGroup(id, all[4]!.id))
      assert.instanceOf(gone, ResourceNotFoundException)
      assert.strictEqual(gone.code, 1202)

      // exports read back
      const csv = yield* groups.exportGroupToCSV(id)
      assert.strictEqual(csv.fileName, "group-4-customers.csv")
      const rows = parse(new TextDecoder().decode(csv.bytes), { columns: true }) as Array<Record<string, string>>
      assert.deepStrictEqual(rows.map((r) => [r.phoneNumber, r.firstName, r.lastName, r.field3, r.city]), [
        [NL, "", "", "", ""],
        [NL2, "", "", "", ""],
        [DE, "Anna", "", "", "Berlin"],
        [GB, "Oliver", "Smith", "3", ""]
      ])
      const xlsx = yield* groups.exportGroupToXLSX(id)
      assert.strictEqual(xlsx.fileName, "group-4-customers.xlsx")
      const workbook = new ExcelJS.Workbook()
      yield* Effect.promise(() => workbook.xlsx.load(xlsx.bytes.buffer as ArrayBuffer))
      const sheet = workbook.worksheets[0]!
      assert.strictEqual(sheet.rowCount, 5)
      assert.strictEqual(sheet.getCell(1, 2).value, "phoneNumber")
      assert.strictEqual(sheet.getCell(5, 2).value, GB)

      // the list shows it, most recent first
      const list = yield* groups.getGroupsList()
      assert.deepStrictEqual(list.data[0], {
        id,
        name: "Customers",
        totalPhoneNumbers: 4,
        totalCost: 0.264,
        totalOptouts: 0,
        createdAt: new Date(NOW).toISOString()
      })

      const emptied = yield* groups.emptyGroup(id)
      assert.deepStrictEqual(emptied?.info, { id, name: "Customers" })
      assert.strictEqual((yield* groups.getGroupDetails(id)).info.totalPhoneNumbers, 0)
      const emptyCsv = yield* groups.exportGroupToCSV(id)
      assert.strictEqual(new TextDecoder().decode(emptyCsv.bytes).trim().split("\r\n").length, 1)

      const deleted = yield* groups.deleteGroup(id)
      assert.deepStrictEqual(deleted.info, { id, name: "Customers", totalPhoneNumbers: 0 })
      const missing = yield* Effect.flip(groups.getGroupDetails(id))
      assert.instanceOf(missing, ResourceNotFoundException)
      assert.deepStrictEqual([missing.status, missing.type, missing.code], [404, "not_found", 1200])
      const exportMissing = yield* Effect.flip(groups.exportGroupToXLSX(id))
      assert.instanceOf(exportMissing, ResourceNotFoundException)
      assert.strictEqual(exportMissing.code, 1200)
    }).pipe(provide()))

  it.effect("typed errors: a taken name, invalid numbers (listed), no numbers", () =>
    Effect.gen(function*() {
      const groups = yield* Groups
      const taken = yield* Effect.flip(groups.createGroup({ name: "Demo Customers" }))
      assert.instanceOf(taken, DuplicateValueException)
      assert.deepStrictEqual([taken.status, taken.code], [400, 1211])
      const short = yield* Effect.flip(groups.createGroup({ name: "  ab  " }))
      assert.instanceOf(short, InvalidRequestException)
      assert.strictEqual(short.code, 1206)

      const invalid = yield* Effect.flip(groups.addContactsToGroup(1, { phoneNumbers: [FR, INVALID] }))
      assert.instanceOf(invalid, InvalidPhoneNumberException)
      assert.deepStrictEqual([invalid.code, invalid.invalid], [1207, [INVALID]])
      const several = yield* Effect.flip(groups.addContactsToGroup(1, { phoneNumbers: ["12", "34"] }))
      assert.instanceOf(several, InvalidPhoneNumberException)
      assert.deepStrictEqual([several.code, several.invalid], [1210, ["12", "34"]])
      const none = yield* Effect.flip(groups.addContactsToGroup(1, { phoneNumbers: [] }))
      assert.instanceOf(none, InvalidRequestException)
      assert.strictEqual(none.code, 1203)
      const unknown = yield* Effect.flip(groups.addContactsToGroup(99, { phoneNumbers: [NL] }))
      assert.instanceOf(unknown, ResourceNotFoundException)
      assert.strictEqual(unknown.code, 1200)
      // nothing was added to group 1
      assert.strictEqual((yield* groups.getGroupDetails(1)).info.totalPhoneNumbers, 3)
    }).pipe(provide()))
})

describe("Groups: nothing to change is the API's 204, undefined through the SDK", () => {
  it.effect("emptying an empty group; a contact updated with its own data", () =>
    Effect.gen(function*() {
      const groups = yield* Groups
      const created = yield* groups.createGroup({ name: "Quiet" })
      assert.isUndefined(yield* groups.emptyGroup(created.info.id))
      yield* groups.addContactsToGroup(created.info.id, { phoneNumbers: [NL] })
      const contact = (yield* groups.getGroupDetails(created.info.id)).data[0]!
      assert.isUndefined(yield* groups.updateContactFromGroup(created.info.id, contact.id, { phoneNumber: NL }))
      const emptied = yield* groups.emptyGroup(created.info.id)
      assert.strictEqual(emptied?.info.id, created.info.id)
      const { response } = yield* groups.emptyGroup.withResponse(created.info.id)
      assert.strictEqual(response.status, 204)
    }).pipe(provide()))
})

describe("Groups and campaigns", () => {
  it.effect("a campaign to a new group fills its contacts' fields, skips opted-out contacts, bills the rest", () =>
    Effect.gen(function*() {
      const groups = yield* Groups
      const optouts = yield* Optouts
      const sms = yield* Sms
      const state = yield* sandbox
      const { info } = yield* groups.createGroup({ name: "Launch" })
      yield* groups.addContactsToGroup(info.id, {
        phoneNumbers: [
          { phoneNumber: NL, firstName: "Jan", field1: "gold" },
          { phoneNumber: DE, firstName: "Anna", field1: "silver" },
          { phoneNumber: FR, firstName: "Marie", customFields: { customFieldName: { field1: "custom" } } }
        ]
      })
      yield* optouts.addContactToOptoutsList({ phoneNumbers: [DE] })
      const estimate = yield* sms.estimateSmsCampaign({
        groups: [info.id],
        from: "InfoText",
        text: "Hi {{firstName}}, {{field1}}"
      })
      assert.strictEqual(estimate.info.totalCost, 0.14)
      assert.strictEqual(yield* state.balance, 100)

      const sent = yield* sms.sendSmsCampaign({
        groups: [info.id],
        from: "InfoText",
        text: "Hi {{firstName}}, {{field1}}"
      })
      assert.deepStrictEqual(sent.data.map((m) => [m.to, m.status, m.cost, m.text]), [
        [NL, "ACCEPTED", 0.072, "Hi Jan, gold"],
        [DE, "REJECTED", 0, "Hi Anna, silver"],
        // a custom field fills a standard placeholder the contact leaves unset
        [FR, "ACCEPTED", 0.068, "Hi Marie, custom"]
      ])
      assert.deepStrictEqual(
        [sent.info.totalPhoneNumbers, sent.info.totalValid, sent.info.totalCost, sent.info.totalParts],
        [3, 3, 0.14, 2]
      )
      assert.deepStrictEqual(sent.info.groups, [{ id: info.id, name: "Launch", phoneNumbers: 3 }])
      assert.strictEqual(yield* state.balance, 100 - 0.14)
      assert.deepStrictEqual((yield* state.messages).map((m) => m.to), [NL, FR])
      const details = yield* groups.getGroupDetails(info.id)
      assert.deepStrictEqual([details.info.totalOptouts, details.info.totalCost], [1, 0.14])
      assert.deepStrictEqual(details.data.map((c) => c.optout), [false, true, false])
    }).pipe(provide()))
})
