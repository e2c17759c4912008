/**
 * Calls as the user's OpenTelemetry spans: one client span per call, started where the call is
 * made (so that it is a child of the span active there), and the parent of the SDK's own span.
 */
import type * as Operation from "@smscx/core/Operation"
import * as Cause from "effect/Cause"
import * as Exit from "effect/Exit"
import * as Tracer from "effect/Tracer"
import type { SpanTracer } from "../Client.js"

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
 * @internal
 */
export interface CallSpan {
  readonly span: ReturnType<SpanTracer["startSpan"]>
  readonly parent: Tracer.ExternalSpan | undefined
}

/** Starts the call's span: attributes are the operation, the method and the path template. @internal */
export const startCallSpan = (tracer: SpanTracer, operation: Operation.Any): CallSpan | undefined => {
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

/** Ends the call's span with the call's outcome: a failure's tag only, as a message may quote input. @internal */
export const endCallSpan = ({ span }: CallSpan, exit: Exit.Exit<unknown, unknown>): void => {
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
