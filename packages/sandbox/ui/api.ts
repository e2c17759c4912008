/**
 * The control API as the inbox reads it: same origin, JSON both ways (a write says
 * `application/json`, as the sandbox requires of every control write), an answer's
 * `error.message` thrown as the error's message.
 */

/** Where the control API is, relative to the page's origin. */
const PREFIX = "/__sandbox/"

export const api = async <T>(
  path: string,
  write?: { readonly method: string; readonly body?: unknown }
): Promise<T> => {
  const response = await fetch(
    PREFIX + path,
    write === undefined
      ? { cache: "no-store" }
      : {
        method: write.method,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(write.body ?? {})
      }
  )
  const json = (await response.json().catch(() => undefined)) as { error?: { message?: string } } | undefined
  if (!response.ok) throw new Error(json?.error?.message ?? `HTTP ${response.status}`)
  return json as T
}

/** The events the sandbox sends as things change. */
export const eventsUrl = `${PREFIX}events`

export type Channel = "sms" | "viber" | "whatsapp"

export interface PhoneSummary {
  readonly phone: string
  readonly sent: number
  readonly received: number
  readonly lastAt: string
  readonly lastText: string
  readonly lastChannel: Channel
}

export interface Page {
  readonly total: number
  readonly offset: number
  readonly limit: number
}

export interface Step {
  readonly status: string
  readonly at: string
  readonly done: boolean
}

export interface SentItem {
  readonly direction: "sent"
  readonly msgId: string
  readonly campaignId: string
  readonly channel: Channel
  readonly from: string
  readonly text: string
  readonly parts: number
  readonly encoding: string
  readonly length: number
  readonly cost: number
  readonly status: string
  readonly errorCode: number | null
  readonly steps: ReadonlyArray<Step>
  readonly links: ReadonlyArray<{ readonly url: string; readonly visit: string }>
  readonly pin: string | null
  readonly at: string
}

export interface ReceivedItem {
  readonly direction: "received"
  readonly msgId: string
  readonly channel: Channel
  readonly text: string
  readonly at: string
}

export interface Thread {
  readonly phone: string
  readonly items: ReadonlyArray<SentItem | ReceivedItem>
  readonly total: number
  readonly now: string
  readonly nextChangeAt: string | null
}

export interface CampaignSummary {
  readonly campaignId: string
  readonly operation: string
  readonly createdAt: string
  readonly scheduled: boolean
  readonly groups: ReadonlyArray<{ readonly id: number; readonly name: string; readonly phoneNumbers: number }>
  readonly messages: number
  readonly cost: number
  readonly statuses: Readonly<Record<string, number>>
  readonly channels: Readonly<Record<string, number>>
}

export interface OutboxMessage {
  readonly msgId: string
  readonly channel: Channel
  readonly to: string
  readonly from: string
  readonly text: string
  readonly parts: number
  readonly cost: number
  readonly status: string
  readonly createdAt: string
}

export interface CallbackRecord {
  readonly id: number
  readonly url: string
  readonly payload: unknown
  readonly createdAt: number
  readonly outcome: string
  readonly attempts: number
  readonly status?: number
}

export interface FaultRule {
  readonly kind: string
  readonly rate: number
  readonly operations?: ReadonlyArray<string>
}

export interface Faults {
  readonly seed?: number
  readonly maxStallMillis?: number
  readonly rules: ReadonlyArray<FaultRule>
}

/** A date as the reader's clock shows it, to the second. */
export const timeOf = (iso: string | number): string => {
  const date = new Date(iso)
  return `${date.toLocaleDateString()} ${date.toLocaleTimeString()}`
}
