import * as Schema from "effect/Schema"
import { lazySchema } from "./lazySchema.js"

/**
 * An absolute URL (`format: uri`), as the API checks `dlrCallbackUrl` (error 1109).
 * @internal
 */
export const Uri = lazySchema(() =>
  Schema.String.pipe(
    Schema.filter((s) => URL.canParse(s), {
      message: () => "Expected an absolute URL",
      // generating strings and keeping the URLs among them would never end
      arbitrary: () => (fc) => fc.webUrl()
    })
  )
)

/**
 * A date-time as the API takes it (`format: date-time`): the documented `YYYY-MM-DD HH:MM:SS`
 * (UTC unless `isUtc: false`), or ISO 8601 with an optional offset. The calendar date must exist.
 * @internal
 */
export const DateTime = lazySchema(() =>
  Schema.String.pipe(
    Schema.filter(
      (s) => {
        const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/.exec(s)
        if (m === null) return false
        const [year, month, day, hour, minute, second] = m.slice(1).map((n) => Number(n ?? 0))
        const date = new Date(Date.UTC(year!, month! - 1, day!))
        return date.getUTCMonth() === month! - 1 && date.getUTCDate() === day! && hour! < 24 && minute! < 60 &&
          second! < 60
      },
      {
        message: () => "Expected a date-time as YYYY-MM-DD HH:MM:SS (or ISO 8601)",
        arbitrary: () => (fc) =>
          fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T23:59:59Z"), noInvalidDate: true })
            .map((d) => d.toISOString().slice(0, 19).replace("T", " "))
      }
    )
  )
)

/**
 * An enum in an answer: its known values, or any other string the API starts sending before the
 * SDK knows it (kept as it is; an answer never fails on a new enum value). The type keeps the
 * known values for completion: `"a" | "b" | (string & {})`.
 * @internal
 */
export const OpenLiteral = <const L extends readonly [string, ...Array<string>]>(...literals: L) =>
  Schema.Union(
    Schema.Literal(...literals),
    (Schema.String as unknown as Schema.Schema<string & {}, string>).annotations({
      // generated answers use the known values (the spec's own enum checks them)
      arbitrary: () => (fc) => fc.constantFrom(...literals)
    })
  )
