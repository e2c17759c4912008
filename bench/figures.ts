/**
 * Figures as the benchmark prints them: numbers with separators, the median of rounds, megabytes,
 * and a measured figure beside its target.
 */

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })

/** The middle value (the mean of the two middle ones for an even count). */
export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export const mb = (bytes: number, digits = 1) => fmt(bytes / 2 ** 20, digits)

/** `met` or `MISSED`, for a target column: these are figures, not assertions. */
export const verdict = (met: boolean) => (met ? "met" : "MISSED")
