/**
 * OpenTelemetry with the Effect client: `@effect/opentelemetry` makes Effect's spans OpenTelemetry
 * spans, so every SDK call is a client span (`Account.getAccountBalance`, `Sms.estimateSms`) under
 * yours, with its operation, method, path template and attempts, and the request's `traceparent`
 * header joins the trace. The SDK's debug log lines go to stderr through Effect's Logger.
 *
 * Here the spans are kept in memory and printed; in production give `NodeSdk.layer` a batch
 * processor over an OTLP exporter (`@opentelemetry/exporter-trace-otlp-http`) instead.
 */
import { NodeSdk } from "@effect/opentelemetry"
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { Account, Sms } from "@smscx/client"
import { Effect, Logger, LogLevel } from "effect"
import { exampleRecipient, SmsCxLive } from "../_runtime.js"

const exporter = new InMemorySpanExporter()
const Telemetry = NodeSdk.layer(() => ({
  resource: { serviceName: "smscx-example" },
  spanProcessor: new SimpleSpanProcessor(exporter)
}))

/** The finished spans as a tree: name, duration, status and attributes, children indented. */
const print = (spans: ReadonlyArray<ReadableSpan>) => {
  const children = (parent: string | undefined) =>
    spans.filter((span) =>
      span.parentSpanContext?.spanId === parent ||
      (parent === undefined && !spans.some((s) => s.spanContext().spanId === span.parentSpanContext?.spanId))
    )
  const walk = (span: ReadableSpan, depth: number): void => {
    const ms = span.duration[0] * 1e3 + span.duration[1] / 1e6
    console.log(
      `${"  ".repeat(depth)}${span.name} (${ms.toFixed(1)} ms, status ${span.status.code}) ${
        JSON.stringify(span.attributes)
      }`
    )
    for (const child of children(span.spanContext().spanId)) walk(child, depth + 1)
  }
  for (const root of children(undefined)) walk(root, 0)
}

const program = Effect.gen(function*() {
  const account = yield* Account
  const sms = yield* Sms
  const { balance, currency } = yield* account.getAccountBalance()
  const estimate = yield* sms.estimateSms({ to: [exampleRecipient], from: "InfoText", text: "Your order shipped" })
  console.log(`balance ${balance} ${currency}; a message would cost ${estimate.info.totalCost}`)
}).pipe(
  Effect.withSpan("checkout"),
  // read before the layer closes: shutting the provider down empties the in-memory exporter
  Effect.zipRight(Effect.sync(() => print(exporter.getFinishedSpans())))
)

await Effect.runPromise(program.pipe(
  Effect.provide(SmsCxLive),
  Effect.provide(Telemetry),
  // the SDK logs each attempt at Debug; Effect's default logger writes to stdout, this one to stderr
  Effect.provide(Logger.replace(Logger.defaultLogger, Logger.withConsoleError(Logger.logfmtLogger))),
  Logger.withMinimumLogLevel(LogLevel.Debug)
))
