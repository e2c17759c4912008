/**
 * One request, start to end: the `Host` and, for the control API, `Origin` and content type checked
 * (`kernel/guard.ts`), rate limit, route, injected faults, authentication, body
 * (size-limited), validation, idempotency, the operation's handler, and the headers every answer
 * carries.
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Api from "@smscx/core/Api"
import type * as Operation from "@smscx/core/Operation"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Crypto from "node:crypto"
import * as Attachments from "../engines/attachments.js"
import * as Channels from "../engines/channels.js"
import * as ContactGroups from "../engines/contactGroups.js"
import * as Links from "../engines/links.js"
import * as NumberLookups from "../engines/numberLookups.js"
import * as NumberRents from "../engines/numberRents.js"
import * as Templates from "../engines/templates.js"
import * as TrackedLinks from "../engines/trackedLinks.js"
import * as Conversations from "../groups/conversations.js"
import * as Originators from "../groups/originators.js"
import * as Otp from "../groups/otp.js"
import * as Auth from "../kernel/auth.js"
import * as Body from "../kernel/body.js"
import * as Callbacks from "../kernel/callbacks.js"
import * as TimeShift from "../kernel/clock.js"
import { ApiFailure, body as errorBody, fail, failure, Generic } from "../kernel/errors.js"
import * as Faults from "../kernel/faults.js"
import * as Guard from "../kernel/guard.js"
import * as Ids from "../kernel/ids.js"
import { fromMicros, toMicros } from "../kernel/money.js"
import * as RateLimiter from "../kernel/rateLimiter.js"
import * as Router from "../kernel/router.js"
import * as Timers from "../kernel/timers.js"
import type { Config, Context } from "../state/context.js"
import * as State from "../state/store.js"
import * as Control from "./control.js"
import * as Events from "./events.js"
import * as Groups from "./handlers.js"
import * as Inbox from "./inbox.js"

/** @internal */
export type { Config } from "../state/context.js"

/** @internal */
export interface Instance {
  readonly app: HttpApp.Default
  readonly store: State.Store
  readonly callbacks: Callbacks.Callbacks
  readonly timers: Timers.Timers
  /** What every group's handlers were built with. */
  readonly context: Context
  /** The control API's actions, for the sandbox's in-process functions. */
  readonly control: Control.Actions
  readonly routes: ReadonlyArray<Router.Route>
  /** Stops its timers and callbacks and drops their work: nothing of it runs after (a reset). */
  readonly close: Effect.Effect<void>
}

interface RouteAnswer {
  readonly status: number
  readonly body: unknown
  readonly headers: Readonly<Record<string, string>>
  /** A fault that replaces the answer on the wire (`lostAnswer`: after the handler ran). */
  readonly fault?: "malformed" | "reset" | "stall" | "lostAnswer"
}

/**
 * What makes two requests the same request: the decoded path and input, whose fields come in
 * the schema's order whatever the client's (a digest: a send's input can be megabytes). Decoded
 * values are only as deep as their schema, so `JSON.stringify` is safe on them.
 */
const fingerprintOf = (path: unknown, input: unknown) => {
  const text = JSON.stringify([path, input ?? null])
  // the one-shot digest where Node has it (20.12+): no Hash object a request
  return typeof Crypto.hash === "function"
    ? Crypto.hash("sha256", text, "hex")
    : Crypto.createHash("sha256").update(text).digest("hex")
}

/**
 * An answer's body in its wire form, as an idempotent answer is remembered: text holds nothing
 * for the garbage collector to trace, and is the same bytes when replayed.
 */
class JsonText {
  constructor(readonly text: string) {}
}

const noHeaders: Readonly<Record<string, string>> = {}

const BASE = "http://sandbox.local"

/** What the API's routes read of a request's target: its path and query. */
type Target = Pick<URL, "pathname" | "searchParams">

// a target of plain path segments: `new URL` gives it back as its pathname, with no query
const PLAIN_PATH = /^(?:\/[\w~-]+)+\/?$/

const noQuery: Target["searchParams"] = new URLSearchParams()

/** A request's target as a URL reads it; a plain path (most API requests) without parsing one. */
const targetOf = (target: string): Target =>
  PLAIN_PATH.test(target) ? { pathname: target, searchParams: noQuery } : new URL(target, BASE)

const jsonOf = (body: unknown): string => body instanceof JsonText ? body.text : JSON.stringify(body)

const isFile = (body: unknown): body is Operation.ExportedFile =>
  typeof body === "object" && body !== null && (body as { bytes?: unknown }).bytes instanceof Uint8Array

/** What the sandbox around the app does for it: going back to the state it started with. @internal */
export interface Hooks {
  readonly reset: Effect.Effect<void>
  /** Where changes are told (the sandbox's, which outlives resets); a hub of its own when absent. */
  readonly events?: Events.Hub
  /**
   * The control API's offset to the clock (the sandbox's, which outlives resets, so that a server
   * can serve under the shifted clock once rather than shift it for every request); set back to
   * 0 by `make`. One of its own when absent.
   */
  readonly shift?: TimeShift.TimeShift
}

const refused = (refusal: Guard.Refusal) =>
  HttpServerResponse.text(JSON.stringify({ error: { message: refusal.message } }), {
    status: refusal.status,
    contentType: "application/json"
  })

const controlAnswer = (answer: Control.ControlAnswer) => {
  const options = {
    status: answer.status,
    ...(answer.headers === undefined ? {} : { headers: answer.headers })
  }
  const content = answer.content
  if (content === undefined) {
    return HttpServerResponse.text(JSON.stringify(answer.body), { ...options, contentType: "application/json" })
  }
  return typeof content.body === "string"
    ? HttpServerResponse.text(content.body, { ...options, contentType: content.type })
    : HttpServerResponse.stream(content.body, { ...options, contentType: content.type })
}

const parseJson = (text: string): unknown => {
  try {
    return text.trim() === "" ? undefined : JSON.parse(text)
  } catch {
    return undefined
  }
}

/** @internal */
export const make = (config: Config, hooks: Hooks = { reset: Effect.void }): Effect.Effect<Instance> =>
  Effect.gen(function*() {
    const shift = hooks.shift ?? TimeShift.makeShift()
    // a new state starts at the clock's own time
    shift.reset()
    const timers = Timers.make(shift)
    const store = yield* State.make({
      balanceMicros: config.balanceMicros,
      ...(config.maxMessages === undefined ? {} : { maxMessages: config.maxMessages }),
      // a campaign forgotten has no reports to come, and its links lead nowhere
      onDropped: (campaignId) => {
        timers.drop(campaignId)
        Links.drop(store, campaignId)
      }
    })
    // the seed groups, with their own ids: new groups get the next ids
    yield* ContactGroups.seed(store, config.groups)
    // the seed attachments: no operation of the API creates one
    // (options are the sandbox's own configuration: one it cannot start with is a defect)
    for (const file of config.attachments) yield* Effect.orDie(Attachments.addAttachment(store, file))
    const limiter = RateLimiter.make(config.rateLimit.limit, config.rateLimit.windowSeconds)
    const auth = Auth.make({ apiKeys: config.apiKeys, applications: config.applications, tokens: store })
    const events = hooks.events ?? Events.make()
    const callbacks = Callbacks.make(config.callbacks, () => events.publish({ kind: "callback", what: "callbacks" }))
    const context: Context = { store, config, callbacks, timers }
    const allowedHosts = new Set(
      (config.allowedHosts ?? []).flatMap((name) => Guard.hostnameOf(name) ?? [])
    )
    // every operation of every group, from the entries
    const routes = Object.entries(Api.groups).flatMap(([name, operations]) => {
      const handlers = Groups.handlers[name as keyof Groups.GroupHandlers]
      // the group's own types were checked where its handlers are written
      return Router.group(operations as Readonly<Record<string, Operation.Any>>, handlers(context) as never)
    })
    // ids, PINs and tokens from a seeded generator when a seed is given
    const random = config.seed === undefined ? undefined : Random.make(config.seed)
    const faults = Faults.make(config.faults ?? Faults.none)

    const serve = (
      request: HttpServerRequest.HttpServerRequest,
      url: Target,
      limit: RateLimiter.Decision
    ): Effect.Effect<RouteAnswer, ApiFailure> =>
      // no generator: every API request runs this
      Effect.suspend(() => {
        const found = Router.match(routes, request.method, url.pathname)
        if (found._tag === "NotFound") return fail(Generic.notFound)
        if (found._tag === "MethodNotAllowed") {
          return fail(Generic.invalidMethod(request.method), { headers: { Allow: found.allow.join(", ") } })
        }
        const { params, route } = found
        // drawn once routed, so that a rule can name operations; only `lostAnswer` runs the operation
        return Effect.flatMap(faults.draw(route.operation.id), (fault): Effect.Effect<RouteAnswer, ApiFailure> => {
          switch (fault) {
            case undefined:
              return answerOf(request, url, route, params)
            case "lostAnswer":
              return Effect.map(answerOf(request, url, route, params), (answer) => ({ ...answer, fault }))
            case "rateLimit":
              return fail(Generic.rateLimit, { headers: { "X-Rate-Limit-Reset": String(limit.resetSeconds) } })
            case "serverError":
              return fail(Generic.serverError)
            // the API documents no 503: the 500 body, which the SDK maps as any 5xx (ServerErrorException)
            case "unavailable":
              return fail({ ...Generic.serverError, status: 503 })
            default:
              return Effect.succeed({ status: 200, body: undefined, headers: {}, fault })
          }
        })
      })

    const answerOf = (
      request: HttpServerRequest.HttpServerRequest,
      url: Target,
      route: Router.Route,
      params: Readonly<Record<string, string>>
    ): Effect.Effect<RouteAnswer, ApiFailure> =>
      // no generator: every API request runs this
      Effect.flatMap(auth.authenticate(route.operation, request.headers), (principal) =>
        Effect.flatMap(route.decodePath(params), (path) =>
          Effect.flatMap(
            Effect.flatMap(Router.readInput(route, url, Body.text(request, config.maxBodyBytes)), route.decodeInput),
            (input) =>
              performed(route, principal, path, input)
          )))

    /** A request read and decoded, performed (once per idempotency id). */
    const performed = (
      route: Router.Route,
      principal: Auth.Principal,
      path: unknown,
      input: unknown
    ): Effect.Effect<RouteAnswer, ApiFailure> => {
      const operation = route.operation
      const answerWith = (encoded: unknown, headers: Readonly<Record<string, string>> | undefined): RouteAnswer => ({
        status: encoded === undefined && operation.success._tag !== "Empty" ? 204 : operation.successStatus,
        body: encoded,
        headers: headers ?? noHeaders
      })
      const handled = route.handle({ path, input, principal } as Router.Incoming<typeof operation>)
      const run = route.checked
        ? handled.pipe(
          Effect.flatMap((reply) =>
            Effect.map(route.encode(reply.body), (encoded) => answerWith(encoded, reply.headers))
          ),
          // an answer that does not fit the operation's schema is a sandbox bug: a 500
          Effect.catchTag("ParseError", Effect.die)
        )
        // unchecked, an answer's wire form is the handler's own (`Router.checksAnswers`)
        : Effect.map(handled, (reply) => answerWith(reply.body, reply.headers))
      const idField = operation.idempotencyKey
      const id = idField === undefined ? undefined : (input as Record<string, unknown>)[idField]
      if (typeof id !== "string") return run
      // the header confirms the id was understood, whatever the outcome
      const echo = { "X-Idempotency-Id": id }
      // Records are the account's, as the API keeps them: another credential's id is another
      // request. The same id with another request is refused rather than answered with the
      // first request's answer (as Stripe does): replaying it would tell the client its new
      // request was performed. Nothing is performed or billed for it.
      const key = `${Auth.accountOf(principal)}:${operation.id}:${id}`
      const remembered = Effect.map(run, (answer): RouteAnswer =>
        answer.status === 204 || isFile(answer.body)
          ? answer
          : { ...answer, body: new JsonText(jsonOf(answer.body)) })
      return store.idempotent(key, fingerprintOf(path, input), remembered).pipe(
        Effect.catchTag("IdempotencyConflict", () => fail(Generic.idempotencyIdReused)),
        Effect.mapError((error) =>
          new ApiFailure({
            status: error.status,
            type: error.type,
            code: error.code,
            message: error.message,
            ...(error.invalid === undefined ? {} : { invalid: error.invalid }),
            headers: { ...error.headers, ...echo }
          })
        ),
        Effect.map((answer) => ({ ...answer, headers: { ...answer.headers, ...echo } }))
      )
    }

    const control: Control.Actions = {
      messages: (filter, page) => Inbox.messages(store, filter, page),
      callbacks: Effect.sync(() => callbacks.log().map((record) => ({ ...record }))),
      resendCallback: (id) =>
        Effect.suspend(() => {
          const record = callbacks.log().find((r) => r.id === id)
          if (record === undefined) return Effect.succeed(undefined)
          return Effect.map(callbacks.post(record.url, record.payload), () => callbacks.log().at(-1)?.id)
        }),
      phones: (q, page) => Effect.sync(() => Inbox.phones(store, q, page)),
      thread: (phone, limit) => Inbox.thread(store, phone, limit),
      campaigns: (page) => Inbox.campaigns(store, page),
      events: events.stream,
      balance: Effect.map(store.balanceMicros, fromMicros),
      setBalance: (amount) => store.setBalanceMicros(toMicros(amount)),
      advanceTime: (seconds) =>
        Effect.zipRight(Effect.sync(() => shift.advance(Math.round(seconds * 1000))), timers.wake),
      stats: Effect.sync(() => {
        const history = store.history()
        return {
          messagesKept: history.kept,
          messagesDropped: history.dropped,
          maxMessages: config.maxMessages ?? State.DEFAULT_MAX_MESSAGES,
          otpsKept: store.records(Otp.Otps).size(),
          otpsDropped: store.dropped(Otp.Otps),
          lookupsKept: store.records(NumberLookups.Lookups).size(),
          lookupsDropped: store.dropped(NumberLookups.Lookups),
          linkTokensKept: store.records(Links.Tokens).size(),
          linkTokensDropped: store.dropped(Links.Tokens),
          conversationMessagesKept: store.records(Conversations.Entries).size(),
          conversationMessagesDropped: store.dropped(Conversations.Entries),
          inboundSmsKept: store.records(NumberRents.InboundSms).size(),
          inboundSmsDropped: store.dropped(NumberRents.InboundSms),
          hitsKept: store.records(TrackedLinks.Hits).size(),
          hitsDropped: store.dropped(TrackedLinks.Hits),
          pendingTimers: timers.pending(),
          pendingCallbacks: callbacks.pending()
        }
      }),
      reset: hooks.reset,
      receiveInbound: (message) =>
        Effect.gen(function*() {
          if (message.to !== undefined) {
            const rented = yield* NumberRents.receiveInboundSms(
              store,
              message.to,
              message.from,
              message.text,
              callbacks
            )
            if (!rented) return { _tag: "NotRented" } as const
          }
          const conversation = yield* Conversations.receive(store, message)
          // an alphanumeric sender can text a rented number, but no conversation is kept with it
          if (conversation === undefined && message.to === undefined) return { _tag: "InvalidSender" } as const
          return { _tag: "Received", conversationId: conversation?.conversationId } as const
        }),
      channels: Effect.sync(() => Channels.channelsOf(store, config)),
      setChannels: (change) => Channels.setChannels(store, config, change),
      approveTemplate: (id) => Templates.approveTemplate(store, id),
      approveOriginator: (id) => Originators.approveOriginator(store, id),
      visit: (path, visitor) => Links.visit(store, path, visitor),
      faults: faults.current,
      setFaults: faults.set
    }

    /** The control API and short URLs: their answer, or none when no control route matches. */
    const local = (
      request: HttpServerRequest.HttpServerRequest,
      target: Target,
      host: string | undefined,
      isControl: boolean
    ): Effect.Effect<HttpServerResponse.HttpServerResponse | undefined> =>
      Effect.gen(function*() {
        const url = target instanceof URL ? target : new URL(request.url, BASE)
        const text = request.method === "GET"
          ? ""
          : yield* Effect.orElseSucceed(Body.text(request, config.maxBodyBytes), () => "")
        if (isControl) {
          const refusal = Guard.controlRefusal({
            method: request.method,
            host: host ?? url.host,
            origin: request.headers["origin"],
            contentType: request.headers["content-type"],
            body: text
          })
          if (refusal !== undefined) return refused(refusal)
        }
        const body = request.method === "GET" ? undefined : parseJson(text)
        const answer = Control.handle(control, {
          method: request.method,
          url,
          body,
          userAgent: request.headers["user-agent"] ?? "",
          ip: Option.getOrElse(request.remoteAddress, () => "127.0.0.1")
        })
        if (answer !== undefined) {
          const answered = yield* answer
          if (request.method !== "GET" || !isControl) {
            events.publish({ kind: isControl ? "control" : "visit", what: url.pathname })
          }
          return controlAnswer(answered)
        }
        return undefined
      })

    /** An API request: rate limited, served, and answered with the API's headers. */
    const api = (
      request: HttpServerRequest.HttpServerRequest,
      target: Target
    ): Effect.Effect<HttpServerResponse.HttpServerResponse> =>
      // no generator: every API request runs this
      Effect.clockWith((clock) => {
        const started = clock.unsafeCurrentTimeMillis()
        const decision = limiter.take(Auth.bucketOf(request.headers), started)
        const answered: Effect.Effect<RouteAnswer> = (decision.allowed
          ? serve(request, target, decision)
          : fail(Generic.rateLimit, { headers: { "X-Rate-Limit-Reset": String(decision.resetSeconds) } })).pipe(
            // the API's errors answered as such, anything else a 500 (one handler for both)
            Effect.catchAllCause((cause) => {
              const error = Cause.failureOption(cause)
              return Option.isSome(error)
                ? Effect.succeed<RouteAnswer>({
                  status: error.value.status,
                  body: errorBody(error.value),
                  headers: error.value.headers ?? {}
                })
                : Effect.as(
                  Effect.logError("sandbox: unexpected failure", cause),
                  { status: 500, body: errorBody(failure(Generic.serverError)), headers: {} }
                )
            })
          )
        return Effect.flatMap(answered, (answer) => {
          // nothing made for the many requests of a load test when no page listens
          if (request.method !== "GET" && request.method !== "HEAD" && events.listeners() > 0) {
            events.publish({ kind: "api", what: `${request.method} ${target.pathname}` })
          }
          const finished = clock.unsafeCurrentTimeMillis()
          return Effect.flatMap(Ids.uuid, (requestId) => {
            const headers = {
              ...answer.headers,
              "X-Request-Id": requestId,
              "X-Response-Time": `${finished - started}ms`,
              "X-Rate-Limit-Limit": String(decision.limit),
              // an injected 429 says what a real one does: nothing remains
              "X-Rate-Limit-Remaining": String(answer.status === 429 ? 0 : decision.remaining)
            }
            const fault = answer.fault
            if (fault === "malformed") {
              return Effect.succeed(HttpServerResponse.text(Faults.MALFORMED_BODY, {
                status: 200,
                contentType: "application/json",
                headers
              }))
            }
            if (fault !== undefined) {
              // acted on by the sandbox's servers, which write nothing of it; any other server sends a 500
              return Effect.map(faults.current, (current) =>
                HttpServerResponse.text(JSON.stringify(errorBody(failure(Generic.serverError))), {
                  status: 500,
                  contentType: "application/json",
                  headers: {
                    ...headers,
                    [Faults.MARKER]: Faults.markerOf(fault, current.maxStallMillis)
                  }
                }))
            }
            // an export answers its file: bytes, content type, and its name in Content-Disposition
            if (isFile(answer.body)) {
              const file = answer.body
              return Effect.succeed(HttpServerResponse.uint8Array(file.bytes, {
                status: answer.status,
                contentType: file.contentType,
                headers: {
                  ...headers,
                  ...(file.fileName === undefined
                    ? {}
                    : { "Content-Disposition": `attachment; filename="${file.fileName}"` })
                }
              }))
            }
            if (answer.status === 204) {
              return Effect.succeed(HttpServerResponse.empty({ status: 204, headers }))
            }
            // the text as a raw body: the Node server writes it with the headers, no bytes made first
            return Effect.succeed(HttpServerResponse.raw(jsonOf(answer.body), {
              status: answer.status,
              contentType: "application/json",
              headers
            }))
          })
        })
      })

    const handled: HttpApp.Default = Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
      const host = request.headers["host"]
      if (host !== undefined && !Guard.isServed(allowedHosts, host)) {
        return Effect.succeed(refused(Guard.hostRefusal(host)))
      }
      // the control API and short URLs, under their own paths; the API's routes have the rest
      const target = targetOf(request.url)
      const isControl = Control.isControlPath(target.pathname)
      if (!isControl && !target.pathname.startsWith("/s/")) return api(request, target)
      return Effect.flatMap(
        local(request, target, host, isControl),
        (answer) => answer === undefined ? api(request, target) : Effect.succeed(answer)
      )
    })

    const timed = TimeShift.withShift(handled, shift)
    const app: HttpApp.Default = random === undefined ? timed : Effect.withRandom(timed, random)

    const close = Effect.zipRight(timers.close, callbacks.close)

    return { app, store, callbacks, timers, context, control, routes, close }
  })
