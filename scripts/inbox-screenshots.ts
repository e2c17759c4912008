/**
 * `pnpm tsx scripts/inbox-screenshots.ts`: screenshots of the sandbox's web inbox, taken in
 * Debian's chromium (`SMSCX_CHROMIUM` names another), written to docs/images/ for the README's
 * "The sandbox" section (packages/sandbox/ui/screenshots.ts says what they show).
 */
import { fileURLToPath } from "node:url"
import { takeScreenshots } from "../packages/sandbox/ui/screenshots.js"

const written = await takeScreenshots(fileURLToPath(new URL("../docs/images", import.meta.url)))
for (const file of written) console.log(`wrote ${file}`)
