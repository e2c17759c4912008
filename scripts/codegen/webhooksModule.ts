/**
 * `packages/core/src/internal/webhookPayloads.ts`: the schema of each kind of callback, from the
 * spec's `webhooks` and its `CallbackEventTypes`, the table of kinds and the `Payload` union.
 *
 * The kinds: each webhook; each event its body's `event` enum lists besides its own (the body
 * with that `event` only: `shortlink_hit_update`); each event of its `x-smscx-same-shape-events`
 * (the body, with that `event`: `receive_viber`). A webhook whose `event` enum leaves out its own
 * name (`number_lookup`, a copy error of the vendor's models) accepts its name too.
 */
import { type Json, lit, pascal, refName, schemas, spec } from "./spec.js"

interface Kind {
  readonly kind: string
  /** The webhook whose body it is. */
  readonly webhook: string
  readonly body: string
  readonly item: string
  readonly events: ReadonlyArray<string>
  readonly eventRequired: boolean
  readonly doc: ReadonlyArray<string>
  /** Whether `Payload` lists it: not when its webhook's own schema already takes its events. */
  readonly inUnion: boolean
}

const constName = (kind: string) => kind.split("_").map(pascal).join("")
const code = (event: string) => `\`${event}\``
const sentence = (text: string) => `${text.charAt(0).toLowerCase()}${text.slice(1).replace(/\.$/, "")}`
const listed = (items: ReadonlyArray<string>) =>
  items.length === 1 ? items[0]! : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`

const kinds: Array<Kind> = Object.entries<Json>(spec.webhooks).flatMap(([webhook, item]) => {
  const post = item.post
  const body = refName(post.requestBody.content["application/json"].schema.$ref)
  const schema = schemas[body]
  const itemRef = refName(schema.properties.data.items.$ref)
  const declared: Array<string> = schema.properties.event.enum
  const eventRequired = (schema.required ?? []).includes("event")
  const events = declared.includes(webhook) ? declared : [...declared, webhook]
  const about = `${code(webhook)}: ${sentence(post.description ?? post.summary)} (${code(body)}, items ${
    code(itemRef)
  }).`
  const own: Kind = {
    kind: webhook,
    webhook,
    body,
    item: itemRef,
    events,
    eventRequired,
    inUnion: true,
    doc: [
      about,
      ...(declared.includes(webhook) ? [] : [
        `The spec gives its \`event\` as ${listed(declared.map((e) => code(lit(e))))} (a copy error in the vendor's`,
        `models); ${code(lit(webhook))} is accepted too, in case the API sends what the name says. Tell it apart`,
        "by the URL it came to, or by its items."
      ]),
      ...(events.length > 1 && declared.includes(webhook)
        ? [`It carries ${events.length === 2 ? "both" : "all"} events, ${listed(events.map(code))}.`]
        : [])
    ]
  }
  // events of another webhook (`number_lookup` says `otp_update`) are that webhook's kind
  const variants = declared.filter((event) => event !== webhook && spec.webhooks[event] === undefined).map((
    event
  ): Kind => ({
    kind: event,
    webhook,
    body,
    item: itemRef,
    events: [event],
    eventRequired,
    inUnion: false,
    doc: [`${code(event)}: the ${code(webhook)} body with \`event: ${lit(event)}\` only.`]
  }))
  const sameShape = Object.entries<string>(post["x-smscx-same-shape-events"] ?? {}).map(([event, text]): Kind => ({
    kind: event,
    webhook,
    body,
    item: itemRef,
    events: [event],
    eventRequired,
    inUnion: true,
    doc: [
      `${code(event)}: ${sentence(text)}. The spec has no model of their own for them: they carry the`,
      `${code(webhook)} shape (${code(body)}), with \`event: ${lit(event)}\`.`
    ]
  }))
  return [own, ...sameShape, ...variants]
})

const eventTypes: ReadonlyArray<string> = schemas.CallbackEventTypes.enum
for (const event of eventTypes) {
  if (!kinds.some((k) => k.kind === event)) throw new Error(`webhooks: no kind for the event type ${event}`)
}

/** Prose wrapped at 100 columns. */
const wrap = (text: string): Array<string> =>
  text.split(" ").reduce<Array<string>>((lines, word) => {
    const last = lines.at(-1)
    if (last !== undefined && last.length + word.length < 96) lines[lines.length - 1] = `${last} ${word}`
    else lines.push(word)
    return lines
  }, [])

const docBlock = (paragraph: ReadonlyArray<string>, category: string) => [
  "/**",
  ...(paragraph.length === 0 ? [] : wrap(paragraph.join(" ")).map((l) => ` * ${l}`)),
  " * @since 0.1.0",
  ` * @category ${category}`,
  " */"
]

const items = [...new Set(kinds.map((k) => k.item))]

const kindDecl = (k: Kind): Array<string> => {
  const literal = `Schema.Literal(${k.events.map((e) => lit(e)).join(", ")})`
  const event = k.eventRequired ? literal : `Schema.optional(${literal})`
  const name = constName(k.kind)
  return [
    ...docBlock(k.doc, "schemas"),
    `export const ${name} = /*#__PURE__*/ lazySchema(() => callback(Generated.${k.body}, ${event}, ${k.item}, ${
      lit(name)
    }))`,
    "",
    ...docBlock([], "models"),
    `export type ${name} = typeof ${name}.Type`,
    ""
  ]
}

/** Kinds whose bodies share one `event` value: `decodeAny` tells them apart by their items. */
const shared = kinds.filter((k) =>
  k.inUnion && kinds.some((o) => o !== k && o.inUnion && o.events.includes(k.events[0]!))
)
const optionalEvent = kinds.filter((k) => k.kind === k.webhook && !k.eventRequired).map((k) => code(k.kind))

/** The module text. */
export const webhooksModule = [
  "/**",
  " * The payload schemas of the callbacks (webhooks), one per kind, generated by `pnpm codegen`",
  " * from the spec's `webhooks` and `CallbackEventTypes`. Public through `Webhooks`, which decodes",
  " * them. Do not edit: change the spec or `scripts/codegen/`.",
  " *",
  " * @since 0.1.0",
  " */",
  "import * as Schema from \"effect/Schema\"",
  "import * as Generated from \"../Generated.js\"",
  "import { lazySchema } from \"./lazySchema.js\"",
  "import { callback, openItem } from \"./webhookSchema.js\"",
  "",
  // every schema built on first use (see lazySchema), as the generated ones they derive from
  ...items.map((item) => `const ${item} = /*#__PURE__*/ lazySchema(() => openItem(Generated.${item}, ${lit(item)}))`),
  "",
  ...kinds.flatMap(kindDecl),
  ...docBlock([
    "The schema of each kind of callback: the spec's webhooks and every event type it names",
    "(`CallbackEventTypes`)."
  ], "schemas"),
  "export const schemas = {",
  kinds.map((k) => `  ${k.kind}: ${constName(k.kind)}`).join(",\n"),
  "} as const",
  "",
  ...docBlock([
    "Any callback payload, discriminated by `event` (`if (p.event === \"dlr_update\") ...`)" +
    (shared.length === 0 ? "." : `, with one exception from the spec: ${listed(shared.map((k) => code(k.kind)))}`),
    ...(shared.length === 0 ? [] : [
      `${shared.length === 2 ? "both" : "all"} say \`event: ${
        lit(shared[0]!.events[0])
      }\` (tell them apart by their items).`
    ]),
    `\`event\` is optional in the spec for ${listed(optionalEvent)}; a payload from`,
    "`decodeAny` always has it. Decode with `decode` or `decodeAny`, not with this union, which",
    "cannot tell those apart."
  ], "schemas"),
  `export const Payload = /*#__PURE__*/ lazySchema(() => Schema.Union(${
    kinds.filter((k) => k.inUnion).map((k) => constName(k.kind)).join(", ")
  }).annotations({ identifier: "@smscx/core/Webhooks/Payload" }))`,
  "",
  ...docBlock([], "models"),
  "export type Payload = typeof Payload.Type",
  ""
].join("\n")
