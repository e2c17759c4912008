/**
 * Every answer the sandbox gives the SDK in these tests, checked against the reference document
 * (spec/smscx-openapi.json, with the documented fixes of scripts/spec-fixes.ts) by ajv: a
 * validator independent of the SDK's own schemas, which the sandbox already answers through.
 * A JSON answer of 2xx is checked against its operation's documented response; an error answer
 * against the documented error body. Files are checked for their documented content type.
 */
import * as Api from "@smscx/core/Api"
import type * as Operation from "@smscx/core/Operation"
import addFormatsModule from "ajv-formats"
import Ajv2020Module from "ajv/dist/2020.js"
import { readFileSync } from "node:fs"
import { fixSchemas } from "../../../scripts/spec-fixes.js"

// ajv and ajv-formats are CommonJS modules whose default export is `exports.default`
const Ajv2020 = Ajv2020Module.default
const addFormats = addFormatsModule.default

const rawSpec = JSON.parse(readFileSync(new URL("../../../spec/smscx-openapi.json", import.meta.url), "utf8"))
const spec = { ...rawSpec, components: { ...rawSpec.components, schemas: fixSchemas(rawSpec.components.schemas) } }
const SPEC_ID = "https://smscx.test/contract/smscx-openapi.json"
const ajv = new Ajv2020({ strict: false, allErrors: true })
addFormats(ajv)
ajv.addSchema(spec, SPEC_ID)

/** `date-time` and `uri` are documented loosely (`YYYY-MM-DD HH:MM:SS`), as the schema tests say. */
const UNENFORCED_FORMATS: ReadonlySet<string> = new Set(["date-time", "uri"])

const pointer = (...segments: ReadonlyArray<string>) =>
  segments.map((s) => "/" + s.replace(/~/g, "~0").replace(/\//g, "~1")).join("")

const operations: ReadonlyArray<Operation.Any> = Object.values(Api.groups).flatMap((g) =>
  Object.values<Operation.Any>(g)
)

/** The operation of a method and path (no query): the template with the most literal segments. */
export const operationOf = (method: string, path: string): Operation.Any | undefined => {
  const segments = path.split("?")[0]!.split("/").filter((s) => s !== "")
  const candidates = operations.filter((o) => {
    if (o.method !== method.toUpperCase()) return false
    const template = o.path.split("/").filter((s) => s !== "")
    return template.length === segments.length && template.every((t, i) => t.startsWith("{") || t === segments[i])
  })
  const literals = (o: Operation.Any) => o.path.split("/").filter((s) => s !== "" && !s.startsWith("{")).length
  return candidates.sort((a, b) => literals(b) - literals(a))[0]
}

const ErrorBody = {
  type: "object",
  required: ["error"],
  properties: { error: { $ref: `${SPEC_ID}#/components/schemas/Error` } }
}
const validateError = ajv.compile(ErrorBody)

/** What is wrong with an answer, as ajv reports it; empty when it fits. */
export const violations = (
  method: string,
  path: string,
  status: number,
  contentType: string | undefined,
  text: string
): ReadonlyArray<string> => {
  const operation = operationOf(method, path)
  if (operation === undefined) return []
  const where = `${operation.id} ${status}`
  if (status >= 400) {
    const body = JSON.parse(text) as unknown
    return validateError(body) ? [] : [`${where}: ${ajv.errorsText(validateError.errors)}`]
  }
  const responses = rawSpec.paths[operation.path][operation.method.toLowerCase()].responses
  const documented = responses[String(status)]
  if (documented === undefined) return [`${where}: status not documented (${Object.keys(responses).join(", ")})`]
  const content = documented.content as Record<string, { schema?: unknown }> | undefined
  // a 204 has no body, whatever content the reconstructed spec lists for it
  if (content === undefined || status === 204) return text === "" ? [] : [`${where}: a body where none is documented`]
  const [documentedType] = Object.keys(content)
  if (documentedType !== "application/json") {
    return contentType?.startsWith(documentedType!) === true
      ? []
      : [`${where}: content type ${contentType}, documented ${documentedType}`]
  }
  const validate = ajv.getSchema(
    `${SPEC_ID}#${
      pointer(
        "paths",
        operation.path,
        operation.method.toLowerCase(),
        "responses",
        String(status),
        "content",
        "application/json",
        "schema"
      )
    }`
  )!
  if (validate(JSON.parse(text))) return []
  const errors = (validate.errors ?? []).filter((e) =>
    !(e.keyword === "format" && UNENFORCED_FORMATS.has(String(e.params.format)))
  )
  return errors.length === 0 ? [] : [`${where}: ${ajv.errorsText(errors)}`]
}
