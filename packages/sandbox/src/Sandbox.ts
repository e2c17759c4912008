/**
 * A stateful local simulator of the SMS.CX API, for tests, examples and benchmarks, served
 * in-process (`layerHttpClient`, `inProcessFetch`) or on loopback (`layerServer`, `start`, the
 * `smscx-sandbox` CLI). The package's README says how it behaves (idempotency, body limits,
 * hosts, history, faults).
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpApp from "@effect/platform/HttpApp"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpServer from "@effect/platform/HttpServer"
import type { ServeError } from "@effect/platform/HttpServerError"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as App from "./internal/app/app.js"
import type * as Control from "./internal/app/control.js"
import * as Events from "./internal/app/events.js"
import { configOf } from "./internal/app/options.js"
import type { Attachment, Options, Service } from "./internal/app/types.js"
import * as Attachments from "./internal/engines/attachments.js"
import { shortUrlOf } from "./internal/engines/trackedLinks.js"
import * as TimeShift from "./internal/kernel/clock.js"
import * as FaultRules from "./internal/kernel/faults.js"
import * as NodeServer from "./internal/kernel/nodeServer.js"
import type * as State from "./internal/state/store.js"

/**
 * A contact of a seed group: its number in E.164 (one that is not valid is kept as given, and
 * campaigns count it invalid) and the fields its `{{name}}` placeholders fill
 * (`firstName`, `lastName`, `email`, `field1`..`field5`, and any `customFields`).
 *
 * @since 0.1.0
 * @category models
 */
export type Contact = State.Contact

/**
 * A contact group the sandbox starts with: the Groups API lists, changes and exports it, and
 * campaign sends address it by id.
 *
 * @since 0.1.0
 * @category models
 */
export type Group = State.Group

/**
 * A message the sandbox sent or scheduled (estimates keep nothing).
 *
 * @since 0.1.0
 * @category models
 */
export type Message = State.Message

/**
 * A send: its campaign id and messages.
 *
 * @since 0.1.0
 * @category models
 */
export type Campaign = State.Campaign

/**
 * Why `addAttachment` refused a file (its `message` says which field).
 * @since 0.1.0
 * @category errors
 */
export { InvalidAttachment } from "./internal/engines/attachments.js"

// The models the internals share are declared in internal modules (no internal module imports
// this one), each with its documentation, and are part of this module's API.
export { defaultGroups } from "./internal/app/options.js"
export type {
  ActiveFaults,
  Application,
  Attachment,
  CallbackRecord,
  FaultRule,
  Faults,
  Options,
  Service
} from "./internal/app/types.js"
export type { DeliveryFailureRule, DeliveryOptions, NewAttachment, Visit } from "./internal/state/types.js"

/**
 * A fault the sandbox can inject into an API request:
 *
 * - `rateLimit`: a 429 with the API's 429 body and the rate-limit headers (`X-Rate-Limit-Reset`
 *   the seconds left in the window, `X-Rate-Limit-Remaining` 0).
 * - `serverError`: a 500 with the API's 500 body.
 * - `unavailable`: a 503 with the same body (the API documents no 503; like any 5xx, the SDK
 *   reads it as a `ServerErrorException`).
 * - `reset`: the connection is reset before any answer (in-process, `fetch` rejects with a
 *   `TypeError` "fetch failed" whose cause has the code `ECONNRESET`).
 * - `stall`: no answer until the client gives up (its `AbortSignal`, in-process), the server
 *   closes, or `maxStallMillis` pass (then the connection is reset).
 * - `malformed`: a 200 of type `application/json` whose body is JSON cut short.
 * - `lostAnswer`: the request is performed (a send is sent and billed) and the connection reset
 *   instead of answering.
 *
 * Only `lostAnswer` performs the request: with the others, nothing changes.
 *
 * @since 0.1.0
 * @category models
 */
export type FaultKind = FaultRules.Kind

/**
 * An operation of the API, by its `operationId` (`sendSms`, `getAccountBalance`, ...).
 *
 * @since 0.1.0
 * @category models
 */
export type OperationId = FaultRules.OperationId

/**
 * Why faults were refused (a rate outside [0, 1], an unknown kind or operationId, an empty list
 * of operations, a field that is not one): its `message` names the field. Nothing changed.
 *
 * @since 0.1.0
 * @category errors
 */
export { InvalidFaults } from "./internal/kernel/faults.js"

/**
 * What a sandbox holds (`stats`, `GET /__sandbox/stats`): its history within `maxMessages`, and
 * the work still to come.
 *
 * @since 0.1.0
 * @category models
 */
export type Stats = Control.Stats

/**
 * @since 0.1.0
 * @category tags
 */
export class Sandbox extends Context.Tag("@smscx/sandbox/Sandbox")<Sandbox, Service>() {}

/**
 * The base URL for in-process clients; any host works, since nothing reaches the network.
 *
 * @since 0.1.0
 * @category constants
 */
export const baseUrl = "http://sandbox.local"

const attachmentOf = (record: Attachments.AttachmentRecord): Attachment => ({
  id: record.id,
  name: record.name,
  fileName: record.fileName,
  contentType: record.contentType,
  sizeBytes: record.sizeBytes,
  shortUrl: shortUrlOf(record.id),
  fileUrl: record.fileUrl,
  createdAt: record.createdAt
})

const toRequest = (input: RequestInfo | URL, init: RequestInit | undefined, base: string): Request =>
  input instanceof Request
    ? init === undefined ? input : new Request(input, init)
    : new Request(new URL(String(input), base), init)

/**
 * `fetch` over a web handler, acting on the socket-level faults as a connection would: a reset
 * (or a lost answer) rejects as undici does, a stall waits for the request's signal.
 */
const webFetch = (handler: (request: Request) => Promise<Response>): typeof globalThis.fetch => async (input, init) => {
  const request = toRequest(input, init, baseUrl)
  const response = await handler(request)
  const fault = FaultRules.socketFaultOf(response.headers.get(FaultRules.MARKER))
  if (fault === undefined) return response
  await response.body?.cancel()
  return fault.kind === "stall"
    ? FaultRules.stall(request.signal, fault.maxStallMillis)
    : Promise.reject(FaultRules.connectionReset())
}

// the clock offset of each sandbox made here, for its servers to serve under
const shifts = new WeakMap<Service, TimeShift.TimeShift>()

/**
 * Runs `effect` (what serves a sandbox's app) under the sandbox's shifted clock, so that its
 * requests start on it rather than each shifting the clock again.
 */
const servedShifted = <A, E, R>(sandbox: Service, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
  const shift = shifts.get(sandbox)
  return shift === undefined ? effect : TimeShift.withShift(effect, shift)
}

/**
 * A new sandbox with its own state.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (options?: Options) => Effect.Effect<Service, FaultRules.InvalidFaults> = Effect.fn(
  "Sandbox.make"
)(
  function*(options: Options = {}) {
    const faults = options.faults === undefined ? FaultRules.none : yield* FaultRules.resolve(options.faults)
    const config = configOf(options, faults)
    // the instance in use: `reset` closes it (its timers and callbacks) and replaces it with a new
    // one built from the same options
    let instance: App.Instance
    const shift = TimeShift.makeShift()
    const hooks: App.Hooks = {
      reset: Effect.suspend(() => Effect.zipRight(instance.close, App.make(config, hooks))).pipe(
        Effect.map((fresh) => void (instance = fresh))
      ),
      // one for the sandbox's life: a page listening stays connected across resets
      events: Events.make(),
      shift
    }
    instance = yield* App.make(config, hooks)
    const current = <A, E>(f: (instance: App.Instance) => Effect.Effect<A, E>) => Effect.suspend(() => f(instance))
    const service: Service = {
      app: Effect.suspend(() => instance.app),
      balance: current((i) => i.control.balance),
      setBalance: (amount) => current((i) => i.control.setBalance(amount)),
      messages: current((i) => i.store.messages),
      messagesTo: (to) => current((i) => i.store.messages).pipe(Effect.map((all) => all.filter((m) => m.to === to))),
      campaigns: current((i) => i.store.campaigns),
      callbacks: current((i) => Effect.sync(() => i.callbacks.log().map((record) => ({ ...record })))),
      advanceTime: (duration) => current((i) => i.control.advanceTime(Duration.toMillis(duration) / 1000)),
      reset: hooks.reset,
      stats: current((i) => i.control.stats),
      receiveSms: (sms) =>
        current((i) =>
          Effect.map(i.control.receiveInbound({ ...sms, channel: "sms" }), (received) => received._tag === "Received")
        ),
      receiveMessage: ({ channel = "sms", ...message }) =>
        current((i) =>
          Effect.map(
            i.control.receiveInbound({ ...message, channel }),
            (received) => received._tag === "Received" ? received.conversationId : undefined
          )
        ),
      channels: current((i) => i.control.channels),
      setChannels: (change) => current((i) => i.control.setChannels(change)),
      approveTemplate: (id) => current((i) => i.control.approveTemplate(id)),
      approveOriginator: (id) => current((i) => i.control.approveOriginator(id)),
      visit: (url, visitor = {}) =>
        current((i) => i.control.visit(url, { userAgent: visitor.userAgent ?? "", ip: visitor.ip ?? "127.0.0.1" })),
      addAttachment: (file) => current((i) => Effect.map(Attachments.addAttachment(i.store, file), attachmentOf)),
      faults: current((i) => i.control.faults),
      setFaults: (faults) =>
        current((i) => Either.match(FaultRules.resolve(faults), { onLeft: Effect.fail, onRight: i.control.setFaults }))
    }
    shifts.set(service, shift)
    return service
  }
)

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<Sandbox, FaultRules.InvalidFaults> =>
  Layer.effect(Sandbox, make(options))

/**
 * An `HttpClient` answered by a new sandbox in-process, without a socket; the sandbox itself is
 * provided too, for tests to inspect. The sandbox runs with the services of the fiber that
 * builds the layer, so a `TestClock` there drives token expiry, rate-limit windows and
 * scheduled dates.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerHttpClient = (
  options: Options = {}
): Layer.Layer<HttpClient.HttpClient | Sandbox, FaultRules.InvalidFaults> =>
  FetchHttpClient.layer.pipe(
    Layer.provide(Layer.effect(
      FetchHttpClient.Fetch,
      Effect.gen(function*() {
        const sandbox = yield* Sandbox
        const runtime = yield* servedShifted(sandbox, Effect.runtime<never>())
        return webFetch(HttpApp.toWebHandlerRuntime(runtime)(sandbox.app))
      })
    )),
    Layer.provideMerge(layer(options))
  )

/**
 * Where a server listens. Default: a random free port on 127.0.0.1.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServerOptions {
  readonly port?: number
  readonly host?: string
}

const WILDCARDS = ["0.0.0.0", "::", "[::]", ""]

/**
 * A new sandbox served over HTTP with Node's `http` server, on loopback unless told otherwise. The
 * address it binds (unless a wildcard, `0.0.0.0` or `::`) is one of its `allowedHosts`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerServer = (
  options: Options & ServerOptions = {}
): Layer.Layer<Sandbox | HttpServer.HttpServer, ServeError | FaultRules.InvalidFaults> => {
  const host = options.host ?? "127.0.0.1"
  const allowedHosts = [...(options.allowedHosts ?? []), ...(WILDCARDS.includes(host) ? [] : [host])]
  return Layer.unwrapEffect(
    Effect.map(
      Sandbox,
      (sandbox) => Layer.scopedDiscard(servedShifted(sandbox, HttpServer.serveEffect(sandbox.app)))
    )
  ).pipe(
    Layer.provideMerge(NodeServer.layer({ port: options.port ?? 0, host })),
    Layer.provideMerge(layer({ ...options, allowedHosts }))
  )
}

/**
 * The URL of a server address.
 *
 * @since 0.1.0
 * @category utils
 */
export const urlOf = (address: HttpServer.Address): string => {
  if (address._tag === "UnixAddress") return `http+unix://${encodeURIComponent(address.path)}`
  const host = address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname
  return `http://${host}:${address.port}`
}

/**
 * A sandbox listening on a socket, for code that does not use Effect.
 *
 * @since 0.1.0
 * @category models
 */
export interface Server {
  /** E.g. `http://127.0.0.1:41234`. */
  readonly url: string
  /** `fetch`, with paths (`/sms`) resolved against `url`. */
  readonly fetch: typeof globalThis.fetch
  readonly close: () => Promise<void>
}

const squash = (cause: Cause.Cause<unknown>): unknown => Cause.squash(cause)

/**
 * Starts a sandbox on loopback (port 0: a random free port).
 *
 * @since 0.1.0
 * @category constructors
 */
export const start = async (options: Options & ServerOptions = {}): Promise<Server> => {
  const scope = Effect.runSync(Scope.make())
  const close = () => Effect.runPromise(Scope.close(scope, Exit.void))
  const built = await Effect.runPromiseExit(Layer.buildWithScope(layerServer(options), scope))
  if (Exit.isFailure(built)) {
    await close()
    throw squash(built.cause)
  }
  const url = urlOf(Context.get(built.value, HttpServer.HttpServer).address)
  return {
    url,
    fetch: (input, init) => globalThis.fetch(input instanceof Request ? input : new URL(String(input), url), init),
    close
  }
}

/**
 * A `fetch` answered by a sandbox in-process.
 *
 * @since 0.1.0
 * @category models
 */
export interface InProcess {
  /** Resolves paths (`/sms`) against `baseUrl`; any host is answered by the sandbox. */
  readonly fetch: typeof globalThis.fetch
  /** Later calls of `fetch` fail, as against a stopped server. */
  readonly close: () => Promise<void>
  /** The sandbox, to inspect its state (its effects run with `Effect.runPromise`). */
  readonly sandbox: Service
}

/**
 * A new sandbox answering `fetch` in-process, for the Promise client
 * (`new SmsCx({ apiKey, baseUrl: Sandbox.baseUrl, fetch })`) and examples. Throws
 * `InvalidFaults` for invalid `faults`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const inProcessFetch = (options: Options = {}): InProcess => {
  const made = Effect.runSyncExit(make(options))
  if (Exit.isFailure(made)) throw squash(made.cause)
  const sandbox = made.value
  const handler = webFetch(HttpApp.toWebHandler(sandbox.app))
  let closed = false
  return {
    fetch: (input, init) =>
      closed ? Promise.reject(new TypeError("fetch failed: the sandbox is closed")) : handler(input, init),
    close: async () => {
      closed = true
    },
    sandbox
  }
}
