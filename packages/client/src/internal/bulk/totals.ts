/**
 * The accounting of a bulk send: every chunk answered or failed is added as it happens, so that
 * the outcome (whatever ends the send) accounts for every recipient read.
 */
import * as Duration from "effect/Duration"
import * as Predicate from "effect/Predicate"
import type { ChunkToSend } from "./chunks.js"
import type * as Bulk from "./model.js"

/** @internal The parts of a send's answer the totals read (the same for every channel). */
export interface SendAnswerTotals {
  readonly info: {
    readonly campaignId?: string
    readonly totalPhoneNumbers?: number
    readonly totalValid?: number
    readonly totalInvalid?: number
    readonly totalCost?: number
    readonly invalid?: ReadonlyArray<unknown>
  }
  readonly data: ReadonlyArray<{ readonly msgId?: string }>
}

/** Sums of money in millionths, so that thousands of chunks' costs add up exactly. */
const MICROS = 1_000_000

/** @internal The totals of a send, updated as chunks are answered. */
export class Totals {
  private chunksSent = 0
  private chunksFailed = 0
  private recipients = 0
  private recipientsFailed = 0
  private accepted = 0
  private invalid = 0
  /** Numbers the API dropped as repeats. */
  private duplicates = 0
  /** Repeats removed before sending, counted as chunks are read. */
  private removed = 0
  private costMicros = 0
  private readonly messageIds: Array<string> = []
  private readonly invalidNumbers: Array<string> = []
  private readonly campaignIds: Array<string> = []
  private readonly failed: Array<Bulk.FailedChunk<any>> = []

  constructor(private readonly started: number, private readonly collectMessageIds: boolean) {}

  /** Repeats dropped from a chunk as it was read. */
  removedRepeats(count: number): void {
    this.removed += count
  }

  sent(chunk: ChunkToSend, answer: SendAnswerTotals): void {
    const info = answer.info
    const invalid = (info.invalid ?? []).filter(Predicate.isString)
    const valid = info.totalValid ?? answer.data.length
    const total = info.totalPhoneNumbers ?? chunk.recipients.length
    const invalidCount = info.totalInvalid ?? invalid.length
    this.chunksSent++
    this.recipients += chunk.recipients.length
    this.accepted += valid
    this.invalid += invalidCount
    this.duplicates += Math.max(0, total - valid - invalidCount)
    this.costMicros += Math.round((info.totalCost ?? 0) * MICROS)
    for (const number of invalid) this.invalidNumbers.push(number)
    if (info.campaignId !== undefined) this.campaignIds.push(info.campaignId)
    if (this.collectMessageIds) {
      for (const message of answer.data) if (message.msgId !== undefined) this.messageIds.push(message.msgId)
    }
  }

  failedChunk(chunk: Bulk.FailedChunk<any>): void {
    this.chunksFailed++
    this.recipients += chunk.recipients.length
    this.recipientsFailed += chunk.recipients.length
    this.failed.push(chunk)
  }

  progress(now: number): Bulk.Progress {
    return {
      chunksSent: this.chunksSent,
      chunksFailed: this.chunksFailed,
      recipients: this.recipients,
      recipientsFailed: this.recipientsFailed,
      accepted: this.accepted,
      invalid: this.invalid,
      duplicates: this.duplicates + this.removed,
      cost: this.costMicros / MICROS,
      elapsed: Duration.millis(Math.max(0, now - this.started))
    }
  }

  outcome<C extends Bulk.Channel>(now: number, stopped: boolean): Bulk.Outcome<C> {
    return {
      ...this.progress(now),
      messageIds: this.messageIds,
      invalidNumbers: this.invalidNumbers,
      campaignIds: this.campaignIds,
      failed: this.failed,
      stopped
    }
  }
}
