/**
 * Placeholders in a text: the general ones (`{{numbers}}`, `{{letters:8}}`,
 * `{{alphanumeric:6}}`, `{{today}}`, `{{optoutLink}}`), tracked links (`{{shortlink:ID}}`,
 * `{{attachement:ID}}`) and, in campaigns, the contact's fields (`{{firstName}}`, ...).
 */

const pattern = /\{\{\s*([A-Za-z][A-Za-z0-9_-]*)(?::([^{}]*))?\s*\}\}/g

const generators = {
  numbers: "0123456789",
  letters: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  alphanumeric: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
} as const

type Generator = keyof typeof generators

const isGenerator = (name: string): name is Generator => Object.hasOwn(generators, name)

/** The tracked-link placeholders: the spec spells the attachment's `attachement`; both are read. */
const linkKinds: Readonly<Record<string, "shortlink" | "attachment">> = {
  shortlink: "shortlink",
  attachement: "attachment",
  attachment: "attachment"
}

const linkKindOf = (name: string) => Object.hasOwn(linkKinds, name) ? linkKinds[name] : undefined

/** What is wrong with a text's placeholders. @internal */
export type Problem =
  | { readonly _tag: "InvalidLength"; readonly name: Generator }
  | { readonly _tag: "LengthOutOfRange"; readonly name: Generator }
  | { readonly _tag: "UnknownLink"; readonly name: string; readonly id: string }

/**
 * The first problem of a text's placeholders; `linkExists` tells whether a tracked link's
 * shortlink or attachment exists.
 * @internal
 */
export const check = (
  text: string,
  linkExists: (kind: "shortlink" | "attachment", id: string) => boolean
): Problem | undefined => {
  for (const match of text.matchAll(pattern)) {
    const name = match[1]!
    const arg = match[2]
    if (isGenerator(name) && arg !== undefined) {
      if (!/^\s*\d+\s*$/.test(arg)) return { _tag: "InvalidLength", name }
      const n = Number(arg)
      if (n < 1 || n > 20) return { _tag: "LengthOutOfRange", name }
    }
    const kind = linkKindOf(name)
    if (kind !== undefined && !linkExists(kind, (arg ?? "").trim())) return { _tag: "UnknownLink", name, id: arg ?? "" }
  }
  return undefined
}

/** @internal */
export const hasPlaceholders = (text: string): boolean => text.includes("{{")

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

const randomString = (alphabet: string, length: number, random: () => number) => {
  let out = ""
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)]
  return out
}

/** @internal */
interface RenderContext {
  readonly now: number
  readonly random: () => number
  /** A campaign contact's fields; unknown fields become blank. Absent for plain sends. */
  readonly contact?: Readonly<Record<string, string | undefined>>
  /** The recipient's URL of a tracked link (`{{shortlink:ID}}`), which `check` found. */
  readonly trackedLink: (kind: "shortlink" | "attachment", id: string) => string
  /** The recipient's opt-out URL (`{{optoutLink}}`). */
  readonly optoutLink: () => string
}

/** Replaces the placeholders of a text that passed `check`. @internal */
export const render = (text: string, context: RenderContext): string =>
  text.replace(pattern, (whole, name: string, arg: string | undefined) => {
    if (isGenerator(name)) return randomString(generators[name], arg === undefined ? 4 : Number(arg), context.random)
    if (name === "today") {
      const date = new Date(context.now)
      return `${date.getUTCDate()} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()}`
    }
    if (name === "optoutLink") return context.optoutLink()
    const kind = linkKindOf(name)
    if (kind !== undefined) return context.trackedLink(kind, (arg ?? "").trim())
    if (context.contact === undefined) return whole
    return context.contact[name] ?? ""
  })
