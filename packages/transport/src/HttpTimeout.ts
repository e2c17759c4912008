/**
 * How the transport hands its per-attempt deadline to an HTTP client that enforces deadlines
 * itself (the SDK's default Node client does, with a timer on the socket). For any other client
 * the transport races the attempt against the clock instead, which costs two extra fibers a call.
 *
 * @since 0.1.0
 */
import type * as Duration from "effect/Duration"
import * as FiberRef from "effect/FiberRef"
import { globalValue } from "effect/GlobalValue"
import * as Option from "effect/Option"

/**
 * Carried by an `HttpClient` that enforces `current` itself.
 * @since 0.1.0
 * @category symbols
 */
export const NativeTimeout: unique symbol = Symbol.for("@smscx/transport/HttpTimeout/NativeTimeout")

/**
 * The deadline of the request being sent, if any.
 * @since 0.1.0
 * @category fiber refs
 */
export const current: FiberRef.FiberRef<Option.Option<Duration.Duration>> = globalValue(
  "@smscx/transport/HttpTimeout/current",
  () => FiberRef.unsafeMake<Option.Option<Duration.Duration>>(Option.none())
)

/**
 * The `cause` of the `RequestError` a client fails with when the deadline passes; the transport
 * reports it as a `TransportError` with reason `"Timeout"`.
 * @since 0.1.0
 * @category models
 */
export class TimeoutCause {
  constructor(readonly duration: Duration.Duration) {}
}
