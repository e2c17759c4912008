/**
 * Parse errors as short, bounded issues, for values that come from outside (answers, webhook
 * bodies, callers' inputs). Effect's own formatters print each rejected value whole and
 * recursively: a 10 MB string gives a 10-million-character message, a value nested 100,000 deep
 * overflows the stack. Here the walk follows the issue tree (as deep as the schema, not as the
 * value), and a value is shown as a short excerpt only.
 *
 * @since 0.1.0
 */
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as AST from "effect/SchemaAST"
import type { Issue } from "./Errors.js"

/** Characters of a string value quoted in a message. */
const EXCERPT_LENGTH = 60
/** Characters of a schema's description, or of a path, in a message. */
const EXPECTED_LENGTH = 120
/** Issues spelled out in a message; the error's `issues` keep more. */
const ISSUES_IN_MESSAGE = 5
/** The longest message. */
const MESSAGE_LENGTH = 1_000

/**
 * A text cut to `max` characters, marked when cut.
 * @since 0.1.0
 * @category formatting
 */
export const clip = (text: string, max: number): string => text.length <= max ? text : `${text.slice(0, max)}…`

/**
 * A short description of any value; never throws (a Proxy may), never recurses.
 * @since 0.1.0
 * @category formatting
 */
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
        return keys.length === 0
          ? "{}"
          : `an object with ${clip(keys.slice(0, 5).join(", "), EXCERPT_LENGTH)}${keys.length > 5 ? ", …" : ""}`
      }
    }
  } catch {
    return "a value that cannot be read"
  }
}

/**
 * What was thrown (a defect), briefly: `RangeError: Maximum call stack size exceeded`. Never
 * throws itself, whatever was thrown (a Proxy, an object with a throwing getter).
 * @since 0.1.0
 * @category formatting
 */
export const thrown = (error: unknown): string => {
  try {
    return error instanceof Error ? clip(`${error.name}: ${error.message}`, EXPECTED_LENGTH) : "an unexpected failure"
  } catch {
    return "an unexpected failure"
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

/** An issue about the value itself, none of its fields or items (as deep as the schema). */
const isShallow = (issue: ParseResult.ParseIssue): boolean => {
  switch (issue._tag) {
    case "Type":
    case "Refinement":
      return true
    case "Composite":
      return AST.isUnion(issue.ast) && childrenOf(issue).every(isShallow)
    default:
      return false
  }
}

const childrenOf = (issue: ParseResult.Composite): ReadonlyArray<ParseResult.ParseIssue> =>
  Array.isArray(issue.issues) ? issue.issues : [issue.issues as ParseResult.ParseIssue]

const toKey = (key: PropertyKey): string | number => typeof key === "number" ? key : clip(String(key), EXPECTED_LENGTH)

/**
 * @since 0.1.0
 * @category models
 */
export interface CollectOptions {
  /** Issues kept (the count goes on); default: all. */
  readonly limit?: number
  /** Field names whose values are never quoted (credentials), at any depth of the path. */
  readonly redact?: ReadonlySet<string>
}

/**
 * The leaf issues of a parse error, each with its path and a short message, and how many there
 * were in all. A value that fits no member of a union of scalars (an enum, a nullable) is one
 * issue, not one a member.
 *
 * @since 0.1.0
 * @category formatting
 */
export const collect = (
  root: ParseResult.ParseIssue,
  options: CollectOptions = {}
): { readonly issues: Array<Issue>; readonly total: number } => {
  const limit = options.limit ?? Infinity
  const redact = options.redact
  const issues: Array<Issue> = []
  let total = 0
  const push = (path: ReadonlyArray<PropertyKey>, message: string): void => {
    total++
    if (issues.length < limit) issues.push({ path: path.map(toKey), message })
  }
  const actual = (path: ReadonlyArray<PropertyKey>, value: unknown) =>
    redact !== undefined && path.some((key) => typeof key === "string" && redact.has(key))
      ? "<redacted>"
      : excerpt(value)
  const mismatch = (
    path: ReadonlyArray<PropertyKey>,
    ast: AST.AST,
    issue: ParseResult.ParseIssue,
    message: string | undefined
  ) =>
    push(
      path,
      (message === undefined ? undefined : clip(message, EXPECTED_LENGTH)) ?? annotated(ast, issue) ??
        `Expected ${expected(ast)}, actual ${actual(path, issue.actual)}`
    )
  const walk = (issue: ParseResult.ParseIssue, path: ReadonlyArray<PropertyKey>): void => {
    switch (issue._tag) {
      case "Pointer":
        return walk(issue.issue, [...path, ...(Array.isArray(issue.path) ? issue.path : [issue.path])])
      case "Composite": {
        const children = childrenOf(issue)
        if (AST.isUnion(issue.ast) && children.every(isShallow)) return mismatch(path, issue.ast, issue, undefined)
        for (const child of children) walk(child, path)
        return
      }
      case "Refinement":
        // a filter that names the field concerned (`{ path, message }`) is an issue at that field
        if (issue.kind === "From" || issue.issue._tag === "Pointer") return walk(issue.issue, path)
        return mismatch(path, issue.ast, issue, issue.issue._tag === "Type" ? issue.issue.message : undefined)
      case "Transformation":
        return walk(issue.issue, path)
      case "Type":
        return mismatch(path, issue.ast, issue, issue.message)
      case "Missing":
        return push(path, "is missing")
      case "Unexpected":
        return push(path, "is not a known field")
      case "Forbidden":
        return push(path, "cannot be checked here")
    }
  }
  walk(root, [])
  return { issues, total }
}

/**
 * A path as `data[0].msgId`, or `(root)`.
 * @since 0.1.0
 * @category formatting
 */
export const pathText = (path: ReadonlyArray<string | number>): string =>
  path.length === 0
    ? "(root)"
    : clip(
      path.map((key, i) => typeof key === "number" ? `[${key}]` : i === 0 ? key : `.${key}`).join(""),
      EXPECTED_LENGTH
    )

/**
 * A message of a few lines, never longer than 1,000 characters: a headline, then the first
 * issues with their paths, then how many more there were.
 *
 * @since 0.1.0
 * @category formatting
 */
export const message = (headline: string, issues: ReadonlyArray<Issue>, total = issues.length): string => {
  const lines = issues.slice(0, ISSUES_IN_MESSAGE).map((issue) => `  at ${pathText(issue.path)}: ${issue.message}`)
  if (total > ISSUES_IN_MESSAGE) lines.push(`  (and ${total - ISSUES_IN_MESSAGE} more issues)`)
  return clip([clip(headline, EXPECTED_LENGTH), ...lines].join("\n"), MESSAGE_LENGTH)
}
