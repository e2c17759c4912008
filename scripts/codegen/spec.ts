/**
 * The inputs of codegen: the OpenAPI document with the fixes of `spec-fixes.ts` applied, its
 * groups and operations, and the small helpers every generator shares (names, literals, refs).
 */
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { fixPaths, fixSchemas } from "../spec-fixes.js"

// the spec is untyped JSON
export type Json = any

export const root = fileURLToPath(new URL("../..", import.meta.url))
export const spec: Json = JSON.parse(readFileSync(`${root}spec/smscx-openapi.json`, "utf8"))
export const schemas: Record<string, Json> = fixSchemas(spec.components.schemas)
/** Every API group, in the spec's order. */
export const GROUPS: Array<string> = spec.tags.map((t: Json) => t.name)
/**
 * Correct spellings of the operationIds the vendor misspelled: the method keeps the vendor's
 * name (it is what their docs and clients call it) and gets the alias too.
 */
export const ALIASES: Record<string, string> = { getConverstionsList: "getConversationsList" }

/**
 * What each group is for, in the docs of its service (the spec's tags carry no description).
 * Documentation only: a group missing here gets a generic line.
 */
const GROUP_DOCS: Record<string, string> = {
  Account: "The account's balance, the status of its channels, and its pricing per channel and traffic type.",
  Applications: "The OAuth applications of the account, their settings, and the scopes a token can carry.",
  Attachments: "Files attached to messages as tracked links: list them, read and export their hits, delete them.",
  Conversations:
    "Two-way conversations with recipients: list and read them, mark them read, reply by SMS, Viber or WhatsApp.",
  Groups: "Contact groups: create and list them, add, update and remove contacts, empty or delete a group, export it.",
  Multichannel:
    "Messages that try channels in order (e.g. Viber, then SMS), single or as campaigns, with estimates and scheduling.",
  Numbers: "Number lookup (single and bulk, with exports), validation, and rented numbers with their inbound SMS.",
  Oauth: "OAuth client credentials: an access token for an application's id and secret.",
  Optouts: "The opt-out list: numbers that unsubscribed, added by hand or by recipients, listed, exported and removed.",
  Originators: "Sender IDs (originators) of the account: create, list and delete them.",
  Otp: "One-time passwords: send a PIN, check its status, verify it, cancel it.",
  Reports:
    "Delivery reports: single messages, the advanced report with filters, campaigns, summaries, and their exports.",
  Shortlinks: "Tracked short links: create, list, update and delete them, read and export their hits.",
  Sms:
    "Send SMS to single numbers or many (up to 25,000 a request) and to groups as campaigns, estimate their cost, and delete scheduled messages and campaigns (their cost is refunded).",
  Templates: "Message templates (SMS, Viber, WhatsApp): create, list, read, update and delete them.",
  Viber: "Viber messages with rich media and buttons, single or as campaigns, with estimates and scheduling.",
  Whatsapp: "WhatsApp template messages, with estimates and scheduling."
}
spec.paths = fixPaths(spec.paths)

export const refName = (ref: string) => ref.replace("#/components/schemas/", "")
export const lit = (v: unknown) => JSON.stringify(v)
/** A property name as written in an object literal: bare when it can be (hovers then show `from`, not `"from"`). */
export const key = (name: string) => /^[A-Za-z_$][\w$]*$/.test(name) ? name : lit(name)
export const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)
export const camel = (s: string) => s.charAt(0).toLowerCase() + s.slice(1)

export const refsOf = (s: Json, out = new Set<string>()): Set<string> => {
  if (Array.isArray(s)) s.forEach((x) => refsOf(x, out))
  else if (s && typeof s === "object") {
    if (typeof s.$ref === "string") out.add(refName(s.$ref))
    Object.values(s).forEach((x) => refsOf(x, out))
  }
  return out
}

/**
 * Spec prose as comment text: a link to an anchor of the vendor's docs page (`[sender names](#)`,
 * `(#error-codes)`) leads nowhere from here, so it keeps its words only; `*\/` cannot end the
 * comment.
 */
export const prose = (text: string): string => text.replace(/\[([^\]]+)\]\(#[^)]*\)/g, "$1").replace(/\*\//g, "*\\/")

/** The schema a `$ref` names, else the schema itself. */
export const resolved = (s: Json): Json => (s?.$ref ? schemas[refName(s.$ref)] : s)

export const requestSchemaOf = (op: Json): Json | undefined => {
  const body = op.requestBody?.content
  return body?.["application/json"]?.schema ?? body?.["application/x-www-form-urlencoded"]?.schema
}

export const accessor = (group: string) => camel(group)

/** Every operation of the API groups, in the spec's order, with its path and (upper-case) method. */
export const operations: Array<Json> = []
for (const [path, item] of Object.entries<Json>(spec.paths)) {
  for (const [method, op] of Object.entries<Json>(item)) {
    if (!["get", "post", "patch", "put", "delete"].includes(method)) continue
    if (!GROUPS.includes(op.tags[0])) continue
    operations.push({ ...op, path, method: method.toUpperCase() })
  }
}

/** The one-line doc of a group: the tag's description, else `GROUP_DOCS`. */
export const groupDoc = (group: string): string =>
  spec.tags?.find((t: Json) => t.name === group)?.description ?? GROUP_DOCS[group] ?? `The ${group} API group.`
