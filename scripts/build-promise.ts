/**
 * The build of `@smscx/promise` (called by scripts/build.ts after `tsc -b`): a self-contained
 * package, Effect and the `@smscx/*` packages it uses inlined, so that a Promise user installs one
 * package with no dependency (the published manifest drops `dependencies`: see .pnpmfile.mjs).
 *
 * - `build/esm`, for Node.js, Bun and Deno: one ES module per public module of `src/` (`index`,
 *   `Client`, `Api`, ...), split by esbuild so that code shared between them lives once, its
 *   chunks merged by rollup into `internal/base.js` and `internal/main.js` (see `mergeChunks`):
 *   few files, fully minified (the least to load and parse on a cold import), with source maps
 *   (to the original files, without their text).
 * - `build/module`, for bundlers (the `module`, `browser` and edge conditions of `exports`): the
 *   same with every module of the SDK's packages an entry too, so that a bundler drops what a
 *   program does not use as it would from the packages themselves (the bundle-size budget).
 * - `build/cjs`: the files of `build/esm` transpiled one by one to CommonJS (the chunks stay shared, as
 *   `require`s), so that `import` and `require` in one program get one copy of the code, and their
 *   source maps chained to the originals.
 * - `#defaultHttpClient` (the client's choice of `node:http` or `fetch` by runtime condition) stays
 *   an import, resolved by the nested package.json of each format to one more bundled entry, so
 *   that `node:http` is loaded on Node.js only and browser and edge bundles never see it.
 * - declarations bundled by rollup-plugin-dts, the types of `effect` and of the `@smscx/*`
 *   packages inlined (a user installs neither), once, in `build/cjs/internal/types`, re-exported
 *   by each entry of `build/dts` (ES module declarations, for `import`) and of `build/cjs` (for
 *   `require`). Every program that imports the client parses and binds that file, so it is kept
 *   small (bench/typecheck.ts): each type written once (scripts/dedupe-declarations.ts), Effect's
 *   declarations without their comments, and no comment that tsc would parse (`{@link}`).
 */
import remapping from "@jridgewell/remapping"
import * as esbuild from "esbuild"
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { basename, dirname, join, relative } from "node:path"
import { rollup } from "rollup"
import { dts } from "rollup-plugin-dts"
import ts from "typescript"
import { dedupeDeclarations } from "./dedupe-declarations.js"

/** The packages the bundle inlines, whose built declarations (`build/dts`) it reads. */
const workspacePackages = ["core", "transport", "client"]

/** Left as imports: Node.js modules, and the optional peers of the client's Redis pacing. */
const external = ["node:*", "ioredis", "@effect/experimental", "@effect/experimental/*"]

/**
 * Public modules for Node.js only, which may load Node.js modules: not in the barrel, and no other
 * public module reaches them (the check in `bundleEsm` still holds every other one to it).
 */
const nodeOnlyModules = new Set(["BulkJobFile", "BulkJobRedis", "RedisPacing"])

/** The import the client chooses its default HTTP client by (package.json `imports` of the client). */
const defaultHttpClient = "#defaultHttpClient"

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>

const filesOf = (dir: string, suffix: string): Array<string> =>
  readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(suffix))

/**
 * The targets of the client's `#defaultHttpClient` (`./src/FetchClient.ts`, ...), each bundled as
 * `internal/defaultHttpClient/<name>`, and the conditions rewritten to those files.
 */
const httpClientEntries = (root: string) => {
  const clientDir = join(root, "packages/client")
  const { imports } = readJson(join(clientDir, "package.json")) as {
    readonly imports: Record<string, Record<string, string>>
  }
  const conditions = imports[defaultHttpClient]
  if (conditions === undefined) throw new Error(`packages/client/package.json has no "${defaultHttpClient}" import`)
  const entries: Record<string, string> = {}
  const rewritten: Record<string, string> = {}
  for (const [condition, target] of Object.entries(conditions)) {
    const name = `internal/defaultHttpClient/${basename(target, ".ts")}`
    entries[name] = join(clientDir, target)
    rewritten[condition] = `./${name}.js`
  }
  return { entries, imports: { [defaultHttpClient]: rewritten } }
}

/**
 * Effect keeps its process-wide values (default services, fiber refs, caches) in one map on
 * `globalThis`, shared by every copy of Effect in the process so that copies dedupe. The bundle's
 * copy is private: sharing them with another copy (a user's own `effect`, `@smscx/sandbox`'s), of
 * another version, makes each run the other's effects and warn about it. Its map is its own.
 */
const privateGlobalValues: esbuild.Plugin = {
  name: "smscx-private-global-values",
  setup(build) {
    build.onLoad({ filter: /[\\/]effect[\\/]dist[\\/]esm[\\/]GlobalValue\.js$/ }, ({ path }) => {
      const code = readFileSync(path, "utf8")
      const privateCode = code.replace("`effect/GlobalValue`", "`effect/GlobalValue/@smscx/promise`")
      if (privateCode === code) throw new Error(`${path}: no \`effect/GlobalValue\` store id to make private`)
      return { contents: privateCode, loader: "js" }
    })
  }
}

/**
 * An ES module build of `entries`, split (code shared between entries lives once, in
 * `internal/chunk-*.js`); returns the source files it holds.
 */
const bundleEsm = async (
  pkgDir: string,
  outdir: string,
  entries: Record<string, string>,
  options: Pick<esbuild.BuildOptions, "minify" | "minifyIdentifiers" | "minifySyntax" | "sourcemap">,
  merge: boolean
) => {
  const result = await esbuild.build({
    entryPoints: entries,
    absWorkingDir: pkgDir,
    outdir,
    chunkNames: "internal/chunk-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    // neutral: no Node.js built-in is assumed; `node:*` stays an import of the node HTTP client only
    platform: "neutral",
    mainFields: ["module", "main"],
    target: "es2022",
    external: [...external, defaultHttpClient],
    sourcesContent: false,
    metafile: true,
    logLevel: "warning",
    plugins: [privateGlobalValues],
    ...options
  })
  // what a public module loads, chunks included (not `#defaultHttpClient`, resolved by runtime),
  // must not import a Node.js module: browsers and edge runtimes load it too
  const { outputs } = result.metafile
  const reached = new Set<string>()
  const visit = (file: string) => {
    if (reached.has(file) || outputs[file] === undefined) return
    reached.add(file)
    for (const imported of outputs[file].imports) if (!imported.external) visit(imported.path)
  }
  for (const [file, output] of Object.entries(outputs)) {
    const nodeOnly = nodeOnlyModules.has(basename(file, ".js"))
    if (output.entryPoint !== undefined && !file.includes("/internal/") && !nodeOnly) visit(file)
  }
  const nodeImports = [...reached].filter((file) => outputs[file]!.imports.some((i) => i.path.startsWith("node:")))
  if (nodeImports.length > 0) {
    throw new Error(`the @smscx/promise bundle's public modules load Node.js modules: ${nodeImports.join(", ")}`)
  }
  if (merge) {
    // what the default HTTP clients reach (`#defaultHttpClient`): their own chunks, the others'
    const forClients = new Set<string>()
    const reach = (file: string) => {
      if (forClients.has(file) || outputs[file] === undefined) return
      forClients.add(file)
      for (const imported of outputs[file].imports) if (!imported.external) reach(imported.path)
    }
    for (const file of Object.keys(outputs)) if (file.includes("/internal/defaultHttpClient/")) reach(file)
    const chunk = (files: Iterable<string>) =>
      new Set([...files].filter((file) => basename(file).startsWith("chunk-")).map((file) => join(pkgDir, file)))
    await mergeChunks(outdir, chunk(forClients), chunk([...reached].filter((file) => !forClients.has(file))))
  }
  return Object.keys(result.metafile.inputs).map((input) => join(pkgDir, input))
}

/**
 * esbuild puts the code its entries share in a chunk per set of entries sharing it: some twenty
 * files, and a cold import pays for each file it loads more than for its bytes. Rollup merges them
 * into the fewest a cold import needs: `internal/base` (the chunks the default HTTP clients reach:
 * the public modules' code imports a client through `#defaultHttpClient`, so what the client uses
 * must be evaluated before it, in a chunk of its own), `internal/main` (the other chunks the
 * public modules reach), and those only the Node.js-only modules reach, as esbuild made them. The
 * code stays as esbuild wrote it (no tree-shaking again), its source maps chained to the sources.
 */
const mergeChunks = async (dir: string, base: ReadonlySet<string>, main: ReadonlySet<string>) => {
  const written = filesOf(dir, ".js")
  const entries = Object.fromEntries(
    written.filter((file) => !basename(file).startsWith("chunk-")).map((file) => [file.slice(0, -3), join(dir, file)])
  )
  const warnings: Array<string> = []
  const bundle = await rollup({
    input: entries,
    treeshake: false,
    // what esbuild left as imports: Node.js modules, the optional peers, `#defaultHttpClient`
    external: (id) => !id.startsWith(".") && !id.startsWith("/"),
    plugins: [{
      name: "smscx-esbuild-output",
      load: (id) => ({
        code: readFileSync(id, "utf8").replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n"),
        map: readFileSync(`${id}.map`, "utf8")
      })
    }],
    onwarn: (warning) => warnings.push(warning.message)
  })
  if (warnings.length > 0) throw new Error(`merging the chunks of ${dir}:\n${warnings.join("\n")}`)
  // every file rollup read is replaced by what it writes
  for (const file of written) {
    rmSync(join(dir, file), { force: true })
    rmSync(join(dir, `${file}.map`), { force: true })
  }
  await bundle.write({
    dir,
    format: "es",
    entryFileNames: "[name].js",
    chunkFileNames: "internal/[name].js",
    manualChunks: (id) => (base.has(id) ? "base" : main.has(id) ? "main" : undefined),
    // the module code as esbuild minified it, and rollup's own as compact
    compact: true,
    hoistTransitiveImports: false,
    sourcemap: true,
    sourcemapExcludeSources: true
  })
  await bundle.close()
}

/**
 * esbuild shares a namespace (`Generated`, `Bulk`) between chunks as `var ns = {}; __export(ns,
 * {...})`, a call a bundler must keep, and with it every model the namespace names: made a call
 * marked pure, a program that does not use the namespace drops it.
 */
const pureNamespaces = (dir: string) => {
  for (const file of filesOf(dir, ".js")) {
    const code = readFileSync(join(dir, file), "utf8")
    const pure = code.replace(
      /^var ([\w$]+) = \{\};\n([\w$]+)\(\1, \{\n([\s\S]*?)\n\}\);$/gm,
      (_, namespace: string, define: string, getters: string) =>
        `var ${namespace} = /* @__PURE__ */ ((target) => (${define}(target, {\n${getters}\n}), target))({});`
    )
    if (pure !== code) writeFileSync(join(dir, file), pure)
  }
}

/** `build/cjs`: each ES module of `build/esm` as CommonJS, its source map chained to the sources. */
const transpileCjs = async (esm: string, cjs: string) => {
  await esbuild.build({
    entryPoints: filesOf(esm, ".js").map((file) => join(esm, file)),
    outbase: esm,
    outdir: cjs,
    bundle: false,
    format: "cjs",
    platform: "node",
    target: "es2022",
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    logLevel: "warning"
  })
  // esbuild maps the CommonJS to the ES module it was made from: chained through that one's map,
  // to the sources
  for (const file of filesOf(cjs, ".js.map")) {
    const chained = remapping(readFileSync(join(cjs, file), "utf8"), (source, { depth }) => {
      const map = join(dirname(join(cjs, file)), `${source}.map`)
      return depth === 1 && existsSync(map) ? readFileSync(map, "utf8") : null
    })
    writeFileSync(join(cjs, file), JSON.stringify(chained))
  }
}

/** Matches `declare module "./x.js" { ... }` in a declaration file as tsc writes it. */
const augmentation = /^declare module "([^"]+)" \{\n([\s\S]*?)^\}\n/gm

/**
 * Module augmentations do not survive bundling (their target is no longer a module). Effect's
 * augment Effect's own modules (`Context.Tag` as an `Effect`, ...), which nothing of the Promise
 * API relies on: dropped. Ours (Models filling `internal/namedTypes`' registry) must keep working:
 * each `interface X extends Y {}` moves into its target module as a declaration merged there,
 * with `Y` imported from the augmenting module.
 */
const augmentations = (root: string) => {
  const moved = new Map<string, Array<string>>()
  for (const name of workspacePackages) {
    const dts = join(root, "packages", name, "build/dts")
    for (const file of filesOf(dts, ".d.ts")) {
      const path = join(dts, file)
      for (const [, target, body] of readFileSync(path, "utf8").matchAll(augmentation)) {
        const targetPath = join(dirname(path), target!.replace(/\.js$/, ".d.ts"))
        const merged = [...body!.matchAll(/interface (\w+) extends (\w+) \{\s*\}/g)]
        if (merged.length === 0 || body!.replace(/interface \w+ extends \w+ \{\s*\}/g, "").trim() !== "") {
          throw new Error(
            `${path}: declare module "${target}" holds more than \`interface X extends Y {}\`, which the bundle of the declarations (scripts/build-promise.ts) cannot move`
          )
        }
        const from = `./${relative(dirname(targetPath), path).replace(/\.d\.ts$/, ".js")}`
        moved.set(targetPath, [
          ...(moved.get(targetPath) ?? []),
          ...merged.map(([, name, base]) =>
            `import type { ${base} } from "${from}"\nexport interface ${name} extends ${base} {}`
          )
        ])
      }
    }
  }
  return {
    name: "smscx-augmentations",
    transform(code: string, id: string) {
      const stripped = code.replace(augmentation, "")
      const added = moved.get(id)
      if (added === undefined) return stripped === code ? null : { code: stripped, map: null }
      return { code: `${stripped}\n${added.join("\n")}\n`, map: null }
    }
  }
}

/** A declaration file's comments and string literals, left as they are by `namedImports`. */
const commentOrString = /\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g

/** `code` with `replace` applied to its code only, not its comments and string literals. */
const inCode = (code: string, replace: (segment: string) => string) => {
  let out = ""
  let last = 0
  for (const match of code.matchAll(commentOrString)) {
    out += replace(code.slice(last, match.index)) + match[0]
    last = match.index + match[0].length
  }
  return out + replace(code.slice(last))
}

/**
 * Rollup names `AST$Members` back `Members` in the bundle, where a type parameter of that name
 * (`Union<Members extends AST.Members<...>>`) would shadow it: such a type parameter (of a name
 * that the file neither declares nor imports, nor uses as a property) becomes `Members_`.
 */
const unshadowed = (code: string, names: ReadonlySet<string>) => {
  let result = code
  for (const name of names) {
    const declared = new RegExp(
      `\\b(?:type|interface|class|function|const|let|var|namespace|enum) ${name}\\b|^import\\b[^\\n]*\\b${name}\\b|^export (?:type )?\\{[^}]*\\b${name}\\b|\\b${name}\\??:`,
      "m"
    )
    const typeParameter = new RegExp(`[<,]\\s*(?:const )?${name}(?: extends\\b|\\s*[,>=])`)
    const bare = new RegExp(`(?<![\\w$.])${name}(?![\\w$])`, "g")
    let used = false
    inCode(result, (segment) => {
      used ||= typeParameter.test(segment)
      return segment
    })
    if (used && !declared.test(result)) result = inCode(result, (segment) => segment.replace(bare, `${name}_`))
  }
  return result
}

/**
 * `import * as AST from "./SchemaAST.js"` and `AST.Members` become `import { Members as
 * AST$Members }` and `AST$Members`. rollup-plugin-dts flattens a namespace import into the names
 * it uses, without seeing that a type parameter (`Union<Members extends AST.Members<...>>`) or a
 * namespace's own type (`PropertySignature.AST`) shadows them there: with names of their own, the
 * references stay unambiguous. A namespace used otherwise than as `N.name` (or than a type of the
 * file's own of that name) is left as it is.
 */
const namedImports = {
  name: "smscx-named-imports",
  transform(code: string) {
    const namespaces = [...code.matchAll(/^import \* as ([\w$]+) from ("[^"]+"|'[^']+');\n/gm)]
      .filter(([, , from]) => !from!.slice(1).startsWith("node:"))
    if (namespaces.length === 0) return null
    let result = code
    for (const [line, namespace, from] of namespaces) {
      const body = result.replace(line, "")
      const names = new Set<string>()
      // a bare `AST` is a type of the file's own of that name (which has no namespace meaning, so
      // `AST.x` still means the import), unless it is a value (`typeof AST`) or there is no such type
      const ownType = new RegExp(
        `^\\s*(?:export )?(?:declare )?(?:type|interface|class) ${namespace!.replace("$", "\\$")}\\b`,
        "m"
      )
        .test(body)
      let onlyQualified = true
      inCode(body, (segment) => {
        const uses = new RegExp(`(typeof )?(?<![\\w$.])${namespace!.replace("$", "\\$")}(?![\\w$])(\\.([\\w$]+))?`, "g")
        for (const use of segment.matchAll(uses)) {
          if (use[3] !== undefined) names.add(use[3])
          else if (use[1] !== undefined || !ownType) onlyQualified = false
        }
        return segment
      })
      if (!onlyQualified) continue
      const renamed = inCode(body, (segment) =>
        segment.replace(
          new RegExp(`(?<![\\w$.])${namespace!.replace("$", "\\$")}\\.([\\w$]+)`, "g"),
          (_, name: string) => `${namespace}$${name}`
        ))
      const imports = names.size === 0
        ? ""
        : `import { ${[...names].map((name) => `${name} as ${namespace}$${name}`).join(", ")} } from ${from};\n`
      result = imports + unshadowed(renamed, names)
    }
    return { code: result, map: null }
  }
}

/**
 * The declarations of Effect and of what it uses (fast-check, for its schemas' arbitraries), without
 * their comments: a Promise user does not program against Effect, and every program that imports
 * the client would scan its documentation (and parse what of it says `@link` or `@see`).
 */
const uncommentedDependencies = {
  name: "smscx-uncommented-dependencies",
  transform(code: string, id: string) {
    if (!/[\\/]node_modules[\\/]/.test(id)) return null
    const file = ts.createSourceFile(id, code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS)
    return { code: ts.createPrinter({ removeComments: true }).printFile(file), map: null }
  }
}

/**
 * `{@link X}` (or `{@link X text}`) in the declarations' comments as `` `X` `` (or `text`). tsc
 * skips the documentation of declaration files, except a comment that says `@link` or `@see`, which
 * it parses in full (the operations' `@throws {@link ...}` lines, some 150 kB): a program that
 * imports the client type-checks markedly sooner without. An editor's hover shows the name as
 * code instead of as a link.
 */
const unlinked = (code: string) => {
  const plain = code.replace(
    /\{@link(?:code|plain)?\s+([^\s|}]+)(?:\s*\|?\s*([^}]*?))?\s*\}/g,
    (_, target: string, text: string | undefined) => (text === undefined || text === "" ? `\`${target}\`` : text)
  )
  const left = /@(?:see|link)/i.exec(plain)
  if (left !== null) {
    throw new Error(
      `bundled declarations: a comment still says ${left[0]}: ${plain.slice(left.index, left.index + 80)}`
    )
  }
  return plain
}

/** `build/dts`: the declarations of the public modules, bundled with those of what they use. */
const bundleDeclarations = async (root: string, dtsDir: string, publicModules: ReadonlyArray<string>) => {
  // tsc's declarations are the input; the bundle replaces them
  const built = join(dtsDir, "..", "dts-tsc")
  rmSync(built, { recursive: true, force: true })
  renameSync(dtsDir, built)
  // an entry that only re-exports its module, so that every declaration goes to the shared chunk
  const facades = join(built, "facades")
  mkdirSync(facades)
  for (const name of publicModules) writeFileSync(join(facades, `${name}.d.ts`), `export * from "../${name}.js"\n`)
  const warnings: Array<string> = []
  const bundle = await rollup({
    input: Object.fromEntries(publicModules.map((name) => [name, join(facades, `${name}.d.ts`)])),
    plugins: [
      {
        name: "smscx-workspace-declarations",
        resolveId(source: string) {
          const match = /^@smscx\/(core|transport|client)(?:\/(.*))?$/.exec(source)
          if (match === null) return null
          const file = join(root, "packages", match[1]!, "build/dts", `${match[2] ?? "index"}.d.ts`)
          if (!existsSync(file)) throw new Error(`${source}: no ${file} (is the package built?)`)
          return file
        }
      },
      augmentations(root),
      uncommentedDependencies,
      namedImports,
      dts({ respectExternal: true })
    ],
    external: (id) => id.startsWith("node:"),
    onwarn: (warning) => {
      // "private shared type exports": names a chunk shares without exporting them publicly, as
      // intended (the entries re-export what is public)
      if (!/private shared type exports/.test(warning.message)) warnings.push(warning.message)
    }
  })
  await bundle.write({
    dir: dtsDir,
    format: "es",
    entryFileNames: "[name].d.ts",
    chunkFileNames: "internal/types-[hash].d.ts",
    // every declaration in one shared chunk, shipped once (see buildPromise)
    manualChunks: (id) => (dirname(id) === facades ? undefined : "types")
  })
  await bundle.close()
  rmSync(built, { recursive: true, force: true })
  // every declaration is in the shared chunk: a type written out twice there is written once
  for (const file of filesOf(join(dtsDir, "internal"), ".d.ts")) {
    const path = join(dtsDir, "internal", file)
    writeFileSync(path, unlinked(dedupeDeclarations(readFileSync(path, "utf8"))))
  }
  if (warnings.length > 0) {
    throw new Error(`bundling the declarations of @smscx/promise:\n${warnings.join("\n")}`)
  }
  const leaks = filesOf(dtsDir, ".d.ts").filter((file) =>
    /^(?:import|export)\b[^\n]*from ["'](?:effect|@effect\/|@smscx\/)|import\(["'](?:effect|@effect\/|@smscx\/)/m.test(
      readFileSync(join(dtsDir, file), "utf8")
    )
  )
  if (leaks.length > 0) throw new Error(`bundled declarations still import effect or @smscx: ${leaks.join(", ")}`)
}

export const buildPromise = async (root: string) => {
  const pkgDir = join(root, "packages/promise")
  const build = join(pkgDir, "build")
  const esm = join(build, "esm")
  const module = join(build, "module")
  const cjs = join(build, "cjs")
  const dtsDir = join(build, "dts")
  // the public modules: what `tsc -b` compiled at the top of `src/`
  const publicModules = readdirSync(esm).filter((file) => file.endsWith(".js")).map((file) => basename(file, ".js"))
  for (const dir of [esm, module, cjs]) rmSync(dir, { recursive: true, force: true })
  const http = httpClientEntries(root)
  const entries = {
    ...Object.fromEntries(publicModules.map((name) => [name, join(pkgDir, "src", `${name}.ts`)])),
    ...http.entries
  }
  // For Node.js, Bun and Deno: few files (each costs a cold import more than its bytes), fully
  // minified (the least to parse), with source maps.
  const sources = await bundleEsm(pkgDir, esm, entries, { minify: true, sourcemap: true }, true)
  // For bundlers (the `module`, `browser` and edge conditions): every module of the SDK's
  // packages an entry too, so that chunks follow modules and a bundler drops the ones a program
  // does not use, as it would from the packages themselves; identifiers minified but not
  // whitespace, which would drop the `/* @__PURE__ */` marks a bundler shakes by.
  const sdkModules = sources.flatMap((source) => {
    const match = /packages\/(core|transport|client)\/src\/(.*)\.ts$/.exec(source)
    return match === null ? [] : [[`internal/${match[1]}/${match[2]}`, source] as const]
  })
  await bundleEsm(pkgDir, module, { ...Object.fromEntries(sdkModules), ...entries }, {
    minifyIdentifiers: true,
    minifySyntax: true,
    sourcemap: false
  }, false)
  pureNamespaces(module)
  await transpileCjs(esm, cjs)
  await bundleDeclarations(root, dtsDir, publicModules)
  // The declarations once, in `build/cjs/internal/types` (CommonJS ones, by the nested
  // package.json there, which ES modules may import too), re-exported by an entry of each format:
  // `build/dts` (ES module declarations, for `import`) and `build/cjs` (for `require`).
  renameSync(join(dtsDir, "internal"), join(cjs, "internal", "types"))
  for (const file of readdirSync(dtsDir).filter((file) => file.endsWith(".d.ts"))) {
    const entry = readFileSync(join(dtsDir, file), "utf8")
    if (/^(?!export\b)\S/m.test(entry.replaceAll(/^\s.*$/gm, ""))) {
      throw new Error(`build/dts/${file}: an entry of the declarations declares more than re-exports`)
    }
    writeFileSync(join(cjs, file), entry.replaceAll("'./internal/", "'./internal/types/"))
    writeFileSync(join(dtsDir, file), entry.replaceAll("'./internal/", "'../cjs/internal/types/"))
  }
  const manifest = (fields: Record<string, unknown>) => JSON.stringify(fields, null, 2) + "\n"
  writeFileSync(join(dtsDir, "package.json"), manifest({ type: "module" }))
  for (const dir of [esm, module]) {
    writeFileSync(join(dir, "package.json"), manifest({ type: "module", sideEffects: false, imports: http.imports }))
  }
  writeFileSync(join(cjs, "package.json"), manifest({ type: "commonjs", sideEffects: false, imports: http.imports }))
  console.log("built packages/promise/build (esm, module, cjs: bundled; dts: bundled declarations)")
}
