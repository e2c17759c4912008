/**
 * The Templates group: message templates per channel (SMS, Viber, WhatsApp). SMS templates are
 * approved at once; Viber and WhatsApp ones wait for approval (`approveTemplate`, for the
 * sandbox's control API) and, once approved, are locked for editing.
 */
import type * as Api from "@smscx/core/Api"
import type * as Generated from "@smscx/core/Generated"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { isRecord } from "effect/Predicate"
import { type Channel, type Template, Templates } from "../engines/templates.js"
import { documented, fail } from "../kernel/errors.js"
import type * as Fields from "../kernel/fields.js"
import type * as Router from "../kernel/router.js"
import { isHttpUrl } from "../kernel/urls.js"
import type { Context } from "../state/context.js"

/** The documented errors of the Templates operations. @internal */
const TemplatesErrors = {
  textMissing: documented("createTemplate", 1801),
  textInvalid: documented("createTemplate", 1802),
  nameInvalid: documented("createTemplate", 1803),
  channelInvalid: documented("createTemplate", 1806),
  nameTaken: documented("createTemplate", 1805),
  textTooLong: documented("createTemplate", 1811),
  buttonCaptionInvalid: documented("createTemplate", 1808),
  targetUrlInvalid: documented("createTemplate", 1809),
  imageUrlInvalid: documented("createTemplate", 1810),
  nothingToUpdate: documented("updateTemplate", 1804),
  locked: documented("updateTemplate", 1812),
  notFound: documented("getTemplate", 1800)
} as const

const E = TemplatesErrors

/** Viber and WhatsApp texts: at most 1000 characters (the spec states no limit for SMS). */
const MAX_RICH_TEXT = 1000

const richMediaFields: Fields.Table = [
  ["richMedia.buttonCaption", { invalid: E.buttonCaptionInvalid }],
  ["richMedia.targetUrl", { invalid: E.targetUrlInvalid }],
  ["richMedia.imageUrl", { invalid: E.imageUrlInvalid }]
]

const createFields: Fields.Table = [
  ["text", { missing: E.textMissing, invalid: (v) => v === null ? E.textMissing : E.textInvalid }],
  ["name", { invalid: E.nameInvalid }],
  ["channel", { invalid: E.channelInvalid }],
  ...richMediaFields
]

// `updateTemplate` documents no 1801 (an empty text is 1802) and no 1806 (a bad channel is the
// generic invalid-parameter error)
const updateFields: Fields.Table = [
  ["text", { invalid: E.textInvalid }],
  ["name", { invalid: E.nameInvalid }],
  ...richMediaFields
]

/** A `richMedia` without some of its three fields: those are null (no image, no button). */
const normalize = (raw: Record<string, unknown>): Record<string, unknown> => {
  if (!isRecord(raw.richMedia)) return raw
  const { buttonCaption = null, imageUrl = null, targetUrl = null, ...rest } = raw.richMedia
  return { ...raw, richMedia: { ...rest, imageUrl, buttonCaption, targetUrl } }
}

// URL parsing drops spaces at either end and encodes inner ones: a value with any is refused
const isWebUrl = (value: string): boolean => !/\s/.test(value) && isHttpUrl(value)

const noMedia: Generated.RichMedia = { imageUrl: null, buttonCaption: null, targetUrl: null }

/** The checks of a `richMedia`: URLs, and a button needs both its caption and its target. */
const checkRichMedia = (media: Generated.RichMedia | undefined) => {
  if (media === undefined) return Effect.succeed(undefined)
  if (media.imageUrl !== null && !isWebUrl(media.imageUrl)) return fail(E.imageUrlInvalid)
  const caption = media.buttonCaption?.trim()
  if (caption !== undefined && (caption.length < 1 || caption.length > 30)) return fail(E.buttonCaptionInvalid)
  if (media.targetUrl !== null && !isWebUrl(media.targetUrl)) return fail(E.targetUrlInvalid)
  if (caption !== undefined && media.targetUrl === null) return fail(E.targetUrlInvalid)
  if (caption === undefined && media.targetUrl !== null) return fail(E.buttonCaptionInvalid)
  return Effect.succeed({ imageUrl: media.imageUrl, buttonCaption: caption ?? null, targetUrl: media.targetUrl })
}

const sameMedia = (a: Generated.RichMedia | undefined, b: Generated.RichMedia | undefined) => {
  const x = a ?? noMedia
  const y = b ?? noMedia
  return x.imageUrl === y.imageUrl && x.buttonCaption === y.buttonCaption && x.targetUrl === y.targetUrl
}

const hasMedia = (media: Generated.RichMedia | undefined) =>
  media !== undefined && (media.imageUrl !== null || media.buttonCaption !== null || media.targetUrl !== null)

/**
 * Viber and WhatsApp: a template with an image or a button is promotional (transactional
 * messages are text only); SMS templates have no type.
 */
const typeOf = (t: Template): "transactional" | "promotional" | undefined =>
  t.channel === "sms" ? undefined : hasMedia(t.richMedia) ? "promotional" : "transactional"

/** An approved Viber or WhatsApp template cannot be edited. */
const isLocked = (t: Template) => t.channel !== "sms" && t.approved

const iso = (millis: number) => new Date(millis).toISOString()

/** The documented default name: `Template 2021-06-11 21:00:00` (UTC). */
const defaultName = (now: number) => `Template ${iso(now).slice(0, 19).replace("T", " ")}`

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()

const checkText = (text: string, channel: Channel, empty: typeof E.textMissing) => {
  if (text.trim() === "") return fail(empty)
  if (channel !== "sms" && Array.from(text).length > MAX_RICH_TEXT) return fail(E.textTooLong)
  return Effect.void
}

const checkName = (name: string) => {
  const trimmed = name.trim()
  return trimmed.length < 3 || trimmed.length > 100 ? fail(E.nameInvalid) : Effect.succeed(trimmed)
}

const detailsOf = (t: Template): Generated.DataTemplate => ({
  id: t.id,
  name: t.name,
  text: t.text,
  channel: t.channel,
  type: typeOf(t) ?? null,
  richMedia: t.richMedia ?? noMedia,
  createdAt: iso(t.createdAt),
  approved: t.approved,
  locked: isLocked(t)
})

const listItemOf = (t: Template): Generated.DataTemplatesList => ({
  id: t.id,
  name: t.name,
  channel: t.channel,
  text: t.text,
  createdAt: iso(t.createdAt),
  approved: t.approved
})

/** @internal */
export const handlers = ({ store }: Context): Router.Handlers<typeof Api.Templates> => {
  const templates = store.records(Templates)
  const find = (id: number) =>
    Effect.suspend(() => {
      const template = templates.get(id)
      return template === undefined ? fail(E.notFound) : Effect.succeed(template)
    })
  const nameTaken = (name: string, except?: number) =>
    templates.values().some((t) => t.id !== except && sameName(t.name, name))

  return {
    createTemplate: {
      fields: createFields,
      normalize,
      handle: ({ input }) =>
        Effect.gen(function*() {
          const channel: Channel = input.channel ?? "sms"
          yield* checkText(input.text, channel, E.textMissing)
          const now = yield* Clock.currentTimeMillis
          let name: string
          if (input.name !== undefined) {
            name = yield* checkName(input.name)
            if (nameTaken(name)) return yield* fail(E.nameTaken)
          } else {
            // two unnamed templates in the same second: the later gets a number, not an error
            const base = defaultName(now)
            name = base
            for (let n = 2; nameTaken(name); n++) name = `${base} (${n})`
          }
          const media = yield* checkRichMedia(input.richMedia)
          // SMS has no rich media: whatever was sent is not kept
          const richMedia = channel === "sms" ? undefined : media
          const template = yield* Effect.sync(() => {
            const created: Template = {
              id: store.nextId("templates"),
              name,
              text: input.text,
              channel,
              richMedia,
              createdAt: now,
              // SMS templates need no review
              approved: channel === "sms"
            }
            templates.set(created.id, created)
            return created
          })
          const type = typeOf(template)
          return {
            body: {
              info: {
                id: template.id,
                name: template.name,
                text: template.text,
                channel: template.channel,
                // "only for channel viber or whatsapp"
                ...(type === undefined ? {} : { type, approved: template.approved })
              }
            }
          }
        })
    },
    getTemplatesList: {
      // most recent first
      handle: () => Effect.sync(() => ({ body: { data: templates.values().map(listItemOf).reverse() } }))
    },
    getTemplate: {
      handle: ({ path }) => Effect.map(find(path.templateId), (t) => ({ body: { data: detailsOf(t) } }))
    },
    deleteTemplate: {
      handle: ({ path }) =>
        Effect.flatMap(find(path.templateId), (t) =>
          Effect.sync(() => {
            templates.delete(t.id)
            return { body: { info: { id: t.id } } }
          }))
    },
    updateTemplate: {
      fields: updateFields,
      normalize,
      handle: ({ input, path }) =>
        Effect.gen(function*() {
          const current = yield* find(path.templateId)
          if (
            input.name === undefined && input.text === undefined && input.channel === undefined &&
            input.richMedia === undefined
          ) return yield* fail(E.nothingToUpdate)
          if (isLocked(current)) return yield* fail(E.locked)
          const channel: Channel = input.channel ?? current.channel
          const text = input.text ?? current.text
          // a text kept from before is checked too: it may be too long for a new channel
          yield* checkText(text, channel, E.textInvalid)
          let name = current.name
          if (input.name !== undefined) {
            name = yield* checkName(input.name)
            if (nameTaken(name, current.id)) return yield* fail(E.nameTaken)
          }
          const media = input.richMedia === undefined ? current.richMedia : yield* checkRichMedia(input.richMedia)
          const richMedia = channel === "sms" ? undefined : media
          const changed = name !== current.name || text !== current.text || channel !== current.channel ||
            !sameMedia(richMedia, current.richMedia)
          if (changed) {
            yield* Effect.sync(() =>
              templates.set(current.id, {
                ...current,
                name,
                text,
                channel,
                richMedia,
                // a changed Viber or WhatsApp template goes back for review
                approved: channel === "sms"
              })
            )
          }
          // the same data again: the API's 204 (no body)
          return { body: changed ? { info: { id: current.id } } : undefined }
        })
    }
  }
}
