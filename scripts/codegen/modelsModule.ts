/**
 * `packages/core/src/Models.ts`: a named type per operation for what it takes, answers and fails
 * with (`SendSmsRequest`, `SendSmsResponse`, `SendSmsError`), so that hovers show names; requests
 * and answers written out field by field (over `Shapes`' components), not computed from schemas.
 */
import { exceptionsOf } from "./errorRules.js"
import { withFormats } from "./schemaSource.js"
import { type Json, operations, pascal, prose, refName, requestSchemaOf, resolved, schemas } from "./spec.js"
import { interfaceOf, objectMembers, toType, withRefPrefix } from "./typeSource.js"

/** An operation's JSON answer's schema, if it answers JSON. */
const responseSchemaOf = (op: Json): Json | undefined =>
  (op.responses["200"] ?? op.responses["201"])?.content?.["application/json"]?.schema

/**
 * An operation's named types: its request (the input object) and its answer, when it takes and
 * answers JSON; `Request`/`Response` after its operationId.
 */
export const namesOf = (op: Json) => {
  const base = pascal(op.operationId)
  const hasQuery = (op.parameters ?? []).some((p: Json) => p.in === "query")
  const body = requestSchemaOf(op)
  const json = responseSchemaOf(op)
  return {
    error: `${base}Error`,
    request: body !== undefined || hasQuery ? `${base}Request` : undefined,
    requestRef: body?.$ref ? refName(body.$ref) : undefined,
    response: json !== undefined ? `${base}Response` : undefined,
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

const typeDoc = (lines: ReadonlyArray<string>, category: string, since = "0.3.0") => [
  "/**",
  ...lines.map((l) => ` * ${prose(l)}`.trimEnd()),
  ` * @since ${since}`,
  ` * @category ${category}`,
  " */"
]

/** An operation's input schema, as its entry takes it: a body (JSON, else form), else its query. */
const inputSchemaOf = (op: Json): Json | undefined => {
  const body = requestSchemaOf(op)
  if (body !== undefined) return body
  const query = (op.parameters ?? []).filter((p: Json) => p.in === "query")
  return query.length === 0 ? undefined : {
    properties: Object.fromEntries(query.map((p: Json) => [p.name, { ...p.schema, description: p.description }])),
    required: query.filter((p: Json) => p.required).map((p: Json) => p.name)
  }
}

/**
 * The shape of an input with alternative groups of fields that gives `group` (see
 * `Operation.WithGroup`): the other fields as they are, the group's required, the other groups'
 * absent.
 */
const alternativeOf = (input: Json, groups: ReadonlyArray<ReadonlyArray<string>>, given: ReadonlyArray<string>) => {
  const grouped = new Set(groups.flat())
  const props: Record<string, Json> = input.properties
  const own = Object.fromEntries(Object.entries(props).filter(([name]) => !grouped.has(name) || given.includes(name)))
  const required = [...(input.required ?? []).filter((name: string) => !grouped.has(name)), ...given]
  const absent = [...grouped].filter((name) => !given.includes(name)).map((name) => `  readonly ${name}?: never`)
  return [...objectMembers({ properties: own, required }, "  "), ...absent]
}

/** A named type: an interface where the type is an object, else an alias. */
const declare = (name: string, s: Json) => interfaceOf(name, s) ?? `export type ${name} = ${toType(s)}`

const modelsOf = (op: Json): Array<string> => {
  const n = namesOf(op)
  const where = `\`${op.operationId}\` (\`${op.method} ${op.path}\`)`
  const out: Array<string> = []
  const input = inputSchemaOf(op)
  if (n.request !== undefined && input !== undefined) {
    const component = n.requestRef ? resolved({ $ref: `#/components/schemas/${n.requestRef}` }) : undefined
    const about = [
      `What ${where} takes.`,
      ...(component?.description ? ["", component.description.trim()] : []),
      ...clashNote(n.request, n.requestRef, op)
    ]
    const alternatives: Array<Json> | undefined = op["x-smscx-alternatives"]
    if (alternatives !== undefined) {
      const groups = alternatives.map((group) => group.fields as ReadonlyArray<string>)
      const members = alternatives.map((group) => `${pascal(op.operationId)}By${group.name}`)
      alternatives.forEach((group, i) => {
        out.push(
          ...typeDoc([`${where} with ${group.fields.map((f: string) => `\`${f}\``).join(" and ")}.`], "requests"),
          `export interface ${members[i]} {`,
          ...withFormats(true, () => alternativeOf(input, groups, group.fields)),
          "}",
          ""
        )
      })
      out.push(...typeDoc(about, "requests"), `export type ${n.request} = ${members.join(" | ")}`, "")
    } else {
      out.push(...typeDoc(about, "requests"), withFormats(true, () => declare(n.request!, input)), "")
    }
  }
  if (n.response !== undefined) {
    const component = n.responseRef ? schemas[n.responseRef] : undefined
    const about = [
      `What ${where} answers${n.noContent ? " (or nothing: 204 No Content)" : ""}.`,
      ...(component?.description ? ["", component.description.trim()] : []),
      ...clashNote(n.response, n.responseRef, op)
    ]
    out.push(...typeDoc(about, "responses"), withFormats(false, () => declare(n.response!, responseSchemaOf(op))), "")
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

/** Whether an input accepts `{}` (no field required): the method's request argument is then optional. */
const acceptsEmpty = (s: Json): boolean => {
  const r = resolved(s)
  if (r.anyOf || r.oneOf) return (r.anyOf ?? r.oneOf).some(acceptsEmpty)
  if (r.allOf) return r.allOf.every(acceptsEmpty)
  return (r.required ?? []).length === 0
}

/**
 * An operation's signature: the positional arguments of its methods (path parameters in path
 * order, then its input), its named request, answer and errors, and whether it is a paged list
 * or a file. The Promise client's method types read only these, never the operation's entry.
 */
const signatureOf = (op: Json): Array<string> => {
  const n = namesOf(op)
  const params: Array<Json> = op.parameters ?? []
  const path = Array.from(op.path.matchAll(/\{([^}]+)\}/g), (m: RegExpMatchArray) => {
    const param = params.find((p) => p.in === "path" && p.name === m[1])
    return `${m[1]}: ${withFormats(true, () => toType(param?.schema))}`
  })
  const input = inputSchemaOf(op)
  const args = [
    ...path,
    ...(n.request === undefined || input === undefined
      ? []
      : [`request${op["x-smscx-alternatives"] === undefined && acceptsEmpty(input) ? "?" : ""}: ${n.request}`])
  ]
  const ok = op.responses["200"] ?? op.responses["201"]
  const file = ok?.content !== undefined && ok.content["application/json"] === undefined
  const response = n.response !== undefined
    ? `${n.response}${n.noContent ? " | undefined" : ""}`
    : file
    ? "Operation.ExportedFile"
    : "void"
  const paging = ["limit", "next", "previous"].every((name) => params.some((p) => p.in === "query" && p.name === name))
  return [
    ...typeDoc(
      [
        `What \`${op.operationId}\` (\`${op.method} ${op.path}\`) takes and gives: the methods' arguments, answer and errors.`
      ],
      "signatures",
      "0.4.0"
    ),
    `export interface ${pascal(op.operationId)}Signature {`,
    `  readonly args: [${args.join(", ")}]`,
    ...(n.request === undefined ? [] : [`  readonly request: ${n.request}`]),
    `  readonly response: ${response}`,
    `  readonly error: ${n.error}`,
    `  readonly paging: ${paging}`,
    `  readonly file: ${file}`,
    "}",
    ""
  ]
}

/** The module text. */
export const modelsModule = [
  "/**",
  " * A named type for what each operation takes, answers and fails with (`SendSmsRequest`,",
  " * `SendSmsResponse`, `SendSmsError`, ...), so that hovers and type errors show names rather than",
  " * schema structures. Requests and answers are written out field by field, over the components'",
  " * types of `Shapes`, rather than computed from the schemas (a compile-time check holds each equal",
  " * to its schema's type). Types only: nothing here exists at run time. Generated by `pnpm codegen`",
  " * from `spec/`.",
  " *",
  " * @since 0.3.0",
  " */",
  "import type * as Errors from \"./Errors.js\"",
  "import type * as Operation from \"./Operation.js\"",
  "import type * as Shapes from \"./Shapes.js\"",
  "",
  ...withRefPrefix("Shapes.", () => operations.flatMap(modelsOf)),
  ...operations.flatMap(signatureOf),
  "/**",
  " * Each operation's signature, by operationId: what the methods' types read, through",
  " * `Operation.NamedTypes`, which this module fills.",
  " * @since 0.3.0",
  " * @category models",
  " */",
  "export interface Named {",
  ...operations.map((op) => `  readonly ${op.operationId}: ${pascal(op.operationId)}Signature`),
  "}",
  "",
  // the registry Operation's RequestOf/SuccessOf/FailureOf read: Operation never imports this module
  "declare module \"./internal/namedTypes.js\" {",
  "  interface NamedTypes extends Named {}",
  "}",
  ""
].join("\n")
