/**
 * The API reference's examples: the call an example script of `examples/` makes, with what its
 * arguments need, written for both styles.
 */
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import ts from "typescript"
import * as Api from "../packages/core/src/Api.js"
import type * as Operation from "../packages/core/src/Operation.js"
import { kebab, root } from "./docs-fields.js"

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

export interface Example {
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
export const exampleOf = (accessor: string, id: string): Example | undefined => {
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
        // what makes it, when short enough to say (`yield* approvedTemplate("viber")`)
        const made = init?.getText(source).replace(/\s+/g, " ")
        unresolved.push(
          made !== undefined && made.length <= 60 && ts.isIdentifier(declared.name)
            ? `${name} = ${made}`
            : name
        )
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
    ? unresolved.map((u) => `// ${u} (in the whole example, below)`)
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
