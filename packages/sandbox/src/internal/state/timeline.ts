/**
 * What a message's delivery report says at any moment, read from the timeline fixed when it was
 * accepted (`engines/delivery.ts` plans it): every reader (the outbox, reports, callbacks) agrees
 * without a timer per message.
 */

/** A message's future, fixed when it is accepted. @internal */
export interface Timeline {
  /** Epoch millis. */
  readonly sentAt: number
  readonly finalAt: number
  readonly outcome: "DELIVERED" | "FAILED"
  readonly errorCode: number | null
}

/** The statuses a report can show (the spec's enum), and `DELETED` for a deleted scheduled one. @internal */
export type Status = "ACCEPTED" | "SENT" | "DELIVERED" | "FAILED" | "SCHEDULED" | "REJECTED" | "NO COVERAGE" | "DELETED"

/**
 * The sandbox's own status codes (the reference gives none): stable, one per status.
 * @internal
 */
export const statusCodes: Readonly<Record<Status, number>> = {
  ACCEPTED: 1,
  SCHEDULED: 2,
  REJECTED: 3,
  "NO COVERAGE": 4,
  SENT: 5,
  DELIVERED: 6,
  FAILED: 7,
  DELETED: 8
}

/** What a message's report says at a moment. @internal */
interface Report {
  readonly status: Status
  /** When the status last changed after creation; null when it has not. */
  readonly updatedAt: number | null
  readonly errorCode: number | null
}

/**
 * The report of a message at `now`: `held` is its state before delivery begins (`ACCEPTED`,
 * `SCHEDULED`, or one that never progresses: `NO COVERAGE`, `REJECTED`, `DELETED`).
 * @internal
 */
export const statusAt = (
  message: {
    readonly status: "ACCEPTED" | "SCHEDULED" | "NO COVERAGE" | "REJECTED" | "DELETED"
    readonly scheduledAt: number | undefined
    readonly timeline: Timeline | undefined
    readonly deletedAt?: number | undefined
  },
  now: number
): Report => {
  const { timeline } = message
  const held: Report = {
    status: message.status,
    updatedAt: message.status === "DELETED" ? message.deletedAt ?? null : null,
    errorCode: null
  }
  if (timeline === undefined || (message.status !== "ACCEPTED" && message.status !== "SCHEDULED")) return held
  if (now >= timeline.finalAt) {
    return { status: timeline.outcome, updatedAt: timeline.finalAt, errorCode: timeline.errorCode }
  }
  if (now >= timeline.sentAt) return { status: "SENT", updatedAt: timeline.sentAt, errorCode: null }
  if (message.scheduledAt !== undefined && now >= message.scheduledAt) {
    return { status: "ACCEPTED", updatedAt: message.scheduledAt, errorCode: null }
  }
  return held
}
