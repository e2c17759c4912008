/**
 * The Promise client's public models that its internals use too: call options, a streamed file,
 * the logger and tracer it accepts. Declared here so that the internals need not import the public
 * module that imports them; `Client` re-exports each.
 */
import type * as Transport from "@smscx/transport/Transport"

/**
 * What the client needs of an OpenTelemetry `Tracer` (`@opentelemetry/api`'s fits as it is).
 * @since 0.3.0
 * @category models
 */
export interface SpanTracer {
  readonly startSpan: (
    name: string,
    options: { readonly kind: number; readonly attributes: Readonly<Record<string, string>> }
  ) => {
    readonly spanContext: () => { readonly traceId: string; readonly spanId: string; readonly traceFlags: number }
    readonly setAttribute: (key: string, value: number) => unknown
    readonly setStatus: (status: { readonly code: number; readonly message?: string }) => unknown
    readonly end: () => void
  }
}

/**
 * A log line: its level, its message, and the message's facts as fields.
 * @since 0.3.0
 * @category models
 */
export type LogFunction = (
  level: Exclude<LogLevelName, "none">,
  message: string,
  fields: Readonly<Record<string, unknown>>
) => void

/**
 * A logger object, as `console` and winston's loggers are.
 * @since 0.3.0
 * @category models
 */
export interface LoggerObject {
  readonly debug: (message: string, fields: Readonly<Record<string, unknown>>) => void
  readonly info: (message: string, fields: Readonly<Record<string, unknown>>) => void
  readonly warn: (message: string, fields: Readonly<Record<string, unknown>>) => void
  readonly error: (message: string, fields: Readonly<Record<string, unknown>>) => void
}

/**
 * @since 0.1.0
 * @category models
 */
export type LogLevelName = "debug" | "info" | "warn" | "error" | "none"

/**
 * Per-call options, after a method's own arguments: the client's timeout, retry policy, overall
 * deadline and extra headers for this call (a number of milliseconds, or a duration such as
 * `"5 seconds"`), and a signal to abort it. (The Effect-only attempt hooks are left out.)
 * @since 0.1.0
 * @category models
 */
export interface CallOptions extends Omit<Transport.CallOptions, "beforeAttempt" | "afterAttempt"> {
  /** Aborting it interrupts the call; the Promise then rejects with the signal's reason. */
  readonly signal?: AbortSignal
}

/**
 * An exported file, streamed: `body` reads from the connection as it is consumed.
 * @since 0.1.0
 * @category models
 */
export interface FileStream {
  readonly contentType: string
  /**
   * The server's suggested name, from `Content-Disposition`: a bare name that is safe to create
   * on Linux, macOS and Windows (no directories, no leading dot, no device name, no character
   * Windows refuses, at most 255 bytes); undefined when absent or when nothing safe is left.
   * Write it into a folder of your own, without overwriting.
   */
  readonly fileName: string | undefined
  readonly contentLength: number | undefined
  /**
   * Read it to the end, or cancel it, to release the connection. It errors, never ends early:
   * with a `TransportError` (reason `Closed`) when the client closes while the file arrives, with
   * the signal's reason when the call's `signal` aborts.
   */
  readonly body: ReadableStream<Uint8Array>
}
