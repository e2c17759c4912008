/**
 * `pnpm build`: the publishable output of every package, next to its sources (which the repo's
 * own `exports` keep using; the published `exports` come from each `publishConfig`):
 *
 * - `build/esm`: ES modules, `build/dts`: declarations (+ declaration maps), both from
 *   `tsc -b tsconfig.build.json` (per package `tsconfig.build.json`, `rootDir: src`, no tests);
 * - `build/cjs`: CommonJS, the ESM output transpiled file by file with esbuild.
 *
 * `build/esm` and `build/cjs` carry a nested package.json (`"type": "module"` / `"commonjs"`),
 * as Effect's packages do. The declarations ship once (see `esmDeclarationStubs`): `build/dts`
 * holds CommonJS declarations, `build/esm` an ES module stub per public module that re-exports
 * them, so that attw finds the declarations of each condition in its JavaScript's format (one set
 * for both, as Effect ships, is "Masquerading as CJS" for node16 `import`). The Promise package
 * is bundled, Effect inlined, by `scripts/build-promise.ts`. Before compiling, writes `packages/transport/src/internal/version.ts` from the transport package's
 * version (the User-Agent's) and `packages/sandbox/src/internal/version.ts` from the sandbox's (its
 * CLI's `--version`), and copies the root LICENSE into each package (what its tarball ships, with
 * its README and the CHANGELOG.md that `pnpm version-packages` writes).
 */
import * as esbuild from "esbuild"
import { execFileSync } from "node:child_process"
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { buildPromise } from "./build-promise.js"

const root = fileURLToPath(new URL("..", import.meta.url))
const packages = ["core", "transport", "client", "promise", "sandbox"]

/**
 * The versions compiled into the packages: the transport's (the User-Agent's) and the sandbox's
 * (its CLI's `--version`), each written from its package.json when it differs.
 */
for (const pkg of ["transport", "sandbox"]) {
  const versionFile = join(root, "packages", pkg, "src/internal/version.ts")
  const { version } = JSON.parse(readFileSync(join(root, "packages", pkg, "package.json"), "utf8")) as {
    readonly version: string
  }
  const versionSource = `/**
 * Written by \`pnpm build\` (scripts/build.ts) from packages/${pkg}/package.json; a test checks
 * that the two agree.
 *
 * @internal
 */
export const version = ${JSON.stringify(version)}
`
  if (!existsSync(versionFile) || readFileSync(versionFile, "utf8") !== versionSource) {
    writeFileSync(versionFile, versionSource)
    console.log(`wrote ${versionFile} (${version})`)
  }
}

const license = readFileSync(join(root, "LICENSE"), "utf8")
for (const name of packages) {
  // what every tarball ships besides the code: npm packs README and LICENSE by itself, not the
  // CHANGELOG.md that `pnpm version-packages` writes, so `files` must name it
  const { files = [] } = JSON.parse(readFileSync(join(root, "packages", name, "package.json"), "utf8")) as {
    readonly files?: ReadonlyArray<string>
  }
  const missing = ["README.md", "CHANGELOG.md", "LICENSE"].filter((file) => !files.includes(file))
  if (missing.length > 0) {
    throw new Error(`packages/${name}/package.json: "files" must list ${missing.join(", ")}`)
  }
  const target = join(root, "packages", name, "LICENSE")
  if (!existsSync(target) || readFileSync(target, "utf8") !== license) {
    writeFileSync(target, license)
    console.log(`wrote ${target} (the root LICENSE)`)
  }
}

for (const name of packages) rmSync(join(root, "packages", name, "build"), { recursive: true, force: true })

execFileSync(join(root, "node_modules/.bin/tsc"), ["-b", "tsconfig.build.json"], { cwd: root, stdio: "inherit" })

const filesOf = (dir: string, suffixes: ReadonlyArray<string>): Array<string> =>
  readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((file) =>
    suffixes.some((suffix) => file.endsWith(suffix))
  )

/** `./src/internal/x.ts` -> `./internal/x.js` (or `.d.ts`), in every target of an `imports` map. */
const rewrite = (value: unknown, extension: string): unknown => {
  if (typeof value === "string") return value.replace(/^\.\/src\/(.*)\.ts$/, `./$1${extension}`)
  if (value === null || typeof value !== "object") return value
  return Object.fromEntries(Object.entries(value).map(([key, target]) => [key, rewrite(target, extension)]))
}

/**
 * How each package ships its declarations, once: `build/dts` (as tsc writes them) are CommonJS
 * declarations (a nested package.json says so), what `require` and `types` resolve to, as Effect's
 * own are; `import` resolves to a stub per public module in `build/esm`, an ES module declaration
 * that re-exports the CommonJS one (an ES module may import CommonJS; the reverse fails under
 * node16 with skipLibCheck off). attw then sees each condition's types in its JavaScript's format.
 */
const esmDeclarationStubs = (dts: string, esm: string) => {
  for (const file of readdirSync(dts).filter((f) => f.endsWith(".d.ts"))) {
    const module = file.slice(0, -".d.ts".length)
    writeFileSync(join(esm, file), `export * from "../dts/${module}.js"\n`)
  }
}

// @smscx/promise is bundled, Effect inlined (scripts/build-promise.ts); the others file by file
for (const name of packages.filter((name) => name !== "promise")) {
  const build = join(root, "packages", name, "build")
  const esm = join(build, "esm")
  const cjs = join(build, "cjs")
  await esbuild.build({
    entryPoints: filesOf(esm, [".js"]).map((file) => join(esm, file)),
    outbase: esm,
    outdir: cjs,
    format: "cjs",
    platform: "node",
    target: "node20",
    bundle: false,
    sourcemap: true,
    logLevel: "warning"
  })
  const dts = join(build, "dts")
  esmDeclarationStubs(dts, esm)
  // A nested package.json is also the scope of `#imports` for the files under it, so the
  // package's `imports` (`./src/internal/x.ts`) go there too, rewritten to the built files.
  const { imports } = JSON.parse(readFileSync(join(root, "packages", name, "package.json"), "utf8")) as {
    readonly imports?: Record<string, unknown>
  }
  const nested = (manifest: Record<string, unknown>, extension: string) =>
    JSON.stringify(imports === undefined ? manifest : { ...manifest, imports: rewrite(imports, extension) }, null, 2) +
    "\n"
  writeFileSync(join(dts, "package.json"), nested({ type: "commonjs" }, ".d.ts"))
  writeFileSync(join(esm, "package.json"), nested({ type: "module", sideEffects: false }, ".js"))
  writeFileSync(join(cjs, "package.json"), nested({ type: "commonjs", sideEffects: false }, ".js"))
  for (const dir of [esm, cjs]) {
    const bin = join(dir, "bin.js")
    if (existsSync(bin)) chmodSync(bin, 0o755)
  }
  console.log(`built packages/${name}/build (esm, cjs, dts)`)
}
await buildPromise(root)
