/**
 * `scheduledDate`: the documented `YYYY-MM-DD HH:MM:SS` (UTC, or the destination's local time
 * with `isUtc: false`) and the ISO 8601 form with an offset that the Python client sends.
 */
import type { QuietHours } from "../state/types.js"

/** A parsed `scheduledDate`. @internal */
export type Scheduled =
  /** An absolute instant (ISO 8601 with `Z` or an offset), epoch millis. */
  | { readonly _tag: "Instant"; readonly millis: number }
  /** A wall-clock time without offset, as epoch millis if it were UTC. */
  | { readonly _tag: "WallClock"; readonly millis: number }

const documented = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/
const iso = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/i

const wallClock = (fields: ReadonlyArray<string | undefined>): number | undefined => {
  const [y, mo, d, h, mi, s] = fields.map((f) => f === undefined ? 0 : Number(f)) as [
    number,
    number,
    number,
    number,
    number,
    number
  ]
  const millis = Date.UTC(y, mo - 1, d, h, mi, s)
  const date = new Date(millis)
  // Date.UTC rolls over (Feb 30 becomes Mar 2): a date that does not round-trip is invalid
  const valid = date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d &&
    date.getUTCHours() === h && date.getUTCMinutes() === mi && date.getUTCSeconds() === s
  return valid ? millis : undefined
}

/** @internal */
export const parse = (raw: string): Scheduled | undefined => {
  const text = raw.trim()
  const doc = documented.exec(text)
  if (doc !== null) {
    const millis = wallClock(doc.slice(1, 7))
    return millis === undefined ? undefined : { _tag: "WallClock", millis }
  }
  const m = iso.exec(text)
  if (m === null) return undefined
  const millis = wallClock(m.slice(1, 7))
  if (millis === undefined) return undefined
  const fraction = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000)
  const zone = m[8]!.toUpperCase()
  let offset = 0
  if (zone !== "Z") {
    const digits = zone.slice(1).replace(":", "")
    const hours = Number(digits.slice(0, 2))
    const minutes = Number(digits.slice(2))
    if (hours > 23 || minutes > 59) return undefined
    offset = (zone[0] === "-" ? -1 : 1) * (hours * 60 + minutes) * 60_000
  }
  return { _tag: "Instant", millis: millis + fraction - offset }
}

const formatters = new Map<string, Intl.DateTimeFormat>()
const formatterOf = (timeZone: string) => {
  let formatter = formatters.get(timeZone)
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit"
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/** The zone's offset from UTC at an instant, in millis. */
const offsetAt = (instant: number, timeZone: string): number => {
  const parts = formatterOf(timeZone).formatToParts(new Date(instant))
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0)
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"))
  return asUtc - (instant - (instant % 1000))
}

/**
 * The instant a scheduled date stands for at a destination: wall-clock times are UTC unless
 * `isUtc` is false and the destination's time zone is known.
 * @internal
 */
export const instantAt = (scheduled: Scheduled, isUtc: boolean, timeZone: string | undefined): number => {
  if (scheduled._tag === "Instant" || isUtc || timeZone === undefined) return scheduled.millis
  // twice: the first guess may sit on the other side of a DST change
  const guess = scheduled.millis - offsetAt(scheduled.millis, timeZone)
  return scheduled.millis - offsetAt(guess, timeZone)
}

/** @internal */
export type { QuietHours } from "../state/types.js"

const DAY = 86_400_000
const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(":").map(Number) as [number, number]
  return h * 60 + m
}

/** Whether `HH:MM` is a time of day. @internal */
export const isTimeOfDay = (raw: string): boolean => /^([01]\d|2[0-3]):[0-5]\d$/.test(raw)

/**
 * When a message due at `instant` may leave, given quiet hours at its destination: undefined when
 * the instant is outside them; otherwise one minute after they end, as the API documents (quiet
 * from 21:30 to 09:30, a message at 21:55 is scheduled for 09:31 the next day).
 * @internal
 */
export const afterQuietHours = (instant: number, quiet: QuietHours, timeZone: string): number | undefined => {
  const local = instant + offsetAt(instant, timeZone)
  const minute = Math.floor((((local % DAY) + DAY) % DAY) / 60_000)
  const start = minutesOf(quiet.start)
  const end = minutesOf(quiet.end)
  const across = end < start
  const inside = across ? minute >= start || minute < end : minute >= start && minute < end
  if (!inside) return undefined
  const dayStart = local - (((local % DAY) + DAY) % DAY)
  // past midnight's start of an interval across midnight, its end is tomorrow
  const endWall = dayStart + (end + 1) * 60_000 + (across && minute >= start ? DAY : 0)
  return instantAt({ _tag: "WallClock", millis: endWall }, false, timeZone)
}
