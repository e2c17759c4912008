/**
 * What the Promise client's test files share: credentials and numbers the sandbox knows, the
 * resources a test opens (closed after it), and bounds on promises.
 */
import { SmsCx } from "@smscx/promise"
import { Sandbox } from "@smscx/sandbox"
import * as Effect from "effect/Effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { afterEach, assert } from "vitest"

export const API_KEY = "sk-test-Qm7Vd9XbL2"
export const APP = { applicationId: "app-1", applicationSecret: "app-secret-Zq8xW2" }
export const NL = "+31612345678" // 0.072 a part
export const DE = "+4915123456789" // 0.079 a part
export const INVALID = "+3161234"
export const UNKNOWN_ID = "0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11"
/** Far enough ahead of the real clock the Promise client runs on. */
export const LATER = "2099-01-01 10:00:00"
export const hello = { from: "InfoText", text: "Hello" } as const

/** The HTTP clients a Promise user can have: the default (Node's own http module) and fetch. */
export const httpClients: ReadonlyArray<readonly [string, { readonly fetch?: typeof globalThis.fetch }]> = [
  ["the default Node client", {}],
  ["FetchClient", { fetch: globalThis.fetch }]
]

/**
 * Everything a test opens, closed after it: call once at a test file's top level (the hook is
 * that file's).
 */
export const resources = () => {
  const opened: Array<() => Promise<void>> = []
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((close) => close()))
  })

  /** A new in-process sandbox accepting `API_KEY`. */
  const sandbox = () => {
    const server = Sandbox.inProcessFetch({ apiKeys: [API_KEY] })
    opened.push(server.close)
    return server
  }

  /** A client of a new in-process sandbox (accepting `API_KEY` and `APP` unless told otherwise). */
  const setup = (
    client: Partial<ConstructorParameters<typeof SmsCx>[0]> = {},
    sandboxOptions: Sandbox.Options = {}
  ) => {
    const server = Sandbox.inProcessFetch({ apiKeys: [API_KEY], applications: [APP], ...sandboxOptions })
    const credentials = "apiKey" in client || "accessToken" in client || "applicationId" in client
      ? client
      : { apiKey: API_KEY, ...client }
    const options = { ...credentials, baseUrl: Sandbox.baseUrl, fetch: server.fetch }
    const smscx = new SmsCx(options as ConstructorParameters<typeof SmsCx>[0])
    opened.push(() => smscx.close(), server.close)
    const state = {
      balance: () => Effect.runPromise(server.sandbox.balance),
      messages: () => Effect.runPromise(server.sandbox.messages)
    }
    return { client: smscx, server, state }
  }

  /** A loopback server, closed after the test; gives its base URL. */
  const listen = async (handler: Http.RequestListener): Promise<string> => {
    const server = Http.createServer(handler)
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    opened.push(() =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
    )
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  return { opened, sandbox, setup, listen }
}

/** Rejects after `millis`: a bound for what must settle promptly. */
export const within = <A>(millis: number, promise: Promise<A>): Promise<A> =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not settled within ${millis} ms`)), millis))
  ])

/** What a promise rejected with; fails the test if it resolved. */
export const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then((value) => assert.fail(`resolved with ${JSON.stringify(value)}`), (error: unknown) => error)
