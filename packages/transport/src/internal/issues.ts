/**
 * Parse errors as short, bounded issues. Effect's own formatters print each rejected value whole
 * and recursively: a 10 MB string gives a 10-million-character message, an array nested 5,000
 * deep overflows the stack. Here the walk follows the issue tree (as deep as the schema, not as
 * the value), and a value is shown as a short excerpt only.
 */
import type { Issue } from "@smscx/core/Errors"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as AST from "effect/SchemaAST"

/** Characters of a string value quoted in a message. */
const EXCERPT_LENGTH = 60
/** Characters of a schema's description in a message. */
const EXPECTED_LENGTH = 120
/** Issues spelled out in an error's message; the error's `issues` keep them all. */
const ISSUES_IN_MESSAGE = 5

/** Field names whose values are credentials: never quoted. @internal */
export const SECRET_FIELDS: ReadonlySet<string> = new Set(["access_token", "refresh_token"])

const clip = (text: string, max: number) => text.length <= max ? text : `${text.slice(0, max)}…`

/** A short description of any value; never throws (a Proxy may), never recurses. @internal */
export const excerpt = (value: unknown): string => {
  try {
    switch (typeof value) {
      case "string":
        return value.length <= EXCERPT_LENGTH
          ? JSON.stringify(value)
          : `${JSON.stringify(value.slice(0, EXCERPT_LENGTH))}… (${value.length} characters)`
      case "number":
      case "boolean":
      case "bigint":
      case "undefined":
      case "symbol":
        return String(value)
      case "function":
        return "a function"
      default: {
        if (value === null) return "null"
        if (Array.isArray(value)) return `an array of ${value.length} item(s)`
        const keys = Object.keys(value as object)
        return keys.length === 0 ? "{}" : `an object with ${clip(keys.slice(0, 5).join(", "), EXCERPT_LENGTH)}${keys.length > 5 ? ", …" : ""}`
      }
    }
  } catch {
    return "a value that cannot be read"
  }
}

const expected = (ast: AST.AST): string => {
  const description = AST.isRefinement(ast) ? AST.getDescriptionAnnotation(ast) : Option.none()
  return clip(Option.isSome(description) ? description.value : String(ast), EXPECTED_LENGTH)
}

/** A message the schema itself gives for an issue, when it is a plain string. */
const annotated = (ast: AST.AST, issue: ParseResult.ParseIssue): string | undefined => {
  const annotation = AST.getMessageAnnotation(ast)
  if (Option.isNone(annotation)) return undefined
  try {
    const out = annotation.value(issue)
    if (typeof out === "string") return clip(out, EXPECTED_LENGTH)
    if (typeof out === "object" && out !== null && "message" in out && typeof out.message === "string") {
      return clip(out.message, EXPECTED_LENGTH)
    }
  } catch {
    // a message function that fails is no reason to lose the issue
  }
  return undefined
}

const isSecretPath = (path: ReadonlyArray<PropertyKey>) => path.some((key) => typeof key === "string" && SECRET_FIELDS.has(key))

const actual = (path: ReadonlyArray<PropertyKey>, value: unknown) => isSecretPath(path) ? "<redacted>" : excerpt(value)

const toKey = (key: PropertyKey): string | number => typeof key === "number" ? key : String(key)

/**
 * Every leaf issue of a parse error, with its path and a short message.
 * @internal
 */
export const collect = (root: ParseResult.ParseIssue): Array<Issue> => {
  const out: Array<Issue> = []
  const push = (path: ReadonlyArray<PropertyKey>, message: string): void => {
    out.push({ path: path.map(toKey), message })
  }
  const walk = (issue: ParseResult.ParseIssue, path: ReadonlyArray<PropertyKey>): void => {
    switch (issue._tag) {
      case "Pointer":
        return walk(issue.issue, [...path, ...(Array.isArray(issue.path) ? issue.path : [issue.path])])
      case "Composite": {
        const children = Array.isArray(issue.issues) ? issue.issues : [issue.issues as ParseResult.ParseIssue]
        for (const child of children) walk(child, path)
        return
      }
      case "Refinement":
        if (issue.kind === "From") return walk(issue.issue, path)
        return push(
          path,
          (issue.issue._tag === "Type" && issue.issue.message !== undefined
            ? clip(issue.issue.message, EXPECTED_LENGTH)
            : undefined) ??
            annotated(issue.ast, issue) ?? `Expected ${expected(issue.ast)}, actual ${actual(path, issue.actual)}`
        )
      case "Transformation":
        return walk(issue.issue, path)
      case "Type":
        return push(
          path,
          (issue.message === undefined ? undefined : clip(issue.message, EXPECTED_LENGTH)) ??
            annotated(issue.ast, issue) ??
            `Expected ${expected(issue.ast)}, actual ${actual(path, issue.actual)}`
        )
      case "Missing":
        return push(path, "is missing")
      case "Unexpected":
        return push(path, "is not a known field")
      case "Forbidden":
        return push(path, "cannot be checked here")
    }
  }
  walk(root, [])
  return out
}

const pathText = (path: ReadonlyArray<string | number>) =>
  path.length === 0
    ? "(root)"
    : clip(path.map((key, i) => typeof key === "number" ? `[${key}]` : i === 0 ? key : `.${key}`).join(""), EXPECTED_LENGTH)

/**
 * A message of a few lines: a headline, then the first issues with their paths.
 * @internal
 */
export const message = (headline: string, issues: ReadonlyArray<Issue>): string => {
  const lines = issues.slice(0, ISSUES_IN_MESSAGE).map((issue) => `  at ${pathText(issue.path)}: ${issue.message}`)
  if (issues.length > ISSUES_IN_MESSAGE) lines.push(`  (and ${issues.length - ISSUES_IN_MESSAGE} more issues)`)
  return [headline, ...lines].join("\n")
}
