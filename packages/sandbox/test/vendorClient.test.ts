// Requests as the vendor's own clients and examples make them. Boolean query fields: the Python
// client writes `True` and `False` (`short_response=True`), others `1` and `0`; every boolean
// query field of the spec takes each spelling, and anything else stays a 400 `invalid_param`
// naming the field. Cursors: the examples page with `next=NTM2NTA` (base64 of the id 53650).
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as Effect from "effect/Effect"
import { readFileSync } from "node:fs"
import { call, failure, provide, success } from "./utils.js"

interface Parameter {
  readonly name: string
  readonly in: string
  readonly schema?: { readonly type?: string }
}
const spec = JSON.parse(readFileSync(new URL("../../../spec/smscx-openapi.json", import.meta.url), "utf8")) as {
  readonly paths: Record<
    string,
    Record<string, { readonly operationId?: string; readonly parameters?: Array<Parameter> }>
  >
}

/** A value of the right shape for each path parameter (the resource need not exist: a 404 is fine). */
const pathValues: Record<string, string> = {
  attachmentId: "aB3dE5",
  groupId: "12345",
  countryIso: "NL",
  campaignId: "0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11",
  shortId: "aB3dE5"
}
/** Other query fields an operation requires. */
const required: Record<string, string> = { getAdvancedReport: "period=2025-06&" }

const booleanFields = Object.entries(spec.paths).flatMap(([path, item]) =>
  Object.entries(item).flatMap(([method, operation]) =>
    (operation.parameters ?? [])
      .filter((p) => p.in === "query" && p.schema?.type === "boolean")
      .map((p) => ({
        operationId: operation.operationId ?? path,
        method: method.toUpperCase(),
        path: path.replace(/\{(\w+)\}/g, (_, name: string) => pathValues[name] ?? name),
        field: p.name
      }))
  )
)

describe("boolean query fields, as the vendor's clients send them", () => {
  it("the spec has the ten boolean query fields this checks", () => {
    assert.strictEqual(booleanFields.length, 10)
  })

  for (const { field, method, operationId, path } of booleanFields) {
    it.effect(`${operationId}: ${field}=True, FALSE, 1, 0 are booleans; "maybe" is refused`, () =>
      Effect.gen(function*() {
        for (const spelling of ["True", "FALSE", "true", "1", "0"]) {
          const answer = yield* call(method, `${path}?${required[operationId] ?? ""}${field}=${spelling}`)
          const message = JSON.stringify(answer.json)
          assert.isFalse(answer.status === 400 && message.includes(field), `${field}=${spelling}: ${message}`)
        }
        const refused = yield* call(method, `${path}?${required[operationId] ?? ""}${field}=maybe`)
        const body = yield* failure(refused, 400, "invalid_param", 1000)
        assert.include(body.error.message, field)
      }).pipe(provide()))
  }
})

describe("cursors, as the vendor's examples page", () => {
  it.effect("next=NTM2NTA, well formed and past the end, is an empty page; an ill-formed cursor is 400", () =>
    Effect.gen(function*() {
      const page = yield* success(Api.Optouts.getOptoutsList, yield* call("GET", "/optouts?next=NTM2NTA"))
      assert.deepStrictEqual([page.data, page.paging], [[], { next: null, previous: null, size: 0 }])
      const reports = yield* success(
        Api.Reports.getAdvancedReport,
        yield* call("GET", "/reports?period=2025-06&next=NTM2NTA")
      )
      assert.deepStrictEqual(reports.data, [])
      yield* failure(yield* call("GET", "/optouts?next=%2A%2A"), 400, "invalid_param", 1000)
    }).pipe(provide()))
})
