/**
 * The few places where the generated schemas deliberately differ from the vendor's models, with
 * the reason for each. Used by `codegen.ts` and by the contract tests, which check the schemas
 * against the spec with these same fixes applied.
 */
// the spec is untyped JSON
type Json = any

/**
 * Where the vendor's models contradict the API's own documentation, the docs win (each fix says
 * why). Only answers are relaxed this way: an answer the API documents must never fail to decode.
 */
const DOCUMENTED_FIXES: Record<string, (s: Json) => Json> = {
  // `noTextDetails: true` leaves `text` and `textAnalysis` out of each message (sendSms docs)
  DataSms: (s) => ({ ...s, required: s.required.filter((p: string) => p !== "text" && p !== "textAnalysis") }),
  // a saved cost is money, like the `total*Cost` fields beside it, not a whole number
  TransliterationAnalysis: (s) => ({
    ...s,
    properties: { ...s.properties, totalCostSaved: { ...s.properties.totalCostSaved, type: "number" } }
  })
}

/** A two-letter country code: ISO 3166-1 alpha-2 is letters only ("1!" and ".." are not countries). */
const COUNTRY_ISO = { pattern: "^[A-Za-z]{2}$" }
const COUNTRY_ISO_NAMES = new Set(["countryIso", "country_iso"])

/**
 * Country codes the SDK sends are checked as what the docs call them (ISO 3166 alpha-2), not
 * only by length: a path parameter of `..` would otherwise turn into another resource once the
 * URL is normalised. Answers keep the vendor's looser schema.
 */
const REQUEST_FIXES: Record<string, (s: Json) => Json> = {
  AddContactsToGroupRequest: (s) => withPhoneBound(withCountryIsoPattern(s)),
  GroupAdd: (s) => withPhoneBound(withCountryIsoPattern(s)),
  NewOtpRequest: (s) => withPhoneBound(s),
  NumbersLookupRequest: (s) => withPhoneBound(s),
  NumbersValidateRequest: (s) => withPhoneBound(s),
  SendMultichannelMessageRequest: (s) => withPhoneBound(s),
  SendMultichannelMessageRequestEstimate: (s) => withPhoneBound(s),
  SendSmsMessageRequest: (s) => withPhoneBound(s),
  SendSmsRequestEstimate: (s) => withPhoneBound(s),
  SendViberMessageRequest: (s) => withPhoneBound(s),
  SendViberMessageRequestEstimate: (s) => withPhoneBound(s),
  SendWhatsappMessageRequest: (s) => withPhoneBound(s),
  SendWhatsappMessageRequestEstimate: (s) => withPhoneBound(s),
  UpdateNumberRequest: (s) => withPhoneBound(s)
}

/**
 * A phone number the SDK sends is at most 64 characters: E.164 has at most 15 digits, and 64
 * leaves room for national formats written with spaces, brackets and dashes, while a 10 MB string
 * is refused before it is sent (the spec sets no bound).
 */
const PHONE = { maxLength: 64 }
const PHONE_NAMES = new Set(["to", "phoneNumber", "phoneNumbers"])

/** The phone fields of a request (strings, or arrays of strings) bounded by PHONE. */
const withPhoneBound = (s: Json): Json => ({
  ...s,
  properties: Object.fromEntries(
    Object.entries<Json>(s.properties).map(([name, p]) => [
      name,
      !PHONE_NAMES.has(name)
        ? p
        : p.type === "string"
        ? { ...p, ...PHONE }
        : p.type === "array" && p.items?.type === "string"
        ? { ...p, items: { ...p.items, ...PHONE } }
        : p
    ])
  )
})

const withCountryIsoPattern = (s: Json): Json => ({
  ...s,
  properties: { ...s.properties, countryIso: { ...s.properties.countryIso, ...COUNTRY_ISO } }
})

/**
 * Error rows the reconstruction merged into the row before them, as
 * `"first description||403|1119|no_coverage|second description"`: split back into rows, so
 * that the operation documents the second error too (estimateMultichannelMessage's 1119).
 */
const splitMergedRows = (rows: Array<Json>): Array<Json> =>
  rows.flatMap((row) => {
    const [description, ...merged] = String(row.description ?? "").split("||")
    return [
      { ...row, description },
      ...merged.map((text) => {
        const [status, code, type, ...message] = text.split("|")
        return { status: Number(status), code: Number(code), type, description: message.join("|") }
      })
    ]
  })

/**
 * Query parameters of which a request gives one group, not all: the reports take `period` OR
 * the interval `start_date` + `end_date` ("The only required parameters are the dates filters:
 * `period` parameter or `start_date` and `end_date`", and error 1824 "No `period` parameter or
 * interval"), where the vendor's clients mark all three required. Recorded on each operation
 * whose query has every field of the groups as `x-smscx-alternatives` (codegen makes the input a
 * union of the accepted shapes), the fields made optional, each with what the docs say of it.
 */
const QUERY_ALTERNATIVES: ReadonlyArray<{ readonly name: string; readonly fields: Record<string, string> }> = [
  {
    name: "Period",
    fields: {
      period: "The report's period: a year `Y` (`2026`: its months) or a month `Y-m` (`2026-05`: its days). " +
        "Give it, or `start_date` and `end_date`, not both."
    }
  },
  {
    name: "Dates",
    fields: {
      start_date: "The first day of the report, `Y-m-d` (`2026-05-01`), with `end_date`; instead of `period`.",
      end_date: "The last day of the report (included), `Y-m-d` (`2026-05-31`), not before `start_date`."
    }
  }
]

const withQueryAlternatives = (op: Json): Json => {
  const params: Array<Json> = op.parameters ?? []
  const names = QUERY_ALTERNATIVES.flatMap((group) => Object.keys(group.fields))
  if (!names.every((name) => params.some((p) => p.in === "query" && p.name === name))) return op
  const description = Object.assign({}, ...QUERY_ALTERNATIVES.map((group) => group.fields))
  return {
    ...op,
    parameters: params.map((p) =>
      p.in === "query" && names.includes(p.name)
        ? { ...p, required: false, description: p.description ?? description[p.name] }
        : p
    ),
    "x-smscx-alternatives": QUERY_ALTERNATIVES.map((group) => ({ name: group.name, fields: Object.keys(group.fields) }))
  }
}

/**
 * The query parameters of each shape an operation's (fixed) query takes: all of them when it has
 * no alternatives, else, for each group, the parameters without the other groups' fields, the
 * group's own required. For tests that read the spec: a request fits the query when it fits one
 * shape.
 */
export const queryShapes = (
  op: Json
): ReadonlyArray<{ readonly name: string | undefined; readonly params: Array<Json> }> => {
  const query: Array<Json> = (op.parameters ?? []).filter((p: Json) => p.in === "query")
  const groups: Array<{ name: string; fields: Array<string> }> | undefined = op["x-smscx-alternatives"]
  if (groups === undefined) return [{ name: undefined, params: query }]
  return groups.map((group) => ({
    name: group.name,
    params: query
      .filter((p) => !groups.some((other) => other !== group && other.fields.includes(p.name)))
      .map((p) => group.fields.includes(p.name) ? { ...p, required: true } : p)
  }))
}

/** The spec's paths with the request fixes applied to their parameters (a copy). */
export const fixPaths = (paths: Record<string, Json>): Record<string, Json> =>
  Object.fromEntries(
    Object.entries(paths).map(([path, item]) => [
      path,
      Object.fromEntries(
        Object.entries<Json>(item).map(([method, op]) => [
          method,
          {
            ...withQueryAlternatives(op),
            ...(op.parameters === undefined ? {} : {
              parameters: withQueryAlternatives(op).parameters.map((p: Json) =>
                COUNTRY_ISO_NAMES.has(p.name) && p.schema?.type === "string"
                  ? { ...p, schema: { ...p.schema, ...COUNTRY_ISO } }
                  : PHONE_NAMES.has(p.name) && p.schema?.type === "string"
                  ? { ...p, schema: { ...p.schema, ...PHONE } }
                  : p
              )
            }),
            ...(op["x-smscx-errors"] === undefined ? {} : { "x-smscx-errors": splitMergedRows(op["x-smscx-errors"]) })
          }
        ])
      )
    ])
  )

/**
 * Objects whose one property the vendor's clients name after a placeholder: the pricing
 * answers' `countryCode` stands for each country's code and `operatorName` for each operator's
 * name (spec/README.md, "Channel pricing"). They are records keyed by the real names; the
 * literal shape the clients read is then one entry, so both decode.
 */
const PLACEHOLDER_KEYS: Record<string, string> = {
  PricingSmsResponse: "countryCode",
  PricingViberWhatsappResponse: "countryCode",
  NetworkOperator: "operatorName"
}

/** The spec's component schemas with the fixes above applied (a copy; the input is untouched). */
export const fixSchemas = (components: Record<string, Json>): Record<string, Json> => {
  const schemas = { ...components }
  for (const [name, fix] of Object.entries(DOCUMENTED_FIXES)) schemas[name] = fix(schemas[name])
  for (const [name, fix] of Object.entries(REQUEST_FIXES)) schemas[name] = fix(schemas[name])
  for (const [name, key] of Object.entries(PLACEHOLDER_KEYS)) {
    const { description, properties } = schemas[name]
    schemas[name] = {
      type: "object",
      description: [description, properties[key].description, `Keyed by ${key}.`].filter(Boolean).join(" "),
      additionalProperties: properties[key]
    }
  }
  return schemas
}
