/**
 * The sandbox the round-trip benchmark calls, in a process of its own (so that it does not share
 * the client's event loop): prints `{"url": ...}` once it listens on loopback.
 */
import { Sandbox } from "@smscx/sandbox"

const server = await Sandbox.start({
  port: 0,
  apiKeys: ["bench-key"],
  balance: 1_000_000_000,
  // far above what the benchmark sends, so that no call is rate limited
  rateLimit: { limit: 1_000_000_000, windowSeconds: 1 }
})
console.log(JSON.stringify({ url: server.url }))
process.on("SIGTERM", () => void server.close().then(() => process.exit(0)))
