/**
 * The bundle-size budget: esbuild bundles (minified, ESM, gzip) of the programs in
 * `bench/bundle/` that send one SMS, for Node (the default `node:http` client) and for browsers
 * and edge runtimes (`fetch`). `pnpm bundle-size` prints them; `--check` (in CI) fails when a
 * budgeted program is over 100 KB min+gz. The all-groups programs are reported, not budgeted:
 * they carry all 100 operations.
 */
import * as esbuild from "esbuild"
import { gzipSync } from "node:zlib"

/** 100 KB, in bytes (1 KB = 1,000 bytes), minified and gzipped. */
export const BUDGET = 100_000

export interface Measure {
  readonly entry: string
  readonly platform: "node" | "browser"
  readonly minified: number
  readonly gzipped: number
  readonly budgeted: boolean
}

/** The programs; those budgeted provide only the group they use, as the README shows. */
export const entries: ReadonlyArray<{ readonly entry: string; readonly budgeted: boolean }> = [
  { entry: "effect-send-sms", budgeted: true },
  { entry: "promise-send-sms", budgeted: true },
  { entry: "effect-send-sms-all-groups", budgeted: false },
  { entry: "effect-send-sms-barrel", budgeted: false },
  { entry: "promise-send-sms-all-groups", budgeted: false }
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

if (import.meta.url === `file://${process.argv[1]}`) {
  const measures = await measure()
  console.log(table(measures))
  const over = measures.filter((m) => m.budgeted && m.gzipped > BUDGET)
  if (process.argv.includes("--check") && over.length > 0) {
    console.error(`\nover the ${fmt(BUDGET)}-byte budget: ${over.map((m) => `${m.entry} (${m.platform})`).join(", ")}`)
    process.exit(1)
  }
}
