// Boolean query fields as the vendor's own clients send them: the Python client writes `True` and
// `False` (`short_response=True`), others `1` and `0`. Every boolean query field of the spec takes
// each spelling; anything else stays a 400 `invalid_param` naming the field.
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { readFileSync } from "node:fs"
import { call, failure, provide } from "./utils.js"

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
