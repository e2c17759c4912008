/**
 * Type-check of a 4-line program (import the client, construct it, await one call, log a field)
 * with `tsc --noEmit --extendedDiagnostics`, against the declarations an npm user installs
 * (installs.ts: the packed Promise client, stripe, openai), and an empty program as the floor.
 * Options as a user's project: strict, module node16, lib ES2022, types node, skipLibCheck.
 * Runs interleave (floor, SDK, stripe, openai, ...); the figures are medians: tsc's wall time, its
 * check time, and the types and instantiations it created (the same every run). Target: the
 * SDK's program within 1 s of wall time, and its check cost no higher than stripe's.
 */
import { execFile } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { fmt, median, verdict } from "./figures.js"
import * as Installs from "./installs.js"

const exec = promisify(execFile)
const root = fileURLToPath(new URL("..", import.meta.url))
const tsc = Path.join(root, "node_modules", "typescript", "bin", "tsc")

/** Each subject's program: construct the client, await one call, log a field of its answer. */
const programs: Record<Installs.Subject, string> = {
  "@smscx/promise": `import { SmsCx } from "@smscx/promise"
const client = new SmsCx({ apiKey: "key" })
const sent = await client.sms.sendSms({ to: ["+14155550123"], from: "InfoText", text: "Hi" })
console.log(sent.info.totalCost)
`,
  stripe: `import Stripe from "stripe"
const stripe = new Stripe("sk_test_key")
const customer = await stripe.customers.create({ email: "a@example.com" })
console.log(customer.id)
`,
  openai: `import OpenAI from "openai"
const client = new OpenAI({ apiKey: "key" })
const completion = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] })
console.log(completion.id)
`
}

/**
 * A project of one file in `dir` (which holds the subject's node_modules), as a user sets it up:
 * an ES module (`.mts`: the install's package.json stays as npm left it), for its top-level await.
 */
const project = (dir: string, name: string, code: string) => {
  Fs.writeFileSync(Path.join(dir, `${name}.mts`), code)
  const config = {
    compilerOptions: {
      strict: true,
      noEmit: true,
      module: "node16",
      moduleResolution: "node16",
      target: "ES2022",
      lib: ["ES2022"],
      types: ["node"],
      typeRoots: [Path.join(root, "node_modules", "@types")],
      skipLibCheck: true
    },
    files: [`${name}.mts`]
  }
  const file = Path.join(dir, `tsconfig.${name}.json`)
  Fs.writeFileSync(file, JSON.stringify(config, null, 2))
  return file
}

interface Figures {
  readonly wallMs: number
  readonly checkMs: number
  readonly types: number
  readonly instantiations: number
  readonly files: number
}

const figure = (output: string, label: string) => Number(new RegExp(`^${label}:\\s+([\\d.]+)`, "m").exec(output)?.[1])

const typecheck = async (config: string): Promise<Figures> => {
  const start = performance.now()
  const { stdout } = await exec(process.execPath, [tsc, "-p", config, "--extendedDiagnostics"], {
    maxBuffer: 16 * 2 ** 20
  }).catch((error: { stdout?: string }) => {
    throw new Error(`tsc -p ${config} failed:\n${error.stdout ?? String(error)}`)
  })
  return {
    wallMs: performance.now() - start,
    checkMs: figure(stdout, "Check time") * 1000,
    types: figure(stdout, "Types"),
    instantiations: figure(stdout, "Instantiations"),
    files: figure(stdout, "Files")
  }
}

export const run = async (runs: number) => {
  console.log("\n## Type-check of a 4-line program using the client (tsc --noEmit, from an npm install of each)\n")
  const installed = await Installs.installed()
  const ready = installed.filter((s): s is Extract<Installs.Installed, { dir: string }> => "dir" in s)
  if (ready.length === 0) {
    console.log(`skipped: ${installed.map((s) => ("skipped" in s ? s.skipped : "")).join("; ")}`)
    return
  }
  const subjects = [
    { name: "(empty program: the floor)", config: project(ready[0]!.dir, "empty", "export {}\n") },
    ...ready.map((s) => ({ name: s.subject, config: project(s.dir, "main", programs[s.subject]) }))
  ]
  const results = new Map<string, Array<Figures>>()
  for (let i = 0; i < runs; i++) {
    for (const subject of subjects) {
      const rounds = results.get(subject.name) ?? []
      rounds.push(await typecheck(subject.config))
      results.set(subject.name, rounds)
    }
  }
  const of = (name: string, pick: (f: Figures) => number) => median(results.get(name)!.map(pick))
  const floor = of(subjects[0]!.name, (f) => f.wallMs)
  const stripeWall = results.has("stripe") ? of("stripe", (f) => f.wallMs) : undefined
  console.log(`${runs} interleaved runs, medians (skipLibCheck, strict, node16)\n`)
  console.log("| program | files | types | instantiations | check ms | wall ms | wall over the floor | vs stripe |")
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|")
  for (const { name } of subjects) {
    const wall = of(name, (f) => f.wallMs)
    const versus = stripeWall === undefined || name === subjects[0]!.name ? "" : `${fmt(wall / stripeWall, 2)}x`
    console.log(
      `| ${name} | ${fmt(of(name, (f) => f.files))} | ${fmt(of(name, (f) => f.types))} | ${
        fmt(of(name, (f) => f.instantiations))
      } | ${fmt(of(name, (f) => f.checkMs))} | ${fmt(wall)} | ${fmt(wall - floor)} | ${versus} |`
    )
  }
  for (const s of installed) if ("skipped" in s) console.log(`\n${s.subject} skipped: ${s.skipped}`)
  if (results.has("@smscx/promise")) {
    const wall = of("@smscx/promise", (f) => f.wallMs)
    console.log(`\nTarget: the SDK's program within 1 s of wall time: ${fmt(wall)} ms, ${verdict(wall <= 1000)}`)
  }
}
