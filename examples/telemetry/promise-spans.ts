/**
 * OpenTelemetry with the Promise client: give it your tracer (`tracer` option) and each call is a
 * client span (`Account.getAccountBalance`, `Sms.estimateSms`) under the span active where you
 * call it, its request's `traceparent` header in the same trace; give it a `logger` and its log
 * lines go where yours go (here: events on the active span, and stderr).
 *
 * Here the spans are kept in memory and printed; in production register a provider with a batch
 * processor over an OTLP exporter (`@opentelemetry/exporter-trace-otlp-http`) instead.
 */
import { trace } from "@opentelemetry/api"
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node"
import { exampleRecipient, makeClient } from "../_runtime.js"

const exporter = new InMemorySpanExporter()
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
// the global tracer provider, and the context manager that carries the active span across awaits
provider.register()
const tracer = trace.getTracer("smscx-example")

const client = makeClient({
  tracer,
  log: "debug",
  logger: (level, message, fields) => {
    trace.getActiveSpan()?.addEvent(message, fields as Record<string, string | number>)
    console.error(`[${level}] ${message}`)
  }
})

try {
  await tracer.startActiveSpan("checkout", async (span) => {
    try {
      const { balance, currency } = await client.account.getAccountBalance()
      const estimate = await client.sms.estimateSms({
        to: [exampleRecipient],
        from: "InfoText",
        text: "Your order shipped"
      })
      console.log(`balance ${balance} ${currency}; a message would cost ${estimate.info.totalCost}`)
    } finally {
      span.end()
    }
  })
} finally {
  await client.close()
}

/** The finished spans as a tree: name, duration, status and attributes, children indented. */
const print = (spans: ReadonlyArray<ReadableSpan>) => {
  const walk = (span: ReadableSpan, depth: number): void => {
    const ms = span.duration[0] * 1e3 + span.duration[1] / 1e6
    console.log(
      `${"  ".repeat(depth)}${span.name} (${ms.toFixed(1)} ms, status ${span.status.code}) ${
        JSON.stringify(span.attributes)
      }`
    )
    for (const child of spans.filter((s) => s.parentSpanContext?.spanId === span.spanContext().spanId)) {
      walk(child, depth + 1)
    }
  }
  for (const root of spans.filter((s) => s.parentSpanContext === undefined)) walk(root, 0)
}
print(exporter.getFinishedSpans())
await provider.shutdown()
