/**
 * Cold import: a new Node.js process that imports (ESM) the Promise client, stripe or openai, each
 * from its own npm install (installs.ts), and a process that imports nothing, as the floor. Runs
 * interleave (floor, SDK, stripe, openai, floor, ...); the figures are medians: the import itself
 * (timed inside the process) and the whole process, spawn to exit. Target: the Promise client's
 * import below stripe's.
 */
import { execFile } from "node:child_process"
import { promisify } from "node:util"
import { fmt, median, verdict } from "./figures.js"
import * as Installs from "./installs.js"

const exec = promisify(execFile)

/** The import timed inside the process, in ms, and the whole process's wall time. */
const coldImport = async (dir: string, module: string | undefined) => {
  const program = module === undefined
    ? "console.log(0)"
    : `const start = performance.now(); await import(${JSON.stringify(module)}); ` +
      "console.log(performance.now() - start)"
  const start = performance.now()
  const { stdout } = await exec(process.execPath, ["--input-type=module", "-e", program], { cwd: dir })
  return { importMs: Number(stdout.trim()), processMs: performance.now() - start }
}

export const run = async (runs: number) => {
  console.log("\n## Cold import (ESM) in a new node process, from an npm install of each\n")
  const installed = await Installs.installed()
  const ready = installed.filter((s): s is Extract<Installs.Installed, { dir: string }> => "dir" in s)
  const floorDir = ready[0]?.dir ?? process.cwd()
  const times = new Map<string, { importMs: Array<number>; processMs: Array<number> }>()
  const record = (name: string, t: { importMs: number; processMs: number }) => {
    const entry = times.get(name) ?? { importMs: [], processMs: [] }
    entry.importMs.push(t.importMs)
    entry.processMs.push(t.processMs)
    times.set(name, entry)
  }
  for (let i = 0; i < runs; i++) {
    record("(nothing)", await coldImport(floorDir, undefined))
    for (const subject of ready) record(subject.subject, await coldImport(subject.dir, subject.subject))
  }
  console.log(`${runs} interleaved runs, medians\n`)
  const floor = median(times.get("(nothing)")!.processMs)
  const stripe = times.get("stripe")
  const stripeMs = stripe === undefined ? undefined : median(stripe.importMs)
  console.log(
    "| import | import ms (in process) | process ms (spawn to exit) | process ms over the floor | vs stripe |"
  )
  console.log("|---|---:|---:|---:|---:|")
  console.log(`| (nothing: the floor) | | ${fmt(floor, 1)} | | |`)
  for (const subject of installed) {
    const t = times.get(subject.subject)
    if ("skipped" in subject || t === undefined) {
      console.log(`| ${subject.subject} | skipped: ${"skipped" in subject ? subject.skipped : "not installed"} | | | |`)
      continue
    }
    const importMs = median(t.importMs)
    const processMs = median(t.processMs)
    const versus = stripeMs === undefined
      ? "stripe skipped"
      : subject.subject === "stripe"
      ? "1.00x"
      : `${fmt(importMs / stripeMs, 2)}x${
        subject.subject === "@smscx/promise" ? ` (target < 1x: ${verdict(importMs < stripeMs)})` : ""
      }`
    console.log(
      `| ${subject.subject}@${subject.version} | ${fmt(importMs, 1)} | ${fmt(processMs, 1)} | ${
        fmt(processMs - floor, 1)
      } | ${versus} |`
    )
  }
}
