/**
 * The Attachments group: files attached to messages as tracked links (`engines/attachments.ts`).
 * List them, read and export their hits, delete them.
 *
 * `fileType` is the file's media type as given (`application/pdf`); the spec does not say which
 * form the API uses. Hits are those of shortlinks (`DataShortlinkDetail`), oldest first.
 */
import type * as Api from "@smscx/core/Api"
import * as Effect from "effect/Effect"
import { type AttachmentRecord, Attachments } from "../engines/attachments.js"
import { forgetHits, formatDate, hitsPage, hitsTable, normalizeHitsQuery, shortUrlOf } from "../engines/trackedLinks.js"
import { documented, fail } from "../kernel/errors.js"
import * as Exports from "../kernel/exports.js"
import type * as Router from "../kernel/router.js"
import type { Context } from "../state/context.js"

/** The documented errors of the group. @internal */
const AttachmentErrors = {
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
