/**
 * Add contacts to a group: plain numbers (national ones with `countryIso`), then contacts with
 * fields for `{{firstName}}`-style placeholders. Prints how many were added, invalid or duplicates.
 */
import { Groups } from "@smscx/client"
import { Effect } from "effect"
import { exampleRecipient, SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const groups = yield* Groups
  const { info: group } = yield* groups.createGroup({ name: `Customers ${new Date().toISOString().slice(0, 16)}` })

  // invalid numbers are reported, not refused, with allowInvalid
  const numbers = yield* groups.addContactsToGroup(group.id, {
    phoneNumbers: [exampleRecipient, "0612469001", "0612469001", "12345"],
    countryIso: "NL",
    allowInvalid: true
  })
  console.log(
    `numbers: ${numbers.info.totalValid} added, ${numbers.info.totalDuplicates} duplicates, ` +
      `${numbers.info.totalInvalid} invalid (${numbers.info.invalid.join(", ")})`
  )

  const contacts = yield* groups.addContactsToGroup(group.id, {
    phoneNumbers: [
      { phoneNumber: "+4915123456789", firstName: "Anna", lastName: "Schmidt", email: "anna@example.com" },
      {
        phoneNumber: "+447400123456",
        firstName: "Oliver",
        field1: "gold",
        customFields: { customFieldName: { city: "Leeds" } }
      }
    ]
  })
  console.log(`contacts: ${contacts.info.totalValid} added; one SMS to them costs ${contacts.info.totalCost}`)
  yield* groups.deleteGroup(group.id)
}).pipe(
  Effect.catchTags({
    InvalidPhoneNumberException: (e) => Effect.logError(`invalid numbers: ${e.invalid?.join(", ")}`),
    ResourceNotFoundException: (e) => Effect.logError(`no such group: ${e.message}`),
    DuplicateValueException: (e) => Effect.logError(`a group with this name exists: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
