/**
 * `pnpm run docs`: the API reference, as static HTML in `docs/api/`.
 *
 * 1. `scripts/docs-reference.ts` writes the operation pages (one per group, one entry per method,
 *    and the errors page) as Markdown into `docs/reference/`, from the generated `Api` entries,
 *    the spec and the examples.
 * 2. TypeDoc renders them (`projectDocuments` in `typedoc.json`) beside the packages' own API
 *    (Transport, RetryPolicy, Bulk, Sandbox, errors, ...). The generated modules whose types
 *    are the operation tables (`Api`, `Generated`, and `Models`' per-operation types) are left
 *    out of the TypeDoc part: the pages of step 1 describe each operation, where TypeDoc could
 *    only dump their schema types. Meanwhile, a child process type-checks the pages' examples,
 *    as the README's snippets are (`scripts/readme-snippets.ts`).
 * 3. `scripts/check-links.ts` walks the HTML and fails on a link to a missing file or anchor.
 *
 * Prints the time each step took, the page count and the size.
 */
import { spawn } from "node:child_process"
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import {
  Application,
  Converter,
  type DeclarationReflection,
  ReflectionKind,
  TSConfigReader,
  TypeDocReader
} from "typedoc"
import ts from "typescript"
import { checkLinks } from "./check-links.js"
import { writeReference } from "./docs-reference.js"

const root = fileURLToPath(new URL("..", import.meta.url))

/** The generated modules of `@smscx/core` that the operation pages replace. */
const REPLACED_MODULES = new Set(["Api", "Generated", "Models"])

/**
 * The per-operation types of `Models.ts` (`SendSmsRequest`, `SendSmsResponse`, `SendSmsError`,
 * ...), which the packages also export by name: each operation's entry names them and lists
 * their fields, so TypeDoc does not give each of them a page too.
 */
const modelTypes = (() => {
  const file = join(root, "packages/core/src/Models.ts")
  if (!existsSync(file)) return new Set<string>()
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022)
  return new Set(
    source.statements.flatMap((s) =>
      (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) &&
        s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
        ? [s.name.text]
        : []
    )
  )
})()

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`

const started = performance.now()
const written = await writeReference(join(root, "docs/reference"))
console.log(`operation pages: ${written.length} Markdown files in docs/reference (${seconds(started)})`)

// their examples and snippets type-check, as the README's do: in a process of its own, beside
// TypeDoc (each builds a TypeScript program of the packages; on two cores they take one each)
const snippets = new Promise<number | null>((resolve) => {
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      join(root, "scripts/readme-snippets.ts"),
      ...written.map((f) => join(root, "docs/reference", f))
    ],
    { stdio: "inherit" }
  )
  child.on("exit", resolve)
  // if TypeDoc fails first, the check has no one to report to
  process.on("exit", () => child.kill())
})

const typedocStarted = performance.now()
const app = await Application.bootstrapWithPlugins({}, [new TypeDocReader(), new TSConfigReader()])
app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
  const project = context.project
  for (const reflection of project.getReflectionsByKind(ReflectionKind.Namespace)) {
    const parent = reflection.parent as DeclarationReflection | undefined
    if (REPLACED_MODULES.has(reflection.name) && parent?.name === "@smscx/core") {
      project.removeReflection(reflection)
    }
  }
  const kinds = ReflectionKind.Interface | ReflectionKind.TypeAlias | ReflectionKind.Reference
  for (const reflection of project.getReflectionsByKind(kinds)) {
    if (modelTypes.has(reflection.name) && reflection.parent?.parent === project) {
      project.removeReflection(reflection)
    }
  }
})
const project = await app.convert()
if (project === undefined || app.logger.hasErrors()) process.exit(1)
app.validate(project)
if (app.logger.hasErrors()) process.exit(1)
const out = app.options.getValue("out")
await app.generateDocs(project, out)
if (app.logger.hasErrors() || (app.options.getValue("treatWarningsAsErrors") && app.logger.hasWarnings())) {
  process.exit(1)
}
console.log(`TypeDoc: ${out} (${seconds(typedocStarted)})`)
if ((await snippets) !== 0) {
  console.error("the operation pages' snippets do not type-check (above)")
  process.exit(1)
}

const files = (dir: string): Array<string> =>
  readdirSync(dir, { recursive: true, encoding: "utf8" }).map((f) => join(dir, f)).filter((f) => statSync(f).isFile())
const all = files(out)
const html = all.filter((f) => f.endsWith(".html"))
const bytes = all.reduce((n, f) => n + statSync(f).size, 0)
console.log(`${html.length} HTML pages, ${(bytes / 1e6).toFixed(1)} MB`)

const broken = checkLinks(out)
if (broken.length > 0) {
  for (const b of broken) console.error(b)
  console.error(`${broken.length} broken links`)
  process.exit(1)
}
console.log(`links: all resolve; total ${seconds(started)}`)
