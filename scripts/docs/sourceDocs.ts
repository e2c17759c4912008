/**
 * What the core package's TypeScript sources say beyond their values, read from the syntax trees
 * (no program, no type-checker): each group's description and its inputs' alternatives and field
 * docs (`Api.ts`), each operation's named types (`Models.ts`) and the SDK's own errors (`Errors.ts`).
 */
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import ts from "typescript"
import { errorMapping, root } from "../docs-fields.js"

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
export const apiSource = (() => {
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

/**
 * The named request and answer type of each operation, from `Models.ts`'s `Named` map
 * (`readonly sendSms: SendSmsSignature`) and the signature it names (`readonly request:
 * SendSmsRequest; readonly response: SendSmsResponse; ...`).
 */
export const modelNames = (() => {
  const source = sourceOf("packages/core/src/Models.ts")
  const out = new Map<string, { request?: string; response?: string; error?: string }>()
  const interfaceNamed = (name: string) =>
    source?.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name)
  for (const member of interfaceNamed("Named")?.members ?? []) {
    if (!ts.isPropertySignature(member) || member.type === undefined || !ts.isTypeReferenceNode(member.type)) continue
    const signature = interfaceNamed(member.type.typeName.getText(source))
    if (signature === undefined) continue
    const names: { request?: string; response?: string; error?: string } = {}
    for (const m of signature.members) {
      if (ts.isPropertySignature(m) && m.type !== undefined && ts.isIdentifier(m.name)) {
        const key = m.name.text
        if (key === "request" || key === "response" || key === "error") names[key] = m.type.getText(source)
      }
    }
    out.set(member.name.getText(source), names)
  }
  return { exists: source !== undefined, names: out }
})()
/**
 * The SDK's own errors, from `Errors.ts`: each error class that is not an API exception, with
 * its JSDoc, and the members of `ClientError` (what any method can raise besides its API's).
 */
export const sdkErrors = (() => {
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
