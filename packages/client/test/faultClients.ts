/**
 * The four ways a call reaches the API (the Effect client over the default Node client and over
 * FetchClient, the Promise client over its default client and over `fetch`), each making one
 * `getAccountBalance` through a client of its own, and the fault server the client fault tests
 * (ClientFaults, ClientSecrets, ClientExit) meet them with.
 */
import { Account, FetchClient, SmsCx } from "@smscx/client"
import type { AccountBalance } from "@smscx/core/Generated"
import type * as Transport from "@smscx/transport/Transport"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Crypto from "node:crypto"
// @smscx/promise is not a dependency of @smscx/client (it depends on it): reach it by path
import { type Options as PromiseOptions, SmsCx as PromiseSmsCx } from "../../promise/src/index.js"
import * as FaultServer from "./fixtures/faultServer.js"

export type Outcome = Either.Either<AccountBalance, unknown>

export interface Style {
  readonly name: string
  /** An Effect program (its log lines and spans are the caller's), or the Promise client (its own runtime's). */
  readonly kind: "effect" | "promise"
  /**
   * Whether closing the client ends every connection it opened. The SDK's Node client owns its
   * keep-alive agents; `fetch` pools connections globally, beyond any one client.
   */
  readonly ownsConnections: boolean
  /** One `getAccountBalance` through a client built for it and closed after it. */
  readonly balance: (options: Transport.Options, log?: "debug") => Effect.Effect<Outcome>
}

const viaEffect = (
  layer: (options: Transport.Options) => Layer.Layer<Account, unknown>
) =>
(options: Transport.Options): Effect.Effect<Outcome> =>
  Effect.flatMap(Account, (account) => account.getAccountBalance()).pipe(
    Effect.provide(layer(options)),
    Effect.either
  )

const viaPromise = (extra: Partial<PromiseOptions>) => (options: Transport.Options, log?: "debug") =>
  Effect.promise(async (): Promise<Outcome> => {
    const client = new PromiseSmsCx({ ...options, ...extra, ...(log === undefined ? {} : { log }) })
    try {
      return Either.right(await client.account.getAccountBalance())
    } catch (error) {
      return Either.left(error)
    } finally {
      await client.close()
    }
  })

export const styles: ReadonlyArray<Style> = [
  {
    name: "Effect, SmsCx.layer (default Node client)",
    kind: "effect",
    ownsConnections: true,
    balance: viaEffect(SmsCx.layer)
  },
  {
    name: "Effect, FetchClient",
    kind: "effect",
    ownsConnections: false,
    balance: viaEffect((options) => SmsCx.layerWithoutHttpClient(options).pipe(Layer.provide(FetchClient.layer)))
  },
  { name: "Promise, default client", kind: "promise", ownsConnections: true, balance: viaPromise({}) },
  { name: "Promise, fetch", kind: "promise", ownsConnections: false, balance: viaPromise({ fetch: globalThis.fetch }) }
]

/** A distinctive credential: any trace of it in an error, a log line or a span is a leak. */
export const secret = (prefix: string) => `${prefix}${Crypto.randomBytes(16).toString("hex")}`

/** A fault server for one test, closed (every connection and timer with it) when the test ends. */
export const faultServer = (options?: FaultServer.Options) =>
  Effect.acquireRelease(Effect.promise(() => FaultServer.start(options)), (server) => Effect.promise(server.close))

/** A URL where nothing listens: the connection is refused. */
export const refusedUrl = Effect.promise(FaultServer.refusedUrl)

/** The deadline of each faulty call (ms). */
export const TIMEOUT = 300
