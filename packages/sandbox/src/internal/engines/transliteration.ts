/**
 * The `transliteration` option: replaces characters outside GSM-7 with look-alikes so that a
 * text is billed as GSM-7 (more characters per part), and removes emojis on request.
 */
import type * as Generated from "@smscx/core/Generated"
import { isGsm } from "./messageParts.js"

/** @internal */
type Alphabet = Generated.Transliteration["alphabet"]

type Table = Readonly<Record<string, string>>

const punctuation: Table = {
  "\u2018": "'",
  "\u2019": "'",
  "\u201a": "'",
  "\u201b": "'",
  "\u201c": "\"",
  "\u201d": "\"",
  "\u201e": "\"",
  "\u00ab": "\"",
  "\u00bb": "\"",
  "\u2013": "-",
  "\u2014": "-",
  "\u2026": "...",
  "\u00a0": " ",
  "\u2022": "-"
}

const latinSpecial: Table = {
  "ł": "l",
  "Ł": "L",
  "đ": "d",
  "Đ": "D",
  "ı": "i",
  "œ": "oe",
  "Œ": "OE",
  "þ": "th",
  "Þ": "Th",
  "ð": "d",
  "Ð": "D"
}

const cyrillicBase: Table = {
  "а": "a",
  "б": "b",
  "в": "v",
  "г": "g",
  "д": "d",
  "е": "e",
  "ё": "e",
  "ж": "zh",
  "з": "z",
  "и": "i",
  "й": "y",
  "к": "k",
  "л": "l",
  "м": "m",
  "н": "n",
  "о": "o",
  "п": "p",
  "р": "r",
  "с": "s",
  "т": "t",
  "у": "u",
  "ф": "f",
  "х": "h",
  "ц": "ts",
  "ч": "ch",
  "ш": "sh",
  "щ": "shch",
  "ъ": "",
  "ы": "y",
  "ь": "",
  "э": "e",
  "ю": "yu",
  "я": "ya",
  "і": "i",
  "ї": "yi",
  "є": "ye",
  "ґ": "g",
  "ў": "u",
  "ђ": "dj",
  "ј": "j",
  "љ": "lj",
  "њ": "nj",
  "ћ": "c",
  "џ": "dz"
}

const cyrillicByLanguage: Partial<Record<Alphabet, Table>> = {
  BULGARIAN_CYRILLIC: { "щ": "sht", "ъ": "a" },
  UKRAINIAN_CYRILLIC: { "и": "y", "г": "h" },
  BELARUSIAN_CYRILLIC: { "г": "h" }
}

// Greek capitals missing from GSM-7 become Latin look-alikes; the ones GSM-7 has stay.
const greekToGsm: Table = {
  "Α": "A",
  "Β": "B",
  "Ε": "E",
  "Ζ": "Z",
  "Η": "H",
  "Ι": "I",
  "Κ": "K",
  "Μ": "M",
  "Ν": "N",
  "Ο": "O",
  "Ρ": "P",
  "Τ": "T",
  "Υ": "Y",
  "Χ": "X"
}

const capitalize = (s: string) => s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1)

const stripMarks = (char: string) => char.normalize("NFD").replace(/[\u0300-\u036f]/g, "")

const latin = (char: string): string | undefined => {
  const special = latinSpecial[char]
  if (special !== undefined) return special
  if (!/\p{Script=Latin}/u.test(char)) return undefined
  const stripped = stripMarks(char)
  return stripped !== char && Array.from(stripped).every(isGsm) ? stripped : undefined
}

const cyrillic = (alphabet: Alphabet) => (char: string): string | undefined => {
  const lower = char.toLowerCase()
  const mapped = cyrillicByLanguage[alphabet]?.[lower] ?? cyrillicBase[lower]
  if (mapped === undefined) return undefined
  return lower === char ? mapped : capitalize(mapped)
}

const greek = (char: string): string | undefined => {
  if (!/\p{Script=Greek}/u.test(char)) return undefined
  const upper = stripMarks(char === "ς" ? "σ" : char).toUpperCase()
  const mapped = isGsm(upper) ? upper : greekToGsm[upper]
  return mapped === undefined || mapped === char ? undefined : mapped
}

const mappersOf = (alphabet: Alphabet): ReadonlyArray<(char: string) => string | undefined> => {
  const punct = (char: string) => punctuation[char]
  switch (alphabet) {
    case "NONE":
      return []
    case "NON_GSM":
      return [punct, latin, cyrillic("RUSSIAN_CYRILLIC"), greek]
    case "POLISH":
    case "ROMANIAN":
    case "TURKISH":
      return [punct, latin]
    case "GREEK":
      return [punct, greek]
    case "RUSSIAN_CYRILLIC":
    case "BULGARIAN_CYRILLIC":
    case "UKRAINIAN_CYRILLIC":
    case "BELARUSIAN_CYRILLIC":
    case "SERBIAN_CYRILLIC":
      return [punct, cyrillic(alphabet)]
  }
}

// the class lists emoji components one by one on purpose (regional indicators, skin tones, ZWJ,
// VS16, keycap): each is removed on its own
// eslint-disable-next-line no-misleading-character-class
const emoji = /\p{Extended_Pictographic}|[\u{1F1E6}-\u{1F1FF}\u{1F3FB}-\u{1F3FF}\u200d\ufe0f\u20e3]/gu

/**
 * The text after transliteration; with `NON_GSM`, a character with no GSM-7 look-alike becomes
 * `?`, as the docs say.
 * @internal
 */
export const transliterate = (text: string, alphabet: Alphabet, removeEmojis: boolean): string => {
  const source = removeEmojis ? text.replace(emoji, "") : text
  const mappers = mappersOf(alphabet)
  if (mappers.length === 0) return source
  let out = ""
  for (const char of source) {
    if (isGsm(char)) {
      out += char
      continue
    }
    let mapped: string | undefined
    for (const mapper of mappers) {
      mapped = mapper(char)
      if (mapped !== undefined) break
    }
    out += mapped ?? (alphabet === "NON_GSM" ? "?" : char)
  }
  return out
}
