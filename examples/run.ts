/**
 * `pnpm example <group>/<name>`: runs `examples/<group>/<name>.ts`.
 */
import { readdirSync } from "node:fs"

const name = process.argv[2]
const here = new URL(".", import.meta.url)
const available = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== "node_modules")
  .flatMap((d) =>
    readdirSync(new URL(`${d.name}/`, here)).filter((f) => f.endsWith(".ts")).map((f) => `${d.name}/${f.slice(0, -3)}`)
  )
  .sort()

if (name === undefined || !available.includes(name)) {
  console.error(`usage: pnpm example <name>\n\n${available.map((n) => `  ${n}`).join("\n")}`)
  process.exit(name === undefined ? 0 : 1)
}
await import(new URL(`${name}.ts`, here).href)
