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
import type * as Store from "../state/store.js"
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

/** The phones, most recently active first, matching `q` (a number's digits, or any message's text). @internal */
export const phones = (store: Store.Store, q: string | undefined, page: PageQuery) => {
  const matches = matcher(q)
  const byPhone = new Map<
    string,
    { sent: number; received: number; lastAt: number; lastText: string; lastChannel: Store.Channel; hit: boolean }
  >()
  const add = (phone: string, channel: Store.Channel, text: string, at: number, sent: boolean) => {
    let entry = byPhone.get(phone)
    if (entry === undefined) {
      entry = { sent: 0, received: 0, lastAt: at, lastText: text, lastChannel: channel, hit: matches === undefined }
      byPhone.set(phone, entry)
    }
    if (sent) entry.sent++
    else entry.received++
    if (at >= entry.lastAt) {
      entry.lastAt = at
      entry.lastText = text
      entry.lastChannel = channel
    }
    if (!entry.hit && matches !== undefined && matches(phone, text)) entry.hit = true
  }
  for (const m of store.storedMessages()) {
    if (m.status !== "REJECTED") add(m.to, m.channel, m.text, m.createdAt, true)
  }
  for (const r of Conversations.receivedMessages(store)) add(r.phoneNumber, r.channel, r.text, r.at, false)
  const found = Array.from(byPhone, ([phone, e]) => ({ phone, ...e })).filter((e) => e.hit)
  found.sort((a, b) => b.lastAt - a.lastAt || (a.phone < b.phone ? -1 : 1))
  const phones = found.slice(page.offset, page.offset + page.limit).map((e): PhoneSummary => ({
    phone: e.phone,
    sent: e.sent,
    received: e.received,
    lastAt: iso(e.lastAt),
    lastText: e.lastText,
    lastChannel: e.lastChannel
  }))
  return { phones, total: found.length, offset: page.offset, limit: page.limit }
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
  Effect.map(store.messages, (all) => {
    const matches = matcher(filter.q)
    const found = all.filter((m) =>
      (filter.to === undefined || m.to === filter.to) &&
      (filter.campaignId === undefined || m.campaignId === filter.campaignId) &&
      (matches === undefined || matches(m.to, m.text))
    )
    return page === undefined
      ? { messages: found }
      : {
        messages: found.slice(page.offset, page.offset + page.limit),
        total: found.length,
        offset: page.offset,
        limit: page.limit
      }
  })
