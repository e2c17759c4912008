/**
 * How many SMS parts a text takes: GSM-7 (160 septets, 153 per part when concatenated; the
 * extension characters take two) or UCS-2 (70 UTF-16 units, 67 per part). A character is never
 * split across two parts.
 */

/** @internal */
type Encoding = "GSM-7" | "UCS-2"

/** @internal */
interface Analysis {
  /** Characters (code points). */
  readonly length: number
  readonly unicode: boolean
  readonly encoding: Encoding
  readonly parts: number
}

/** The docs' ceiling: 1530 GSM-7 characters, 10 parts. @internal */
export const MAX_PARTS = 10

const GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
const GSM_EXTENSION = "\f^{}\\[~]|€"

const basic = new Set(GSM_BASIC)
const extension = new Set(GSM_EXTENSION)

/** @internal */
export const isGsm = (char: string): boolean => basic.has(char) || extension.has(char)

/** Septets (GSM-7) or UTF-16 units (UCS-2) per character. */
const units = (chars: ReadonlyArray<string>, unicode: boolean): Array<number> =>
  chars.map((char) => unicode ? char.length : extension.has(char) ? 2 : 1)

const countParts = (sizes: ReadonlyArray<number>, single: number, multi: number): number => {
  const total = sizes.reduce((sum, n) => sum + n, 0)
  if (total <= single) return 1
  let parts = 1
  let used = 0
  for (const size of sizes) {
    if (used + size > multi) {
      parts++
      used = 0
    }
    used += size
  }
  return parts
}

/** @internal */
export const analyze = (text: string): Analysis => {
  const chars = Array.from(text)
  const unicode = chars.some((char) => !isGsm(char))
  const sizes = units(chars, unicode)
  return {
    length: chars.length,
    unicode,
    encoding: unicode ? "UCS-2" : "GSM-7",
    parts: unicode ? countParts(sizes, 70, 67) : countParts(sizes, 160, 153)
  }
}
