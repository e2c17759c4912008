/**
 * The bundle-size budget: esbuild bundles (minified, ESM, gzip) of the programs in
 * `bench/bundle/` that send one SMS, for Node (the default `node:http` client) and for browsers
 * and edge runtimes (`fetch`).
 *
 * - `pnpm bundle-size` prints them (`--budget`: the budget alone, for scripts/consumer-check.sh);
 * - `--write` also writes them into README.md, between `<!-- bundle-size:start -->` and
 *   `<!-- bundle-size:end -->` (the "Smaller bundles" section), so that the README's figures are
 *   the measured ones, never typed by hand;
 * - `--check` (in CI) fails when a budgeted program is over the budget (`BUDGET`, min+gz), or when
 *   the README's figures are not what `--write` would write (the lockfile pins esbuild, so the
 *   same sources give the same bytes).
 *
 * The all-groups programs are reported, not budgeted: they carry all 100 operations.
 */
import * as esbuild from "esbuild"
import { readFileSync, writeFileSync } from "node:fs"
import { gzipSync } from "node:zlib"

/**
 * 105 KB, in bytes (1 KB = 1,000 bytes), minified and gzipped. It was 100 KB, then 102 KB for the
 * fixes of issue 16 (prototype-safe answers, safe export file names, downloads that fail rather
 * than end cut, paging that stops on a repeated cursor: ~1 KB on every call's path). Issue 19's
 * per-call work added ~1.8 KB: direct calls through the SDK's own clients' exchange and fiberless
 * Promise calls (client CPU per call down from ~120-130 µs to ~33-45 µs against bare node:http's
 * 32), and lazy schemas (a cold import ~40% faster); then ~0.6 KB for encoding each call's input
 * with FastParse instead of the schema's parse result (~12 µs less client CPU a sendSms, a sixth
 * of it; answers are checked by the same compiled code, which was JsonGuard's own). What is left
 * is mostly fixed: the platform's response class pulls in Stream, and a bare program with the
 * same Effect features is 80 KB.
 */
export const BUDGET = 105_000

export interface Measure {
  readonly entry: string
  readonly platform: "node" | "browser"
  readonly minified: number
  readonly gzipped: number
  readonly budgeted: boolean
}

/**
 * The programs; those budgeted provide only the group they use, as the README shows. `label`
 * is the program's row in the README.
 */
export const entries: ReadonlyArray<{ readonly entry: string; readonly budgeted: boolean; readonly label: string }> = [
  {
    entry: "effect-send-sms",
    budgeted: true,
    label: "Effect, the Sms group only (`Sms.layer` over `SmsCx.layerTransport`)"
  },
  { entry: "promise-send-sms", budgeted: true, label: "Promise, the Sms group only (`createClient({ sms: Sms })`)" },
  { entry: "effect-send-sms-all-groups", budgeted: false, label: "Effect, every group (`SmsCx.layer`)" },
  {
    entry: "effect-send-sms-barrel",
    budgeted: false,
    label: "Effect, every group, importing from the `effect` barrel (`import { Effect } from \"effect\"`)"
  },
  { entry: "promise-send-sms-all-groups", budgeted: false, label: "Promise, every group (`new SmsCx()`)" }
]

export const measure = async (): Promise<ReadonlyArray<Measure>> => {
  const out: Array<Measure> = []
  for (const { budgeted, entry } of entries) {
    for (const platform of ["node", "browser"] as const) {
      const result = await esbuild.build({
        entryPoints: [new URL(`../bench/bundle/${entry}.ts`, import.meta.url).pathname],
        bundle: true,
        minify: true,
        format: "esm",
        platform,
        write: false,
        logLevel: "silent",
        ...(platform === "browser" ? { define: { "process.env.SMSCX_API_KEY": "undefined" } } : {})
      })
      const code = result.outputFiles[0]!.contents
      out.push({ entry, platform, minified: code.length, gzipped: gzipSync(code).length, budgeted })
    }
  }
  return out
}

const fmt = (n: number) => n.toLocaleString("en-US")

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`

export const table = (measures: ReadonlyArray<Measure>): string =>
  [
    "| program | platform | min bytes | min+gz bytes | budget |",
    "|---|---|---:|---:|---|",
    ...measures.map((m) =>
      `| ${m.entry} | ${m.platform} | ${fmt(m.minified)} | ${fmt(m.gzipped)} | ${
        m.budgeted ? (m.gzipped <= BUDGET ? `ok (${((m.gzipped / BUDGET) * 100).toFixed(1)}%)` : "OVER") : "reported"
      } |`
    )
  ].join("\n")

export const START = "<!-- bundle-size:start -->"
export const END = "<!-- bundle-size:end -->"

/** What `--write` puts between the README's markers: a row per program, min+gz per platform. */
export const readmeBlock = (measures: ReadonlyArray<Measure>): string => {
  const of = (entry: string, platform: Measure["platform"]) => {
    const found = measures.find((m) => m.entry === entry && m.platform === platform)
    if (found === undefined) throw new Error(`no measure of ${entry} (${platform})`)
    return kb(found.gzipped)
  }
  return [
    "| a program sending one SMS | browser, edge (`fetch`) | Node.js (`node:http`) |",
    "|---|---:|---:|",
    ...entries.map(({ entry, label }) => `| ${label} | ${of(entry, "browser")} | ${of(entry, "node")} |`),
    "",
    `esbuild, minified, ESM, gzip; Effect and \`@effect/platform\` included. Budget for the programs of the Sms group only: ${
      kb(BUDGET)
    } (\`pnpm bundle-size --check\` fails over it).`
  ].join("\n")
}

/** `text` with the block between the markers replaced; an error when the markers are not there once. */
export const withBlock = (text: string, block: string): string => {
  const start = text.indexOf(START)
  const end = text.indexOf(END)
  if (start === -1 || end < start || text.indexOf(START, start + 1) !== -1) {
    throw new Error(`README.md needs one ${START} ... ${END} pair`)
  }
  return `${text.slice(0, start + START.length)}\n${block}\n${text.slice(end)}`
}

const README = new URL("../README.md", import.meta.url)

if (import.meta.url === `file://${process.argv[1]}` && process.argv.includes("--budget")) {
  // the budget alone, for scripts/consumer-check.sh's bundles
  console.log(BUDGET)
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const measures = await measure()
  console.log(table(measures))
  const readme = readFileSync(README, "utf8")
  const expected = withBlock(readme, readmeBlock(measures))
  if (process.argv.includes("--write")) {
    if (expected !== readme) writeFileSync(README, expected)
    console.log(`\nREADME.md: ${expected === readme ? "figures already current" : "figures written"}`)
  }
  if (process.argv.includes("--check")) {
    const over = measures.filter((m) => m.budgeted && m.gzipped > BUDGET)
    if (over.length > 0) {
      console.error(
        `\nover the ${fmt(BUDGET)}-byte budget: ${over.map((m) => `${m.entry} (${m.platform})`).join(", ")}`
      )
      process.exitCode = 1
    }
    if (expected !== readme) {
      console.error(
        "\nREADME.md's bundle figures are not the measured ones: run `pnpm bundle-size --write` and commit README.md"
      )
      process.exitCode = 1
    }
  }
}
