/**
 * Declaration emit writes out the type of every `const` structurally: each operation entry of
 * `Api` spells out its request and answer schemas (`Schema.Struct<{ to: ...; from: ...; ... }>`)
 * though `Generated` declares the same schemas by name, each schema of `Generated` spells out the
 * ones it nests, and `Api.groups` repeats every group's entries with their documentation. Every
 * program that imports the Promise client parses and binds all of it. `dedupeDeclarations`
 * replaces, in the type of each top-level `declare const` of a bundled declaration file, a type
 * written as another top-level constant's whole type by `typeof` that constant: the same type (a
 * constant's type is its annotation), written once. Comments do not count (the copy's
 * documentation is the original's), and nothing is replaced where a name could mean something
 * else than at the top level (under type or value parameters).
 */
import ts from "typescript"

/** Types shorter than this (in characters of tokens) are left as they are: `typeof X` saves little. */
const minLength = 64

/** `declare const X: T` at the top of the file. */
interface Constant {
  readonly name: string
  readonly type: ts.TypeNode
}

const constantsOf = (file: ts.SourceFile): ReadonlyArray<Constant> =>
  file.statements.flatMap((statement) =>
    ts.isVariableStatement(statement)
      ? statement.declarationList.declarations.flatMap((declaration) =>
        ts.isIdentifier(declaration.name) && declaration.type !== undefined
          ? [{ name: declaration.name.text, type: declaration.type }]
          : []
      )
      : []
  )

/**
 * The tokens of the given nodes (no comment, no layout), in order, with where each starts: a
 * node's key is its tokens joined.
 */
const tokensOf = (file: ts.SourceFile, nodes: ReadonlyArray<ts.Node>) => {
  const starts: Array<number> = []
  const texts: Array<string> = []
  const collect = (node: ts.Node): void => {
    if (ts.isJSDoc(node)) return
    const children = node.getChildren(file)
    if (children.length === 0) {
      starts.push(node.getStart(file))
      texts.push(node.getText(file))
    } else {
      for (const child of children) collect(child)
    }
  }
  for (const node of nodes) collect(node)
  return { starts, texts }
}

/**
 * Whether names of parameters are in scope inside `node`: types (`<A>(a: A) => ...`, `[K in ...]`,
 * `infer A`) or values (`(a: string) => typeof a`).
 */
const declaresParameters = (node: ts.Node) =>
  ts.isFunctionLike(node) || ts.isMappedTypeNode(node) || ts.isConditionalTypeNode(node)

/** The index of the first token starting at or after `position`. */
const tokenAt = (starts: ReadonlyArray<number>, position: number) => {
  let low = 0
  let high = starts.length
  while (low < high) {
    const middle = (low + high) >> 1
    if (starts[middle]! < position) low = middle + 1
    else high = middle
  }
  return low
}

export const dedupeDeclarations = (code: string): string => {
  const file = ts.createSourceFile("types.d.ts", code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const constants = constantsOf(file)
  const { starts, texts } = tokensOf(file, constants.map(({ type }) => type))
  const keyOf = (node: ts.Node) =>
    texts.slice(tokenAt(starts, node.getStart(file)), tokenAt(starts, node.end)).join(" ")
  // the first constant of each type is the one the others refer to
  const named = new Map<string, string>()
  for (const { name, type } of constants) {
    const key = keyOf(type)
    if (key.length >= minLength && !named.has(key)) named.set(key, name)
  }
  const edits: Array<{ readonly start: number; readonly end: number; readonly text: string }> = []
  for (const { name, type } of constants) {
    const visit = (node: ts.Node, whole: boolean): void => {
      // below, a name may be a type parameter rather than the top-level type of that name
      if (declaresParameters(node)) return
      if (ts.isTypeNode(node)) {
        const key = keyOf(node)
        if (key.length < minLength) return
        const other = named.get(key)
        // each `unique symbol` is a type of its own: two written alike are not the same
        if (other !== undefined && (!whole || other !== name) && !key.includes("unique symbol")) {
          edits.push({ start: node.getStart(file), end: node.end, text: `typeof ${other}` })
          return
        }
      }
      ts.forEachChild(node, (child) => visit(child, false))
    }
    visit(type, true)
  }
  let out = ""
  let last = 0
  for (const edit of edits.sort((a, b) => a.start - b.start)) {
    out += code.slice(last, edit.start) + edit.text
    last = edit.end
  }
  return out + code.slice(last)
}
