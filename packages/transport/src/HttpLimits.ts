/**
 * How large an answer the transport accepts, handed to HTTP clients that read answers themselves
 * (the SDK's own do), so that a hostile or broken server cannot make the client buffer more than
 * this: reading stops at the limit and the call fails with a `TransportError` of reason
 * `ResponseTooLarge`.
 *
 * @since 0.1.0
 */
import * as FiberRef from "effect/FiberRef"
import { globalValue } from "effect/GlobalValue"

/**
 * The default limit: 128 MiB, far above the API's largest JSON answer (25,000 messages, about
 * 10 MB) and well below what a JavaScript string can hold (512 MiB).
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 128 * 1024 * 1024

/**
 * The largest answer body, in bytes, of the request being sent.
 * @since 0.1.0
 * @category fiber refs
 */
export const maxResponseBytes: FiberRef.FiberRef<number> = globalValue(
  "@smscx/transport/HttpLimits/maxResponseBytes",
  () => FiberRef.unsafeMake<number>(DEFAULT_MAX_RESPONSE_BYTES)
)

/**
 * The `cause` of the `RequestError` a client fails with when an answer passes the limit.
 * @since 0.1.0
 * @category models
 */
export class ResponseTooLargeCause {
  constructor(readonly limit: number) {}
}

/**
 * Whether the answer of the request being sent is streamed: the client hands back the response
 * once its headers are in, and its `stream` reads from the connection (no `maxResponseBytes`, no
 * buffering). The deadline then covers the wait for the headers; reading is the caller's pace.
 * @since 0.1.0
 * @category fiber refs
 */
export const streamed: FiberRef.FiberRef<boolean> = globalValue(
  "@smscx/transport/HttpLimits/streamed",
  () => FiberRef.unsafeMake<boolean>(false)
)
