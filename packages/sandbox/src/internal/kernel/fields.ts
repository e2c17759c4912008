/**
 * Turns schema validation issues into the API's documented error for the offending field: each
 * operation has a small table, field path → error, ordered as the API checks its fields.
 */
import type * as ParseResult from "effect/ParseResult"
import { type ApiFailure, type ErrorSpec, failure, Generic } from "./errors.js"

/** @internal */
export interface FieldRule {
  /** When the field is absent; `invalid` otherwise. */
  readonly missing?: ErrorSpec
  /** Gets the field's raw value when a function. */
  readonly invalid: ErrorSpec | ((value: unknown) => ErrorSpec)
}

/**
 * Field paths use dots (`transliteration.alphabet`); a rule covers the fields under it. A nested
 * field's rule goes before its parent's: a bad field of an optional object also fails the
 * object's `undefined` alternative, at the parent's path.
 * @internal
 */
export type Table = ReadonlyArray<readonly [path: string, rule: FieldRule]>

const valueAt = (input: unknown, path: ReadonlyArray<string>): unknown => {
  let value = input
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined
    value = (value as Record<string, unknown>)[key]
  }
  return value
}

const isPrefix = (prefix: ReadonlyArray<string>, path: ReadonlyArray<string>) =>
  prefix.length <= path.length && prefix.every((key, i) => path[i] === key)

interface Issue {
  readonly path: ReadonlyArray<string>
  readonly missing: boolean
}

const many = <A>(value: A | ReadonlyArray<A>): ReadonlyArray<A> => Array.isArray(value) ? value : [value as A]

/**
 * The leaf issues of a parse error, in the formatters' order: only their paths and whether the
 * field is missing. The formatters (`ArrayFormatter`, `TreeFormatter`) print each issue's
 * actual value, recursively: a value nested 100,000 deep overflows the stack. The issue tree
 * itself is as deep as the schema, not the value; it is walked without recursion anyway.
 * Message annotations play no part: the tables map fields, not messages.
 */
const issuesOf = (error: ParseResult.ParseError): ReadonlyArray<Issue> => {
  const issues: Array<Issue> = []
  const pending: Array<readonly [ParseResult.ParseIssue, ReadonlyArray<string>]> = [[error.issue, []]]
  while (pending.length > 0) {
    const [issue, path] = pending.pop()!
    switch (issue._tag) {
      case "Pointer":
        pending.push([issue.issue, [...path, ...many(issue.path).map(String)]])
        break
      case "Refinement":
      case "Transformation":
        pending.push([issue.issue, path])
        break
      case "Composite": {
        // reversed onto the stack, so they come off in order
        const children = many(issue.issues)
        for (let i = children.length - 1; i >= 0; i--) pending.push([children[i]!, path])
        break
      }
      default:
        issues.push({ path, missing: issue._tag === "Missing" })
    }
  }
  return issues
}

/**
 * The failure for a parse error: the issue whose rule comes first in the table wins; an issue
 * no rule covers gets the generic invalid-parameter error.
 * @internal
 */
export const toFailure = (table: Table, error: ParseResult.ParseError, input: unknown): ApiFailure => {
  const rules = table.map(([path, rule]) => ({ path: path.split("."), rule }))
  let best: { readonly index: number; readonly spec: ErrorSpec } | undefined
  for (const issue of issuesOf(error)) {
    const path = issue.path
    // the most specific rule covering the issue
    let index = -1
    for (let i = 0; i < rules.length; i++) {
      if (isPrefix(rules[i]!.path, path) && (index < 0 || rules[i]!.path.length > rules[index]!.path.length)) index = i
    }
    if (index < 0) {
      best ??= { index: rules.length, spec: Generic.invalidParam(path.join(".") || "body") }
      continue
    }
    if (best !== undefined && best.index <= index) continue
    const { path: rulePath, rule } = rules[index]!
    const missing = issue.missing && path.length === rulePath.length
    const spec = missing && rule.missing !== undefined
      ? rule.missing
      : typeof rule.invalid === "function"
      ? rule.invalid(valueAt(input, rulePath))
      : rule.invalid
    best = { index, spec }
  }
  return failure(best?.spec ?? Generic.invalidParam("body"))
}

/**
 * A boolean query or form field as the API's clients send it: `true`/`false` in any case (the
 * vendor's Python client sends `True`), or `1`/`0`; undefined for anything else, which
 * validation then refuses.
 * @internal
 */
export const booleanOf = (value: string): boolean | undefined => {
  const text = value.trim().toLowerCase()
  return text === "true" || text === "1" ? true : text === "false" || text === "0" ? false : undefined
}

/**
 * Query fields arrive as text: integers and booleans become what the operation's schema takes
 * (anything else is left for validation to refuse).
 * @internal
 */
export const queryTypes =
  (integers: ReadonlyArray<string>, booleans: ReadonlyArray<string>) =>
  (raw: Record<string, unknown>): Record<string, unknown> => {
    const out = { ...raw }
    for (const name of integers) {
      const value = out[name]
      if (typeof value === "string" && /^-?\d{1,15}$/.test(value)) out[name] = Number(value)
    }
    for (const name of booleans) {
      const value = out[name]
      const flag = typeof value === "string" ? booleanOf(value) : undefined
      if (flag !== undefined) out[name] = flag
    }
    return out
  }
