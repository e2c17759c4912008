/**
 * What changed in a sandbox, told as it happens to whoever listens: the inbox's live updates,
 * `GET /__sandbox/events` as server-sent events. A listener learns that something changed and
 * of which kind, not the data: it reads what it shows from the control API again, so one event
 * or a burst of them (a bulk send) costs it one read. The sandbox keeps one hub for its whole
 * life, so a page listening stays connected across resets.
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

/** One change: an API request that writes, a control API write, a short URL visited, a callback. @internal */
interface Change {
  readonly kind: "api" | "control" | "visit" | "callback"
  /** The operationId, the control path, or the callback's outcome. */
  readonly what: string
}

/** @internal */
export interface Hub {
  /** Tells every listener; nothing to do when none listens. */
  readonly publish: (change: Change) => void
  /** A stream of server-sent events, from now until the client leaves or the hub closes. */
  readonly stream: Stream.Stream<Uint8Array>
  /** Ends every stream (the server closing): an open one would hold its connection. */
  readonly close: () => void
  /** How many listen. */
  readonly listeners: () => number
}

/** A comment line every so often: a connection whose client left is found and let go. */
const HEARTBEAT_MILLIS = 15_000

const encoder = new TextEncoder()

/** @internal */
export const make = (): Hub => {
  const listeners = new Set<{ readonly tell: (change: Change) => void; readonly end: () => void }>()
  const stream = Stream.async<Uint8Array>((emit) => {
    // `retry`: how soon a browser's EventSource reconnects after the sandbox restarts
    void emit.single(encoder.encode("retry: 1000\n: connected\n\n"))
    const listener = {
      tell: (change: Change) => void emit.single(encoder.encode(`data: ${JSON.stringify(change)}\n\n`)),
      end: () => void emit.end()
    }
    listeners.add(listener)
    const heartbeat = setInterval(() => void emit.single(encoder.encode(": ping\n\n")), HEARTBEAT_MILLIS)
    heartbeat.unref()
    return Effect.sync(() => {
      clearInterval(heartbeat)
      listeners.delete(listener)
    })
  })
  return {
    publish: (change) => {
      for (const listener of listeners) listener.tell(change)
    },
    stream,
    close: () => {
      for (const listener of [...listeners]) listener.end()
      listeners.clear()
    },
    listeners: () => listeners.size
  }
}
