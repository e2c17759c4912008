/**
 * The API reference's operation pages, written as Markdown that TypeDoc renders beside the
 * packages' own API (`pnpm run docs`, `scripts/docs.ts`): an index, one page per group with one
 * entry per method, and an errors page. Everything is derived: the groups, methods, paths,
 * errors and paging from the generated `Api` entries; the request and answer fields, types and
 * constraints from each entry's schemas (as JSON Schema, so they are what the SDK checks);
 * summaries and field descriptions from `spec/smscx-openapi.json`; the codes each exception
 * stands for from `ErrorCatalogue` and `spec/error-mapping.json`; the examples from
 * `examples/<group>/<operation>.ts`, which run against the sandbox in CI.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import * as Api from "../packages/core/src/Api.js"
import { cell, type JsonSchema, loadJsonSchema, specMarkdown, specOperations, tableCode } from "./docs-fields.js"
import { errorsPage } from "./docs/errorsPage.js"
import { operationEntry } from "./docs/operationEntry.js"
import { type AnyOperation, errorsFile, operationCount, pageFile, type Rendered } from "./docs/pages.js"
import { apiSource, modelNames } from "./docs/sourceDocs.js"

const groupDescriptions = apiSource.groups

const groupPage = (accessor: string, ops: Record<string, AnyOperation>, make: (s: unknown) => JsonSchema): Rendered => {
  const list = Object.values(ops)
  const serviceTag = list[0]!.group
  const intro = groupDescriptions.get(serviceTag) ?? ""
  const toc = list.map((op) => {
    const summary = specOperations.get(op.id)?.summary
    return `| [${op.id}](#${op.id.toLowerCase()}) | ${tableCode(`${op.method} ${op.path}`)} | ${
      summary === undefined ? "" : cell(summary)
    } |`
  })
  const text = [
    `---\ntitle: ${serviceTag}\n---\n`,
    `# ${serviceTag}\n`,
    `${specMarkdown(intro)}\n`,
    `Promise: \`client.${accessor}\` on \`new SmsCx(...)\` (@smscx/promise). Effect: the \`${serviceTag}\` service (\`import { ${serviceTag} } from "@smscx/client"\`), provided by \`SmsCx.layer\`.\n`,
    `| Method | HTTP | Summary |\n| --- | --- | --- |\n${toc.join("\n")}\n`,
    ...list.map((op) => operationEntry(accessor, serviceTag, op, make))
  ].join("\n")
  return { file: pageFile(accessor), title: serviceTag, text }
}

const indexPage = (pages: ReadonlyArray<Rendered>): Rendered => {
  const rows = Object.entries(Api.groups).map(([accessor, ops]) => {
    const list = Object.values(ops as Record<string, AnyOperation>)
    const tag = list[0]!.group
    return `| [${tag}](${pageFile(accessor)}) | ${tableCode(`client.${accessor}`)} | ${
      tableCode(tag)
    } | ${list.length} | ${cell(groupDescriptions.get(tag) ?? "")} |`
  })
  const text = [
    "---\ntitle: API reference\nchildren:\n" + pages.map((p) => `  - ./${p.file}`).join("\n") + "\n---\n",
    "# API reference\n",
    `The SMS.CX API's ${operationCount} operations in ${rows.length} groups, each with its HTTP method and path, the call in ` +
    "both styles (Promise: `@smscx/promise`; Effect: `@smscx/client`), the request and answer fields, the exceptions " +
    "it can raise and an example with real values taken from `examples/` (which CI runs against the sandbox). " +
    `See [Errors](${errorsFile}) for when each exception is raised.\n`,
    "```ts\n// Promise\nimport { SmsCx } from \"@smscx/promise\"\nconst client = new SmsCx({ apiKey: process.env.SMSCX_API_KEY! })\n" +
    "// Effect\nimport { SmsCx, Sms } from \"@smscx/client\"\nconst MainLive = SmsCx.layerConfig()\n```\n",
    "Every method also takes the call's options after its own arguments (Promise: {@link @smscx/promise!CallOptions}; " +
    "Effect: {@link @smscx/transport!Transport.CallOptions}), and has `.withResponse(...)`, which gives the answer " +
    "with what came with it ({@link @smscx/transport!Transport.WithResponse}).\n",
    ...(modelNames.exists
      ? [
        "Each method's request, answer and error types have names (`SendSmsRequest`, `SendSmsResponse`, " +
        "`SendSmsError`, ...), which `@smscx/core`, `@smscx/client` and `@smscx/promise` export: " +
        "`import type { SendSmsRequest } from \"@smscx/promise\"`.\n"
      ]
      : []),
    `| Group | Promise | Effect service | Methods | What it does |\n| --- | --- | --- | --- | --- |\n${
      rows.join("\n")
    }\n`
  ].join("\n")
  return { file: "index.md", title: "API reference", text }
}

/** Writes the reference's Markdown into `dir` (emptied first); returns the files written. */
export const writeReference = async (dir: string): Promise<ReadonlyArray<string>> => {
  const { make } = await loadJsonSchema()
  const groups = Object.entries(Api.groups).map(([accessor, ops]) =>
    groupPage(accessor, ops as Record<string, AnyOperation>, make)
  )
  const pages = [...groups, errorsPage()]
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  for (const page of [indexPage(pages), ...pages]) writeFileSync(join(dir, page.file), page.text)
  return [indexPage(pages).file, ...pages.map((p) => p.file)]
}
