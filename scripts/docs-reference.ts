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
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import ts from "typescript"
import * as Api from "../packages/core/src/Api.js"
import * as ErrorCatalogue from "../packages/core/src/ErrorCatalogue.js"
import type * as Operation from "../packages/core/src/Operation.js"

const root = fileURLToPath(new URL("..", import.meta.url))

// the spec and JSON Schema documents are untyped JSON
type Json = any

/** A JSON Schema node, as effect's `JSONSchema.make` writes it. */
interface JsonSchema {
  readonly $ref?: string
  readonly $defs?: Record<string, JsonSchema>
  readonly type?: string | ReadonlyArray<string>
  readonly enum?: ReadonlyArray<unknown>
  readonly const?: unknown
  readonly anyOf?: ReadonlyArray<JsonSchema>
  readonly items?: JsonSchema | ReadonlyArray<JsonSchema>
  readonly properties?: Record<string, JsonSchema>
  readonly required?: ReadonlyArray<string>
  readonly minLength?: number
  readonly maxLength?: number
  readonly minItems?: number
  readonly maxItems?: number
  readonly minimum?: number
  readonly maximum?: number
  readonly exclusiveMinimum?: number
  readonly exclusiveMaximum?: number
  readonly pattern?: string
  readonly format?: string
}

/**
 * effect's `JSONSchema`, as `@smscx/core` resolves it (the root has no `effect` of its own): the
 * same ESM module instance as the schemas' own.
 */
const loadJsonSchema = async (): Promise<{ readonly make: (schema: unknown) => JsonSchema }> => {
  const requireFromCore = createRequire(join(root, "packages/core/package.json"))
  const effectDir = dirname(requireFromCore.resolve("effect/package.json"))
  return await import(pathToFileURL(join(effectDir, "dist/esm/JSONSchema.js")).href)
}

const spec: Json = JSON.parse(readFileSync(join(root, "spec/smscx-openapi.json"), "utf8"))
const errorMapping: Json = JSON.parse(readFileSync(join(root, "spec/error-mapping.json"), "utf8"))

/** The spec's operations by operationId. */
const specOperations = new Map<string, Json>(
  Object.values(spec.paths as Record<string, Record<string, Json>>).flatMap((item) =>
    Object.values(item).filter((o) => typeof o === "object" && o !== null && "operationId" in o).map((
      o
    ) => [o.operationId as string, o])
  )
)

const resolveSpec = (node: Json): Json => {
  let n = node
  while (n !== undefined && typeof n.$ref === "string") {
    n = (n.$ref as string).replace(/^#\//, "").split("/").reduce((at: Json, key) => at?.[key], spec)
  }
  return n
}

/** The spec's description of a nested field: follows properties, array items and compositions. */
const specChild = (node: Json, name: string): Json => {
  const n = resolveSpec(node)
  if (n === undefined) return undefined
  if (n.properties?.[name] !== undefined) return n.properties[name]
  for (const part of [...(n.allOf ?? []), ...(n.oneOf ?? []), ...(n.anyOf ?? [])]) {
    const found = specChild(part, name)
    if (found !== undefined) return found
  }
  if (n.items !== undefined) return specChild(n.items, name)
  return undefined
}

/**
 * Markdown from the spec, without its dead links: `[words](#)` and in-page anchors of the
 * vendor's site become the words alone.
 */
export const specMarkdown = (text: string): string =>
  text.replace(/\[([^\]]*)\]\(#[^)]*\)/g, "$1").replace(/[ \t]+\n/g, "\n").trim()

/** One line of text for a table cell. */
const cell = (text: string): string =>
  specMarkdown(text).replace(/<br\s*\/?>|<\/?span>/g, " ").replace(/\s*\n+\s*/g, " ").replace(/\|/g, "\\|")
    .replace(/</g, "&lt;").replace(/ {2,}/g, " ").trim()

const code = (text: string): string => {
  const inline = text.replace(/\|/g, "\\|")
  const ticks = inline.includes("`") ? "``" : "`"
  return `${ticks}${ticks === "``" ? " " : ""}${inline}${ticks === "``" ? " " : ""}${ticks}`
}

const pascal = (id: string): string => id.charAt(0).toUpperCase() + id.slice(1)
const kebab = (id: string): string =>
  id.replace(/([a-z0-9])([A-Z])/g, "$1-$2").replace(/([A-Z])([A-Z][a-z])/g, "$1-$2").toLowerCase()

// ---------------------------------------------------------------------------
// Types and fields from JSON Schema
// ---------------------------------------------------------------------------

const deref = (node: JsonSchema, defs: Record<string, JsonSchema>): JsonSchema => {
  let n = node
  for (let i = 0; i < 20 && n.$ref !== undefined; i++) {
    n = defs[n.$ref.replace(/^#\/\$defs\//, "")] ?? {}
  }
  return n
}

const literal = (value: unknown): string => JSON.stringify(value)

/** A TypeScript rendering of a schema node, one level deep (objects are spelled out as rows). */
const typeOf = (node: JsonSchema, defs: Record<string, JsonSchema>): string => {
  const n = deref(node, defs)
  if (n.enum !== undefined) return n.enum.map(literal).join(" | ")
  if (n.const !== undefined) return literal(n.const)
  if (n.anyOf !== undefined) return [...new Set(n.anyOf.map((m) => typeOf(m, defs)))].join(" | ")
  if (Array.isArray(n.type)) return n.type.map((t) => (t === "integer" ? "number" : t)).join(" | ")
  switch (n.type) {
    case "string":
      return "string"
    case "integer":
    case "number":
      return "number"
    case "boolean":
      return "boolean"
    case "null":
      return "null"
    case "array": {
      if (Array.isArray(n.items)) return `[${n.items.map((i: JsonSchema) => typeOf(i, defs)).join(", ")}]`
      const item = n.items === undefined ? "unknown" : typeOf(n.items as JsonSchema, defs)
      return `Array<${item}>`
    }
    case "object":
      return n.properties === undefined || Object.keys(n.properties).length === 0 ? "Record<string, unknown>" : "object"
    default:
      return "unknown"
  }
}

/** The constraints of a node, as a reader checks them (the items' own for an array). */
const constraintsOf = (node: JsonSchema, defs: Record<string, JsonSchema>): Array<string> => {
  const n = deref(node, defs)
  const out: Array<string> = []
  if (n.type === "integer") out.push("integer")
  if (n.minLength !== undefined && n.minLength === n.maxLength) out.push(`length ${n.minLength}`)
  else {
    if (n.minLength !== undefined) out.push(`min length ${n.minLength}`)
    if (n.maxLength !== undefined) out.push(`max length ${n.maxLength}`)
  }
  if (n.minItems !== undefined) out.push(`at least ${n.minItems} items`)
  if (n.maxItems !== undefined) out.push(`at most ${n.maxItems} items`)
  if (n.minimum !== undefined) out.push(`≥ ${n.minimum}`)
  if (n.exclusiveMinimum !== undefined) out.push(`> ${n.exclusiveMinimum}`)
  if (n.maximum !== undefined) out.push(`≤ ${n.maximum}`)
  if (n.exclusiveMaximum !== undefined) out.push(`< ${n.exclusiveMaximum}`)
  if (n.format !== undefined) out.push(`format ${n.format}`)
  if (n.pattern !== undefined) out.push(`pattern ${code(n.pattern)}`)
  if (n.type === "array" && n.items !== undefined && !Array.isArray(n.items)) {
    const each = constraintsOf(n.items as JsonSchema, defs)
    if (each.length > 0) out.push(`each: ${each.join(", ")}`)
  }
  if (n.anyOf !== undefined) {
    for (const member of n.anyOf) out.push(...constraintsOf(member, defs).filter((c) => !out.includes(c)))
  }
  return out
}

/** The object a node stands for (itself, its array's items, the object member of a union). */
const objectOf = (node: JsonSchema, defs: Record<string, JsonSchema>): JsonSchema | undefined => {
  const n = deref(node, defs)
  if (n.properties !== undefined && Object.keys(n.properties).length > 0) return n
  if (n.type === "array" && n.items !== undefined && !Array.isArray(n.items)) {
    return objectOf(n.items as JsonSchema, defs)
  }
  for (const member of n.anyOf ?? []) {
    const o = objectOf(member, defs)
    if (o !== undefined) return o
  }
  return undefined
}

interface Field {
  readonly name: string
  readonly type: string
  readonly required: string
  readonly constraints: string
  readonly description: string
}

/**
 * The rows of an object: one per field, nested fields as `parent.child` (`parent[].child` in
 * arrays), each described from the spec node at the same place.
 */
const fieldsOf = (
  object: JsonSchema,
  defs: Record<string, JsonSchema>,
  specNode: Json,
  prefix = "",
  depth = 0,
  requiredNote: (name: string) => string = (name) => ((object.required ?? []).includes(name) ? "yes" : "no"),
  docs: ReadonlyMap<string, string> = new Map()
): Array<Field> =>
  Object.entries(object.properties ?? {}).flatMap(([name, node]) => {
    const specField = specChild(specNode, name)
    const described = resolveSpec(specField)
    const description = docs.get(name) ?? specField?.description ?? described?.description ?? ""
    const row: Field = {
      name: `${prefix}${name}`,
      type: typeOf(node, defs),
      required: requiredNote(name),
      constraints: constraintsOf(node, defs).join(", "),
      description
    }
    const inner = objectOf(node, defs)
    if (inner === undefined || depth >= 3) return [row]
    const isArray = deref(node, defs).type === "array"
    return [row, ...fieldsOf(inner, defs, specField, `${prefix}${name}${isArray ? "[]" : ""}.`, depth + 1)]
  })

const fieldTable = (fields: ReadonlyArray<Field>, withRequired: boolean): string => {
  if (fields.length === 0) return ""
  const head = withRequired
    ? "| Field | Type | Required | Constraints | Description |\n| --- | --- | --- | --- | --- |"
    : "| Field | Type | Description |\n| --- | --- | --- |"
  const rows = fields.map((f) =>
    withRequired
      ? `| ${code(f.name)} | ${code(f.type)} | ${f.required} | ${cell(f.constraints)} | ${cell(f.description)} |`
      : `| ${code(f.name)} | ${code(f.type)} | ${cell(f.description)} |`
  )
  return `${head}\n${rows.join("\n")}\n`
}

// ---------------------------------------------------------------------------
// Examples: the call an example script makes, in both styles
// ---------------------------------------------------------------------------

const dedent = (text: string): string => {
  const lines = text.split("\n")
  const indent = Math.min(...lines.slice(1).filter((l) => l.trim() !== "").map((l) => /^ */.exec(l)![0].length))
  return lines.map((l, i) => (i === 0 || !Number.isFinite(indent) ? l : l.slice(indent))).join("\n")
}

/**
 * What `examples/_runtime.ts` exports, as an example's snippet can show it: the values it can
 * spell out (a literal, the default of `process.env.X ?? "value"`, a function of its own
 * arguments and globals alone, as `inMinutes`), and the type of what its sandbox helpers give
 * (`yield* approvedTemplate("viber")`: a number), for what it cannot.
 */
const runtime = (() => {
  const file = join(root, "examples/_runtime.ts")
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true)
  const local = new Set<string>()
  for (const statement of source.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) local.add(d.name.getText(source))
    }
    if (ts.isFunctionDeclaration(statement) && statement.name) local.add(statement.name.text)
    if (ts.isImportDeclaration(statement)) {
      const bindings = statement.importClause?.namedBindings
      if (statement.importClause?.name) local.add(statement.importClause.name.text)
      if (bindings && ts.isNamespaceImport(bindings)) local.add(bindings.name.text)
      if (bindings && ts.isNamedImports(bindings)) { for (const e of bindings.elements) local.add(e.name.text) }
    }
  }
  const usesLocal = (node: ts.Node): boolean =>
    (ts.isIdentifier(node) && local.has(node.text) && !(ts.isPropertyAccessExpression(node.parent) &&
      node.parent.name === node)) || (ts.forEachChild(node, (child) => usesLocal(child) || undefined) ?? false)
  const values = new Map<string, string>()
  const helpers = new Map<string, string>()
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue
    for (const d of statement.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || d.initializer === undefined) continue
      const init = d.initializer
      const name = d.name.text
      const value = ts.isBinaryExpression(init) && init.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken
        ? init.right
        : init
      if (ts.isStringLiteral(value) || ts.isNumericLiteral(value)) {
        values.set(name, `const ${name} = ${value.getText(source)}`)
      } else if (ts.isArrowFunction(init)) {
        const returned = init.type
        if (!usesLocal(init.body) && init.parameters.every((p) => p.initializer === undefined)) {
          values.set(name, `const ${name} = ${dedent(init.getText(source))}`)
        } else if (
          returned !== undefined && ts.isTypeReferenceNode(returned) &&
          returned.typeName.getText(source) === "Effect.Effect" && returned.typeArguments?.[0] !== undefined
        ) {
          helpers.set(name, returned.typeArguments[0].getText(source))
        }
      }
    }
  }
  return { values, helpers }
})()

interface Example {
  readonly file: string
  readonly source: string
  readonly promise: string
  readonly effect: string
  /** What the snippets use but cannot show, with its type, for the type check. */
  readonly declares: ReadonlyArray<string>
  /** Whether the snippets can be type-checked: every name they use is shown or declared. */
  readonly checked: boolean
  /** The style the example script is written in. */
  readonly style: "Effect" | "Promise"
}

/** The accessor of each service tag: `Sms` -> `sms`. */
const accessorOf = new Map(
  Object.entries(Api.groups).map((
    [accessor, ops]
  ) => [Object.values(ops as Record<string, Operation.Any>)[0]!.group, accessor])
)

const boundNames = (name: ts.BindingName): Array<string> =>
  ts.isIdentifier(name)
    ? [name.text]
    : name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : boundNames(e.name)))

/**
 * The example of `group/id`: its first call of the operation (a direct call first, else through
 * `.all`/`.pages`/`.stream`), preceded by what its arguments need (constants, and the earlier
 * calls whose answers they use), written for both styles.
 */
const exampleOf = (accessor: string, id: string): Example | undefined => {
  const names = [
    id,
    ...Object.entries(Api.aliases[accessor as keyof typeof Api.aliases] ?? {})
      .filter(([, target]) => target === id).map(([alias]) => alias)
  ]
  const file = `examples/${accessor}/${kebab(id)}.ts`
  if (!existsSync(join(root, file))) return undefined
  const text = readFileSync(join(root, file), "utf8")
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true)
  // the variables bound to services (`const sms = yield* Sms`), and every other declaration
  const services = new Map<string, string>()
  const declarations = new Map<string, ts.VariableDeclaration>()
  const calls: Array<{ readonly call: ts.CallExpression; readonly via: string | undefined; readonly promise?: true }> =
    []
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && node.initializer !== undefined) {
      const init = node.initializer
      const tag = ts.isYieldExpression(init) && init.expression !== undefined ? init.expression.getText(source) : ""
      if (ts.isIdentifier(node.name) && accessorOf.has(tag)) services.set(node.name.text, tag)
      else for (const bound of boundNames(node.name)) if (!declarations.has(bound)) declarations.set(bound, node)
    }
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const callee = node.expression
      if (ts.isIdentifier(callee.expression) && names.includes(callee.name.text)) {
        calls.push({ call: node, via: undefined })
      } else if (
        // a Promise example: `client.oauth.getAccessToken(...)`
        ts.isPropertyAccessExpression(callee.expression) && ts.isIdentifier(callee.expression.expression) &&
        callee.expression.name.text === accessor && names.includes(callee.name.text)
      ) {
        calls.push({ call: node, via: undefined, promise: true })
      } else if (
        ts.isPropertyAccessExpression(callee.expression) && ts.isIdentifier(callee.expression.expression) &&
        names.includes(callee.expression.name.text) && ["all", "pages", "stream"].includes(callee.name.text)
      ) {
        calls.push({ call: node, via: callee.name.text })
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  const chosen = calls.find((c) => c.via === undefined && c.promise === undefined) ??
    calls.find((c) => c.promise === undefined) ?? calls[0]
  if (chosen === undefined) return undefined
  const callee = chosen.call.expression as ts.PropertyAccessExpression
  const ownerNode = chosen.via === undefined
    ? callee.expression
    : (callee.expression as ts.PropertyAccessExpression).expression
  // in a Promise example, the Effect style's service is named after the group's accessor
  const owner = chosen.promise === true ? accessor : ownerNode.getText(source)
  if (chosen.promise === true && !services.has(owner) && !declarations.has(owner)) {
    services.set(owner, Object.values(Api.groups[accessor as keyof typeof Api.groups])[0]!.group)
  }
  if (services.get(owner) === undefined) return undefined

  /**
   * The services an initializer calls, when each of its `yield*` is a service's method call
   * (`(yield* sv.m(...)).data[0]`), else undefined.
   */
  const serviceCalls = (init: ts.Expression): Array<string> | undefined => {
    const found: Array<string> = []
    let other = false
    const walk = (node: ts.Node): void => {
      if (ts.isYieldExpression(node)) {
        let target: ts.Expression | undefined = node.expression
        if (target !== undefined && ts.isCallExpression(target)) target = target.expression
        while (target !== undefined && ts.isPropertyAccessExpression(target)) target = target.expression
        if (target !== undefined && ts.isIdentifier(target) && services.has(target.text)) found.push(target.text)
        else other = true
      }
      ts.forEachChild(node, walk)
    }
    walk(init)
    return other || found.length === 0 ? undefined : found
  }
  /** The runtime helper whose answer an initializer is (`yield* approvedTemplate("viber")`). */
  const helperCall = (init: ts.Expression): string | undefined =>
    ts.isYieldExpression(init) && init.expression !== undefined && ts.isCallExpression(init.expression) &&
      ts.isIdentifier(init.expression.expression) && runtime.helpers.has(init.expression.expression.text)
      ? init.expression.expression.text
      : undefined
  const promiseOf = (text: string, used: ReadonlyArray<string>) =>
    used.reduce(
      (t, service) =>
        t.replace(new RegExp(`yield\\* ${service}\\.`, "g"), `await client.${accessorOf.get(services.get(service)!)}.`),
      text
    )

  // what the arguments use, in dependency order
  const lines: Array<{ readonly promise: string; readonly effect: string }> = []
  const usedServices = new Set<string>([owner])
  const seen = new Set<string>()
  const unresolved: Array<string> = []
  const declares: Array<string> = []
  let checked = true
  const need = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && !seen.has(node.text) && !services.has(node.text)) {
      const name = node.text
      seen.add(name)
      const declared = declarations.get(name)
      const init = declared?.initializer
      const plain = init !== undefined && !/\b(yield|await)\b/.test(init.getText(source))
      if (declared !== undefined && init !== undefined && plain) {
        need(init)
        const line = `const ${dedent(declared.getText(source))}`
        lines.push({ promise: line, effect: line })
      } else if (declared !== undefined && init !== undefined && serviceCalls(init) !== undefined) {
        const used = serviceCalls(init)!
        for (const service of used) usedServices.add(service)
        need(init)
        const line = `const ${dedent(declared.getText(source))}`
        lines.push({ promise: promiseOf(line, used), effect: line })
      } else if (declared === undefined && runtime.values.has(name)) {
        const line = runtime.values.get(name)!
        lines.push({ promise: line, effect: line })
      } else if (declared !== undefined) {
        unresolved.push(name)
        const helper = init === undefined || !ts.isIdentifier(declared.name) ? undefined : helperCall(init)
        if (helper === undefined) checked = false
        else declares.push(`${name}: ${runtime.helpers.get(helper)}`)
      }
      return
    }
    // a property name is not a variable
    if (ts.isPropertyAccessExpression(node)) return need(node.expression)
    if (ts.isPropertyAssignment(node)) return need(node.initializer)
    ts.forEachChild(node, need)
  }
  chosen.call.arguments.forEach(need)
  // the `if`s that narrow what the call is given, kept: those it is in (`if (x !== undefined)`),
  // and those before it that return early (`if (x === undefined) return`)
  const guards: Array<string> = []
  const negated = (condition: ts.Expression): string =>
    ts.isBinaryExpression(condition) &&
      [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken].includes(
        condition.operatorToken.kind
      )
      ? `${condition.left.getText(source)} ${
        condition.operatorToken.kind === ts.SyntaxKind.EqualsEqualsEqualsToken ? "!==" : "==="
      } ${condition.right.getText(source)}`
      : `!(${condition.getText(source)})`
  const mentionsNeeded = (node: ts.Node): boolean =>
    (ts.isIdentifier(node) && seen.has(node.text)) ||
    (ts.forEachChild(node, (child) => mentionsNeeded(child) || undefined) ?? false)
  const returns = (statement: ts.Statement): boolean =>
    ts.isReturnStatement(statement) ||
    (ts.isBlock(statement) && statement.statements.length > 0 &&
      ts.isReturnStatement(statement.statements[statement.statements.length - 1]!))
  for (let node: ts.Node = chosen.call; node.parent !== undefined; node = node.parent) {
    const parent = node.parent
    if (ts.isIfStatement(parent) && node !== parent.expression) {
      guards.unshift(node === parent.thenStatement ? parent.expression.getText(source) : negated(parent.expression))
      need(parent.expression)
    }
    if (ts.isBlock(parent) && ts.isStatement(node)) {
      const before = parent.statements.slice(0, parent.statements.indexOf(node))
      for (const statement of before.reverse()) {
        if (
          ts.isIfStatement(statement) && statement.elseStatement === undefined && returns(statement.thenStatement) &&
          mentionsNeeded(statement.expression)
        ) {
          guards.unshift(negated(statement.expression))
        }
      }
    }
  }
  const guarded = (statement: string): string =>
    guards.reduceRight(
      (inner, condition) => `if (${condition}) {\n${inner.split("\n").map((l) => `  ${l}`).join("\n")}\n}`,
      statement
    )
  // each declaration once, in the order met (a repeated need is skipped above)
  const method = chosen.via === undefined
    ? callee.name.text
    : `${(callee.expression as ts.PropertyAccessExpression).name.text}.${chosen.via}`
  const args = dedent(chosen.call.arguments.map((a) => a.getText(source)).join(", "))
  const note = unresolved.length > 0
    ? [`// ${unresolved.join(", ")}: made earlier in the whole example, below`]
    : []
  const serviceLines = [...usedServices].map((v) => `const ${v} = yield* ${services.get(v)}`)
  const promiseCall = `client.${accessor}.${method}(${args})`
  const effectCall = `${owner}.${method}(${args})`
  const item = chosen.via === "pages" ? "page" : "item"
  const paged = chosen.via === "all" || chosen.via === "pages"
  const promise = [
    ...note,
    ...lines.map((l) => l.promise),
    guarded(
      paged
        ? `for await (const ${item} of ${promiseCall}) {\n  console.log(${item})\n}`
        : `const result = await ${promiseCall}`
    )
  ]
  const tags = [...new Set([...usedServices].map((v) => services.get(v)!))].sort()
  const effect = [
    `import { ${tags.join(", ")} } from "@smscx/client"`,
    "// in Effect.gen(function*() { ... }):",
    ...serviceLines,
    ...note,
    ...lines.map((l) => l.effect),
    guarded(
      paged
        ? `yield* ${effectCall}.pipe(Stream.runForEach((${item}) => Console.log(${item})))`
        : `const result = yield* ${effectCall}`
    )
  ]
  return {
    file,
    source: text.trimEnd(),
    promise: promise.join("\n"),
    effect: effect.join("\n"),
    declares,
    checked,
    style: chosen.promise === true ? "Promise" : "Effect"
  }
}

// ---------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------

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
  for (const statement of source.statements) {
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
  return { classes, clientError }
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
      return op.success.noContent === true ? `${names.response} | undefined` : names.response
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
    if (object !== undefined) {
      out.push(
        `<details><summary>Fields</summary>\n\n${fieldTable(fieldsOf(object, defs, specAnswer), false)}\n</details>\n`
      )
    }
  } else if (op.success._tag === "File") {
    out.push(
      `The file whole, as \`ExportedFile\` (\`contentType\`, \`fileName\`, \`bytes\`); \`.stream(${
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
    return `| [${op.id}](#${op.id.toLowerCase()}) | ${code(`${op.method} ${op.path}`)} | ${
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
      `Raised on ${(byException.get(tag) ?? ["(no rule of its own)"]).join("; ")}. ${
        tag === "ApiException"
          ? "It is the base class of every API exception: `instanceof ApiException` catches them all."
          : ""
      }\n`,
      codes.length > 0
        ? `| Code | HTTP | Type | The API's message |\n| --- | --- | --- | --- |\n${
          codes.map((c) => `| ${c.code} | ${c.status} | ${code(c.type)} | ${cell(c.message)} |`).join("\n")
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
    ...sections,
    "## Raised by the SDK\n",
    "<a id=\"client-side\"></a>\n",
    ...sdkErrors.classes.map((c) => `### ${c.name}\n\n${specMarkdown(c.doc).replace(/\s*\n\s*/g, " ")}\n`),
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
    return `| [${tag}](${pageFile(accessor)}) | ${code(`client.${accessor}`)} | ${code(tag)} | ${list.length} | ${
      cell(groupDescriptions.get(tag) ?? "")
    } |`
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
