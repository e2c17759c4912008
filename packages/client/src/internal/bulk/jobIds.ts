/**
 * A bulk job's identities, all derived, none random: the job's fingerprint (its channel, message
 * and chunking) and each chunk's idempotency id (a UUID v5 of the job id, the fingerprint, the
 * chunk's index and its recipients), so that a chunk sent again after a crash is the very request
 * sent before and the API replays its answer instead of sending again.
 */
import * as Effect from "effect/Effect"

const JOB_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** @internal 1 to 128 letters, digits, `.`, `_`, `-`, `:`: safe as a file name or a Redis key. */
export const isJobId = (jobId: unknown): jobId is string => typeof jobId === "string" && JOB_ID.test(jobId)

/** JSON with every object's keys sorted: the same message gives the same text, whatever its key order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v)

const encoder = new TextEncoder()

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")

const digest = (algorithm: "SHA-1" | "SHA-256", data: Uint8Array<ArrayBuffer>) =>
  Effect.promise(() => crypto.subtle.digest(algorithm, data)).pipe(Effect.map((buffer) => new Uint8Array(buffer)))

/** @internal The job's fingerprint: SHA-256 of its channel, message and the options that cut its chunks. */
export const fingerprintOf = (parts: {
  readonly channel: string
  readonly message: unknown
  readonly chunkSize: number
  readonly deduplicate: unknown
}): Effect.Effect<string> => Effect.map(digest("SHA-256", encoder.encode(canonical(parts))), hex)

/** The namespace of every chunk id (RFC 9562 name-based UUIDs): a UUID of our own, fixed. */
const NAMESPACE = Uint8Array.from("6b1f0e5a3c2d4e719a8b51c42e07d913".match(/../g)!, (byte) => parseInt(byte, 16))

/**
 * @internal Chunk `index`'s idempotency id: a UUID v5 (the version the API takes) of the job id,
 * the job's fingerprint, the index and the recipients, in that order.
 */
export const chunkIdOf = (
  jobId: string,
  fingerprint: string,
  index: number,
  recipients: ReadonlyArray<string>
): Effect.Effect<string> => {
  const name = encoder.encode(`${jobId}\n${fingerprint}\n${index}\n${recipients.join(",")}`)
  const data = new Uint8Array(NAMESPACE.length + name.length)
  data.set(NAMESPACE)
  data.set(name, NAMESPACE.length)
  return Effect.map(digest("SHA-1", data), (hash) => {
    const bytes = hash.slice(0, 16)
    bytes[6] = (bytes[6]! & 0x0f) | 0x50
    bytes[8] = (bytes[8]! & 0x3f) | 0x80
    const h = hex(bytes)
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
  })
}
