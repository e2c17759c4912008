/**
 * Attachments: files attached to messages as tracked links. No operation of the API creates
 * one: they come from messages sent with a file (in the vendor's web app); the sandbox's control
 * API and tests add them with `addAttachment`. An attachment's id is a short code from the
 * namespace shortlinks use (`trackedLinks.ts`): its `shortUrl` is `https://en.ax/<code>`, which
 * a visit resolves with `recordAttachmentHit`; its `fileUrl`, where the file itself is served,
 * is `https://en.ax/files/<code>/<file name>` unless given.
 */
import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Store from "../state/store.js"
import type { NewAttachment } from "../state/types.js"
import {
  CODE_PATTERN,
  freshCode,
  type HitRecord,
  keepHit,
  makeHit,
  SHORT_URL_BASE,
  TrackedCodes,
  type Visitor
} from "./trackedLinks.js"

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
