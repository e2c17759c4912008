/**
 * One operation's entry on its group's page: the call in both styles, the path arguments, the
 * request and answer fields (from the entry's schemas as JSON Schema, described by the spec),
 * the exceptions with the codes each stands for, paging, and the example from `examples/`.
 */
import * as Api from "../../packages/core/src/Api.js"
import * as ErrorCatalogue from "../../packages/core/src/ErrorCatalogue.js"
import { exampleOf } from "../docs-examples.js"
import {
  cell,
  code,
  deref,
  type Field,
  fieldsOf,
  fieldTable,
  type Json,
  type JsonSchema,
  objectOf,
  pascal,
  resolveSpec,
  specMarkdown,
  specOperations,
  typeOf
} from "../docs-fields.js"
import { type AnyOperation, errorAnchor, errorsFile } from "./pages.js"
import { apiSource, modelNames, sdkErrors } from "./sourceDocs.js"

const clientErrors = sdkErrors.clientError

const inputFields = (op: AnyOperation, make: (s: unknown) => JsonSchema, specOp: Json): Array<Field> => {
  if (op.input._tag === "None") return []
  const schema = make(op.input.schema)
  const defs = schema.$defs ?? {}
  const top = deref(schema, defs)
  const specNode = op.input._tag === "Query"
    ? {
      properties: Object.fromEntries(
        (specOp.parameters ?? []).map(resolveSpec).filter((p: Json) => p.in === "query").map((
          p: Json
        ) => [p.name, { ...p.schema, description: p.description }])
      )
    }
    : specOp.requestBody?.content?.[Object.keys(specOp.requestBody.content)[0]!]?.schema
  const docs = apiSource.fieldDocs.get(op.id) ?? new Map<string, string>()
  const alternatives = apiSource.alternatives.get(op.id)
  if (alternatives !== undefined) {
    // fields of which exactly one group is given: required with their group
    const note = (name: string) =>
      alternatives.some((g) => g.includes(name))
        ? "one group (see above)"
        : (top.required ?? []).includes(name)
        ? "yes"
        : "no"
    return fieldsOf(top, defs, specNode, "", 0, note, docs)
  }
  if (top.anyOf !== undefined) {
    // a union of shapes: every field of every shape, required as each shape says
    const shapes = top.anyOf.map((m) => deref(m, defs))
    const merged: JsonSchema = { properties: Object.assign({}, ...shapes.map((s) => s.properties ?? {})) }
    const note = (name: string) => {
      const count = shapes.filter((s) => (s.required ?? []).includes(name)).length
      return count === shapes.length ? "yes" : count > 0 ? "in one shape" : "no"
    }
    return fieldsOf(merged, defs, specNode, "", 0, note, docs)
  }
  return fieldsOf(top, defs, specNode, "", 0, undefined, docs)
}

/** How an input with alternatives is given, when it has them. */
const inputShapes = (op: AnyOperation, make: (s: unknown) => JsonSchema): string => {
  if (op.input._tag === "None") return ""
  const schema = make(op.input.schema)
  const defs = schema.$defs ?? {}
  const top = deref(schema, defs)
  const groups = apiSource.alternatives.get(op.id) ??
    top.anyOf?.map((m) => deref(m, defs).required ?? [])
  if (groups === undefined) return ""
  const shapes = groups.map((g, i) =>
    `${i + 1}. ${g.length === 0 ? "no required field" : g.map((r) => code(r)).join(" and ")}`
  )
  return `Give exactly one of these groups of fields, whole; none, part of one, or more than one is a \`RequestValidationError\`, before anything is sent:\n\n${
    shapes.join("\n")
  }\n\n`
}

const pathFields = (op: AnyOperation, make: (s: unknown) => JsonSchema, specOp: Json): Array<Field> => {
  if (op.pathParamNames.length === 0) return []
  const schema = make(op.pathSchema)
  const defs = schema.$defs ?? {}
  const specNode = {
    properties: Object.fromEntries(
      (specOp.parameters ?? []).map(resolveSpec).filter((p: Json) => p.in === "path").map((
        p: Json
      ) => [p.name, { ...p.schema, description: p.description }])
    )
  }
  const top = deref(schema, defs)
  return op.pathParamNames.flatMap((name) =>
    fieldsOf({ properties: { [name]: top.properties![name]! }, required: [name] }, defs, specNode)
  )
}

const answerType = (op: AnyOperation, names: { readonly response: string }): string => {
  switch (op.success._tag) {
    case "Json":
      // a named answer of such an operation may say `| undefined` itself
      return op.success.noContent === true && !/\bundefined\b/.test(names.response)
        ? `${names.response} | undefined`
        : names.response
    case "File":
      return "ExportedFile"
    case "Empty":
      return "void"
  }
}

export const operationEntry = (
  accessor: string,
  serviceTag: string,
  op: AnyOperation,
  make: (s: unknown) => JsonSchema
): string => {
  const specOp = specOperations.get(op.id) ?? {}
  const named = modelNames.names.get(op.id)
  const names = {
    request: named?.request ?? `${pascal(op.id)}Request`,
    response: named?.response ?? `${pascal(op.id)}Response`,
    error: named?.error ?? `Operation.FailureOf<typeof Api.${serviceTag}.${op.id}>`
  }
  const service = accessor.charAt(0).toLowerCase() + accessor.slice(1)
  const path = pathFields(op, make, specOp)
  const input = inputFields(op, make, specOp)
  const inputOptional = input.every((f) => f.required === "no")
  const params = [
    ...path.map((f) => `${f.name}: ${f.type}`),
    ...(op.input._tag === "None" ? [] : [`request${inputOptional ? "?" : ""}: ${names.request}`])
  ].join(", ")
  const answer = answerType(op, names)
  const aliases = Object.entries(Api.aliases[accessor as keyof typeof Api.aliases] ?? {})
    .filter(([, target]) => target === op.id).map(([alias]) => alias)
  const out: Array<string> = []
  out.push(`## ${op.id}\n`)
  if (specOp.summary) out.push(`**${specMarkdown(specOp.summary)}** · ${code(`${op.method} ${op.path}`)}\n`)
  else out.push(`${code(`${op.method} ${op.path}`)}\n`)
  const facts = [
    op.billed ? "billed (the answer says what it cost)" : undefined,
    op.idempotencyKey !== undefined
      ? `idempotent: the SDK sends a UUID in ${code(op.idempotencyKey)} and reuses it on retries`
      : undefined,
    op.paging ? "cursor-paged (see Paging)" : undefined,
    op.auth === "basic" ? "HTTP Basic with the application's id and secret" : "API key or OAuth bearer token",
    aliases.length > 0 ? `also callable as ${aliases.map((a) => code(a)).join(", ")}` : undefined
  ].filter((f) => f !== undefined)
  out.push(`${facts.join(" · ")}\n`)
  if (specOp.description) out.push(`${specMarkdown(specOp.description)}\n`)
  out.push("#### Call\n")
  out.push(
    "<!-- snippet: skip (signatures) -->\n```ts\n" +
      `// Promise (@smscx/promise)\nclient.${accessor}.${op.id}(${params}): Promise<${answer}>\n` +
      `// Effect (@smscx/client): const ${service} = yield* ${serviceTag}\n` +
      `${service}.${op.id}(${params}): Effect.Effect<${answer}, ${names.error}>\n` +
      "```\n"
  )
  if (path.length > 0) {
    out.push(`#### Path arguments (positional, in this order)\n\n${fieldTable(path, true)}`)
  }
  if (op.input._tag !== "None") {
    const where = op.input._tag === "Query" ? "query string" : op.input._tag === "Form" ? "form body" : "JSON body"
    out.push(`#### Request: ${code(names.request)} (${where})\n`)
    out.push(inputShapes(op, make))
    out.push(input.length > 0 ? fieldTable(input, true) : "No fields.\n")
  }
  out.push(`#### Answer: ${code(answer)}\n`)
  if (op.success._tag === "Json") {
    const schema = make(op.success.schema)
    const defs = schema.$defs ?? {}
    const object = objectOf(schema, defs)
    const okStatus = String(op.successStatus)
    const specAnswer = specOp.responses?.[okStatus]?.content?.["application/json"]?.schema
    if (op.success.noContent === true) out.push("`undefined` when the API answers 204 No Content.\n")
    if (object === undefined) out.push(`Its shape: ${code(typeOf(schema, defs))}\n`)
    else {
      out.push(
        `<details><summary>Fields</summary>\n\n${fieldTable(fieldsOf(object, defs, specAnswer), false)}\n</details>\n`
      )
    }
  } else if (op.success._tag === "File") {
    out.push(
      `The file whole, as {@link @smscx/core!Operation.ExportedFile | ExportedFile} (\`contentType\`, \`fileName\`, \`bytes\`); \`.stream(${
        path.map((f) => f.name).join(", ")
      })\` gives it as a stream instead (Promise: a web \`ReadableStream\` in \`body\`; Effect: a scoped \`FileStream\`).\n`
    )
  } else {
    out.push("Nothing: the method resolves with `undefined`.\n")
  }
  out.push("#### Exceptions\n")
  const catalogue = (ErrorCatalogue.errors as Record<string, ReadonlyArray<ErrorCatalogue.Entry>>)[op.id] ?? []
  const errorRows = op.errors.map((e) => {
    const tag = e._tag as string
    const codes = catalogue.filter((c) => c.exception === tag)
    const detail = codes.length > 0
      ? `: ${codes.map((c) => `${c.code ?? c.type} (${cell(c.message)})`).join("; ")}`
      : ""
    return `- [${tag}](${errorsFile}#${errorAnchor(tag)})${detail}`
  })
  out.push(`${errorRows.join("\n")}\n`)
  out.push(
    `Also, from the SDK itself: ${
      clientErrors.map((t) => `[${t}](${errorsFile}#${errorAnchor(t)})`).join(", ")
    }; with OAuth client credentials, the [token errors](${errorsFile}#token-errors) of its first call.\n`
  )
  if (op.paging) {
    out.push("#### Paging\n")
    const args = params.replace(/\??: [^,]+/g, "")
    out.push(
      "<!-- snippet: skip (signatures) -->\n```ts\n" +
        `// Promise: every item, fetching pages as needed (or .pages(...) for whole pages)\n` +
        `for await (const item of client.${accessor}.${op.id}.all(${args})) {}\n` +
        `// Effect: a Stream of items (or .pages(...), a Stream of pages)\n` +
        `${service}.${op.id}.all(${args})\n` +
        "```\n"
    )
  }
  const example = exampleOf(accessor, op.id)
  out.push("#### Example\n")
  if (example === undefined) {
    out.push(`No example script calls it directly yet.\n`)
  } else {
    out.push(
      `From ${code(example.file)} (\`pnpm example ${example.file.slice(9, -3)}\` runs it against the sandbox):\n`
    )
    // type-checked by `pnpm run docs`, as the README's snippets are (scripts/readme-snippets.ts)
    const marker = (prelude: string) =>
      example.checked
        ? `<!-- snippet: prelude=${prelude}${example.declares.map((d) => `; declare ${d}`).join("")} -->\n`
        : "<!-- snippet: skip (uses a value the whole example makes first) -->\n"
    out.push(`${marker("promise")}\`\`\`ts\n// Promise\n${example.promise}\n\`\`\`\n`)
    out.push(`${marker("effect")}\`\`\`ts\n// Effect\n${example.effect}\n\`\`\`\n`)
    out.push(
      `<details><summary>The whole example (${example.style})</summary>\n\n<!-- snippet: skip (examples/ is type-checked by pnpm check) -->\n\`\`\`ts\n${example.source}\n\`\`\`\n\n</details>\n`
    )
  }
  return out.join("\n")
}
