/**
 * The reads behind the web inbox (`/__sandbox/ui`), as the control API answers them: the phones
 * that received or sent something (newest first, searched and paged on the server), one phone's
 * thread as its screen would show it, the campaigns with their totals, the messages searched and
 * paged. Each read is one pass over what the store keeps (at most `maxMessages` of each kind),
 * so a sandbox holding 100,000 messages answers any page in milliseconds.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as MessageParts from "../engines/messageParts.js"
import { SHORT_URL_BASE } from "../engines/trackedLinks.js"
import * as Conversations from "../groups/conversations.js"
import * as Otp from "../groups/otp.js"
import { fromMicros } from "../kernel/money.js"
import * as Store from "../state/store.js"
import * as Timeline from "../state/timeline.js"

/** A page asked for: `offset` from the first, `limit` at most (clamped to 1..500). @internal */
export interface PageQuery {
  readonly offset: number
  readonly limit: number
}

/** The page of a query string's `offset` and `limit` (defaults 0 and `fallback`). @internal */
export const pageOf = (params: URLSearchParams, fallback: number): PageQuery => {
  const read = (name: string, otherwise: number) => {
    const value = Number(params.get(name) ?? Number.NaN)
    return Number.isInteger(value) ? value : otherwise
  }
  return { offset: Math.max(0, read("offset", 0)), limit: Math.min(500, Math.max(1, read("limit", fallback))) }
}

const iso = (millis: number) => new Date(millis).toISOString()

/** What a search matches: digits of a number, any case of a text. */
const matcher = (q: string | undefined) => {
  const needle = (q ?? "").trim().toLowerCase()
  if (needle === "") return undefined
  const digits = needle.replace(/[^\d]/g, "")
  return (phone: string, text: string) =>
    (digits !== "" && /^[+\d\s()-]+$/.test(needle) && phone.includes(digits)) || text.toLowerCase().includes(needle)
}

/** One phone of the list. @internal */
interface PhoneSummary {
  readonly phone: string
  /** Messages sent to it, and received from it. */
  readonly sent: number
  readonly received: number
  readonly lastAt: string
  readonly lastText: string
  readonly lastChannel: Store.Channel
}

/** A message to or from a phone, as the list reads it. */
interface Activity {
  readonly phone: string
  readonly channel: Store.Channel
  readonly text: string
  readonly at: number
  readonly sent: boolean
}

/**
 * Everything phones were sent or sent, newest first: the outbox is kept in the order it was
 * accepted (the sandbox's clock never goes back), so it is read backwards and merged with what
 * phones sent (few, sorted here).
 */
function* newestFirst(store: Store.Store): Generator<Activity> {
  const sent = store.storedMessages()
  const received = Conversations.receivedMessages(store).sort((a, b) => b.at - a.at)
  let r = 0
  for (let i = sent.length - 1; i >= 0; i--) {
    const m = sent[i]!
    if (m.status === "REJECTED") continue
    for (; r < received.length && received[r]!.at > m.createdAt; r++) {
      const x = received[r]!
      yield { phone: x.phoneNumber, channel: x.channel, text: x.text, at: x.at, sent: false }
    }
    yield { phone: m.to, channel: m.channel, text: m.text, at: m.createdAt, sent: true }
  }
  for (; r < received.length; r++) {
    const x = received[r]!
    yield { phone: x.phoneNumber, channel: x.channel, text: x.text, at: x.at, sent: false }
  }
}

/**
 * The phones, most recently active first, matching `q` (a number's digits, or any message's
 * text). No sort and no record per phone: the phones come in order from one walk newest first,
 * and only those of the page are counted.
 * @internal
 */
export const phones = (store: Store.Store, q: string | undefined, page: PageQuery) => {
  const matches = matcher(q)
  let wanted: Set<string> | undefined
  if (matches !== undefined) {
    wanted = new Set()
    for (const a of newestFirst(store)) if (!wanted.has(a.phone) && matches(a.phone, a.text)) wanted.add(a.phone)
  }
  const order: Array<string> = []
  const seen = new Set<string>()
  for (const a of newestFirst(store)) {
    if (seen.has(a.phone)) continue
    seen.add(a.phone)
    if (wanted === undefined || wanted.has(a.phone)) order.push(a.phone)
  }
  const shown = order.slice(page.offset, page.offset + page.limit)
  const tally = new Map<string, { sent: number; received: number; last: Activity | undefined }>(
    shown.map((phone) => [phone, { sent: 0, received: 0, last: undefined }])
  )
  for (const a of newestFirst(store)) {
    const entry = tally.get(a.phone)
    if (entry === undefined) continue
    entry.last ??= a
    if (a.sent) entry.sent++
    else entry.received++
  }
  const phones = shown.map((phone): PhoneSummary => {
    const { last, received, sent } = tally.get(phone)!
    return {
      phone,
      sent,
      received,
      lastAt: iso(last!.at),
      lastText: last!.text,
      lastChannel: last!.channel
    }
  })
  return { phones, total: order.length, offset: page.offset, limit: page.limit }
}

/** A step of a message's delivery: when it came (or is due), and whether it has. */
interface Step {
  readonly status: Timeline.Status
  readonly at: string
  readonly done: boolean
}

const stepsOf = (m: Store.StoredMessage, now: number): ReadonlyArray<Step> => {
  switch (m.status) {
    case "REJECTED":
    case "NO COVERAGE":
      return [{ status: m.status, at: iso(m.createdAt), done: true }]
    case "DELETED":
      return [
        { status: "SCHEDULED", at: iso(m.createdAt), done: true },
        { status: "DELETED", at: iso(m.deletedAt ?? m.createdAt), done: true }
      ]
  }
  const first: Step = { status: m.status, at: iso(m.createdAt), done: true }
  const { timeline } = m
  if (timeline === undefined) return [first]
  return [
    first,
    { status: "SENT", at: iso(timeline.sentAt), done: now >= timeline.sentAt },
    { status: timeline.outcome, at: iso(timeline.finalAt), done: now >= timeline.finalAt }
  ]
}

/** The sandbox's visit route of each short URL in a text (`https://en.ax/x` is `/s/x`). */
const linksOf = (text: string) =>
  Array.from(
    text.matchAll(new RegExp(`${SHORT_URL_BASE.replace(/\./g, "\\.")}/([A-Za-z0-9]+(?:/[A-Za-z0-9]+)?)`, "g")),
    (match) => ({ url: match[0], visit: `/s/${match[1]}` })
  )

/**
 * A phone's thread, oldest first (the last `limit` of it): the messages it was sent, each with
 * its parts and encoding, cost, status timeline, links and an OTP's PIN, and those it sent.
 * `nextChangeAt` is when a status shown changes next (a page refreshes then, without polling).
 * @internal
 */
export const thread = (store: Store.Store, phone: string, limit: number) =>
  Effect.map(Clock.currentTimeMillis, (now) => {
    const pins = new Map<string, string>()
    for (const otp of store.records(Otp.Otps).values()) if (otp.phoneNumber === phone) pins.set(otp.msgId, otp.pin)
    let nextChangeAt = Number.POSITIVE_INFINITY
    const sent = store.storedMessages().filter((m) => m.to === phone).map((m) => {
      const report = Timeline.statusAt(m, now)
      for (const at of [m.timeline?.sentAt, m.timeline?.finalAt, m.scheduledAt]) {
        if (at !== undefined && at > now && at < nextChangeAt) nextChangeAt = at
      }
      const analysis = MessageParts.analyze(m.text)
      return {
        direction: "sent" as const,
        msgId: m.msgId,
        campaignId: m.campaignId,
        channel: m.channel,
        from: m.from,
        text: m.text,
        parts: m.parts,
        encoding: analysis.encoding,
        length: analysis.length,
        cost: fromMicros(m.costMicros),
        status: report.status,
        errorCode: report.errorCode,
        steps: stepsOf(m, now),
        links: linksOf(m.text),
        pin: pins.get(m.msgId) ?? null,
        at: m.createdAt
      }
    })
    const received = Conversations.receivedMessages(store).filter((r) => r.phoneNumber === phone).map((r) => ({
      direction: "received" as const,
      msgId: r.msgId,
      channel: r.channel,
      text: r.text,
      at: r.at
    }))
    const all = [...sent, ...received].sort((a, b) => a.at - b.at)
    const items = all.slice(Math.max(0, all.length - limit)).map(({ at, ...item }) => ({ ...item, at: iso(at) }))
    return {
      phone,
      items,
      total: all.length,
      now: iso(now),
      nextChangeAt: Number.isFinite(nextChangeAt) ? iso(nextChangeAt) : null
    }
  })

/** The campaigns (every send is one), newest first, with their totals: messages, cost, statuses, channels. @internal */
export const campaigns = (store: Store.Store, page: PageQuery) =>
  Effect.flatMap(store.campaigns, (all) =>
    Effect.map(Clock.currentTimeMillis, (now) => {
      const newest = all.slice().reverse()
      const shown = newest.slice(page.offset, page.offset + page.limit).map((campaign) => {
        const statuses: Partial<Record<Timeline.Status, number>> = {}
        const channels: Partial<Record<Store.Channel, number>> = {}
        let costMicros = 0
        let kept = 0
        for (const msgId of campaign.msgIds) {
          const m = store.findMessage(msgId)
          if (m === undefined) continue
          kept++
          costMicros += m.costMicros
          const status = Timeline.statusAt(m, now).status
          statuses[status] = (statuses[status] ?? 0) + 1
          channels[m.channel] = (channels[m.channel] ?? 0) + 1
        }
        return {
          campaignId: campaign.campaignId,
          operation: campaign.operation,
          createdAt: campaign.createdAt,
          scheduled: campaign.scheduled,
          groups: campaign.groups,
          messages: kept,
          cost: fromMicros(costMicros),
          statuses,
          channels
        }
      })
      return { campaigns: shown, total: all.length, offset: page.offset, limit: page.limit }
    }))

/**
 * The outbox searched (`to`, `campaignId`, `q` in the text or number), oldest first; paged, with
 * its `total`, when a page is given.
 * @internal
 */
export const messages = (
  store: Store.Store,
  filter: {
    readonly to?: string | undefined
    readonly campaignId?: string | undefined
    readonly q?: string | undefined
  },
  page: PageQuery | undefined
) =>
  Effect.map(Clock.currentTimeMillis, (now) => {
    const matches = matcher(filter.q)
    // filtered before each is shown: only the page's messages are read as of now
    const found = store.storedMessages().filter((m) =>
      m.status !== "REJECTED" &&
      (filter.to === undefined || m.to === filter.to) &&
      (filter.campaignId === undefined || m.campaignId === filter.campaignId) &&
      (matches === undefined || matches(m.to, m.text))
    )
    if (page === undefined) return { messages: found.map((m) => Store.view(m, now)) }
    return {
      messages: found.slice(page.offset, page.offset + page.limit).map((m) => Store.view(m, now)),
      total: found.length,
      offset: page.offset,
      limit: page.limit
    }
  })
