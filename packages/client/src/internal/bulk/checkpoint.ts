/**
 * A bulk job's checkpoint entries and what they add up to. The log is a header, then, for each
 * chunk, `begin` (written before its request first leaves) and `done` (its answer's totals,
 * written once it is answered), and `complete` once every chunk of the input is done. Folded, it
 * says which chunks to skip, which to send again with their ids, and the job's totals.
 */
import type * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import { BulkJobError } from "../../BulkJobStore.js"
import type * as Bulk from "./model.js"
import type { SendAnswerTotals } from "./totals.js"

/** @internal The version of the log's format: a log of another is refused. */
const FORMAT_VERSION = 1
const FORMAT = "smscx-bulk-job"

const Count = Schema.Number.pipe(Schema.int(), Schema.nonNegative())

const Header = Schema.Struct({
  format: Schema.Literal(FORMAT),
  version: Schema.Number,
  jobId: Schema.String,
  channel: Schema.String,
  fingerprint: Schema.String
})

/** @internal The job's header: what it sends, checked against every later run of its id. */
type Header = typeof Header.Type

const Begin = Schema.Struct({ begin: Count, id: Schema.String })

const Done = Schema.Struct({
  done: Count,
  id: Schema.String,
  recipients: Count,
  /** Repeats removed from the chunk before it was sent. */
  removed: Count,
  accepted: Count,
  invalid: Count,
  /** Numbers the API dropped as repeats. */
  duplicates: Count,
  costMicros: Count,
  campaignId: Schema.optional(Schema.String),
  invalidNumbers: Schema.Array(Schema.String),
  messageIds: Schema.optional(Schema.Array(Schema.String))
})

/** @internal A chunk done: its answer's totals. */
type DoneEntry = typeof Done.Type

const Complete = Schema.Struct({ complete: Count })

const decodeHeader = Schema.decodeUnknownEither(Schema.parseJson(Header))
const decodeEntry = Schema.decodeUnknownEither(Schema.parseJson(Schema.Union(Begin, Done, Complete)))

/** Sums of money in millionths, so that thousands of chunks' costs add up exactly. */
const MICROS = 1_000_000

/** @internal The header's line. */
export const headerEntry = (header: Omit<Header, "format" | "version">): string =>
  JSON.stringify({ format: FORMAT, version: FORMAT_VERSION, ...header })

/** @internal A chunk begun: its line. */
export const beginEntry = (index: number, id: string): string => JSON.stringify({ begin: index, id })

/** @internal Every chunk of the input done: `chunks` indices in all. */
export const completeEntry = (chunks: number): string => JSON.stringify({ complete: chunks })

/** @internal Whether `entry` is a `complete` line (a store lets a complete job's keys expire). */
export const isCompleteEntry = (entry: string): boolean => entry.startsWith(`{"complete":`)

/** @internal A chunk's answer as its `done` entry (the same sums as a plain send's totals). */
export const doneEntry = (
  chunk: { readonly index: number; readonly idempotencyId: string; readonly size: number },
  removed: number,
  answer: SendAnswerTotals,
  collectMessageIds: boolean
): DoneEntry => {
  const info = answer.info
  const invalidNumbers = (info.invalid ?? []).filter(Predicate.isString)
  const accepted = info.totalValid ?? answer.data.length
  const invalid = info.totalInvalid ?? invalidNumbers.length
  const total = info.totalPhoneNumbers ?? chunk.size
  return {
    done: chunk.index,
    id: chunk.idempotencyId,
    recipients: chunk.size,
    removed,
    accepted,
    invalid,
    duplicates: Math.max(0, total - accepted - invalid),
    costMicros: Math.round((info.totalCost ?? 0) * MICROS),
    ...(info.campaignId === undefined ? {} : { campaignId: info.campaignId }),
    invalidNumbers,
    ...(collectMessageIds ?
      { messageIds: answer.data.flatMap((message) => message.msgId === undefined ? [] : [message.msgId]) } :
      {})
  }
}

/** @internal What a job's log says so far. */
export class JobState {
  /** Each chunk begun (done or not): its idempotency id. */
  readonly begun = new Map<number, string>()
  readonly done = new Map<number, DoneEntry>()
  /** The number of chunk indices of the whole input, once every chunk is done. */
  complete: number | undefined = undefined

  constructor(readonly header: Header) {}

  /** Chunks begun and not done: in flight when the log was last written, or failed. */
  get inFlight(): number {
    return this.begun.size - this.done.size
  }

  /** Adds an entry; a `done` already counted (a chunk answered twice, by two workers) is not added again. */
  add(entry: typeof Begin.Type | DoneEntry | typeof Complete.Type): void {
    if ("begin" in entry) {
      this.begun.set(entry.begin, entry.id)
    } else if ("done" in entry) {
      if (this.done.has(entry.done)) return
      this.begun.set(entry.done, entry.id)
      this.done.set(entry.done, entry)
    } else {
      this.complete = entry.complete
    }
  }

  /** The job's totals over every chunk done, by any run. */
  progress(elapsed: Duration.Duration): Bulk.Progress {
    let recipients = 0, accepted = 0, invalid = 0, duplicates = 0, costMicros = 0
    for (const done of this.done.values()) {
      recipients += done.recipients
      accepted += done.accepted
      invalid += done.invalid
      duplicates += done.duplicates + done.removed
      costMicros += done.costMicros
    }
    return {
      chunksSent: this.done.size,
      chunksFailed: 0,
      recipients,
      recipientsFailed: 0,
      accepted,
      invalid,
      duplicates,
      cost: costMicros / MICROS,
      elapsed
    }
  }

  /** The job's outcome over every chunk done, in the order of the input. */
  outcome<C extends Bulk.Channel>(
    elapsed: Duration.Duration,
    failed: ReadonlyArray<Bulk.FailedChunk<C>>,
    stopped: boolean
  ): Bulk.Outcome<C> {
    const progress = this.progress(elapsed)
    const chunks = [...this.done.values()].sort((a, b) => a.done - b.done)
    const failedRecipients = failed.reduce((sum, chunk) => sum + chunk.recipients.length, 0)
    return {
      ...progress,
      chunksFailed: failed.length,
      recipients: progress.recipients + failedRecipients,
      recipientsFailed: failedRecipients,
      messageIds: chunks.flatMap((chunk) => chunk.messageIds ?? []),
      invalidNumbers: chunks.flatMap((chunk) => chunk.invalidNumbers),
      campaignIds: chunks.flatMap((chunk) => chunk.campaignId === undefined ? [] : [chunk.campaignId]),
      failed,
      stopped
    }
  }
}

const corrupt = (jobId: string, where: string, problem: string) =>
  new BulkJobError({
    reason: "Corrupt",
    jobId,
    message: `bulk job ${jobId}: the checkpoint at ${where} ${problem}; refused (nothing was sent)`
  })

/**
 * @internal The log's entries folded, or a `Corrupt` BulkJobError: a header that is not a job's
 * (of this format version, this job), or an entry that is not an entry.
 */
export const fold = (
  jobId: string,
  where: string,
  entries: ReadonlyArray<string>
): Either.Either<JobState, BulkJobError> => {
  const [first, ...rest] = entries
  const header = decodeHeader(first ?? "")
  if (Either.isLeft(header)) return Either.left(corrupt(jobId, where, "does not begin with a bulk job's header"))
  if (header.right.version !== FORMAT_VERSION) {
    return Either.left(
      corrupt(
        jobId,
        where,
        `was written by another version (format ${header.right.version}, this is ${FORMAT_VERSION})`
      )
    )
  }
  if (header.right.jobId !== jobId) {
    return Either.left(corrupt(jobId, where, `was written by another job (${header.right.jobId.slice(0, 140)})`))
  }
  const state = new JobState(header.right)
  for (let i = 0; i < rest.length; i++) {
    const entry = decodeEntry(rest[i])
    if (Either.isLeft(entry)) return Either.left(corrupt(jobId, where, `has a damaged entry (line ${i + 2})`))
    if ("done" in entry.right) {
      const known = state.begun.get(entry.right.done)
      if (known !== undefined && known !== entry.right.id) {
        return Either.left(corrupt(jobId, where, `gives chunk ${entry.right.done} two ids (line ${i + 2})`))
      }
    }
    state.add(entry.right)
  }
  return Either.right(state)
}
