/**
 * A dead-link check for the generated API reference (`pnpm run docs` runs it; alone:
 * `pnpm docs:links [dir]`, `docs/api` by default). Walks every HTML file and fails on a link
 * (`href`, `src`) to a file that is missing, to an anchor that the target page does not have,
 * and on empty links (`href=""`, `href="#"`, as the spec's `[words](#)` would give). Links that
 * leave the site (`https:`, `mailto:`, ...) are not fetched.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const EXTERNAL = /^[a-z][a-z0-9+.-]*:/i

/**
 * The links of a page (`href`, `src` of its tags) and the ids it defines. TypeDoc's own widgets
 * are not links: the menu toggle (`href="#"` with `data-toggle`, opened by script) and the
 * breadcrumb's current page (`href=""` with `aria-current="page"`) and a type that names itself in
 * its own signature (`href=""` with a `tsd-` class): both are the page itself.
 */
const scan = (html: string): { readonly links: Array<string>; readonly ids: Set<string> } => {
  const links: Array<string> = []
  const ids = new Set<string>()
  for (const [tag] of html.matchAll(/<[a-z][a-z0-9]*\b[^>]*>/gi)) {
    const attributes = new Map(
      Array.from(
        tag.matchAll(/\s([a-z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/gi),
        (m) => [m[1]!.toLowerCase(), m[2] ?? m[3] ?? ""]
      )
    )
    const id = attributes.get("id") ?? (tag.startsWith("<a") ? attributes.get("name") : undefined)
    if (id !== undefined) ids.add(id)
    const link = attributes.get("href") ?? attributes.get("src")
    if (link === undefined) continue
    if (link === "#" && attributes.has("data-toggle")) continue
    if (link === "" && (attributes.get("aria-current") === "page" || /\btsd-/.test(attributes.get("class") ?? ""))) {
      continue
    }
    links.push(link)
  }
  return { links, ids }
}

const decodeEntities = (s: string) =>
  s.replace(/&amp;/g, "&").replace(/&quot;/g, "\"").replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">")

/** Every broken link under `dir`, as `page: link (why)`. */
export const checkLinks = (dir: string): Array<string> => {
  const pages = readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".html"))
    .map((f) => resolve(dir, f))
  const idsOf = new Map<string, Set<string>>()
  const scanned = new Map(pages.map((page) => {
    const s = scan(readFileSync(page, "utf8"))
    idsOf.set(page, s.ids)
    return [page, s.links] as const
  }))
  // TypeDoc's full hierarchy page builds its entries, and their ids, by script
  const scriptAnchored = new Set(
    pages.filter((page) =>
      /<script[^>]*src="[^"]*hierarchy\.js"/.test(readFileSync(page, "utf8")) &&
      readFileSync(page, "utf8").includes("tsd-full-hierarchy")
    )
  )
  const broken: Array<string> = []
  for (const [page, links] of scanned) {
    const at = relative(dir, page)
    for (const raw of links) {
      const link = decodeEntities(raw).trim()
      if (link === "" || link === "#") {
        broken.push(`${at}: empty link ${JSON.stringify(raw)}`)
        continue
      }
      if (EXTERNAL.test(link) || link.startsWith("//")) continue
      const hash = link.indexOf("#")
      const pathPart = (hash === -1 ? link : link.slice(0, hash)).replace(/\?.*$/, "")
      const anchor = hash === -1 ? undefined : decodeURIComponent(link.slice(hash + 1))
      let target = pathPart === "" ? page : resolve(dirname(page), decodeURIComponent(pathPart))
      if (existsSync(target) && statSync(target).isDirectory()) target = join(target, "index.html")
      if (!existsSync(target)) {
        broken.push(`${at}: ${link} (no file ${relative(dir, target)})`)
        continue
      }
      if (anchor !== undefined && anchor !== "" && target.endsWith(".html") && !scriptAnchored.has(target)) {
        const ids = idsOf.get(target) ?? scan(readFileSync(target, "utf8")).ids
        if (!ids.has(anchor)) broken.push(`${at}: ${link} (no anchor #${anchor} in ${relative(dir, target)})`)
      }
    }
  }
  return broken
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = resolve(process.argv[2] ?? "docs/api")
  if (!existsSync(dir)) {
    console.error(`${dir} does not exist: run \`pnpm run docs\` first`)
    process.exit(1)
  }
  const broken = checkLinks(dir)
  for (const b of broken) console.error(b)
  const pages = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".html")).length
  if (broken.length > 0) {
    console.error(`${broken.length} broken links in ${pages} pages`)
    process.exit(1)
  }
  console.log(`${pages} pages, no broken link`)
}
