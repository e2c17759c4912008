/**
 * `packages/core/src/internal/exceptions.ts` and `internal/mappingRules.ts`: from
 * `spec/error-mapping.json`, one `Schema.TaggedError` class per exception (the tag is the
 * vendor's name, typos included), the aliases of misspelled names, the `ApiExceptions` map, and
 * the mapping rules, in order.
 */
import { errorMapping, fallbackException, mappingRules } from "./errorRules.js"
import { type Json, lit } from "./spec.js"

const exceptions: ReadonlyArray<string> = errorMapping.exceptions
const descriptions: Record<string, string> = errorMapping.descriptions
const aliases: Record<string, string> = errorMapping.aliases

for (const rule of errorMapping.rules) {
  if (!exceptions.includes(rule.exception)) throw new Error(`error-mapping.json: a rule names ${rule.exception}`)
}
for (const [name, target] of [...Object.entries(descriptions), ...Object.entries(aliases)]) {
  if (name !== "description" && !exceptions.includes(name) && !exceptions.includes(target)) {
    throw new Error(`error-mapping.json: ${name} is not an exception`)
  }
}

/** `5xx` for a whole hundred, else `500-504`. */
const statusText = (rule: Json): string => {
  if (rule.statusRange === undefined) return String(rule.status)
  const [from, to] = rule.statusRange
  return from % 100 === 0 && to === from + 99 ? `${from / 100}xx` : `${from}-${to}`
}

/** When a rule applies, in words: `403 \`access_denied\` 1606/1608`, `any other 400`. */
const ruleText = (rule: Json, index: number): string => {
  const status = statusText(rule)
  if (rule.type === undefined && rule.codes === undefined) {
    const earlier = mappingRules.slice(0, index).some((r) => statusText(r) === status)
    return earlier ? `any other ${status}` : status
  }
  return [status, ...(rule.type ? [`\`${rule.type}\``] : []), ...(rule.codes ? [rule.codes.join("/")] : [])].join(" ")
}

/** The rule that gives a 429: its exception carries the wait that `X-Rate-Limit-Reset` says. */
const rateLimited = mappingRules.find((rule) => rule.status === 429)?.exception

const sentence = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`

const docOf = (name: string): Array<string> => {
  const when = mappingRules.flatMap((rule, i) => rule.exception === name ? [ruleText(rule, i)] : [])
  const summary = name === fallbackException ? "Any non-2xx answer that no other rule maps" : when.join(", or ")
  const description = descriptions[name]
  const alias = Object.entries(aliases).find(([alias, target]) => alias !== "description" && target === name)?.[0]
  const lines = [
    `${sentence(summary)}${description === undefined ? "" : `: ${description}`}.`,
    ...(alias === undefined ? [] : [`\`${alias}\` is an alias.`]),
    ...(name === rateLimited
      ? ["`retryAfter` is `X-Rate-Limit-Reset` as a Duration, `retryAfterMs` in milliseconds."]
      : [])
  ]
  return ["/**", ...lines.map((l) => ` * ${l}`), " * @since 0.1.0", " * @category errors", " */"]
}

const classOf = (name: string): Array<string> => [
  ...docOf(name),
  `export class ${name}`,
  `  extends Schema.TaggedError<${name}>()(${lit(name)}, ApiError.ApiErrorStruct)`,
  ...(name === rateLimited
    ? [
      "{",
      "  /** How long to wait before the window resets, from `X-Rate-Limit-Reset` (seconds). */",
      "  get retryAfter(): Duration.Duration | undefined {",
      "    return ApiError.retryAfter(this.rateLimit)",
      "  }",
      "  /** The same wait in milliseconds, a plain number (the Promise client's unit). */",
      "  get retryAfterMs(): number | undefined {",
      "    return ApiError.retryAfterMs(this.rateLimit)",
      "  }",
      "}"
    ]
    : ["{}"]),
  ""
]

const aliasOf = ([alias, target]: [string, string]): Array<string> => [
  "/**",
  ` * The correctly spelled alias of {@link ${target}} (same class, same \`_tag\`).`,
  " * @since 0.1.0",
  " * @category errors",
  " */",
  `export const ${alias} = ${target}`,
  "/**",
  " * @since 0.1.0",
  " * @category errors",
  " */",
  `export type ${alias} = ${target}`,
  ""
]

const ruleOf = (rule: Json): string => {
  const fields = [
    ...(rule.status === undefined ? [] : [`status: ${rule.status}`]),
    ...(rule.statusRange === undefined ? [] : [`statusRange: [${rule.statusRange.join(", ")}]`]),
    ...(rule.type === undefined ? [] : [`type: ${lit(rule.type)}`]),
    ...(rule.codes === undefined ? [] : [`codes: [${rule.codes.join(", ")}]`]),
    `exception: ${lit(rule.exception)}`
  ]
  return `  { ${fields.join(", ")} }`
}

/** `packages/core/src/internal/exceptions.ts`, the module text. */
export const exceptionsModule = [
  "/**",
  " * The exceptions of the API, one tagged class per exception of the vendor's clients: generated",
  " * by `pnpm codegen` from `spec/error-mapping.json`. Public through `Errors`. Do not edit:",
  " * change the spec or `scripts/codegen/`.",
  " *",
  " * @since 0.1.0",
  " */",
  ...(rateLimited === undefined ? [] : ["import type * as Duration from \"effect/Duration\""]),
  "import * as Schema from \"effect/Schema\"",
  "import * as ApiError from \"./apiError.js\"",
  "",
  ...exceptions.flatMap(classOf),
  ...Object.entries(aliases).filter(([alias]) => alias !== "description").flatMap(aliasOf),
  "/**",
  " * Every API exception class, by tag.",
  " * @since 0.1.0",
  " * @category errors",
  " */",
  "export const ApiExceptions = {",
  [...exceptions].sort().map((name) => `  ${name}`).join(",\n"),
  "} as const",
  ""
].join("\n")

/** `packages/core/src/internal/mappingRules.ts`, the module text. */
export const mappingRulesModule = [
  "/**",
  " * The rules of `spec/error-mapping.json` that map a non-2xx answer to an exception, in order;",
  " * generated by `pnpm codegen`. Public through `ErrorMapping`. Do not edit: change the spec or",
  " * `scripts/codegen/`.",
  " *",
  " * @since 0.1.0",
  " */",
  "import type { Rule } from \"./apiError.js\"",
  "import type { ApiExceptions } from \"./exceptions.js\"",
  "",
  "/**",
  ` * The rules, in the order they are tried; anything no rule matches is an \`${fallbackException}\`.`,
  " * @since 0.1.0",
  " * @category rules",
  " */",
  "export const rules: ReadonlyArray<Rule<keyof typeof ApiExceptions>> = [",
  mappingRules.map(ruleOf).join(",\n"),
  "]",
  ""
].join("\n")
