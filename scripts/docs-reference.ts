/**
 * The API reference's operation pages, written as Markdown that TypeDoc renders beside the
 * packages' own API (`pnpm run docs`, `scripts/docs.ts`): an index, one page per group with one
 * entry per method, and an errors page. Everything is derived: the groups, methods, paths,
 * errors and paging from the generated `Api` entries; the request and answer fields, types and
 * constraints from each entry's schemas (as JSON Schema, so they are what the SDK checks);
 * summaries and field descriptions from `spec/smscx-openapi.json`; the codes each exception
 * stands for from `ErrorCatalogue` and `spec/error-mapping.json`; the examples from
 * `examples/<group>/<operation>.ts`, which run against the sandbox in CI.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import ts from "typescript"
import * as Api from "../packages/core/src/Api.js"
import * as ErrorCatalogue from "../packages/core/src/ErrorCatalogue.js"
import type * as Operation from "../packages/core/src/Operation.js"
import { exampleOf } from "./docs-examples.js"
import {
  cell,
  code,
  deref,
  errorMapping,
  type Field,
  fieldsOf,
  fieldTable,
  type Json,
  type JsonSchema,
  loadJsonSchema,
  objectOf,
  pascal,
  resolveSpec,
  root,
  specMarkdown,
  specOperations,
  tableCode,
  typeOf
} from "./docs-fields.js"

const sourceOf = (path: string): ts.SourceFile | undefined => {
  const file = join(root, path)
  return existsSync(file)
    ? ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true)
    : undefined
}

const jsDocText = (node: ts.Node): string | undefined => {
  const doc = ts.getJSDocCommentsAndTags(node).find(ts.isJSDoc)
  return typeof doc?.comment === "string" ? doc.comment : undefined
}

/**
 * What `Api.ts`'s source says beyond the entries' values: each group's description (its JSDoc's
 * first paragraph), the groups of alternative fields an input takes (`Operation.alternatives`,
 * whose groups live in a filter at run time) and the JSDoc of an input's fields.
 */
const apiSource = (() => {
  const source = sourceOf("packages/core/src/Api.ts")!
  const groups = new Map<string, string>()
  const alternatives = new Map<string, ReadonlyArray<ReadonlyArray<string>>>()
  const fieldDocs = new Map<string, Map<string, string>>()
  const name = (n: ts.PropertyName) => (ts.isIdentifier(n) || ts.isStringLiteral(n) ? n.text : n.getText(source))
  const entry = (node: ts.Node): void => {
    // an entry: `Operation.make({ id: "sendSms", ..., input: ... })`, wherever it is bound
    if (ts.isCallExpression(node) && node.expression.getText(source).endsWith("make")) {
      const description = node.arguments[0]
      const property = (key: string) =>
        description !== undefined && ts.isObjectLiteralExpression(description)
          ? description.properties.find((p): p is ts.PropertyAssignment =>
            ts.isPropertyAssignment(p) && name(p.name) === key
          )
          : undefined
      const idNode = property("id")?.initializer
      const input = property("input")
      if (idNode !== undefined && ts.isStringLiteral(idNode) && input !== undefined) {
        const id = idNode.text
        const docs = new Map<string, string>()
        const visit = (n: ts.Node, depth: number): void => {
          if (ts.isCallExpression(n) && n.expression.getText(source).endsWith("alternatives")) {
            const groupsArg = n.arguments[1]
            if (groupsArg !== undefined && ts.isArrayLiteralExpression(groupsArg)) {
              alternatives.set(
                id,
                groupsArg.elements.filter(ts.isArrayLiteralExpression).map((g) =>
                  g.elements.filter(ts.isStringLiteral).map((f) => f.text)
                )
              )
            }
          }
          // the input's own fields: the first object literal (the struct's fields)
          if (ts.isObjectLiteralExpression(n) && depth === 0) {
            for (const field of n.properties) {
              const text = field.name !== undefined ? jsDocText(field) : undefined
              if (text !== undefined && field.name !== undefined) docs.set(name(field.name), text)
            }
            ts.forEachChild(n, (child) => visit(child, depth + 1))
            return
          }
          ts.forEachChild(n, (child) => visit(child, depth))
        }
        visit(input.initializer, 0)
        fieldDocs.set(id, docs)
        return
      }
    }
    ts.forEachChild(node, entry)
  }
  for (const statement of source.statements) {
    if (ts.isVariableStatement(statement)) {
      const declaration = statement.declarationList.declarations[0]
      const comment = jsDocText(statement)
      if (declaration !== undefined && comment !== undefined) {
        groups.set(declaration.name.getText(source), comment.split(/\n\s*\n/)[0]!.trim())
      }
    }
    entry(statement)
  }
  return { groups, alternatives, fieldDocs }
})()

const groupDescriptions = apiSource.groups

/**
 * The named request and answer type of each operation, from `Models.ts`'s `Named` map
 * (`readonly sendSms: { readonly request: SendSmsRequest; readonly response: SendSmsResponse }`).
 */
const modelNames = (() => {
  const source = sourceOf("packages/core/src/Models.ts")
  const out = new Map<string, { request?: string; response?: string; error?: string }>()
  const named = source?.statements.find((s): s is ts.InterfaceDeclaration =>
    ts.isInterfaceDeclaration(s) && s.name.text === "Named"
  )
  for (const member of named?.members ?? []) {
    if (!ts.isPropertySignature(member) || member.type === undefined || !ts.isTypeLiteralNode(member.type)) continue
    const names: { request?: string; response?: string; error?: string } = {}
    for (const m of member.type.members) {
      if (ts.isPropertySignature(m) && m.type !== undefined && ts.isIdentifier(m.name)) {
        const key = m.name.text
        if (key === "request" || key === "response" || key === "error") names[key] = m.type.getText(source)
      }
    }
    out.set(member.name.getText(source), names)
  }
  return { exists: source !== undefined, names: out }
})()

type AnyOperation = Operation.Any

const pageFile = (accessor: string) => `${accessor}.md`
const errorsFile = "errors.md"
const errorAnchor = (tag: string) => tag.toLowerCase()

/**
 * The SDK's own errors, from `Errors.ts`: each error class that is not an API exception, with
 * its JSDoc, and the members of `ClientError` (what any method can raise besides its API's).
 */
const sdkErrors = (() => {
  const source = sourceOf("packages/core/src/Errors.ts")!
  const apiExceptions = new Set(errorMapping.exceptions as ReadonlyArray<string>)
  const classes: Array<{ readonly name: string; readonly doc: string }> = []
  let clientError: Array<string> = []
  // `ApiErrorFields`: what every API exception carries
  let fieldsDoc = ""
  const fields: Array<{ readonly name: string; readonly doc: string }> = []
  for (const statement of source.statements) {
    const declaration = ts.isVariableStatement(statement) ? statement.declarationList.declarations[0] : undefined
    if (declaration?.name.getText(source) === "ApiErrorFields" && declaration.initializer !== undefined) {
      fieldsDoc = (jsDocText(statement) ?? "").split(/\n\s*\n/)[0]!.trim()
      if (ts.isObjectLiteralExpression(declaration.initializer)) {
        for (const property of declaration.initializer.properties) {
          if (property.name === undefined) continue
          fields.push({
            name: property.name.getText(source),
            doc: jsDocText(property)?.replace(/\s*\n\s*/g, " ") ?? ""
          })
        }
      }
    }
    if (ts.isClassDeclaration(statement) && statement.name !== undefined && !apiExceptions.has(statement.name.text)) {
      const doc = jsDocText(statement)
      if (doc !== undefined) classes.push({ name: statement.name.text, doc: doc.split(/\n\s*\n/)[0]!.trim() })
    }
    if (
      ts.isTypeAliasDeclaration(statement) && statement.name.text === "ClientError" &&
      ts.isUnionTypeNode(statement.type)
    ) {
      clientError = statement.type.types.map((t) => t.getText(source))
    }
  }
  return { classes, clientError, fields, fieldsDoc }
})()
const clientErrors = sdkErrors.clientError

const tokenErrors = (): ReadonlyArray<string> => Api.Oauth.getAccessToken.errors.map((e) => e._tag as string)

interface Rendered {
  readonly file: string
  readonly title: string
  readonly text: string
}

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

const operationEntry = (
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

const groupPage = (accessor: string, ops: Record<string, AnyOperation>, make: (s: unknown) => JsonSchema): Rendered => {
  const list = Object.values(ops)
  const serviceTag = list[0]!.group
  const intro = groupDescriptions.get(serviceTag) ?? ""
  const toc = list.map((op) => {
    const summary = specOperations.get(op.id)?.summary
    return `| [${op.id}](#${op.id.toLowerCase()}) | ${tableCode(`${op.method} ${op.path}`)} | ${
      summary === undefined ? "" : cell(summary)
    } |`
  })
  const text = [
    `---\ntitle: ${serviceTag}\n---\n`,
    `# ${serviceTag}\n`,
    `${specMarkdown(intro)}\n`,
    `Promise: \`client.${accessor}\` on \`new SmsCx(...)\` (@smscx/promise). Effect: the \`${serviceTag}\` service (\`import { ${serviceTag} } from "@smscx/client"\`), provided by \`SmsCx.layer\`.\n`,
    `| Method | HTTP | Summary |\n| --- | --- | --- |\n${toc.join("\n")}\n`,
    ...list.map((op) => operationEntry(accessor, serviceTag, op, make))
  ].join("\n")
  return { file: pageFile(accessor), title: serviceTag, text }
}

const operationCount = Object.values(Api.groups).reduce((n, ops) => n + Object.keys(ops).length, 0)

/** The operations that document an exception: all of them said as such, else listed. */
const documentedBy = (links: ReadonlyArray<{ readonly id: string; readonly link: string }>): string => {
  if (links.length === 0) return "no operation"
  if (links.length === operationCount) return "every operation"
  if (links.length >= operationCount - 5) {
    const ids = new Set(links.map((l) => l.id))
    const others = Object.entries(Api.groups).flatMap(([accessor, ops]) =>
      Object.keys(ops).filter((id) => !ids.has(id)).map((id) => `[${id}](${pageFile(accessor)}#${id.toLowerCase()})`)
    )
    return `every operation but ${others.join(", ")}`
  }
  return links.map((l) => l.link).join(", ")
}

const errorsPage = (): Rendered => {
  const rules = errorMapping.rules as ReadonlyArray<Json>
  const byException = new Map<string, Array<string>>()
  for (const rule of rules) {
    const when = rule.otherwise === true
      ? "any other non-2xx answer"
      : [
        rule.status !== undefined ? `HTTP ${rule.status}` : `HTTP ${rule.statusRange[0]}–${rule.statusRange[1]}`,
        rule.type !== undefined ? `error type ${code(rule.type)}` : undefined,
        rule.codes !== undefined ? `code ${rule.codes.join(" or ")}` : undefined
      ].filter((p) => p !== undefined).join(", ")
    const list = byException.get(rule.exception) ?? []
    list.push(rule.note === undefined || rule.otherwise === true ? when : `${when} (${rule.note})`)
    byException.set(rule.exception, list)
  }
  const usedBy = new Map<string, Array<{ readonly id: string; readonly link: string }>>()
  for (const [accessor, ops] of Object.entries(Api.groups)) {
    for (const op of Object.values(ops as Record<string, AnyOperation>)) {
      for (const e of op.errors) {
        const list = usedBy.get(e._tag as string) ?? []
        list.push({ id: op.id, link: `[${op.id}](${pageFile(accessor)}#${op.id.toLowerCase()})` })
        usedBy.set(e._tag as string, list)
      }
    }
  }
  const catalogue = Object.values(ErrorCatalogue.errors as Record<string, ReadonlyArray<ErrorCatalogue.Entry>>).flat()
  const sections = (errorMapping.exceptions as ReadonlyArray<string>).map((tag) => {
    const codes = [
      ...new Map(
        catalogue.filter((c) => c.exception === tag && c.code !== undefined).map((c) => [c.code, c] as const)
      ).values()
    ].sort((a, b) => a.code! - b.code!)
    return [
      `## ${tag}\n`,
      `The class: {@link @smscx/core!${tag}}. Raised on ${
        (byException.get(tag) ?? ["(no rule of its own)"]).join("; ")
      }. ${
        tag === "ApiException"
          ? "It is the base class of every API exception: `instanceof ApiException` catches them all."
          : ""
      }\n`,
      codes.length > 0
        ? `| Code | HTTP | Type | The API's message |\n| --- | --- | --- | --- |\n${
          codes.map((c) => `| ${c.code} | ${c.status} | ${tableCode(c.type)} | ${cell(c.message)} |`).join("\n")
        }\n`
        : "",
      `Documented by: ${documentedBy(usedBy.get(tag) ?? [])}.\n`
    ].join("\n")
  })
  const text = [
    "---\ntitle: Errors\n---\n",
    "# Errors\n",
    "Every failure is a typed error: in Effect, in the error channel of the method (its union is " +
    "`Operation.FailureOf<typeof Api.Group.method>`, so `Effect.catchTag` sees exactly what the method can raise); " +
    "with Promises, the class the promise rejects with (`instanceof` works; `SmsCxError` matches any of them). " +
    "The API's error answers map to exceptions by status, error type and code (`spec/error-mapping.json`, as the " +
    "vendor's clients map them); the first rule that matches wins.\n",
    "## What every API exception carries\n",
    `${specMarkdown(sdkErrors.fieldsDoc).replace(/\s*\n\s*/g, " ")}\n`,
    sdkErrors.fields.map((f) => `- ${code(f.name)}${f.doc === "" ? "" : `: ${f.doc}`}`).join("\n") + "\n",
    ...sections,
    "## Raised by the SDK\n",
    "<a id=\"client-side\"></a>\n",
    ...sdkErrors.classes.map((c) =>
      `### ${c.name}\n\n${specMarkdown(c.doc).replace(/\s*\n\s*/g, " ")} The class: {@link @smscx/core!${c.name}}.\n`
    ),
    "## Token errors\n",
    `With OAuth client credentials, the client fetches its token (\`POST /oauth/token\`) before the first call, so any method can also raise what [getAccessToken](${
      pageFile("oauth")
    }#getaccesstoken) documents: ${tokenErrors().map((t) => `[${t}](#${errorAnchor(t)})`).join(", ")}.\n`
  ].join("\n")
  return { file: errorsFile, title: "Errors", text }
}

const indexPage = (pages: ReadonlyArray<Rendered>): Rendered => {
  const rows = Object.entries(Api.groups).map(([accessor, ops]) => {
    const list = Object.values(ops as Record<string, AnyOperation>)
    const tag = list[0]!.group
    return `| [${tag}](${pageFile(accessor)}) | ${tableCode(`client.${accessor}`)} | ${
      tableCode(tag)
    } | ${list.length} | ${cell(groupDescriptions.get(tag) ?? "")} |`
  })
  const text = [
    "---\ntitle: API reference\nchildren:\n" + pages.map((p) => `  - ./${p.file}`).join("\n") + "\n---\n",
    "# API reference\n",
    `The SMS.CX API's ${operationCount} operations in ${rows.length} groups, each with its HTTP method and path, the call in ` +
    "both styles (Promise: `@smscx/promise`; Effect: `@smscx/client`), the request and answer fields, the exceptions " +
    "it can raise and an example with real values taken from `examples/` (which CI runs against the sandbox). " +
    `See [Errors](${errorsFile}) for when each exception is raised.\n`,
    "```ts\n// Promise\nimport { SmsCx } from \"@smscx/promise\"\nconst client = new SmsCx({ apiKey: process.env.SMSCX_API_KEY! })\n" +
    "// Effect\nimport { SmsCx, Sms } from \"@smscx/client\"\nconst MainLive = SmsCx.layerConfig()\n```\n",
    "Every method also takes the call's options after its own arguments (Promise: {@link @smscx/promise!CallOptions}; " +
    "Effect: {@link @smscx/transport!Transport.CallOptions}), and has `.withResponse(...)`, which gives the answer " +
    "with what came with it ({@link @smscx/transport!Transport.WithResponse}).\n",
    ...(modelNames.exists
      ? [
        "Each method's request, answer and error types have names (`SendSmsRequest`, `SendSmsResponse`, " +
        "`SendSmsError`, ...), which `@smscx/core`, `@smscx/client` and `@smscx/promise` export: " +
        "`import type { SendSmsRequest } from \"@smscx/promise\"`.\n"
      ]
      : []),
    `| Group | Promise | Effect service | Methods | What it does |\n| --- | --- | --- | --- | --- |\n${
      rows.join("\n")
    }\n`
  ].join("\n")
  return { file: "index.md", title: "API reference", text }
}

/** Writes the reference's Markdown into `dir` (emptied first); returns the files written. */
export const writeReference = async (dir: string): Promise<ReadonlyArray<string>> => {
  const { make } = await loadJsonSchema()
  const groups = Object.entries(Api.groups).map(([accessor, ops]) =>
    groupPage(accessor, ops as Record<string, AnyOperation>, make)
  )
  const pages = [...groups, errorsPage()]
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  for (const page of [indexPage(pages), ...pages]) writeFileSync(join(dir, page.file), page.text)
  return [indexPage(pages).file, ...pages.map((p) => p.file)]
}
