/**
 * `pnpm bench:faults`: the fault probes of issue 5 as figures (not tests; the regression tests
 * assert the behaviour). Each probe drives the Promise client against a hostile loopback server
 * and prints how many token requests it made and how long until every call had settled.
 *
 * 1. OAuth, 200 concurrent calls, token endpoint answering 500.
 * 2. OAuth, 50 concurrent calls, token endpoint that never answers, timeout 300 ms.
 * 3. OAuth, one call, token endpoint answering 429 with X-Rate-Limit-Reset: 0.
 * 4. fetch-based client (globalThis.fetch), timeout 500 ms, a server that never answers, with the
 *    garbage collector running while the call waits (run with --expose-gc to collect).
 */
import { SmsCx } from "@smscx/promise"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"

const LIMIT_MS = 20_000

const serve = async (handler: Http.RequestListener) => {
  const server = Http.createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections()
      server.close()
    }
  }
}

/** Token requests seen, and a handler answering the token endpoint with `token`. */
const tokenServer = (token: (res: Http.ServerResponse) => void) => {
  const seen = { token: 0, other: 0 }
  const handler: Http.RequestListener = (req, res) => {
    if (req.url?.startsWith("/oauth/token")) {
      seen.token++
      return token(res)
    }
    seen.other++
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({ balance: 1, currency: "eur", billing: "prepaid" })
    )
  }
  return { seen, handler }
}

const settle = async (calls: ReadonlyArray<Promise<unknown>>) => {
  const started = performance.now()
  const outcome = await Promise.race([
    Promise.allSettled(calls).then(() => "settled"),
    new Promise<string>((resolve) => setTimeout(() => resolve(`still pending after ${LIMIT_MS} ms`), LIMIT_MS).unref())
  ])
  return { outcome, ms: Math.round(performance.now() - started) }
}

const probe = async (
  name: string,
  token: (res: Http.ServerResponse) => void,
  calls: number,
  options: { readonly timeout?: string }
) => {
  const { handler, seen } = tokenServer(token)
  const server = await serve(handler)
  const client = new SmsCx(
    { applicationId: "app", applicationSecret: "secret", baseUrl: server.url, ...options } as never
  )
  const result = await settle(Array.from({ length: calls }, () => client.account.getAccountBalance()))
  console.log(
    `${name}: ${seen.token} token request(s), ${seen.other} API request(s), ${result.outcome} in ${result.ms} ms`
  )
  void client.close()
  server.close()
}

await probe(
  "1. 200 calls, token endpoint 500",
  (res) =>
    res.writeHead(500, { "content-type": "application/json" }).end(
      JSON.stringify({ error: { type: "server_error", code: 1500, message: "down", uri: "" } })
    ),
  200,
  {}
)

await probe("2. 50 calls, token endpoint hanging, timeout 300 ms", () => {}, 50, { timeout: "300 millis" })

await probe(
  "3. 1 call, token endpoint 429 reset 0",
  (res) =>
    res.writeHead(429, { "content-type": "application/json", "x-rate-limit-reset": "0" }).end(
      JSON.stringify({ error: { type: "rate_limit", code: 1000, message: "slow down", uri: "" } })
    ),
  1,
  {}
)

{
  const server = await serve(() => {})
  const client = new SmsCx(
    { apiKey: "k", baseUrl: server.url, timeout: "500 millis", fetch: globalThis.fetch } as never
  )
  const gc = (globalThis as { gc?: () => void }).gc
  const started = performance.now()
  const call = client.account.getAccountBalance()
  for (let i = 0; i < 5 && gc !== undefined; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    gc()
  }
  const result = await settle([call])
  const total = Math.round(performance.now() - started)
  console.log(
    `4. fetch client, hanging server, timeout 500 ms${
      gc ? ", gc while waiting" : ""
    }: ${result.outcome}, ${total} ms after the call started`
  )
  const closing = client.close()
  await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 2000))])
  server.close()
}
process.exit(0)
