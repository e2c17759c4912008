/**
 * `spec/error-mapping.json`, read once: which exception an answer's status, `error.type` and
 * `error.code` make (its rules, in order), and the exceptions each operation can fail with.
 */
import { readFileSync } from "node:fs"
import { type Json, refName, root } from "./spec.js"

/** The mapping document: its rules, the exception names, their descriptions and aliases. */
export const errorMapping: Json = JSON.parse(readFileSync(`${root}spec/error-mapping.json`, "utf8"))

/** The rules as written, the final `otherwise` excepted: what the SDK tries in order at run time. */
export const mappingRules: ReadonlyArray<Json> = errorMapping.rules.filter((rule: Json) => rule.otherwise !== true)

/** The exception of an answer that no rule matches (the `otherwise` rule's). */
export const fallbackException: string = errorMapping.rules.find((rule: Json) => rule.otherwise === true).exception

/** Whether a rule applies to a status, an `error.type` and an `error.code`. */
export const ruleMatches = (rule: Json, status: number, type?: string, code?: number): boolean =>
  (rule.status === undefined || rule.status === status) &&
  (rule.statusRange === undefined || (status >= rule.statusRange[0] && status <= rule.statusRange[1])) &&
  (rule.type === undefined || rule.type === type) &&
  (rule.codes === undefined || (code !== undefined && rule.codes.includes(code)))

/** The exception error-mapping.json's rules make of an answer (what the SDK decides at run time). */
export const exceptionFor = (status: number, type?: string, code?: number): string =>
  mappingRules.find((rule) => ruleMatches(rule, status, type, code))?.exception ?? fallbackException

/** The documented error type of each generic error response model. */
const MODEL_TYPES: Record<string, string | undefined> = {
  Model403InsufficientScope: "insufficient_scope"
}

/** The exceptions an operation documents (its error rows and error responses), plus the ones every call can meet. */
export const exceptionsOf = (op: Json): Array<string> => {
  const exceptions = new Set<string>()
  for (const row of op["x-smscx-errors"] ?? []) exceptions.add(exceptionFor(row.status, row.type, row.code))
  for (const [status, res] of Object.entries<Json>(op.responses)) {
    const n = Number(status)
    if (n < 400) continue
    const model = res.content?.["application/json"]?.schema?.$ref
    exceptions.add(exceptionFor(n, model ? MODEL_TYPES[refName(model)] : undefined))
  }
  exceptions.add("ServerErrorException")
  exceptions.add(fallbackException)
  return [...exceptions]
}
