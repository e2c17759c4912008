/**
 * The `@example` of each method: both call styles, with plausible values for the required
 * fields (a phone number, a sender name, dates) picked by what each field is.
 */
import { camel, type Json, key, lit, pascal, requestSchemaOf, resolved } from "./spec.js"

/** A UUID, for the ids that are one. */
const SAMPLE_UUID = "0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11"
/**
 * Plausible values for the fields examples fill, by what the field is (its name), so that each
 * method's example shows real values: a phone number, a sender name, a text, dates.
 */
const SAMPLE_BY_NAME: ReadonlyArray<readonly [RegExp, unknown]> = [
  [/^(to|phoneNumber|phoneNumbers|number|numbers|phone)$/, "+14155550123"],
  [/^(from|originator|sender|senderName)$/, "InfoText"],
  [/^(text|message|body)$/, "Your code is 1234"],
  [/^(countryIso|country_iso)$/, "US"],
  [/^period$/, "2026-05"],
  [/^start_date$/, "2026-05-01"],
  [/^end_date$/, "2026-05-31"],
  [/^scheduledDate$/, "2026-05-01 09:00:00"],
  [/^pin$/, "1234"],
  [/[Uu]rl$/, "https://example.com/smscx/callback"],
  [/^(name|campaignName|groupName|templateName)$/, "Spring sale"],
  [/^(title|label)$/, "Spring sale"],
  [/[Ee]mail$/, "jane@example.com"],
  [/^(scope|scopes)$/, "sms"]
]

/** A sample value of a schema, as TypeScript source (objects: their required fields). */
const sampleOf = (name: string, s: Json, depth = 0): string => {
  const r = resolved(s) ?? {}
  if (r.anyOf || r.oneOf) return sampleOf(name, (r.anyOf ?? r.oneOf)[0], depth)
  if (r.allOf) {
    const parts = r.allOf.map((m: Json) => resolved(m))
    return sampleOf(name, {
      type: "object",
      properties: Object.assign({}, ...parts.map((m: Json) => m.properties ?? {})),
      required: parts.flatMap((m: Json) => m.required ?? [])
    }, depth)
  }
  const type = Array.isArray(r.type) ? r.type.find((t: string) => t !== "null") : r.type
  if (Array.isArray(r.enum)) return lit(r.enum[0])
  if (type === "array") return `[${sampleOf(name, r.items ?? {}, depth + 1)}]`
  if (type === "object" || r.properties) {
    if (depth > 2) return "{}"
    const required: Array<string> = r.required ?? []
    const fields = required.filter((f) => r.properties?.[f] !== undefined)
      .map((f) => `${key(f)}: ${sampleOf(f, r.properties[f], depth + 1)}`)
    return fields.length === 0 ? "{}" : `{ ${fields.join(", ")} }`
  }
  const known = SAMPLE_BY_NAME.find(([pattern]) => pattern.test(name))
  if (type === "integer" || type === "number") {
    return String(r.minimum ?? (/limit/i.test(name) ? 100 : /[Ii]d$/.test(name) ? 42 : 1))
  }
  if (type === "boolean") return "true"
  if (known !== undefined && typeof known[1] === "string") return lit(known[1])
  if (r.format === "uuid" || (r.minLength === 36 && r.maxLength === 36) || /[Ii]d$/.test(name)) {
    return lit(/[Ii]d$/.test(name) && r.format !== "uuid" && r.minLength !== 36 ? "bVc" : SAMPLE_UUID)
  }
  if (r.format === "date-time") return lit("2026-05-01T09:00:00Z")
  if (r.format === "date") return lit("2026-05-01")
  return lit(r.minLength !== undefined && r.minLength > 5 ? "x".repeat(r.minLength) : "Spring sale")
}

/** An `@example` of both call styles, with plausible values for the required fields. */
export const exampleDoc = (op: Json, pathParams: ReadonlyArray<Json>, paging: boolean): Array<string> => {
  const body = requestSchemaOf(op)
  const query: Array<Json> = (op.parameters ?? []).filter((p: Json) => p.in === "query")
  // a query with alternatives takes its first group (`period`)
  const first: Array<string> = op["x-smscx-alternatives"]?.[0]?.fields ?? []
  const input = body !== undefined
    ? sampleOf("body", body)
    : query.length > 0
    ? sampleOf("query", {
      type: "object",
      properties: Object.fromEntries(query.map((p) => [p.name, p.schema])),
      required: query.filter((p) => p.required || first.includes(p.name)).map((p) => p.name)
    })
    : undefined
  const path = pathParams.map((p) => sampleOf(p.name, p.schema))
  // an input without a required field is optional: left out
  const args = [...path, ...(input === undefined || input === "{}" ? [] : [input])].join(", ")
  const paged = input === undefined || input === "{}" ? "{ limit: 100 }" : `${input.slice(0, -2)}, limit: 100 }`
  const pagingArgs = [...path, paged].join(", ")
  const accessor = camel(op.tags[0])
  return [
    "   * @example",
    "   * ```ts",
    `   * // Promise (const client = new SmsCx({ apiKey }))`,
    `   * const result = await client.${accessor}.${op.operationId}(${args})`,
    ...(paging
      ? [`   * for await (const item of client.${accessor}.${op.operationId}.all(${pagingArgs})) console.log(item)`]
      : []),
    `   * // Effect`,
    `   * const ${accessor} = yield* ${pascal(op.tags[0])}`,
    `   * const result = yield* ${accessor}.${op.operationId}(${args})`,
    "   * ```"
  ]
}
