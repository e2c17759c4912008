/** Export the results of a bulk lookup to an XLSX workbook (once the lookups are complete). */
import { Numbers } from "@smscx/client"
import { Effect, Schedule } from "effect"
import { writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const numbers = yield* Numbers
  const bulk = yield* numbers.lookupNumbers({ phoneNumbers: ["+31612345678", "+447400123456"] })
  const id = bulk.info.lookupBulkId
  yield* numbers.getBulkLookupStatus(id, {}).pipe(
    Effect.repeat({
      schedule: Schedule.spaced("1 second"),
      until: (s) => s.data.length === s.info.totalValid,
      times: 30
    })
  )
  const file = yield* numbers.exportNumberLookupReportToXLSX(id)
  const path = join(tmpdir(), file.fileName ?? `lookup-${id}.xlsx`)
  writeFileSync(path, file.bytes)
  console.log(`${file.contentType}: ${file.bytes.length} bytes saved to ${path}`)
}).pipe(
  Effect.catchTags({
    ResourceNotFoundException: (e) => Effect.logError(`no such bulk lookup: ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
