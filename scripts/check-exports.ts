/**
 * `pnpm check:exports`: every exported declaration of a package's `src/internal/` that no other
 * file of the repository imports or re-exports. Internal modules are not public API, so such an
 * export only widens what the module seems to offer: it should not be exported.
 *
 * Reads the files' syntax trees (a few seconds, where a type-checked program of the repository
 * takes a minute): the importers are every TypeScript and JavaScript file of `packages/<pkg>/src`,
 * `packages/<pkg>/test`, `scripts`, `bench`, `examples` and the root's config files. A name counts as imported when a file
 * imports or re-exports it by name (`import { a }`, `export { a } from`, `import("x").A` in a
 * type), reads it off a namespace import (`import * as X` then `X.a`), or takes the whole module
 * (`export * from`, a namespace used as a value, `import("x")`, `vi.mock("x")`). Specifiers are
 * resolved as relative paths (`.js` to `.ts`) and as the packages' `imports` (`#defaultHttpClient`,
 * each of its targets). Generated files (first line `// @generated`) are importers, but their own
 * exports are not reported: `pnpm codegen` writes them.
 *
 * Prints `path:line name` per finding and their count (per package), and exits 1 if there is any.
 * `--fix` removes the `export` keyword (or the name from an `export { ... }` list) where the name is
 * still used in its own file, which a checker of the internal files alone tells (past shadowing
 * names and the declaration's own references, such as `typeof X` in a merged `type X`), then
 * formats the files it changed with ESLint. A name used nowhere is dead code, and an `export const`
 * that also declares such names must be split: both are left for editing by hand (and the exit
 * code stays 1).
 */
import { execFileSync } from "node:child_process"
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"

const root = fileURLToPath(new URL("..", import.meta.url))
const fix = process.argv.includes("--fix")
const started = performance.now()

const SOURCE = /\.(?:ts|mts|cts|tsx|js|mjs|cjs)$/
const SKIPPED_DIRS = new Set(["node_modules", "build", "dist", "coverage", ".bench"])

const walk = (dir: string): Array<string> =>
  !existsSync(dir) ? [] : readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : walk(path)
    return SOURCE.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : []
  })

const packageDirs = readdirSync(join(root, "packages")).map((name) => join(root, "packages", name))
  .filter((dir) => existsSync(join(dir, "package.json")))

const files = [
  ...packageDirs.flatMap((dir) => [
    ...walk(join(dir, "src")),
    ...walk(join(dir, "test")),
    ...readdirSync(dir).filter((f) => SOURCE.test(f)).map((f) => join(dir, f))
  ]),
  ...["scripts", "bench", "examples"].flatMap((dir) => walk(join(root, dir))),
  ...readdirSync(root).filter((f) => SOURCE.test(f) && statSync(join(root, f)).isFile()).map((f) => join(root, f))
]

const scriptKind = (file: string) =>
  /\.[mc]?js$/.test(file) ? ts.ScriptKind.JS : file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS
const sources = new Map(files.map((file) => {
  const text = readFileSync(file, "utf8")
  return [file, ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, scriptKind(file))] as const
}))

const groupBy = <A, K>(items: ReadonlyArray<A>, key: (a: A) => K): Map<K, Array<A>> => {
  const out = new Map<K, Array<A>>()
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item])
  return out
}

const isInternal = (file: string) => packageDirs.some((dir) => file.startsWith(join(dir, "src", "internal") + "/"))
const isGenerated = (source: ts.SourceFile) => source.text.startsWith("// @generated")

// ---------------------------------------------------------------------------
// Resolving a specifier to the files it may load
// ---------------------------------------------------------------------------

/** Every file path a package's `imports` entry (`#name`) maps to, under any condition. */
const packageImports = new Map<string, Map<string, ReadonlyArray<string>>>(packageDirs.map((dir) => {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { imports?: Record<string, unknown> }
  const targets = (value: unknown): Array<string> =>
    typeof value === "string" ? [resolve(dir, value)] : value !== null && typeof value === "object"
      ? Object.values(value).flatMap(targets)
      : []
  return [dir, new Map(Object.entries(manifest.imports ?? {}).map(([name, value]) => [name, targets(value)]))]
}))

const existing = (path: string): Array<string> => {
  const candidates = [
    path,
    path.replace(/\.js$/, ".ts"),
    path.replace(/\.mjs$/, ".mts"),
    path.replace(/\.cjs$/, ".cts")
  ]
  const file = [...candidates, `${path}.ts`, join(path, "index.ts")].find((p) => sources.has(p))
  return file === undefined ? [] : [file]
}

const resolveSpecifier = (from: string, specifier: string): ReadonlyArray<string> => {
  if (specifier.startsWith(".")) return existing(resolve(dirname(from), specifier))
  if (specifier.startsWith("#")) {
    const dir = packageDirs.find((d) => from.startsWith(d + "/"))
    return (dir === undefined ? [] : packageImports.get(dir)?.get(specifier) ?? []).flatMap(existing)
  }
  return []
}

// ---------------------------------------------------------------------------
// What the importers take from each file
// ---------------------------------------------------------------------------

/** Per file, the names other files take from it; `"*"`: the whole module. */
const used = new Map<string, Set<string>>()
const ALL = "*"
const take = (from: string, specifier: string, name: string) => {
  for (const file of resolveSpecifier(from, specifier)) {
    if (file === from) continue
    const names = used.get(file) ?? new Set<string>()
    names.add(name)
    used.set(file, names)
  }
}

const stringArgument = (call: ts.CallExpression) => {
  const first = call.arguments[0]
  return first !== undefined && ts.isStringLiteralLike(first) ? first.text : undefined
}
/** vitest's `vi.mock("x")` and the like, and `require("x")` */
const MODULE_CALLS = new Set(["mock", "doMock", "unmock", "importActual", "importMock", "require"])

for (const source of sources.values()) {
  const from = source.fileName
  /** `import * as ns from "x"`: ns's identifier and "x" */
  const namespaces = new Map<string, { readonly id: ts.Identifier; readonly specifier: string }>()
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const specifier = statement.moduleSpecifier.text
      const clause = statement.importClause
      if (clause === undefined) continue
      if (clause.name !== undefined) take(from, specifier, "default")
      const bindings = clause.namedBindings
      if (bindings !== undefined && ts.isNamespaceImport(bindings)) {
        namespaces.set(bindings.name.text, { id: bindings.name, specifier })
      }
      if (bindings !== undefined && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) take(from, specifier, (element.propertyName ?? element.name).text)
      }
    }
    if (
      ts.isExportDeclaration(statement) && statement.moduleSpecifier !== undefined &&
      ts.isStringLiteral(statement.moduleSpecifier)
    ) {
      const specifier = statement.moduleSpecifier.text
      const clause = statement.exportClause
      if (clause === undefined || ts.isNamespaceExport(clause)) take(from, specifier, ALL)
      else for (const element of clause.elements) take(from, specifier, (element.propertyName ?? element.name).text)
    }
  }
  // `import("x")`, `vi.mock("x")`, ... take the whole module; `import("x").A` in a type takes `A`;
  // through a namespace import, `ns.a` takes `a` and any other use of `ns` the whole module
  const visit = (node: ts.Node): void => {
    const namespace = ts.isIdentifier(node) ? namespaces.get(node.text) : undefined
    if (namespace !== undefined && node !== namespace.id) {
      const parent = node.parent
      if (ts.isPropertyAccessExpression(parent) && parent.expression === node) {
        take(from, namespace.specifier, parent.name.text)
      } else if (ts.isQualifiedName(parent) && parent.left === node) take(from, namespace.specifier, parent.right.text)
      else if (!isPropertyName(node as ts.Identifier)) take(from, namespace.specifier, ALL)
    }
    if (ts.isCallExpression(node)) {
      const specifier = stringArgument(node)
      const callee = node.expression
      const isModuleCall = callee.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isPropertyAccessExpression(callee) && MODULE_CALLS.has(callee.name.text)) ||
        (ts.isIdentifier(callee) && MODULE_CALLS.has(callee.text))
      if (specifier !== undefined && isModuleCall) take(from, specifier, ALL)
    }
    if (
      ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)
    ) {
      const qualifier = node.qualifier
      const first = qualifier === undefined ? ALL : ts.isIdentifier(qualifier) ? qualifier.text : leftmost(qualifier)
      take(from, node.argument.literal.text, first)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
}

function leftmost(name: ts.QualifiedName): string {
  return ts.isIdentifier(name.left) ? name.left.text : leftmost(name.left)
}

// ---------------------------------------------------------------------------
// The internal files' exports
// ---------------------------------------------------------------------------

/** An exported name of a file, with the nodes that export it. */
interface Exported {
  readonly name: string
  /** the name in the file's own scope (`a` of `export { a as b }`); undefined for a re-export */
  readonly local: string | undefined
  readonly line: number
  /** declarations carrying `export`, and `export { ... }` specifiers */
  readonly nodes: Array<ts.Node>
}

const hasExport = (node: ts.Node) =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
const hasDefault = (node: ts.Node) =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)

const bindingNames = (name: ts.BindingName): Array<ts.Identifier> =>
  ts.isIdentifier(name)
    ? [name]
    : name.elements.flatMap((e) => ts.isBindingElement(e) ? bindingNames(e.name) : [])

const exportsOf = (source: ts.SourceFile): Map<string, Exported> => {
  const out = new Map<string, Exported>()
  const add = (name: string, local: string | undefined, at: ts.Node, node: ts.Node) => {
    const entry = out.get(name) ??
      { name, local, line: source.getLineAndCharacterOfPosition(at.getStart(source)).line + 1, nodes: [] }
    if (!entry.nodes.includes(node)) entry.nodes.push(node)
    out.set(name, entry)
  }
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      // `export * from` re-exports names this reading cannot list; a namespace is one name
      const clause = statement.exportClause
      if (clause !== undefined && ts.isNamespaceExport(clause)) add(clause.name.text, undefined, clause, clause)
      if (clause !== undefined && ts.isNamedExports(clause)) {
        for (const element of clause.elements) {
          const local = statement.moduleSpecifier === undefined
            ? (element.propertyName ?? element.name).text
            : undefined
          add(element.name.text, local, element, element)
        }
      }
      continue
    }
    if (ts.isExportAssignment(statement)) {
      add("default", undefined, statement, statement)
      continue
    }
    if (!hasExport(statement)) continue
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        for (const id of bindingNames(declaration.name)) add(id.text, id.text, id, statement)
      }
    } else if (
      (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) ||
        ts.isEnumDeclaration(statement) || ts.isModuleDeclaration(statement)) && statement.name !== undefined
    ) {
      const local = statement.name.text
      add(hasDefault(statement) ? "default" : local, local, statement.name, statement)
    } else if (hasDefault(statement)) {
      add("default", undefined, statement, statement)
    }
  }
  return out
}

// ---------------------------------------------------------------------------
// Whether a name is used in its own file, apart from its declarations and export lists
// ---------------------------------------------------------------------------

/** An identifier that names a property, member or key rather than referring to a binding. */
function isPropertyName(node: ts.Identifier): boolean {
  const parent = node.parent
  return (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
    (ts.isQualifiedName(parent) && parent.right === node) ||
    ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) || ts.isPropertySignature(parent) ||
      ts.isMethodDeclaration(parent) || ts.isMethodSignature(parent) || ts.isGetAccessor(parent) ||
      ts.isSetAccessor(parent) || ts.isEnumMember(parent) || ts.isNamedTupleMember(parent)) &&
      parent.name === node) ||
    (ts.isBindingElement(parent) && parent.propertyName === node) ||
    ((ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) && parent.propertyName === node) ||
    (ts.isImportTypeNode(parent) && parent.qualifier === node)
}

// A program of the internal files alone (no lib, no imports followed) for their checker: it tells
// which identifiers refer to an exported declaration, past shadowing parameters and locals.
const internalFiles = [...sources.keys()].filter(isInternal)
const compilerOptions: ts.CompilerOptions = {
  noResolve: true,
  noLib: true,
  types: [],
  allowJs: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022
}
const host = ts.createCompilerHost(compilerOptions)
const hostGetSourceFile = host.getSourceFile
host.getSourceFile = (file, ...rest) => sources.get(file) ?? hostGetSourceFile(file, ...rest)
const checker = ts.createProgram({ rootNames: internalFiles, options: compilerOptions, host }).getTypeChecker()

/** The local symbol an export stands for, if it has one (a re-export has not). */
const localSymbol = (node: ts.Node): ts.Symbol | undefined => {
  if (ts.isExportSpecifier(node)) {
    return node.parent.parent.moduleSpecifier === undefined
      ? checker.getExportSpecifierLocalTargetSymbol(node)
      : undefined
  }
  const name = ts.isVariableStatement(node) ? undefined : ts.getNameOfDeclaration(node as ts.Declaration)
  return name === undefined ? undefined : checker.getSymbolAtLocation(name)
}

const referencedSymbol = (id: ts.Identifier): ts.Symbol | undefined =>
  ts.isShorthandPropertyAssignment(id.parent)
    ? checker.getShorthandAssignmentValueSymbol(id.parent)
    : checker.getSymbolAtLocation(id)

/**
 * Whether the file refers to `symbol` outside its own declarations (a recursive call or the
 * `typeof X` of a merged `type X` does not count) and its export lists.
 */
const usedInOwnFile = (source: ts.SourceFile, name: string, symbol: ts.Symbol): boolean => {
  const own = new Set<ts.Node>(symbol.declarations ?? [])
  let found = false
  const visit = (node: ts.Node): void => {
    if (found || own.has(node) || ts.isExportSpecifier(node) || ts.isImportDeclaration(node)) return
    if (ts.isIdentifier(node) && node.text === name && !isPropertyName(node) && referencedSymbol(node) === symbol) {
      found = true
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

/** The local symbol of an export (of a variable: its identifier's, not the statement's). */
const symbolOf = (exported: Exported): ts.Symbol | undefined => {
  for (const node of exported.nodes) {
    if (ts.isVariableStatement(node)) {
      for (const declaration of node.declarationList.declarations) {
        const id = bindingNames(declaration.name).find((i) => i.text === exported.local)
        if (id !== undefined) return checker.getSymbolAtLocation(id)
      }
      continue
    }
    const symbol = localSymbol(node)
    if (symbol !== undefined) return symbol
  }
  return undefined
}

// ---------------------------------------------------------------------------
// Findings, and the fix
// ---------------------------------------------------------------------------

/**
 * `unexport`: still used in its own file, so `--fix` drops the export; `dead`: used nowhere, to
 * delete by hand; `shared`: used in its own file, but declared in one `export const` with names
 * that stay exported or are dead, so the statement is to split by hand.
 */
type Verdict = "unexport" | "dead" | "shared"

interface Finding {
  readonly file: string
  readonly exported: Exported
  readonly verdict: Verdict
}

const findings: Array<Finding> = []
for (const [file, source] of sources) {
  if (!isInternal(file) || isGenerated(source)) continue
  const taken = used.get(file) ?? new Set<string>()
  if (taken.has(ALL)) continue
  const unused = [...exportsOf(source).values()].filter((exported) => !taken.has(exported.name))
  const unexported = new Set(
    unused.filter((exported) => {
      const symbol = exported.local === undefined ? undefined : symbolOf(exported)
      return exported.local === undefined || symbol === undefined
        ? exported.nodes.every((n) => ts.isExportSpecifier(n)) // a re-export: nothing else to keep
        : usedInOwnFile(source, exported.local, symbol)
    }).map((exported) => exported.name)
  )
  for (const exported of unused) {
    // `export const a = 1, b = 2` loses its `export` only if every name of it does
    const shared = exported.nodes.some((node) =>
      ts.isVariableStatement(node) &&
      node.declarationList.declarations.some((d) => bindingNames(d.name).some((id) => !unexported.has(id.text)))
    )
    const verdict = !unexported.has(exported.name) ? "dead" : shared ? "shared" : "unexport"
    findings.push({ file, exported, verdict })
  }
}

/** The text edits that stop exporting the findings' names of one file (those that can be). */
const edits = (source: ts.SourceFile, fixes: ReadonlyArray<Finding>) => {
  const out: Array<{ readonly start: number; readonly end: number; readonly text: string }> = []
  const nodes = new Set(fixes.flatMap((f) => f.exported.nodes))
  for (const node of nodes) {
    if (ts.isExportSpecifier(node)) {
      const list = node.parent
      const kept = list.elements.filter((e) => !nodes.has(e))
      const declaration = list.parent
      out.push(
        kept.length === 0
          ? { start: declaration.getFullStart(), end: declaration.getEnd(), text: "" }
          : {
            start: list.getStart(source),
            end: list.getEnd(),
            text: `{ ${kept.map((e) => e.getText(source)).join(", ")} }`
          }
      )
      continue
    }
    for (const modifier of ts.getModifiers(node as ts.HasModifiers) ?? []) {
      if (modifier.kind === ts.SyntaxKind.ExportKeyword || modifier.kind === ts.SyntaxKind.DefaultKeyword) {
        // the keyword and the whitespace after it
        let end = modifier.getEnd()
        while (/\s/.test(source.text[end] ?? "")) end++
        out.push({ start: modifier.getStart(source), end, text: "" })
      }
    }
  }
  // the export list of `export { a, b }` edited once even when several of its names go
  const unique = [...new Map(out.map((e) => [`${e.start}:${e.end}`, e])).values()]
  return unique.sort((a, b) => b.start - a.start)
}

const packageOf = (file: string) => relative(join(root, "packages"), file).split("/")[0]!
const NOTES: Record<Verdict, string> = {
  unexport: "",
  dead: " (used nowhere in its own file either: dead code, delete it by hand)",
  shared: " (its `export const` declares names that stay exported or are dead: split it by hand)"
}
findings.sort((a, b) => a.file.localeCompare(b.file) || a.exported.line - b.exported.line)
for (const finding of findings) {
  const note = NOTES[finding.verdict]
  console.log(`${relative(root, finding.file)}:${finding.exported.line} ${finding.exported.name}${note}`)
}

// before --fix's ESLint run
const elapsed = `${((performance.now() - started) / 1000).toFixed(1)} s`

if (fix) {
  const byFile = groupBy(findings.filter((f) => f.verdict === "unexport"), (f) => f.file)
  for (const [file, fixes] of byFile) {
    const source = sources.get(file)!
    let text = source.text
    for (const edit of edits(source, fixes)) text = text.slice(0, edit.start) + edit.text + text.slice(edit.end)
    writeFileSync(file, text)
  }
  // a declaration without `export` may fit on fewer lines: the format is dprint's
  if (byFile.size > 0) {
    execFileSync(join(root, "node_modules/.bin/eslint"), ["--fix", ...byFile.keys()], { stdio: "inherit" })
  }
  const fixed = findings.filter((f) => f.verdict === "unexport").length
  console.log(
    `--fix: ${fixed} exports dropped in ${byFile.size} files; ${findings.length - fixed} left to edit by hand`
  )
}

const perPackage = [...groupBy(findings, (f) => packageOf(f.file))].map(([pkg, list]) => `${pkg} ${list.length}`)
console.log(
  findings.length === 0
    ? `no internal export that nothing imports (${sources.size} files read, ${elapsed})`
    : `${findings.length} internal exports that nothing imports (${
      perPackage.join(", ")
    }; ${sources.size} files read, ${elapsed})`
)
if (findings.some((f) => !fix || f.verdict !== "unexport")) process.exitCode = 1
