/**
 * Generates from `spec/`, so that adding an operation to the spec and running `pnpm codegen`
 * is all the SDK side needs:
 *
 * - `packages/core/src/Generated.ts`: one Effect Schema per component of the OpenAPI document;
 * - `packages/core/src/Api.ts`: one declarative entry per operation, grouped by API tag, plus
 *   `groups` (accessor -> entries), `aliases` (correct spellings of misspelled operationIds) and
 *   `scopes` (the OAuth scopes);
 * - `packages/core/src/ErrorCatalogue.ts`: each operation's documented errors (status, type,
 *   code, message, and the exception `error-mapping.json` makes of them);
 * - `packages/client/src/<Group>.ts` (one Effect service per group) and `Groups.ts` (all of
 *   them, composed).
 *
 * `pnpm codegen --check` fails when a committed file is stale (CI runs it).
 */
import { readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { exceptionTag } from "../packages/core/src/ErrorMapping.js"
import { fixPaths, fixSchemas } from "./spec-fixes.js"

type Json = any

const root = fileURLToPath(new URL("..", import.meta.url))
const spec: Json = JSON.parse(readFileSync(`${root}spec/smscx-openapi.json`, "utf8"))
const schemas: Record<string, Json> = fixSchemas(spec.components.schemas)
/** Every API group, in the spec's order. */
const GROUPS: Array<string> = spec.tags.map((t: Json) => t.name)
/**
 * Correct spellings of the operationIds the vendor misspelled: the method keeps the vendor's
 * name (it is what their docs and clients call it) and gets the alias too.
 */
const ALIASES: Record<string, string> = { getConverstionsList: "getConversationsList" }

/**
 * What each group is for, in the docs of its service (the spec's tags carry no description).
 * Documentation only: a group missing here gets a generic line.
 */
const GROUP_DOCS: Record<string, string> = {
  Account: "The account's balance, the status of its channels, and its pricing per channel and traffic type.",
  Applications: "The OAuth applications of the account, their settings, and the scopes a token can carry.",
  Attachments: "Files attached to messages as tracked links: list them, read and export their hits, delete them.",
  Conversations:
    "Two-way conversations with recipients: list and read them, mark them read, reply by SMS, Viber or WhatsApp.",
  Groups: "Contact groups: create and list them, add, update and remove contacts, empty or delete a group, export it.",
  Multichannel:
    "Messages that try channels in order (e.g. Viber, then SMS), single or as campaigns, with estimates and scheduling.",
  Numbers: "Number lookup (single and bulk, with exports), validation, and rented numbers with their inbound SMS.",
  Oauth: "OAuth client credentials: an access token for an application's id and secret.",
  Optouts: "The opt-out list: numbers that unsubscribed, added by hand or by recipients, listed, exported and removed.",
  Originators: "Sender IDs (originators) of the account: create, list and delete them.",
  Otp: "One-time passwords: send a PIN, check its status, verify it, cancel it.",
  Reports:
    "Delivery reports: single messages, the advanced report with filters, campaigns, summaries, and their exports.",
  Shortlinks: "Tracked short links: create, list, update and delete them, read and export their hits.",
  Sms:
    "Send SMS to single numbers or many (up to 25,000 a request) and to groups as campaigns, estimate their cost, and delete scheduled messages and campaigns (their cost is refunded).",
  Templates: "Message templates (SMS, Viber, WhatsApp): create, list, read, update and delete them.",
  Viber: "Viber messages with rich media and buttons, single or as campaigns, with estimates and scheduling.",
  Whatsapp: "WhatsApp template messages, with estimates and scheduling."
}
spec.paths = fixPaths(spec.paths)

const refName = (ref: string) => ref.replace("#/components/schemas/", "")
const lit = (v: unknown) => JSON.stringify(v)
/** A property name as written in an object literal: bare when it can be (hovers then show `from`, not `"from"`). */
const key = (name: string) => /^[A-Za-z_$][\w$]*$/.test(name) ? name : lit(name)
const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)
const camel = (s: string) => s.charAt(0).toLowerCase() + s.slice(1)

// ---------------------------------------------------------------------------
// JSON Schema -> Effect Schema source
// ---------------------------------------------------------------------------

const refsOf = (s: Json, out = new Set<string>()): Set<string> => {
  if (Array.isArray(s)) s.forEach((x) => refsOf(x, out))
  else if (s && typeof s === "object") {
    if (typeof s.$ref === "string") out.add(refName(s.$ref))
    Object.values(s).forEach((x) => refsOf(x, out))
  }
  return out
}

/**
 * Spec prose as comment text: a link to an anchor of the vendor's docs page (`[sender names](#)`,
 * `(#error-codes)`) leads nowhere from here, so it keeps its words only; `*\/` cannot end the
 * comment.
 */
const prose = (text: string): string => text.replace(/\[([^\]]+)\]\(#[^)]*\)/g, "$1").replace(/\*\//g, "*\\/")

const MAX_ENUM_IN_DOC = 12

/**
 * What a field's schema requires, in words, for its hover: `3 to 15 characters`, `pattern ...`,
 * `one of ...`, `format date-time`, ranges, item counts and what each item takes.
 */
const constraintsOf = (s: Json): Array<string> => {
  if (s === null || typeof s !== "object" || s.$ref !== undefined) return []
  const out: Array<string> = []
  const code = (v: unknown) => `\`${typeof v === "string" ? v : JSON.stringify(v)}\``
  if (Array.isArray(s.enum)) {
    const shown = s.enum.slice(0, MAX_ENUM_IN_DOC).map(code).join(", ")
    out.push(`one of ${shown}${s.enum.length > MAX_ENUM_IN_DOC ? `, … (${s.enum.length} values)` : ""}`)
  }
  // what the SDK checks before sending (Formats.DateTime): the docs' form, or ISO 8601
  if (s.format === "date-time" && strictFormats) out.push("a date-time, `YYYY-MM-DD HH:MM:SS` or ISO 8601")
  else if (typeof s.format === "string" && s.format !== "binary") out.push(`format ${s.format}`)
  const range = (min: number | undefined, max: number | undefined, unit: string) => {
    if (min !== undefined && min === max) return `${min} ${unit}`
    if (min !== undefined && min > 0 && max !== undefined) return `${min} to ${max} ${unit}`
    if (max !== undefined) return `at most ${max} ${unit}`
    if (min !== undefined && min > 0) return `at least ${min} ${unit}`
    return undefined
  }
  const length = range(s.minLength, s.maxLength, "characters")
  if (length !== undefined) out.push(length)
  if (typeof s.pattern === "string") out.push(`pattern ${code(s.pattern)}`)
  if (s.minimum !== undefined && s.maximum !== undefined) out.push(`from ${s.minimum} to ${s.maximum}`)
  else if (s.minimum !== undefined) out.push(`at least ${s.minimum}`)
  else if (s.maximum !== undefined) out.push(`at most ${s.maximum}`)
  const items = range(s.minItems, s.maxItems, "items")
  if (items !== undefined) out.push(items)
  if (s.items !== undefined) {
    const each = constraintsOf(s.items)
    if (each.length > 0) out.push(`each ${each.join(", ")}`)
  }
  if (s.default !== undefined) out.push(`default ${code(s.default)}`)
  return out
}

/** A field's comment: its description, then what its schema requires. */
const jsdoc = (description: unknown, schema?: Json): string => {
  const text = typeof description === "string" ? prose(description.trim()).replace(/\s*\n\s*/g, " ") : ""
  const constraints = schema === undefined ? [] : constraintsOf(schema)
  if (text === "" && constraints.length === 0) return ""
  if (constraints.length === 0) return `\n/** ${text} */\n`
  const rule = prose(`${constraints.join("; ")}.`)
  return `\n/**\n${text === "" ? "" : ` * ${text}\n *\n`} * ${rule.charAt(0).toUpperCase()}${rule.slice(1)}\n */\n`
}

const checks = (s: Json): Array<string> => {
  const out: Array<string> = []
  if (s.minLength !== undefined && s.minLength === s.maxLength) out.push(pure(`Schema.length(${s.minLength})`))
  else {
    if (s.minLength !== undefined && s.minLength > 0) out.push(pure(`Schema.minLength(${s.minLength})`))
    if (s.maxLength !== undefined) out.push(pure(`Schema.maxLength(${s.maxLength})`))
  }
  if (s.pattern !== undefined) out.push(pure(`Schema.pattern(${pure(`new RegExp(${lit(s.pattern)})`)})`))
  if (s.minimum !== undefined) out.push(pure(`Schema.greaterThanOrEqualTo(${s.minimum})`))
  if (s.maximum !== undefined) out.push(pure(`Schema.lessThanOrEqualTo(${s.maximum})`))
  if (s.minItems !== undefined && s.minItems > 0) out.push(pure(`Schema.minItems(${s.minItems})`))
  if (s.maxItems !== undefined) out.push(pure(`Schema.maxItems(${s.maxItems})`))
  return out
}

// Every call in generated code carries a pure annotation, arguments included: bundlers may then
// drop what a program does not reach (one operation's schemas rather than all 100)
const pure = (call: string) => `/*#__PURE__*/ ${call}`
// a method called on a value that is itself a call: the parentheses keep each annotation on its call
const chained = (base: string, method: string, args: string) =>
  pure(`${/\(/.test(base) ? `(${base})` : base}.${method}(${args})`)

const withChecks = (base: string, s: Json) => {
  const c = checks(s)
  return c.length ? chained(base, "pipe", c.join(", ")) : base
}

const scalar = (type: string, s: Json): string => {
  switch (type) {
    case "string":
      if (s.enum) {
        // answers accept values added after this release; requests send only known ones
        const open = !strictFormats && s.enum.every((v: unknown) => typeof v === "string")
        return pure(`${open ? "Formats.OpenLiteral" : "Schema.Literal"}(${s.enum.map(lit).join(", ")})`)
      }
      if (s.format === "binary") return "Schema.Uint8ArrayFromSelf"
      if (strictFormats && (s.format === "uri" || s.format === "date-time")) {
        return withChecks(s.format === "uri" ? "Formats.Uri" : "Formats.DateTime", s)
      }
      return withChecks("Schema.String", s)
    case "integer":
      if (s.enum) return pure(`Schema.Literal(${s.enum.map(lit).join(", ")})`)
      return withChecks("Schema.Int", s)
    case "number":
      // JSON has no NaN or Infinity
      return withChecks("Schema.Finite", s)
    case "boolean":
      return "Schema.Boolean"
    case "null":
      return "Schema.Null"
    case "array":
      return withChecks(pure(`Schema.Array(${toSchema(s.items ?? {})})`), s)
    case "object":
      return objectSchema(s)
    default:
      throw new Error(`unsupported type ${type} in ${lit(s).slice(0, 200)}`)
  }
}

const objectSchema = (s: Json): string => {
  const props: Record<string, Json> = s.properties ?? {}
  const required = new Set<string>(s.required ?? [])
  // descriptions are JSDoc, shown on hover, rather than annotations: kept out of every bundle
  const fields = Object.entries(props).map(([name, p]) => {
    const inner = toSchema(p)
    const field = required.has(name) ? inner : pure(`Schema.optional(${inner})`)
    return `${jsdoc(p.description, p)}${key(name)}: ${field}`
  })
  const extra = s.additionalProperties
  const record = extra === undefined || extra === false
    ? undefined
    : pure(`Schema.Record({ key: Schema.String, value: ${extra === true ? "Schema.Unknown" : toSchema(extra)} })`)
  if (fields.length === 0) return record ?? pure("Schema.Record({ key: Schema.String, value: Schema.Unknown })")
  return pure(`Schema.Struct({ ${fields.join(", ")} }${record ? `, ${record}` : ""})`)
}

function toSchema(s: Json): string {
  if (s === true || s === undefined || (typeof s === "object" && Object.keys(s).length === 0)) return "Schema.Unknown"
  if (s.$ref) return refName(s.$ref)
  if (s.anyOf || s.oneOf) {
    const members = (s.anyOf ?? s.oneOf).map(toSchema)
    return members.length === 1 ? members[0] : pure(`Schema.Union(${members.join(", ")})`)
  }
  if (s.allOf) {
    const members: Array<string> = s.allOf.map(toSchema)
    return members.reduce((acc, m) => pure(`Schema.extend(${acc}, ${m})`))
  }
  if (s.enum && s.type === undefined) return pure(`Schema.Literal(${s.enum.map(lit).join(", ")})`)
  if (Array.isArray(s.type)) {
    const nonNull = s.type.filter((t: string) => t !== "null")
    const inner = nonNull.length === 1
      ? scalar(nonNull[0], s)
      : pure(`Schema.Union(${nonNull.map((t: string) => scalar(t, s)).join(", ")})`)
    return s.type.includes("null") ? pure(`Schema.NullOr(${inner})`) : inner
  }
  if (s.type === undefined && s.properties) return objectSchema(s)
  return scalar(s.type, s)
}

/**
 * Formats are checked where the SDK sends them (request bodies and parameters), not in answers:
 * an answer's date in a form the docs did not foresee must not fail a send that was performed.
 */
let strictFormats = false
const reachable = (roots: Iterable<string>): Set<string> => {
  const seen = new Set<string>()
  const visit = (name: string) => {
    if (seen.has(name)) return
    seen.add(name)
    refsOf(schemas[name]).forEach(visit)
  }
  for (const r of roots) visit(r)
  return seen
}
const allOperations = Object.values<Json>(spec.paths).flatMap((item) => Object.values<Json>(item))
const requestOnly = (() => {
  const sent = reachable(
    allOperations.flatMap((op) => [...refsOf(op.requestBody ?? {}), ...refsOf(op.parameters ?? [])])
  )
  const answered = reachable(allOperations.flatMap((op) => [...refsOf(op.responses ?? {})]))
  return new Set([...sent].filter((name) => !answered.has(name)))
})()

// Topological order, so that every schema is declared before it is used.
const ordered: Array<string> = []
{
  const state = new Map<string, "visiting" | "done">()
  const visit = (name: string) => {
    if (state.get(name) === "done") return
    if (state.get(name) === "visiting") throw new Error(`recursive schema ${name}: needs Schema.suspend`)
    state.set(name, "visiting")
    refsOf(schemas[name]).forEach(visit)
    state.set(name, "done")
    ordered.push(name)
  }
  Object.keys(schemas).sort().forEach(visit)
}

const withFormats = <A>(strict: boolean, f: () => A): A => {
  const before = strictFormats
  strictFormats = strict
  try {
    return f()
  } finally {
    strictFormats = before
  }
}

const generated = [
  "/**",
  " * Effect Schemas of every component of the SMS.CX API v1.0.2, generated by `pnpm codegen`",
  " * from `spec/smscx-openapi.json`. Do not edit: change the spec or `scripts/codegen.ts`.",
  " *",
  " * Field names are the API's own JSON names; request constraints (lengths, patterns, ranges,",
  " * enums, the 25,000-recipient bound) are checked before a request is sent.",
  " *",
  " * @since 0.1.0",
  " */",
  "import * as Schema from \"effect/Schema\"",
  "import * as Formats from \"./internal/formats.js\"",
  "",
  ...ordered.flatMap((name) => {
    const s = schemas[name]
    const doc = typeof s.description === "string" ? prose(s.description.trim()) : undefined
    return [
      "/**",
      ...(doc ? doc.split("\n").map((l: string) => ` * ${l}`.trimEnd()) : []),
      " * @since 0.1.0",
      " * @category schemas",
      " */",
      `export const ${name} = ${
        chained(withFormats(requestOnly.has(name), () => toSchema(s)), "annotations", `{ identifier: ${lit(name)} }`)
      }`,
      "/**",
      " * @since 0.1.0",
      " * @category models",
      " */",
      `export type ${name} = typeof ${name}.Type`,
      ""
    ]
  })
].join("\n")

// ---------------------------------------------------------------------------
// Operations -> declarative entries
// ---------------------------------------------------------------------------

/** error-mapping.json's rules, as the SDK applies them at run time (ErrorMapping). */
const exceptionFor = (status: number, type?: string, code?: number): string => exceptionTag(status, type, code)

/** The documented error type of each generic error response model. */
const MODEL_TYPES: Record<string, string | undefined> = {
  Model403InsufficientScope: "insufficient_scope"
}

const operations: Array<Json> = []
for (const [path, item] of Object.entries<Json>(spec.paths)) {
  for (const [method, op] of Object.entries<Json>(item)) {
    if (!["get", "post", "patch", "put", "delete"].includes(method)) continue
    if (!GROUPS.includes(op.tags[0])) continue
    operations.push({ ...op, path, method: method.toUpperCase() })
  }
}

/** The exceptions an operation documents (its error rows and error responses), plus the ones every call can meet. */
const exceptionsOf = (op: Json): Array<string> => {
  const exceptions = new Set<string>()
  for (const row of op["x-smscx-errors"] ?? []) exceptions.add(exceptionFor(row.status, row.type, row.code))
  for (const [status, res] of Object.entries<Json>(op.responses)) {
    const n = Number(status)
    if (n < 400) continue
    const model = res.content?.["application/json"]?.schema?.$ref
    exceptions.add(exceptionFor(n, model ? MODEL_TYPES[refName(model)] : undefined))
  }
  exceptions.add("ServerErrorException")
  exceptions.add("ApiException")
  return [...exceptions]
}

/** `@throws` lines: each exception the method can fail with, and the documented codes behind it. */
const errorDocs = (op: Json, exceptions: ReadonlyArray<string>): Array<string> => {
  const rows: Array<Json> = op["x-smscx-errors"] ?? []
  return [...exceptions].sort().map((exception) => {
    const codes = rows.filter((row) => exceptionFor(row.status, row.type, row.code) === exception)
      .map((row) => `${row.code}${row.description ? ` (${prose(String(row.description)).slice(0, 80)})` : ""}`)
    return `   * @throws {@link ${exception}}${codes.length ? ` ${codes.join("; ")}` : ""}`
  }).concat([
    "   * @throws RequestValidationError | TransportError | DecodeError (client-side; nothing documented by the API)"
  ])
}

/** The schema a `$ref` names, else the schema itself. */
const resolved = (s: Json): Json => (s?.$ref ? schemas[refName(s.$ref)] : s)

const requestSchemaOf = (op: Json): Json | undefined => {
  const body = op.requestBody?.content
  return body?.["application/json"]?.schema ?? body?.["application/x-www-form-urlencoded"]?.schema
}

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
const exampleDoc = (op: Json, pathParams: ReadonlyArray<Json>, paging: boolean): Array<string> => {
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

/** The name of an operation entry's type: `SendSmsOperation`. */
const entryType = (op: Json) => `${pascal(op.operationId)}Operation`
/** The module binding of an operation entry in Api.ts. */
const entryConst = (op: Json) => `${op.operationId}$`

/**
 * An operation's entry: a module binding and an interface naming its type (hovers then show
 * `Method<SendSmsOperation>` rather than the entry's schemas), and the group's property.
 */
const opEntry = (op: Json): { readonly decl: string; readonly prop: string } => {
  const params: Array<Json> = op.parameters ?? []
  const pathParams = params.filter((p) => p.in === "path")
  const queryParams = params.filter((p) => p.in === "query")
  const exceptions = exceptionsOf(op)

  let input = "Operation.noInput"
  const body = op.requestBody?.content
  if (body?.["application/json"]) {
    input = pure(`Operation.jsonBody(${withFormats(true, () => toSchema(body["application/json"].schema))})`)
  } else if (body?.["application/x-www-form-urlencoded"]) {
    input = pure(
      `Operation.formBody(${withFormats(true, () => toSchema(body["application/x-www-form-urlencoded"].schema))})`
    )
  } else if (queryParams.length) {
    const struct = withFormats(true, () =>
      objectSchema({
        properties: Object.fromEntries(queryParams.map((p) => [p.name, { ...p.schema, description: p.description }])),
        required: queryParams.filter((p) => p.required).map((p) => p.name)
      }))
    // fields of which the query takes one group (spec-fixes: `period`, or `start_date` and `end_date`)
    const alternatives: Array<Json> | undefined = op["x-smscx-alternatives"]
    input = pure(`Operation.query(${
      alternatives === undefined
        ? struct
        : pure(`Operation.alternatives(${struct}, ${lit(alternatives.map((group) => group.fields))})`)
    })`)
  }
  const ok = op.responses["200"] ?? op.responses["201"]
  const [contentType, media] = Object.entries<Json>(ok?.content ?? {})[0] ?? []
  const success = contentType === undefined
    ? "Operation.emptyResponse"
    : contentType === "application/json"
    ? pure(`Operation.${op.responses["204"] ? "jsonOrNoContentResponse" : "jsonResponse"}(${toSchema(media.schema)})`)
    : pure(`Operation.fileResponse(${lit(contentType)})`)
  const auth = op.security?.some((s: Json) => "BasicAuth" in s) ? "basic" : "apiKeyOrBearer"
  // cursor paging: the list takes limit/next/previous and answers `data` with `paging`
  const paging = ["limit", "next", "previous"].every((name) => queryParams.some((p) => p.name === name))
  const bodySchema = body?.["application/json"]?.schema
  const idempotent = bodySchema?.$ref && schemas[refName(bodySchema.$ref)]?.properties?.idempotencyId !== undefined
  const doc = [op.summary, "", ...(op.description ?? "").trim().split("\n")].map((l: string) =>
    `   * ${prose(l)}`.trimEnd()
  )
  if (schemas[entryType(op)] !== undefined) throw new Error(`${entryType(op)} is also a component's name`)
  const prop = [
    "  /**",
    ...doc,
    `   *`,
    `   * \`${op.method} ${op.path}\`${op["x-smscx-cost"] ? " (billed)" : ""}`,
    ...(ALIASES[op.operationId]
      ? ["   *", `   * Also \`${ALIASES[op.operationId]}\` (the vendor's name is misspelled).`]
      : []),
    "   *",
    ...errorDocs(op, exceptions),
    ...exampleDoc(op, pathParams, paging),
    "   * @since 0.1.0",
    "   */",
    `  ${op.operationId}: ${entryConst(op)} as ${entryType(op)},`
  ].join("\n")
  const decl = [
    `const ${entryConst(op)} = /*#__PURE__*/ Operation.make({`,
    `    id: ${lit(op.operationId)},`,
    `    group: ${lit(op.tags[0])},`,
    `    method: ${lit(op.method)},`,
    `    path: ${lit(op.path)},`,
    `    pathParams: {${
      pathParams.length
        ? ` ${pathParams.map((p) => `${lit(p.name)}: ${withFormats(true, () => toSchema(p.schema))}`).join(", ")} `
        : ""
    }},`,
    `    input: ${input},`,
    `    success: ${success},`,
    `    errors: [${[...exceptions].sort().map((e) => `Errors.${e}`).join(", ")}],`,
    `    auth: ${lit(auth)},`,
    `    idempotencyKey: ${idempotent ? lit("idempotencyId") : "undefined"},`,
    `    billed: ${Boolean(op["x-smscx-cost"])},`,
    `    paging: ${paging},`,
    `    successStatus: ${op.responses["201"] !== undefined && op.responses["200"] === undefined ? 201 : 200}`,
    "})",
    "/**",
    ` * The entry of \`${op.operationId}\` (\`${op.method} ${op.path}\`), by name.`,
    " * @since 0.3.0",
    " * @category entries",
    " */",
    `export interface ${entryType(op)} extends Operation.Of<typeof ${entryConst(op)}> {}`,
    ""
  ].map((line) => line.startsWith("    ") ? line.slice(2) : line).join("\n")
  return { decl, prop }
}

const groups = GROUPS.map((group) => {
  const ops = operations.filter((o) => o.tags[0] === group)
  const tag = spec.tags?.find((t: Json) => t.name === group)
  const entries = ops.map(opEntry)
  return [
    ...entries.map((e) => e.decl),
    "/**",
    ` * ${tag?.description ?? GROUP_DOCS[group] ?? `The ${group} API group.`}`,
    " * @since 0.1.0",
    " * @category operations",
    " */",
    `export const ${pascal(group)} = {`,
    entries.map((e) => e.prop).join("\n"),
    "} as const",
    ""
  ].join("\n")
})

const accessor = (group: string) => camel(group)

const tail = [
  "/**",
  " * Every group's entries, by accessor name (the lowerCamelCase tag): `client.numbers`, ...",
  " * @since 0.1.0",
  " * @category operations",
  " */",
  `export const groups = { ${GROUPS.map((g) => `${accessor(g)}: ${pascal(g)}`).join(", ")} } as const`,
  "",
  "/**",
  " * Correctly spelled aliases of misspelled operationIds, by group accessor: alias -> operationId.",
  " * @since 0.1.0",
  " * @category operations",
  " */",
  `export const aliases = { ${
    GROUPS.map((g) => {
      const own = operations.filter((o) => o.tags[0] === g && ALIASES[o.operationId])
      return `${accessor(g)}: { ${own.map((o) => `${ALIASES[o.operationId]}: ${lit(o.operationId)}`).join(", ")} }`
    }).join(", ")
  } } as const`,
  "",
  "/**",
  " * The OAuth scopes: one per API group (its accessor name), the token endpoint's own excepted.",
  " * @since 0.1.0",
  " * @category operations",
  " */",
  `export const scopes = [${GROUPS.filter((g) => g !== "Oauth").map((g) => lit(accessor(g))).join(", ")}] as const`,
  "",
  "/**",
  " * @since 0.1.0",
  " * @category models",
  " */",
  "export type Scope = (typeof scopes)[number]",
  ""
]

const api = [
  "/**",
  " * One declarative entry per operation of the SMS.CX API, grouped by API tag; generated by",
  " * `pnpm codegen` from `spec/smscx-openapi.json` and `spec/error-mapping.json`. The Effect",
  " * services, the Promise facade and the sandbox's request validation are all derived from",
  " * these entries. Do not edit: change the spec or `scripts/codegen.ts`.",
  " *",
  " * @since 0.1.0",
  " */",
  "import * as Schema from \"effect/Schema\"",
  "import * as Errors from \"./Errors.js\"",
  "import {",
  `  ${
    [
      ...new Set(
        operations.flatMap((
          o
        ) => [
          ...refsOf(o.requestBody ?? {}),
          ...refsOf(o.responses["200"] ?? o.responses["201"] ?? {}),
          ...refsOf(o.parameters ?? [])
        ])
      )
    ].filter((n) => !n.startsWith("Model")).sort().join(",\n  ")
  }`,
  "} from \"./Generated.js\"",
  "import * as Operation from \"./Operation.js\"",
  "",
  ...groups,
  ...tail
].join("\n")

// ---------------------------------------------------------------------------
// Named request and answer types
// ---------------------------------------------------------------------------

/** Whether a schema's type is one object type (an interface can extend it), not a union or an array. */
const isObjectType = (s: Json): boolean => {
  const r = resolved(s)
  if (r === undefined || r.anyOf || r.oneOf) return false
  if (r.allOf) return r.allOf.every(isObjectType)
  return r.type === "object" || (r.type === undefined && r.properties !== undefined)
}

/**
 * An operation's named types: its request (the input object) and its answer, when they are
 * objects or unions of objects; `Request`/`Response` after its operationId.
 */
const namesOf = (op: Json) => {
  const base = pascal(op.operationId)
  const hasQuery = (op.parameters ?? []).some((p: Json) => p.in === "query")
  const body = requestSchemaOf(op)
  const ok = op.responses["200"] ?? op.responses["201"]
  const json = ok?.content?.["application/json"]?.schema
  return {
    error: `${base}Error`,
    request: body !== undefined || hasQuery ? `${base}Request` : undefined,
    requestIsObject: body === undefined ? op["x-smscx-alternatives"] === undefined : isObjectType(body),
    requestRef: body?.$ref ? refName(body.$ref) : undefined,
    response: json !== undefined ? `${base}Response` : undefined,
    responseIsObject: json !== undefined && isObjectType(json),
    responseRef: json?.$ref ? refName(json.$ref) : undefined,
    noContent: op.responses["204"] !== undefined
  }
}

/**
 * A name that is also a component's is that component's type, except where the operation takes
 * more than the component (`addContactsToGroup`: numbers only, the component
 * `AddContactsToGroupRequest`, or contacts with fields): its doc then says so.
 */
const clashNote = (name: string | undefined, ref: string | undefined, op: Json): Array<string> =>
  name !== undefined && schemas[name] !== undefined && ref !== name
    ? ["", `Not the same as \`Generated.${name}\`, which is one of the shapes \`${op.operationId}\` accepts.`]
    : []

const typeDoc = (lines: ReadonlyArray<string>, category: string) => [
  "/**",
  ...lines.map((l) => ` * ${prose(l)}`.trimEnd()),
  " * @since 0.3.0",
  ` * @category ${category}`,
  " */"
]

const modelsOf = (op: Json): Array<string> => {
  const n = namesOf(op)
  const entry = `Api.${pascal(op.tags[0])}.${op.operationId}`
  const where = `\`${op.operationId}\` (\`${op.method} ${op.path}\`)`
  const out: Array<string> = []
  if (n.request !== undefined) {
    const component = n.requestRef ? resolved({ $ref: `#/components/schemas/${n.requestRef}` }) : undefined
    const about = [
      `What ${where} takes.`,
      ...(component?.description ? ["", component.description.trim()] : []),
      ...clashNote(n.request, n.requestRef, op)
    ]
    const alternatives: Array<Json> | undefined = op["x-smscx-alternatives"]
    if (alternatives !== undefined) {
      const members = alternatives.map((group) => `${pascal(op.operationId)}By${group.name}`)
      alternatives.forEach((group, i) => {
        out.push(
          ...typeDoc([`${where} with ${group.fields.map((f: string) => `\`${f}\``).join(" and ")}.`], "requests"),
          `export interface ${members[i]} extends Extract<Operation.InputOf<typeof ${entry}>, { readonly ${
            group.fields[0]
          }: unknown }> {}`,
          ""
        )
      })
      out.push(...typeDoc(about, "requests"), `export type ${n.request} = ${members.join(" | ")}`, "")
    } else if (n.requestIsObject) {
      out.push(
        ...typeDoc(about, "requests"),
        `export interface ${n.request} extends Operation.InputOf<typeof ${entry}> {}`,
        ""
      )
    } else {
      out.push(...typeDoc(about, "requests"), `export type ${n.request} = Operation.InputOf<typeof ${entry}>`, "")
    }
  }
  if (n.response !== undefined) {
    const component = n.responseRef ? schemas[n.responseRef] : undefined
    const about = [
      `What ${where} answers${n.noContent ? " (or nothing: 204 No Content)" : ""}.`,
      ...(component?.description ? ["", component.description.trim()] : []),
      ...clashNote(n.response, n.responseRef, op)
    ]
    const type = `Schema.Schema.Type<(typeof ${entry})["success"]["schema"]>`
    out.push(
      ...typeDoc(about, "responses"),
      n.responseIsObject ? `export interface ${n.response} extends ${type} {}` : `export type ${n.response} = ${type}`,
      ""
    )
  }
  out.push(
    ...typeDoc([
      `Every way ${where} can fail:`,
      "the exceptions it documents, those of a token fetch (OAuth credentials), and the SDK's own errors."
    ], "errors"),
    `export type ${n.error} =`,
    ...[...exceptionsOf(op).sort().map((e) => `Errors.${e}`), "Operation.TokenError", "Errors.ClientError"].map((t) =>
      `  | ${t}`
    ),
    ""
  )
  return out
}

const models = [
  "/**",
  " * A named type for what each operation takes, answers and fails with (`SendSmsRequest`,",
  " * `SendSmsResponse`, `SendSmsError`, ...), so that hovers and type errors show names rather than",
  " * schema structures. Types only: nothing here exists at run time. Generated by `pnpm codegen`",
  " * from `spec/`.",
  " *",
  " * @since 0.3.0",
  " */",
  "import type * as Schema from \"effect/Schema\"",
  "import type * as Api from \"./Api.js\"",
  "import type * as Errors from \"./Errors.js\"",
  "import type * as Operation from \"./Operation.js\"",
  "",
  ...operations.flatMap(modelsOf),
  "/**",
  " * Each operation's named request and answer, by operationId (what the methods' types read).",
  " * @since 0.3.0",
  " * @category models",
  " */",
  "export interface Named {",
  ...operations.flatMap((op) => {
    const n = namesOf(op)
    const fields = [
      ...(n.request === undefined ? [] : [`readonly request: ${n.request}`]),
      ...(n.response === undefined ? [] : [`readonly response: ${n.response}${n.noContent ? " | undefined" : ""}`]),
      `readonly error: ${n.error}`
    ]
    return [`  readonly ${op.operationId}: { ${fields.join("; ")} }`]
  }),
  "}",
  ""
].join("\n")

// ---------------------------------------------------------------------------
// The error catalogue
// ---------------------------------------------------------------------------

const catalogue = [
  "/**",
  " * Each operation's documented errors, from the spec's `x-smscx-errors`: status, type, code,",
  " * the API's message, and the exception `error-mapping.json` makes of them. The sandbox and the",
  " * tests read codes and messages here instead of retyping them. Generated by `pnpm codegen`.",
  " *",
  " * @since 0.1.0",
  " */",
  "import type * as Errors from \"./Errors.js\"",
  "",
  "/**",
  " * @since 0.1.0",
  " * @category models",
  " */",
  "export interface Entry {",
  "  readonly status: number",
  "  readonly type: string",
  "  readonly code: number | undefined",
  "  readonly message: string",
  "  readonly exception: Errors.ApiExceptionTag",
  "}",
  "",
  "/**",
  " * By operationId.",
  " * @since 0.1.0",
  " * @category catalogue",
  " */",
  "export const errors = {",
  ...operations.map((op) => {
    const rows = (op["x-smscx-errors"] ?? []).map((row: Json) =>
      `    { status: ${row.status}, type: ${lit(row.type)}, code: ${row.code ?? "undefined"}, message: ${
        lit(row.description ?? "")
      }, exception: ${lit(exceptionFor(row.status, row.type, row.code))} }`
    )
    return `  ${op.operationId}: [${rows.length ? `\n${rows.join(",\n")}\n  ` : ""}],`
  }),
  "} as const satisfies Record<string, ReadonlyArray<Entry>>",
  "",
  "/**",
  " * What any call can meet when the client fetches its OAuth token first (client credentials):",
  " * the exceptions `POST /oauth/token` documents.",
  " * @since 0.1.0",
  " * @category models",
  " */",
  `export type TokenError = ${
    [...new Set(operations.filter((o) => o.operationId === "getAccessToken").flatMap((o) => exceptionsOf(o)))]
      .sort().map((e) => `Errors.${e}`).join(" | ")
  }`,
  ""
].join("\n")

// ---------------------------------------------------------------------------
// Effect services, one module per group
// ---------------------------------------------------------------------------

const serviceModule = (group: string) => {
  const tag = spec.tags?.find((t: Json) => t.name === group)
  const own = operations.filter((o) => o.tags[0] === group && ALIASES[o.operationId])
  const name = pascal(group)
  return [
    "/**",
    ` * ${tag?.description ?? GROUP_DOCS[group] ?? `The ${group} API group.`}`,
    " *",
    " * Generated by `pnpm codegen` from `spec/`: one method per operation, derived from its entry",
    ` * in \`Api.${name}\`.`,
    " *",
    " * @since 0.1.0",
    " */",
    // the module itself, not the package's barrel: bundlers then keep only the groups in use
    "import * as Api from \"@smscx/core/Api\"",
    "import type { Transport } from \"@smscx/transport/Transport\"",
    "import * as Context from \"effect/Context\"",
    "import * as Layer from \"effect/Layer\"",
    "import * as ApiService from \"./ApiService.js\"",
    "",
    "/**",
    " * @since 0.1.0",
    " * @category models",
    " */",
    own.length === 0
      ? `export interface Service extends ApiService.Of<typeof Api.${name}> {}`
      : `export interface Service extends ApiService.WithAliases<typeof Api.${name}, typeof Api.aliases.${
        accessor(group)
      }> {}`,
    "",
    "/**",
    " * @since 0.1.0",
    " * @category constructors",
    " */",
    `export const make = /*#__PURE__*/ ApiService.make(Api.${name}, Api.aliases.${accessor(group)})`,
    "",
    "/**",
    " * @since 0.1.0",
    " * @category tags",
    " */",
    `export class ${name} extends /*#__PURE__*/ Context.Tag(${lit(`@smscx/client/${name}`)})<${name}, Service>() {`,
    "  /** The operation entries this service is derived from. */",
    `  static readonly operations = Api.${name}`,
    "  /** Correctly spelled aliases: alias -> operationId. */",
    `  static readonly aliases = Api.aliases.${accessor(group)}`,
    "  /** Needs the `Transport`; `SmsCx.layer` provides it. */",
    "  static get layer(): Layer.Layer<" + name + ", never, Transport> {",
    "    return layer",
    "  }",
    "}",
    "",
    "/**",
    ` * The ${name} service over the \`Transport\`. A program that provides only the groups it uses`,
    " * (with `SmsCx.layerTransport`) bundles only their operations.",
    " * @since 0.1.0",
    " * @category layers",
    " */",
    // a module binding rather than a static field: bundlers can drop an unused one
    `export const layer: Layer.Layer<${name}, never, Transport> = /*#__PURE__*/ Layer.effect(${name}, make)`,
    ""
  ].join("\n")
}

const servicesModule = [
  "/**",
  " * Every API group's Effect service, composed. Generated by `pnpm codegen` from `spec/`.",
  " *",
  " * @since 0.1.0",
  " */",
  "import type { Transport } from \"@smscx/transport/Transport\"",
  "import * as Layer from \"effect/Layer\"",
  ...GROUPS.map((g) => `import { ${pascal(g)}, layer as ${accessor(g)}Layer } from "./${pascal(g)}.js"`),
  "",
  ...GROUPS.flatMap((g) => [
    "/**",
    " * @since 0.1.0",
    " * @category tags",
    " */",
    `export { ${pascal(g)} } from "./${pascal(g)}.js"`,
    ""
  ]),
  "/**",
  " * The service of every API group, by its accessor name (the lowerCamelCase tag).",
  " * @since 0.1.0",
  " * @category groups",
  " */",
  `export const groups = { ${GROUPS.map((g) => `${accessor(g)}: ${pascal(g)}`).join(", ")} } as const`,
  "",
  "/**",
  " * @since 0.1.0",
  " * @category models",
  " */",
  `export type Services = ${GROUPS.map(pascal).join(" | ")}`,
  "",
  "/**",
  " * Every group's service over the `Transport`.",
  " * @since 0.1.0",
  " * @category layers",
  " */",
  `export const layer: Layer.Layer<Services, never, Transport> = /*#__PURE__*/ Layer.mergeAll(${
    GROUPS.map((g) => `${accessor(g)}Layer`).join(", ")
  })`,
  ""
].join("\n")

const outputs: Array<[string, string]> = [
  ["packages/core/src/Generated.ts", generated],
  ["packages/core/src/Api.ts", api],
  ["packages/core/src/ErrorCatalogue.ts", catalogue],
  ["packages/core/src/Models.ts", models],
  ...GROUPS.map((g): [string, string] => [`packages/client/src/${pascal(g)}.ts`, serviceModule(g)]),
  ["packages/client/src/Services.ts", servicesModule]
]
/** The first line of every generated module: `pnpm lint` skips the files that carry it. */
const GENERATED_MARKER = "// @generated by `pnpm codegen` from spec/: do not edit"
const check = process.argv.includes("--check")
let stale = false
for (const [file, body] of outputs) {
  const text = `${GENERATED_MARKER}\n${body}`
  const path = `${root}${file}`
  if (check) {
    let current = ""
    try {
      current = readFileSync(path, "utf8")
    } catch {
      // a missing file is stale
    }
    if (current !== text) {
      stale = true
      console.error(`${file} is stale: run pnpm codegen`)
    }
  } else {
    writeFileSync(path, text)
    console.log(`wrote ${file}`)
  }
}
if (stale) process.exit(1)
