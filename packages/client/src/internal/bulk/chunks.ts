/**
 * The recipients cut into the chunks a bulk send sends: one request's worth each, with its index
 * and its own idempotency id, repeats removed as `deduplicate` says.
 */
import type * as Errors from "@smscx/core/Errors"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"
import * as Stream from "effect/Stream"
import type * as Bulk from "./model.js"
import { invalidOption, MAX_RECIPIENT_LENGTH, type Settings } from "./options.js"

/**
 * @internal A chunk to send: its recipients, and its idempotency id (new, or the one it was sent
 * with before when `retryFailed` sends it again).
 */
export interface ChunkToSend {
  readonly index: number
  readonly recipients: ReadonlyArray<string>
  readonly idempotencyId: string
}

/** @internal A send's chunks; `removed` is told how many repeats each chunk read dropped. */
export type ChunkSource<E, R> = (
  removed: (count: number) => void
) => Stream.Stream<ChunkToSend, E | Errors.RequestValidationError, R>

/** @internal A chunk's idempotency id, from its index and recipients: a new one for each chunk of a plain send. */
type ChunkIdOf = (index: number, recipients: ReadonlyArray<string>) => Effect.Effect<string>

const newId: ChunkIdOf = () => Effect.sync(() => crypto.randomUUID())

/**
 * @internal The recipients as chunks. Anything but a string among them (or a string too long to
 * be a number) fails the input with a RequestValidationError when its chunk is read, before that
 * chunk is sent: the chunks before it go, then the send ends.
 */
export const chunksOf = <E, R>(
  operationId: string,
  recipients: Bulk.Recipients<E, R>,
  settings: Settings,
  idOf: ChunkIdOf = newId
): ChunkSource<E, R> =>
(removed) => {
  const stream = Predicate.hasProperty(recipients, Stream.StreamTypeId)
    ? recipients as Stream.Stream<string, E, R>
    : Stream.fromIterable(recipients as Iterable<string>)
  // across the whole send ("all"), every number seen stays in memory
  const seen = settings.deduplicate === "all" ? new Set<string>() : undefined
  return stream.pipe(
    Stream.grouped(settings.chunkSize),
    Stream.zipWithIndex,
    Stream.mapEffect(([chunk, index]) => {
      // per chunk, not per number: a million numbers are a few dozen steps
      const given = Chunk.toReadonlyArray(chunk) as ReadonlyArray<unknown>
      const numbers: Array<string> = []
      const distinct = seen ?? (settings.deduplicate === "chunk" ? new Set<string>() : undefined)
      let repeats = 0
      for (let i = 0; i < given.length; i++) {
        const number = given[i]
        if (typeof number !== "string" || number.length > MAX_RECIPIENT_LENGTH) {
          // the repeats before it were read, and are counted as they always were
          if (repeats > 0) removed(repeats)
          return Effect.fail(
            invalidOption(
              operationId,
              `recipients[${index * settings.chunkSize + i}]`,
              `must be a phone number (a string of at most ${MAX_RECIPIENT_LENGTH} characters)`
            )
          )
        }
        const trimmed = number.trim()
        if (distinct !== undefined) {
          if (distinct.has(trimmed)) {
            repeats++
            continue
          }
          distinct.add(trimmed)
        }
        numbers.push(trimmed)
      }
      if (repeats > 0) removed(repeats)
      return Effect.map(
        idOf(index, numbers),
        (idempotencyId): ChunkToSend => ({ index, recipients: numbers, idempotencyId })
      )
    }),
    // a chunk of repeats only ("all") has nothing left to send
    Stream.filter((chunk) => chunk.recipients.length > 0),
    // one request's chunk a pull: a stop is seen between any two of them
    Stream.rechunk(1)
  )
}

/** @internal Chunks that failed before, sent again with their own ids. */
export const chunksAgain = (failed: ReadonlyArray<ChunkToSend>): ChunkSource<never, never> => () =>
  Stream.fromIterable(failed.map(({ idempotencyId, index, recipients }) => ({ index, recipients, idempotencyId })))
