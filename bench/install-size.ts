/**
 * Install size: what `npm install --omit=dev` of the packed Promise client puts in node_modules
 * (packages, bytes of files), beside stripe and openai installed the same way (installs.ts).
 * Target for the Promise client: at most 3 packages and 10 MB.
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fmt, mb, verdict } from "./figures.js"
import * as Installs from "./installs.js"

const MAX_PACKAGES = 3
const MAX_BYTES = 10 * 2 ** 20

/** The packages in a node_modules folder, nested ones included, by name. */
const packagesIn = (nodeModules: string): Array<string> => {
  if (!Fs.existsSync(nodeModules)) return []
  return Fs.readdirSync(nodeModules, { withFileTypes: true }).flatMap((entry) => {
    if (!entry.isDirectory() || entry.name.startsWith(".")) return []
    const dir = Path.join(nodeModules, entry.name)
    if (entry.name.startsWith("@")) {
      return Fs.readdirSync(dir, { withFileTypes: true })
        .filter((scoped) => scoped.isDirectory())
        .flatMap((scoped) => [
          `${entry.name}/${scoped.name}`,
          ...packagesIn(Path.join(dir, scoped.name, "node_modules"))
        ])
    }
    return [entry.name, ...packagesIn(Path.join(dir, "node_modules"))]
  })
}

/** Bytes of the files under `dir` (their sizes, as `du --apparent-size` counts; links not followed). */
const bytesIn = (dir: string): number =>
  Fs.readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const path = Path.join(dir, entry.name)
    if (entry.isDirectory()) return sum + bytesIn(path)
    return sum + Fs.lstatSync(path).size
  }, 0)

export const run = async () => {
  console.log("\n## Install size: npm install --omit=dev --ignore-scripts of each, in an empty project\n")
  const installed = await Installs.installed()
  console.log(
    `| package | packages in node_modules (target <= ${MAX_PACKAGES}) | MB (target <= ${mb(MAX_BYTES, 0)}) | packages |`
  )
  console.log("|---|---:|---:|---|")
  for (const subject of installed) {
    if ("skipped" in subject) {
      console.log(`| ${subject.subject} | skipped: ${subject.skipped} | | |`)
      continue
    }
    const nodeModules = Path.join(subject.dir, "node_modules")
    const packages = packagesIn(nodeModules).sort()
    const bytes = bytesIn(nodeModules)
    const targets = subject.subject === "@smscx/promise"
      ? [` (${verdict(packages.length <= MAX_PACKAGES)})`, ` (${verdict(bytes <= MAX_BYTES)})`]
      : ["", ""]
    console.log(
      `| ${subject.subject}@${subject.version} | ${fmt(packages.length)}${targets[0]} | ${mb(bytes)}${targets[1]} | ${
        packages.join(", ")
      } |`
    )
  }
}
