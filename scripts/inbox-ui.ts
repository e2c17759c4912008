/**
 * `pnpm tsx scripts/inbox-ui.ts [--check]`: builds the sandbox's web inbox (packages/sandbox/ui/)
 * into packages/sandbox/src/internal/app/inboxPage.ts; with `--check`, fails when that file is not
 * what the sources give (packages/sandbox/test/inboxPage.test.ts checks the same in `pnpm test`).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { render, target } from "../packages/sandbox/ui/build.js"

const text = await render()
const current = existsSync(target) ? readFileSync(target, "utf8") : ""
if (process.argv.includes("--check")) {
  if (current !== text) {
    console.error(`${target} is out of date: run pnpm tsx scripts/inbox-ui.ts`)
    process.exit(1)
  }
  console.log(`${target} is current`)
} else if (current !== text) {
  writeFileSync(target, text)
  console.log(`wrote ${target} (${text.length} characters)`)
} else {
  console.log(`${target} is current`)
}
