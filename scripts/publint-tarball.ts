/**
 * `tsx scripts/publint-tarball.ts <tarball>...`: publint, strict (warnings fail), on packed
 * tarballs, with one rule set aside:
 *
 * - `NESTED_PACKAGE_JSON_FIELD_IGNORED` for `imports` only. `build/esm` and `build/cjs` carry a
 *   nested package.json (`"type"`), as Effect's packages do; a nested package.json is also the
 *   package scope Node.js resolves `#imports` from (LOOKUP_PACKAGE_SCOPE in Node's ESM resolution
 *   algorithm: the nearest package.json), so `@smscx/client`'s `#defaultHttpClient` must be
 *   mapped there (the root one is never consulted for those files). publint says Node ignores
 *   the field; Node 20 and esbuild do use it (scripts/consumer-check.sh runs the built client on
 *   Node, from both `import` and `require`).
 */
import { readFileSync } from "node:fs"
import { publint } from "publint"
import { formatMessage } from "publint/utils"

const ignored = (message: { readonly code: string; readonly args: Record<string, unknown> }) =>
  message.code === "NESTED_PACKAGE_JSON_FIELD_IGNORED" && message.args["field"] === "imports"

let failed = false
for (const tarball of process.argv.slice(2)) {
  const bytes = readFileSync(tarball)
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  const { messages, pkg } = await publint({ pack: { tarball: buffer }, strict: true })
  const reported = messages.filter((message) => !ignored(message))
  console.log(
    `publint ${tarball}: ${reported.length === 0 ? "all good" : `${reported.length} problem(s)`}` +
      (messages.length > reported.length ? ` (${messages.length - reported.length} nested "imports" set aside)` : "")
  )
  for (const message of reported) console.log(`  ${message.type}: ${formatMessage(message, pkg)}`)
  if (reported.length > 0) failed = true
}
if (failed) process.exitCode = 1
