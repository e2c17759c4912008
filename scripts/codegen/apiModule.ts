/**
 * `packages/core/src/Api.ts`: one declarative entry per operation (schemas, errors, auth,
 * paging, billing), documented with its summary, its exceptions and an example, grouped by API
 * tag; plus `groups`, `aliases` and `scopes`.
 */
import { exceptionFor, exceptionsOf } from "./errorRules.js"
import { exampleDoc } from "./examples.js"
import { objectSchema, pure, toSchema, withFormats } from "./schemaSource.js"
import {
  accessor,
  ALIASES,
  groupDoc,
  GROUPS,
  type Json,
  lit,
  operations,
  pascal,
  prose,
  refName,
  refsOf,
  schemas
} from "./spec.js"

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

/**
 * A schema of an entry: a component's (built on first use in `Generated`) as it is, one written
 * inline built on first use too (see lazySchema), so that an import builds no schema.
 */
const lazy = (schema: string) => /^[\w$.]+$/.test(schema) ? schema : pure(`lazySchema(() => ${schema})`)

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
    input = pure(`Operation.jsonBody(${lazy(withFormats(true, () => toSchema(body["application/json"].schema)))})`)
  } else if (body?.["application/x-www-form-urlencoded"]) {
    input = pure(
      `Operation.formBody(${lazy(withFormats(true, () => toSchema(body["application/x-www-form-urlencoded"].schema)))})`
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
      lazy(
        alternatives === undefined
          ? struct
          : pure(`Operation.alternatives(${struct}, ${lit(alternatives.map((group) => group.fields))})`)
      )
    })`)
  }
  const ok = op.responses["200"] ?? op.responses["201"]
  const [contentType, media] = Object.entries<Json>(ok?.content ?? {})[0] ?? []
  const success = contentType === undefined
    ? "Operation.emptyResponse"
    : contentType === "application/json"
    ? pure(
      `Operation.${op.responses["204"] ? "jsonOrNoContentResponse" : "jsonResponse"}(${lazy(toSchema(media.schema))})`
    )
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
        ? ` ${
          pathParams.map((p) => `${lit(p.name)}: ${lazy(withFormats(true, () => toSchema(p.schema)))}`).join(", ")
        } `
        : ""
    }},`,
    `    input: ${input},`,
    `    success: ${success},`,
    `    errors: [${[...exceptions].sort().map((e) => `Errors.${e}`).join(", ")}],`,
    `    auth: ${lit(auth)},`,
    `    idempotencyKey: ${idempotent ? lit("idempotencyId") : "undefined"},`,
    `    billed: ${Boolean(op["x-smscx-cost"])},`,
    `    paging: ${paging},`,
    ...(paging ? ["    pagination: Paging.cursor,"] : []),
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
  const entries = ops.map(opEntry)
  return [
    ...entries.map((e) => e.decl),
    "/**",
    ` * ${groupDoc(group)}`,
    " * @since 0.1.0",
    " * @category operations",
    " */",
    `export const ${pascal(group)} = {`,
    entries.map((e) => e.prop).join("\n"),
    "} as const",
    ""
  ].join("\n")
})

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

/** The module text. */
export const apiModule = [
  "/**",
  " * One declarative entry per operation of the SMS.CX API, grouped by API tag; generated by",
  " * `pnpm codegen` from `spec/smscx-openapi.json` and `spec/error-mapping.json`. The Effect",
  " * services, the Promise facade and the sandbox's request validation are all derived from",
  " * these entries. Do not edit: change the spec or `scripts/codegen/`.",
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
  "import { lazySchema } from \"./internal/lazySchema.js\"",
  "import * as Operation from \"./Operation.js\"",
  "import * as Paging from \"./internal/paging.js\"",
  "",
  ...groups,
  ...tail
].join("\n")
