/**
 * Calls as the user's OpenTelemetry spans: one client span per call of the transport (a page of
 * a list is one, the end of a list none), the parent of the SDK's own span.
 */
import type * as Operation from "@smscx/core/Operation"
import type * as Transport from "@smscx/transport/Transport"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Tracer from "effect/Tracer"
import type { SpanTracer } from "./models.js"

/** OpenTelemetry's `SpanKind.CLIENT`, `SpanStatusCode.OK` and `.ERROR`. */
const SPAN_KIND_CLIENT = 2
const STATUS_OK = 1
const STATUS_ERROR = 2

/**
 * A step of the user's tracer: one that throws (or hands back no span context) costs the call its
 * span, never its answer or its declared error, as a logger that throws loses only its line.
 */
const tracing = <A>(step: () => A): A | undefined => {
  try {
    return step()
  } catch {
    return undefined
  }
}

/**
 * The user's span of one call, and the parent it gives the SDK's own span (none when the
 * tracer gave no usable span context).
 */
interface CallSpan {
  readonly span: ReturnType<SpanTracer["startSpan"]>
  readonly parent: Tracer.ExternalSpan | undefined
}

/** Starts the call's span: attributes are the operation, the method and the path template. */
const startCallSpan = (tracer: SpanTracer, operation: Operation.Any): CallSpan | undefined => {
  const span = tracing(() =>
    tracer.startSpan(operation.spanName, {
      kind: SPAN_KIND_CLIENT,
      attributes: {
        "smscx.operation": operation.id,
        "http.request.method": operation.method,
        "url.template": operation.path
      }
    })
  )
  if (span === undefined) return undefined
  const context = tracing(() => {
    const { spanId, traceFlags, traceId } = span.spanContext()
    return typeof traceId === "string" && typeof spanId === "string" && typeof traceFlags === "number"
      ? { spanId, traceFlags, traceId }
      : undefined
  })
  const parent = context === undefined
    ? undefined
    : Tracer.externalSpan({ traceId: context.traceId, spanId: context.spanId, sampled: (context.traceFlags & 1) === 1 })
  return { span, parent }
}

/** Ends the call's span with the call's outcome: a failure's tag only, as a message may quote input. */
const endCallSpan = ({ span }: CallSpan, exit: Exit.Exit<unknown, unknown>): void => {
  if (Exit.isSuccess(exit)) {
    tracing(() => span.setStatus({ code: STATUS_OK }))
  } else {
    const failure = Cause.squash(exit.cause) as { readonly _tag?: unknown; readonly attempts?: unknown }
    tracing(() => {
      span.setStatus({ code: STATUS_ERROR, message: typeof failure?._tag === "string" ? failure._tag : "failed" })
      if (typeof failure?.attempts === "number") span.setAttribute("smscx.attempts", failure.attempts)
    })
  }
  tracing(() => span.end())
}

/**
 * The effect as a span of the user's tracer, started as the effect starts: a call's effect starts
 * on its fiber, and a fiber starts at once, in the caller's stack, so that the span is a child
 * of the one active where the call was made.
 * @internal
 */
export const withCallSpan = <A, E, R>(
  tracer: SpanTracer,
  operation: Operation.Any,
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> =>
  Effect.suspend(() => {
    const call = startCallSpan(tracer, operation)
    if (call === undefined) return effect
    // the SDK's own span, and the request's traceparent, are children of the user's
    const traced = call.parent === undefined ? effect : Effect.withParentSpan(effect, call.parent)
    return Effect.onExit(traced, (exit) => Effect.sync(() => endCallSpan(call, exit)))
  })

/**
 * The transport with each of its calls (a download's too) a span of the user's tracer: the Effect
 * services built over it then trace what they send, and only that (the pull that finds the end
 * of a list sends nothing).
 * @internal
 */
export const tracedTransport = (transport: Transport.Service, tracer: SpanTracer): Transport.Service => ({
  ...transport,
  call: (operation, args, options) => withCallSpan(tracer, operation, transport.call(operation, args, options)),
  callWithResponse: (operation, args, options) =>
    withCallSpan(tracer, operation, transport.callWithResponse(operation, args, options)),
  download: (operation, args, options) => withCallSpan(tracer, operation, transport.download(operation, args, options))
})
