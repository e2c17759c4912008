/**
 * The errors page: each API exception with the rules of `spec/error-mapping.json` that raise it,
 * the codes `ErrorCatalogue` lists for it and the operations that document it; then the SDK's
 * own errors and the token errors any method can raise with OAuth client credentials.
 */
import * as Api from "../../packages/core/src/Api.js"
import * as ErrorCatalogue from "../../packages/core/src/ErrorCatalogue.js"
import { cell, code, errorMapping, type Json, specMarkdown, tableCode } from "../docs-fields.js"
import { type AnyOperation, errorAnchor, errorsFile, operationCount, pageFile, type Rendered } from "./pages.js"
import { sdkErrors } from "./sourceDocs.js"

const tokenErrors = (): ReadonlyArray<string> => Api.Oauth.getAccessToken.errors.map((e) => e._tag as string)

/** The operations that document an exception: all of them said as such, else listed. */
const documentedBy = (links: ReadonlyArray<{ readonly id: string; readonly link: string }>): string => {
  if (links.length === 0) return "no operation"
  if (links.length === operationCount) return "every operation"
  if (links.length >= operationCount - 5) {
    const ids = new Set(links.map((l) => l.id))
    const others = Object.entries(Api.groups).flatMap(([accessor, ops]) =>
      Object.keys(ops).filter((id) => !ids.has(id)).map((id) => `[${id}](${pageFile(accessor)}#${id.toLowerCase()})`)
    )
    return `every operation but ${others.join(", ")}`
  }
  return links.map((l) => l.link).join(", ")
}

export const errorsPage = (): Rendered => {
  const rules = errorMapping.rules as ReadonlyArray<Json>
  const byException = new Map<string, Array<string>>()
  for (const rule of rules) {
    const when = rule.otherwise === true
      ? "any other non-2xx answer"
      : [
        rule.status !== undefined ? `HTTP ${rule.status}` : `HTTP ${rule.statusRange[0]}–${rule.statusRange[1]}`,
        rule.type !== undefined ? `error type ${code(rule.type)}` : undefined,
        rule.codes !== undefined ? `code ${rule.codes.join(" or ")}` : undefined
      ].filter((p) => p !== undefined).join(", ")
    const list = byException.get(rule.exception) ?? []
    list.push(rule.note === undefined || rule.otherwise === true ? when : `${when} (${rule.note})`)
    byException.set(rule.exception, list)
  }
  const usedBy = new Map<string, Array<{ readonly id: string; readonly link: string }>>()
  for (const [accessor, ops] of Object.entries(Api.groups)) {
    for (const op of Object.values(ops as Record<string, AnyOperation>)) {
      for (const e of op.errors) {
        const list = usedBy.get(e._tag as string) ?? []
        list.push({ id: op.id, link: `[${op.id}](${pageFile(accessor)}#${op.id.toLowerCase()})` })
        usedBy.set(e._tag as string, list)
      }
    }
  }
  const catalogue = Object.values(ErrorCatalogue.errors as Record<string, ReadonlyArray<ErrorCatalogue.Entry>>).flat()
  const sections = (errorMapping.exceptions as ReadonlyArray<string>).map((tag) => {
    const codes = [
      ...new Map(
        catalogue.filter((c) => c.exception === tag && c.code !== undefined).map((c) => [c.code, c] as const)
      ).values()
    ].sort((a, b) => a.code! - b.code!)
    return [
      `## ${tag}\n`,
      `The class: {@link @smscx/core!${tag}}. Raised on ${
        (byException.get(tag) ?? ["(no rule of its own)"]).join("; ")
      }. ${
        tag === "ApiException"
          ? "It is the base class of every API exception: `instanceof ApiException` catches them all."
          : ""
      }\n`,
      codes.length > 0
        ? `| Code | HTTP | Type | The API's message |\n| --- | --- | --- | --- |\n${
          codes.map((c) => `| ${c.code} | ${c.status} | ${tableCode(c.type)} | ${cell(c.message)} |`).join("\n")
        }\n`
        : "",
      `Documented by: ${documentedBy(usedBy.get(tag) ?? [])}.\n`
    ].join("\n")
  })
  const text = [
    "---\ntitle: Errors\n---\n",
    "# Errors\n",
    "Every failure is a typed error: in Effect, in the error channel of the method (its union is " +
    "`Operation.FailureOf<typeof Api.Group.method>`, so `Effect.catchTag` sees exactly what the method can raise); " +
    "with Promises, the class the promise rejects with (`instanceof` works; `SmsCxError` matches any of them). " +
    "The API's error answers map to exceptions by status, error type and code (`spec/error-mapping.json`, as the " +
    "vendor's clients map them); the first rule that matches wins.\n",
    "## What every API exception carries\n",
    `${specMarkdown(sdkErrors.fieldsDoc).replace(/\s*\n\s*/g, " ")}\n`,
    sdkErrors.fields.map((f) => `- ${code(f.name)}${f.doc === "" ? "" : `: ${f.doc}`}`).join("\n") + "\n",
    ...sections,
    "## Raised by the SDK\n",
    "<a id=\"client-side\"></a>\n",
    ...sdkErrors.classes.map((c) =>
      `### ${c.name}\n\n${specMarkdown(c.doc).replace(/\s*\n\s*/g, " ")} The class: {@link @smscx/core!${c.name}}.\n`
    ),
    "## Token errors\n",
    `With OAuth client credentials, the client fetches its token (\`POST /oauth/token\`) before the first call, so any method can also raise what [getAccessToken](${
      pageFile("oauth")
    }#getaccesstoken) documents: ${tokenErrors().map((t) => `[${t}](#${errorAnchor(t)})`).join(", ")}.\n`
  ].join("\n")
  return { file: errorsFile, title: "Errors", text }
}
