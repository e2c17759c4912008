/**
 * Ids, tokens and PINs from the Effect `Random` the sandbox runs under: seeded (the `seed`
 * option, or `Effect.withRandom` in a test), the same requests give the same ids.
 */
import * as Effect from "effect/Effect"

/**
 * A synchronous `() => [0, 1)` for code that draws many numbers (a 25,000-recipient send draws
 * 32 per message id): a small generator (mulberry32) seeded once from the current `Random`, so
 * it is as reproducible as that one.
 * @internal
 */
export const sampler: Effect.Effect<() => number> = Effect.map(
  Effect.randomWith((random) => random.nextIntBetween(0, 2 ** 31)),
  (seed) => {
    let state = seed >>> 0
    return () => {
      state = (state + 0x6d2b79f5) >>> 0
      let t = state
      t = Math.imul(t ^ (t >>> 15), t | 1)
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
  }
)

// the character codes of the hex digits, and of "-"
const HEX = Array.from("0123456789abcdef", (c) => c.charCodeAt(0))
const DASH = 45

// one buffer for every UUID: each is read out of it before the next is made
const codes = new Array<number>(36).fill(0)

/** A version 4 UUID, lower case. @internal */
export const uuidFrom = (next: () => number): string => {
  // built as codes and made a string once: appending a character at a time made a string each time
  let at = 0
  for (let i = 0; i < 32; i++) {
    // version nibble 4, variant bits 10xx
    const nibble = i === 12 ? 4 : i === 16 ? 8 + Math.floor(next() * 4) : Math.floor(next() * 16)
    codes[at++] = HEX[nibble]!
    if (i === 7 || i === 11 || i === 15 || i === 19) codes[at++] = DASH
  }
  return String.fromCharCode.apply(null, codes)
}

/** @internal */
export const uuid: Effect.Effect<string> = Effect.map(sampler, uuidFrom)

/** `length` characters drawn from `alphabet`. @internal */
export const stringFrom = (next: () => number, alphabet: string, length: number): string => {
  let out = ""
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)]
  return out
}

/** @internal */
export const string = (alphabet: string, length: number): Effect.Effect<string> =>
  Effect.map(sampler, (next) => stringFrom(next, alphabet, length))
