/**
 * A server the benchmark calls, in a process of its own (so that it does not share the client's
 * event loop): prints `{"url": ...}` once it listens on loopback. By default the sandbox; with
 * `--bare`, the baseline server of the per-call and load sections: a bare `node:http` server that
 * reads each request and answers a fixed body, doing nothing else: the getAccountBalance answer to
 * `GET /account/balance`, the sendSms answer to anything else.
 *
 * A line `memory` on stdin is answered on stdout with this process's memory in bytes: `rss` now,
 * and `maxRss`, the most it has held since it started (as the OS counts it).
 */
import * as Http from "node:http"
import { createInterface } from "node:readline"

// a real answer of the sandbox to the benchmark's request, so that both servers write as much
const answer = JSON.stringify({
  info: {
    campaignId: "50ecd0dc-15ac-42ba-b4cf-fb810d15faa1",
    totalPhoneNumbers: 1,
    totalValid: 1,
    totalInvalid: 0,
    totalCost: 0.072,
    totalParts: 1,
    dlrCallbackUrl: null,
    scheduled: false,
    totalInQuietHours: 0
  },
  data: [{
    msgId: "a6d2963d-f625-42ce-844e-7e5383930e5d",
    status: "ACCEPTED",
    statusCode: 1,
    errorCode: null,
    createdAt: "2025-06-01T12:00:00.000Z",
    inQuietHours: false,
    cost: 0.072,
    to: "+31612469000",
    countryIso: "NL",
    from: "InfoText",
    text: "Your order has shipped.",
    parts: 1,
    textAnalysis: { length: 23, unicode: false, parts: 1 }
  }]
})

const balance = JSON.stringify({ balance: 100, currency: "eur", billing: "prepaid" })

const bare = async (): Promise<{ url: string; close: () => Promise<void> }> => {
  const server = Http.createServer((req, res) => {
    req.on("data", () => {})
    req.on("end", () => {
      const body = req.url === "/account/balance" ? balance : answer
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) })
      res.end(body)
    })
  })
  // the benchmark's rounds leave a client's connections idle for longer than the default 5 s
  server.keepAliveTimeout = 120_000
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

// the sandbox is loaded only when asked for, so that the bare server's memory is its own
const server = process.argv.includes("--bare") ? await bare() : await (await import("@smscx/sandbox")).Sandbox.start({
  port: 0,
  apiKeys: ["bench-key"],
  balance: 1_000_000_000,
  // far above what the benchmark sends, so that no call is rate limited
  rateLimit: { limit: 1_000_000_000, windowSeconds: 1 }
})
console.log(JSON.stringify({ url: server.url }))
createInterface({ input: process.stdin }).on("line", (line) => {
  // maxRSS is in kibibytes
  if (line === "memory") {
    console.log(JSON.stringify({ rss: process.memoryUsage().rss, maxRss: process.resourceUsage().maxRSS * 1024 }))
  }
})
process.on("SIGTERM", () => void server.close().then(() => process.exit(0)))
