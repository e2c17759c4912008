/**
 * The Attachments group: files attached to messages as tracked links. List them, read and
 * export their hits, delete them.
 *
 * No operation of the API creates an attachment: they come from messages sent with a file (in
 * the vendor's web app). The sandbox's control API and tests add them with `addAttachment`.
 * An attachment's id is a short code from the namespace shortlinks use (see `shortlinks.ts`):
 * its `shortUrl` is `https://en.ax/<code>`, which a visit route resolves with
 * `recordAttachmentHit`; its `fileUrl`, where the file itself is served, is
 * `https://en.ax/files/<code>/<file name>` unless given.
 *
 * `fileType` is the file's media type as given (`application/pdf`); the spec does not say which
 * form the API uses. Hits are those of shortlinks (`DataShortlinkDetail`), oldest first.
 */
import type * as Api from "@smscx/core/Api"
import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import type { NewAttachment } from "../../Sandbox.js"
import type { Context } from "../state/context.js"
import { documented, fail } from "../kernel/errors.js"
import * as Exports from "../kernel/exports.js"
import type * as Router from "../kernel/router.js"
import * as Store from "../state/store.js"
import {
  CODE_PATTERN,
  forgetHits,
  formatDate,
  freshCode,
  type HitRecord,
  hitsPage,
  hitsTable,
  keepHit,
  makeHit,
  normalizeHitsQuery,
  SHORT_URL_BASE,
  shortUrlOf,
  TrackedCodes,
  type Visitor
} from "./shortlinks.js"

/** An attachment as the sandbox keeps it. @internal */
export interface AttachmentRecord {
  /** Its short code: the `attachmentId` of the paths. */
  readonly id: string
  readonly name: string
  readonly fileName: string
  readonly contentType: string
  readonly sizeBytes: number
  readonly fileUrl: string
  readonly createdAt: number
  /** Oldest first. */
  readonly hits: Array<HitRecord>
}

/** The attachments, by id, oldest first. @internal */
export const Attachments = Store.collection<string, AttachmentRecord>("attachments")

/** What `addAttachment` takes: the public `Sandbox.NewAttachment`. @internal */
export type { NewAttachment } from "../../Sandbox.js"

/** An `addAttachment` the sandbox cannot take: a bug of its caller. @internal */
export class InvalidAttachment extends Data.TaggedError("InvalidAttachment")<{ readonly message: string }> {}

const invalid = (message: string) => Effect.fail(new InvalidAttachment({ message }))

/**
 * Adds an attachment, created now (the Effect `Clock`), as a message sent with a file would.
 * Input the API could never have produced (an empty file name or type, a negative or fractional
 * size, an id that is malformed or already given) fails with `InvalidAttachment` and adds nothing.
 * @internal
 */
export const addAttachment = (
  store: Store.Store,
  file: NewAttachment
): Effect.Effect<AttachmentRecord, InvalidAttachment> =>
  Effect.gen(function*() {
    const fileName = file.fileName.trim()
    const contentType = file.contentType.trim()
    if (fileName === "") return yield* invalid("fileName is empty")
    if (contentType === "") return yield* invalid("contentType is empty")
    if (!Number.isSafeInteger(file.sizeBytes) || file.sizeBytes < 0) {
      return yield* invalid(`sizeBytes ${file.sizeBytes} is not a whole number of bytes`)
    }
    const codes = store.records(TrackedCodes)
    let id: string
    if (file.id !== undefined) {
      if (!CODE_PATTERN.test(file.id)) return yield* invalid(`id ${JSON.stringify(file.id)} is not a code`)
      if (codes.get(file.id) !== undefined) return yield* invalid(`id ${file.id} is already given`)
      codes.set(file.id, "attachment")
      id = file.id
    } else {
      id = yield* freshCode(store, "attachment")
    }
    const createdAt = yield* Clock.currentTimeMillis
    const record: AttachmentRecord = {
      id,
      name: file.name?.trim() || fileName,
      fileName,
      contentType,
      sizeBytes: file.sizeBytes,
      fileUrl: file.fileUrl ?? `${SHORT_URL_BASE}/files/${id}/${encodeURIComponent(fileName)}`,
      createdAt,
      hits: []
    }
    store.records(Attachments).set(id, record)
    return record
  })

/**
 * Records a visit of an attachment's short URL: the hit joins the attachment's hits. Gives the
 * file's URL to redirect to, or undefined when the code is no (longer an) attachment's.
 * @internal
 */
export const recordAttachmentHit = (
  store: Store.Store,
  code: string,
  visitor: Visitor
): Effect.Effect<string | undefined> =>
  Effect.suspend(() => {
    const attachment = store.records(Attachments).get(code)
    if (attachment === undefined) return Effect.succeed(undefined)
    return Effect.map(makeHit(store, visitor), (hit) => {
      keepHit(store, attachment.hits, hit)
      return attachment.fileUrl
    })
  })

/** The documented errors of the group. @internal */
export const AttachmentErrors = {
  notFound: documented("deleteAttachment", 1420)
} as const

const infoOf = (attachment: AttachmentRecord) => ({
  id: attachment.id,
  name: attachment.name,
  shortUrl: shortUrlOf(attachment.id),
  fileUrl: attachment.fileUrl,
  fileType: attachment.contentType,
  dateCreated: formatDate(attachment.createdAt),
  hits: attachment.hits.length
})

/** @internal */
export const handlers = ({ store }: Context): Router.Handlers<typeof Api.Attachments> => {
  const all = () => store.records(Attachments)
  const find = (attachmentId: string) =>
    Effect.suspend(() => {
      const attachment = all().get(attachmentId)
      return attachment === undefined ? fail(AttachmentErrors.notFound) : Effect.succeed(attachment)
    })
  const fileName = (attachment: AttachmentRecord, extension: string) => `attachment-${attachment.id}-hits.${extension}`
  return {
    getAttachmentsList: {
      // most recent first; the operation takes no paging parameters
      handle: () => Effect.sync(() => ({ body: { data: all().values().slice().reverse().map(infoOf) } }))
    },
    deleteAttachment: {
      handle: ({ path }) =>
        Effect.flatMap(find(path.attachmentId), (attachment) =>
          Effect.sync(() => {
            // its hits go with it; its code stays given
            all().delete(attachment.id)
            forgetHits(store, attachment.hits)
            return { body: { info: { id: attachment.id } } }
          }))
    },
    getAttachmentHits: {
      normalize: normalizeHitsQuery,
      handle: ({ input, path }) =>
        Effect.gen(function*() {
          const attachment = yield* find(path.attachmentId)
          const page = yield* hitsPage(attachment.hits.slice(), input)
          return { body: { info: infoOf(attachment), ...page } }
        })
    },
    exportAttachmentHitsToCSV: {
      handle: ({ path }) =>
        Effect.map(find(path.attachmentId), (attachment) => ({
          body: Exports.csv(hitsTable(attachment.hits), fileName(attachment, "csv"))
        }))
    },
    exportAttachmentHitsToXLSX: {
      handle: ({ path }) =>
        Effect.flatMap(find(path.attachmentId), (attachment) =>
          Effect.map(
            Exports.xlsx(hitsTable(attachment.hits), fileName(attachment, "xlsx"), "Hits"),
            (file) => ({ body: file })
          ))
    }
  }
}
