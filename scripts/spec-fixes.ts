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
