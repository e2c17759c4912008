/**
 * `pnpm check:snippets`: every TypeScript block (```ts, ```typescript) of `README.md`,
 * `packages/*\/README.md` and the guides `docs/*.md` type-checks, as one TypeScript program
 * with the repository's compiler options, the workspace packages resolved as the examples
 * resolve them. A failure is reported at its file and line.
 *
 * A block is a module of its own, unless an HTML comment on the line(s) just before it says:
 *
 * - `<!-- snippet: prelude=effect -->`: a fragment of an Effect program. It runs inside an
 *   `Effect.gen` where `sms`, `reports`, `numbers` are bound, with the usual imports (every
 *   group's service among them) and the placeholder values below declared (its own imports
 *   are hoisted, and win over the prelude's).
 * - `<!-- snippet: prelude=promise -->`: a fragment of a Promise program, with `client` (a
 *   `SmsCx` of `@smscx/promise`), top-level `await`, and the same placeholders.
 * - `<!-- snippet: prelude=styles -->`: a block of an `// Effect` part and a `// Promise` part
 *   (lines starting with those comments), each checked with its style's prelude.
 * - `; declare name: Type` after a prelude (`<!-- snippet: prelude=promise; declare id: number -->`):
 *   a value the fragment uses that its text shows only in a comment.
 * - `<!-- snippet: skip (why) -->`: not checked; keep these rare and say why.
 *
 * Without a prelude, a block with `// Effect` and `// Promise` parts is checked as two modules
 * (lines before the first part belong to both), so the same name can be imported in each.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"
import * as Api from "../packages/core/src/Api.js"

const root = fileURLToPath(new URL("..", import.meta.url))

/** The placeholders README fragments use, typed as the SDK types them. */
const PLACEHOLDERS = `
declare const period: string
declare const to: Array<string>
declare const from: string
declare const text: string
declare const campaignId: string
declare const groupId: number
declare const exportsDir: string
declare const signal: AbortSignal
declare const numbersFrom: (path: string) => Stream.Stream<string>
declare const readLines: (path: string) => AsyncIterable<string>
declare const bar: { readonly update: (value: number, payload?: object) => void }
`

interface Prelude {
  /** Import lines, one name each, dropped when the snippet imports that name itself. */
  readonly imports: ReadonlyArray<{ readonly name: string; readonly line: string }>
  readonly declarations: string
  readonly open: string
  readonly close: string
}

const named = (from: string, names: ReadonlyArray<string>, type = false) =>
  names.map((name) => ({ name, line: `import ${type ? "type " : ""}{ ${name} } from "${from}"` }))

const PRELUDES: Record<"effect" | "promise", Prelude> = {
  effect: {
    imports: [
      // every group's service (`Sms`, `Optouts`, ...), as the operation entries name them
      ...named("@smscx/client", [
        "Bulk",
        "SmsCx",
        ...Object.values(Api.groups).map((ops) => Object.values(ops)[0]!.group)
      ]),
      ...named("effect", ["Console", "Effect", "Layer", "Redacted", "Schedule", "Stream"]),
      ...named("@smscx/core", ["SendSmsRequest"], true)
    ],
    declarations: `${PLACEHOLDERS}
declare const apiKey: Redacted.Redacted<string>
declare const request: SendSmsRequest
`,
    // the snippet in a block of its own: its names may shadow the prelude's
    open:
      "export const snippet = Effect.gen(function*() {\n  const sms = yield* Sms\n  const reports = yield* Reports\n" +
      "  const numbers = yield* Numbers\n  {",
    close: "  }\n})"
  },
  promise: {
    imports: [
      ...named("@smscx/promise", ["BulkSendError", "SmsCx"]),
      ...named("@smscx/promise", ["SendSmsRequest"], true),
      ...named("effect", ["Stream"], true)
    ],
    declarations: `${PLACEHOLDERS}
declare const client: SmsCx
declare const apiKey: string
declare const request: SendSmsRequest
declare const message: Parameters<SmsCx["bulk"]["sms"]>[1]
`,
    open: "{",
    close: "}"
  }
}

type Marker =
  | { readonly _tag: "Module" }
  | { readonly _tag: "Skip"; readonly reason: string }
  | {
    readonly _tag: "Prelude"
    readonly name: "effect" | "promise" | "styles"
    /** `declare name: Type` parts: what the fragment uses that neither it nor the prelude declares. */
    readonly declares: ReadonlyArray<string>
  }

interface Block {
  readonly file: string
  /** The README line of the block's first code line (1-based). */
  readonly line: number
  readonly lines: ReadonlyArray<string>
  readonly marker: Marker
}

const MARKER = /^<!--\s*snippet:\s*(.*?)\s*-->$/

const parseMarker = (text: string, where: string): Marker => {
  const skip = /^skip\s*\((.+)\)$/.exec(text)
  if (skip) return { _tag: "Skip", reason: skip[1]! }
  const [first, ...rest] = text.split(";").map((part) => part.trim())
  const prelude = /^prelude=(effect|promise|styles)$/.exec(first ?? "")
  const declares = rest.map((part) => /^declare\s+(\w+\s*:.+)$/.exec(part)?.[1])
  if (prelude && declares.every((d) => d !== undefined)) {
    return { _tag: "Prelude", name: prelude[1] as "effect" | "promise" | "styles", declares: declares as Array<string> }
  }
  throw new Error(
    `${where}: unknown snippet marker "${text}" (prelude=effect|promise|styles, then "; declare name: Type" parts, or skip (why))`
  )
}

/** The TypeScript blocks of a Markdown file, with the marker before each. */
export const blocksOf = (file: string, markdown: string): Array<Block> => {
  const lines = markdown.split("\n")
  const blocks: Array<Block> = []
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i]!)
    if (!fence) continue
    const [, indent, marks, lang] = fence
    let end = i + 1
    while (end < lines.length && !lines[end]!.trimStart().startsWith(marks!)) end++
    if (lang === "ts" || lang === "typescript") {
      let before = i - 1
      while (before >= 0 && lines[before]!.trim() === "") before--
      const comment = before >= 0 ? MARKER.exec(lines[before]!.trim()) : null
      blocks.push({
        file,
        line: i + 2,
        lines: lines.slice(i + 1, end).map((l) => (l.startsWith(indent!) ? l.slice(indent!.length) : l)),
        marker: comment ? parseMarker(comment[1]!, `${file}:${before + 1}`) : { _tag: "Module" }
      })
    }
    i = end
  }
  return blocks
}

/** A line of a generated module, with the README line it comes from (none for a prelude's). */
interface Line {
  readonly text: string
  readonly from: number | undefined
}

interface Module {
  readonly block: Block
  readonly name: string
  readonly lines: ReadonlyArray<Line>
}

const SECTION = /^\/\/ (Effect|Promise)\b/

/** The `// Effect` / `// Promise` parts of a block (lines before the first part go to each). */
const sectionsOf = (block: Block): Array<{ readonly style?: "effect" | "promise"; readonly lines: Array<Line> }> => {
  const lines: Array<Line> = block.lines.map((text, i) => ({ text, from: block.line + i }))
  const heads = lines.flatMap((l, i) => (SECTION.test(l.text) ? [i] : []))
  const styles = new Set(heads.map((i) => SECTION.exec(lines[i]!.text)![1]))
  if (heads.length < 2 || styles.size < 2) {
    const style = heads.length > 0
      ? (SECTION.exec(lines[heads[0]!]!.text)![1]!.toLowerCase() as "effect" | "promise")
      : undefined
    return [style === undefined ? { lines } : { style, lines }]
  }
  const common = lines.slice(0, heads[0])
  return heads.map((start, k) => ({
    style: SECTION.exec(lines[start]!.text)![1]!.toLowerCase() as "effect" | "promise",
    lines: [...common, ...lines.slice(start, heads[k + 1] ?? lines.length)]
  }))
}

/** The top-level import declarations of a snippet: their line indexes and the names they bind. */
const importsOf = (lines: ReadonlyArray<Line>) => {
  const text = lines.map((l) => l.text).join("\n")
  const source = ts.createSourceFile("snippet.mts", text, ts.ScriptTarget.ES2022, true)
  const indexes = new Set<number>()
  const names = new Set<string>()
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement)) continue
    const first = source.getLineAndCharacterOfPosition(statement.getStart(source)).line
    const last = source.getLineAndCharacterOfPosition(statement.getEnd()).line
    for (let i = first; i <= last; i++) indexes.add(i)
    const clause = statement.importClause
    if (clause?.name) names.add(clause.name.text)
    const bindings = clause?.namedBindings
    if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text)
    if (bindings && ts.isNamedImports(bindings)) { for (const e of bindings.elements) names.add(e.name.text) }
  }
  return { indexes, names }
}

const modulesOf = (block: Block, index: number): Array<Module> => {
  if (block.marker._tag === "Skip") return []
  const marker = block.marker
  return sectionsOf(block).map((section, k) => {
    const name = `${relative(root, block.file).replace(/[^\w]+/g, "_")}_${block.line}_${index}_${k}`
    const preludeName = marker._tag === "Prelude"
      ? (marker.name === "styles" ? section.style : marker.name)
      : undefined
    if (marker._tag === "Prelude" && preludeName === undefined) {
      throw new Error(
        `${relative(root, block.file)}:${block.line}: prelude=styles needs "// Effect" and "// Promise" parts`
      )
    }
    if (preludeName === undefined) {
      return { block, name, lines: [...section.lines, { text: "export {}", from: undefined }] }
    }
    const prelude = PRELUDES[preludeName]
    const { indexes, names } = importsOf(section.lines)
    const own = (text: string): Array<Line> => text.split("\n").map((t) => ({ text: t, from: undefined }))
    return {
      block,
      name,
      lines: [
        ...prelude.imports.filter((i) => !names.has(i.name.split(" as ").pop()!)).map((i) => ({
          text: i.line,
          from: undefined
        })),
        ...section.lines.filter((_, i) => indexes.has(i)),
        ...own(prelude.declarations),
        ...(marker._tag === "Prelude"
          ? marker.declares.map((d) => ({ text: `declare const ${d}`, from: undefined }))
          : []),
        ...own(prelude.open),
        ...section.lines.filter((_, i) => !indexes.has(i)),
        ...own(prelude.close)
      ]
    }
  })
}

/** The README files (the root's and each package's) and the guides in `docs/`. */
export const readmes = (): Array<string> => [
  join(root, "README.md"),
  ...readdirSync(join(root, "docs"), { withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith(".md"))
    .map((d) => join(root, "docs", d.name)),
  ...readdirSync(join(root, "packages"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(root, "packages", d.name, "README.md"))
    .filter((f) => existsSync(f))
]

/** The compiler options of the repository (tsconfig.base.json), for fragments. */
const compilerOptions = (): ts.CompilerOptions => {
  const configFile = join(root, "tsconfig.base.json")
  const { config } = ts.readConfigFile(configFile, ts.sys.readFile)
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, configFile)
  // a README fragment may declare what it does not use yet
  return { ...parsed.options, noUnusedLocals: false, noUnusedParameters: false, noEmit: true, composite: false }
}

export interface Failure {
  readonly where: string
  readonly message: string
}

/** Type-checks every snippet of `files`; the failures, each at its README line. */
export const checkSnippets = (
  files: ReadonlyArray<string>
): { readonly failures: Array<Failure>; readonly checked: number; readonly skipped: Array<string> } => {
  const blocks = files.flatMap((f) => blocksOf(f, readFileSync(f, "utf8")))
  const skipped = blocks.flatMap((b) =>
    b.marker._tag === "Skip" ? [`${relative(root, b.file)}:${b.line} (${b.marker.reason})`] : []
  )
  const modules = blocks.flatMap(modulesOf)
  // the modules live, in memory, where the examples are: workspace packages resolve from there
  const dir = join(root, "examples", "__readme_snippets__")
  const virtual = new Map(modules.map((m) => [join(dir, `${m.name}.mts`), m]))
  const options = compilerOptions()
  const host = ts.createCompilerHost(options)
  const text = (m: Module) => m.lines.map((l) => l.text).join("\n")
  const fileExists = host.fileExists.bind(host)
  const readFile = host.readFile.bind(host)
  const getSourceFile = host.getSourceFile.bind(host)
  host.fileExists = (f) => virtual.has(f) || fileExists(f)
  host.readFile = (f) => (virtual.has(f) ? text(virtual.get(f)!) : readFile(f))
  host.getSourceFile = (f, language, onError, create) => {
    const m = virtual.get(f)
    return m === undefined
      ? getSourceFile(f, language, onError, create)
      : ts.createSourceFile(f, text(m), language, true)
  }
  const program = ts.createProgram({ rootNames: [...virtual.keys()], options, host })
  const failures: Array<Failure> = []
  // the snippets' own diagnostics: the packages' sources are `pnpm check`'s
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...[...virtual.keys()].flatMap((f) => {
      const source = program.getSourceFile(f)!
      return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]
    })
  ]
  for (const d of diagnostics) {
    const message = `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`
    const m = d.file === undefined ? undefined : virtual.get(d.file.fileName)
    if (d.file === undefined || m === undefined) {
      failures.push({ where: d.file?.fileName ?? "(program)", message })
      continue
    }
    const line = d.file.getLineAndCharacterOfPosition(d.start ?? 0).line
    const from = m.lines[line]?.from
    const readme = relative(root, m.block.file)
    failures.push({
      where: from === undefined ? `${readme}:${m.block.line} (in the prelude of this block)` : `${readme}:${from}`,
      message
    })
  }
  return { failures, checked: modules.length, skipped }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  // `tsx scripts/readme-snippets.ts [file.md ...]`: those files instead (the API reference's pages)
  const started = performance.now()
  const given = process.argv.slice(2)
  const files = given.length > 0 ? given.map((f) => resolve(f)) : readmes()
  const { checked, failures, skipped } = checkSnippets(files)
  for (const f of failures) console.error(`${f.where}: ${f.message}`)
  if (given.length === 0) { for (const s of skipped) console.log(`skipped ${s}`) }
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  console.log(
    `${checked} snippets from ${files.length} Markdown files type-checked in ${seconds} s (${skipped.length} skipped)`
  )
  if (failures.length > 0) {
    console.error(`${failures.length} type errors in Markdown snippets`)
    process.exit(1)
  }
}
