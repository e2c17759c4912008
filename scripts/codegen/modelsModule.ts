/**
 * `packages/core/src/Models.ts`: a named type per operation for what it takes, answers and fails
 * with (`SendSmsRequest`, `SendSmsResponse`, `SendSmsError`), so that hovers show names.
 */
import { exceptionsOf } from "./errorRules.js"
import { type Json, operations, pascal, prose, refName, requestSchemaOf, resolved, schemas } from "./spec.js"

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

/** The module text. */
export const modelsModule = [
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
  " * Each operation's named request and answer, by operationId: what the methods' types read,",
  " * through `Operation.NamedTypes`, which this module fills.",
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
  "",
  // the registry Operation's RequestOf/SuccessOf/FailureOf read: Operation never imports this module
  "declare module \"./internal/namedTypes.js\" {",
  "  interface NamedTypes extends Named {}",
  "}",
  ""
].join("\n")
