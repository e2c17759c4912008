/**
 * The control API: what a user of a simulator needs and the real API cannot give, over HTTP
 * under the reserved prefix `/__sandbox/` (and, in-process, as the same functions on the
 * sandbox's service). It answers JSON; it takes no credentials (the sandbox is local), and no
 * request from a web page (`kernel/guard.ts`: the `Host`, the `Origin`, a JSON body).
 *
 * Its routes are data (`routes`, below): each one's method, path, description and answer, which
 * the index (`GET /__sandbox/`) lists. Besides them, the short URLs:
 *
 *   GET  /s/{code}[/{token}]                       a short URL visited: records the hit, redirects
 *   GET  /s/o/{token}                              an opt-out link visited: opts its recipient out
 *
 * `https://en.ax/<path>`, the short URLs in messages and in the API's answers, is `/s/<path>` on
 * the sandbox.
 */
import * as Generated from "@smscx/core/Generated"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { Inbound } from "../groups/conversations.js"

/**
 * What became of an inbound message: received (into the sender's conversation, when the sender
 * is a phone number), or refused because `to` is no rented number or `from` no phone number.
 * @internal
 */
type Received =
  | { readonly _tag: "Received"; readonly conversationId: string | undefined }
  | { readonly _tag: "NotRented" }
  | { readonly _tag: "InvalidSender" }
import { isRecord } from "effect/Predicate"
import type * as Stream from "effect/Stream"
import * as Faults from "../kernel/faults.js"
import type { Visit } from "../state/types.js"
import { pageOf, type PageQuery } from "./inbox.js"
import * as InboxPage from "./inboxPage.js"

/** The prefix of the control API's paths. @internal */
export const PREFIX = "/__sandbox/"

/** What the control API does, provided by the modules that own the state. @internal */
export interface Actions {
  /** The outbox searched (`to`, `campaignId`, `q`), paged when a page is given. */
  readonly messages: (
    filter: { readonly to?: string | undefined; readonly campaignId?: string | undefined; readonly q?: string },
    page: PageQuery | undefined
  ) => Effect.Effect<unknown>
  readonly callbacks: Effect.Effect<ReadonlyArray<{ readonly id: number }>>
  /** Posts a logged callback again, as a new one: its id, or undefined when the log has no `id`. */
  readonly resendCallback: (id: number) => Effect.Effect<number | undefined>
  /** The phones, newest first, searched and paged (`inbox.ts`). */
  readonly phones: (q: string | undefined, page: PageQuery) => Effect.Effect<unknown>
  /** One phone's thread: its last `limit` messages, sent and received. */
  readonly thread: (phone: string, limit: number) => Effect.Effect<unknown>
  readonly campaigns: (page: PageQuery) => Effect.Effect<unknown>
  /** What changes, as server-sent events (`events.ts`). */
  readonly events: Stream.Stream<Uint8Array>
  readonly stats: Effect.Effect<Stats>
  readonly balance: Effect.Effect<number>
  readonly setBalance: (amount: number) => Effect.Effect<void>
  readonly advanceTime: (seconds: number) => Effect.Effect<void>
  readonly reset: Effect.Effect<void>
  /** A message from a number: to a rented number (SMS), or to the account on any channel. */
  readonly receiveInbound: (message: Inbound) => Effect.Effect<Received>
  readonly channels: Effect.Effect<Generated.ChannelsStatus>
  readonly setChannels: (change: Partial<Generated.ChannelsStatus>) => Effect.Effect<Generated.ChannelsStatus>
  readonly approveTemplate: (id: number) => Effect.Effect<boolean>
  readonly approveOriginator: (id: number) => Effect.Effect<boolean>
  /** A short URL's path visited (`bVc4x`, `bVc4x/r2N`, `o/Ab3`); undefined when it leads nowhere. */
  readonly visit: (
    path: string,
    visitor: { readonly userAgent: string; readonly ip: string }
  ) => Effect.Effect<Visit | undefined>
  readonly faults: Effect.Effect<Faults.Resolved>
  readonly setFaults: (faults: Faults.Resolved) => Effect.Effect<void>
}

/** What the sandbox holds: its history and the work still to come. @internal */
export interface Stats {
  /** Messages in the outbox and reports. */
  readonly messagesKept: number
  /** The oldest messages dropped to keep within `maxMessages`, since the start or the last reset. */
  readonly messagesDropped: number
  readonly maxMessages: number
  /** OTPs kept: the last `maxMessages`; an older one is unknown (404, 2021). */
  readonly otpsKept: number
  readonly otpsDropped: number
  /** Number lookups kept (single and of bulk lookups): the last `maxMessages`. */
  readonly lookupsKept: number
  readonly lookupsDropped: number
  /** The recipients' link tokens (short URLs, opt-out links), dropped with their message's campaign. */
  readonly linkTokensKept: number
  readonly linkTokensDropped: number
  /** Messages of conversations (received and sent): the last `maxMessages`. */
  readonly conversationMessagesKept: number
  readonly conversationMessagesDropped: number
  /** SMS received on rented numbers: the last `maxMessages` of all rents. */
  readonly inboundSmsKept: number
  readonly inboundSmsDropped: number
  /** Hits of shortlinks and attachments (their short URLs visited): the last `maxMessages` of all links. */
  readonly hitsKept: number
  readonly hitsDropped: number
  /** Work due later: delivery reports and lookup results still to be POSTed. */
  readonly pendingTimers: number
  /** Callbacks being sent. */
  readonly pendingCallbacks: number
}

/** @internal */
export interface ControlAnswer {
  readonly status: number
  readonly body: unknown
  readonly headers?: Readonly<Record<string, string>>
  /** Sent instead of `body` as JSON: a page (text) or an event stream, of this content type. */
  readonly content?: {
    readonly type: string
    readonly body: string | Stream.Stream<Uint8Array>
  }
}

const ok = (body: unknown): ControlAnswer => ({ status: 200, body })
const problem = (status: number, message: string): ControlAnswer => ({ status, body: { error: { message } } })

/**
 * Answers with the page the query asks for, or with a 400 naming `offset` or `limit` when one is
 * given and is not a whole number up to 999999999 (never a page silently other than the one asked
 * for).
 */
const withPage = (
  params: URLSearchParams,
  fallback: number,
  answer: (page: PageQuery) => Effect.Effect<ControlAnswer>
): Effect.Effect<ControlAnswer> => {
  for (const name of ["offset", "limit"]) {
    const value = params.get(name)
    if (value !== null && !/^\d{1,9}$/.test(value)) {
      return Effect.succeed(problem(400, `${name} must be a whole number from 0 to 999999999`))
    }
  }
  return answer(pageOf(params, fallback))
}

/** A control request, as a route sees it. @internal */
interface ControlRequest {
  readonly url: URL
  /** The path under the prefix, split at `/` (`["templates", "12", "approve"]`). */
  readonly segments: ReadonlyArray<string>
  /** The parsed JSON body (undefined when none or not JSON). */
  readonly body: unknown
}

/**
 * One route of the control API: what the index (`GET /__sandbox/`) lists and what answers.
 * @internal
 */
interface Route {
  readonly method: "GET" | "PUT" | "POST" | "DELETE"
  /** Under the prefix; `{id}` stands for a number (`templates/{id}/approve`), `""` is the index. */
  readonly path: string
  /** What it takes: its JSON body or its query, as the README writes it. */
  readonly takes?: string
  /** What it does, in a line. */
  readonly description: string
  readonly answer: (actions: Actions, request: ControlRequest) => Effect.Effect<ControlAnswer>
}

/** The index's entry of a route: `GET /__sandbox/` lists them, in this order. @internal */
interface RouteInfo {
  readonly method: string
  readonly path: string
  readonly takes?: string
  readonly description: string
}

const infoOf = (route: Route): RouteInfo => ({
  method: route.method,
  path: PREFIX + route.path,
  ...(route.takes === undefined ? {} : { takes: route.takes }),
  description: route.description
})

const approve = (kind: "templates" | "originators"): Route => ({
  method: "POST",
  path: `${kind}/{id}/approve`,
  description: kind === "templates" ? "approves a template" : "approves a sender name (originator)",
  answer: (actions, { segments }) => {
    const id = Number(segments[1])
    const run = kind === "templates" ? actions.approveTemplate : actions.approveOriginator
    return Effect.map(run(id), (done) => done ? ok({ approved: id }) : problem(404, `no ${kind} ${id}`))
  }
})

/**
 * The control API, as data: each route's method, path, description and answer. The index
 * (`GET /__sandbox/`, also `GET /__sandbox`) is derived from it.
 * @internal
 */
export const routes: ReadonlyArray<Route> = [
  {
    method: "GET",
    path: "",
    description: "this index of the control API",
    answer: () => Effect.succeed(ok({ routes: index(), docs: DOCS }))
  },
  {
    method: "GET",
    path: "messages",
    takes: "?to=+31...&campaignId=&q=&offset=&limit=",
    description: "the outbox, oldest first, with each message's text (an OTP's PIN is in it); paged with limit",
    answer: (actions, { url }) => {
      const params = url.searchParams
      const messages = (page: PageQuery | undefined) =>
        Effect.map(
          actions.messages({
            to: params.get("to") ?? undefined,
            campaignId: params.get("campaignId") ?? undefined,
            q: params.get("q") ?? ""
          }, page),
          ok
        )
      return params.has("limit") || params.has("offset") ? withPage(params, 100, messages) : messages(undefined)
    }
  },
  {
    method: "GET",
    path: "callbacks",
    takes: "?limit=",
    description: "the callbacks POSTed (or blocked), oldest first, with their outcome; limit: the last ones only",
    answer: (actions, { url }) => {
      const last = (limit: number | undefined) =>
        Effect.map(
          actions.callbacks,
          (all) => ok({ callbacks: all.slice(Math.max(0, all.length - (limit ?? all.length))), total: all.length })
        )
      return url.searchParams.has("limit")
        ? withPage(url.searchParams, 100, (page) => last(page.limit))
        : last(undefined)
    }
  },
  {
    method: "GET",
    path: "stats",
    description: "the history kept and dropped, the limit (maxMessages), work pending",
    answer: (actions) => Effect.map(actions.stats, ok)
  },
  {
    method: "GET",
    path: "balance",
    description: "the balance: { balance }",
    answer: (actions) => Effect.map(actions.balance, (balance) => ok({ balance }))
  },
  {
    method: "PUT",
    path: "balance",
    takes: "{ balance }",
    description: "sets the balance",
    answer: (actions, { body }) => {
      const amount = isRecord(body) ? body.balance : undefined
      if (typeof amount !== "number" || !Number.isFinite(amount) || amount < 0) {
        return Effect.succeed(problem(400, "balance must be a number of at least 0"))
      }
      return Effect.as(actions.setBalance(amount), ok({ balance: amount }))
    }
  },
  {
    method: "POST",
    path: "time",
    takes: "{ seconds }",
    description: "advances the sandbox's clock (expiries, lookups, rents, delivery reports now due)",
    answer: (actions, { body }) => {
      const seconds = isRecord(body) ? body.seconds : undefined
      if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0 || seconds > 10 * 365 * 86_400) {
        return Effect.succeed(problem(400, "seconds must be a number from 0 to ten years"))
      }
      return Effect.as(actions.advanceTime(seconds), ok({ advancedSeconds: seconds }))
    }
  },
  {
    method: "GET",
    path: "channels",
    description: "which channels are active",
    answer: (actions) => Effect.map(actions.channels, ok)
  },
  {
    method: "PUT",
    path: "channels",
    takes: "{ viber: false, ... }",
    description: "activates or deactivates channels",
    answer: (actions, { body }) => {
      const change = isRecord(body) ? body : undefined
      const names = Object.keys(Generated.ChannelsStatus.fields)
      if (
        change === undefined ||
        Object.entries(change).some(([name, active]) => !names.includes(name) || typeof active !== "boolean")
      ) {
        return Effect.succeed(problem(400, `a body of booleans for ${names.join(", ")}`))
      }
      return Effect.map(actions.setChannels(change), ok)
    }
  },
  {
    method: "POST",
    path: "reset",
    description: "back to the state it started with (faults too); reports and callbacks still to come are dropped",
    answer: (actions) => Effect.as(actions.reset, ok({ reset: true }))
  },
  {
    method: "POST",
    path: "inbound",
    takes: "{ from, text, channel?, to? }",
    description: "a message from a number into its conversation; with to, an SMS on a rented number",
    answer: (actions, { body }) => {
      const message = isRecord(body) ? body : {}
      const { channel = "sms", from, text, to } = message
      if (typeof from !== "string" || typeof text !== "string" || (to !== undefined && typeof to !== "string")) {
        return Effect.succeed(problem(400, "from and text must be strings, and to, when given, a string"))
      }
      if (channel !== "sms" && channel !== "viber" && channel !== "whatsapp") {
        return Effect.succeed(problem(400, "channel must be sms, viber or whatsapp"))
      }
      if (to !== undefined && channel !== "sms") {
        return Effect.succeed(problem(400, "only an SMS arrives on a rented number (to)"))
      }
      return Effect.map(actions.receiveInbound({ from, text, channel, to }), (received) => {
        switch (received._tag) {
          case "Received":
            return ok({ received: true, conversationId: received.conversationId ?? null })
          case "NotRented":
            return problem(404, `${to} is not a rented number`)
          case "InvalidSender":
            return problem(400, `${from} is not a phone number`)
        }
      })
    }
  },
  approve("templates"),
  approve("originators"),
  {
    method: "GET",
    path: "faults",
    description: "the faults injected: { seed, maxStallMillis, rules }",
    answer: (actions) => Effect.map(actions.faults, ok)
  },
  {
    method: "PUT",
    path: "faults",
    takes: "{ seed?, maxStallMillis?, rules }",
    description: "replaces the faults injected (400 if invalid: no change)",
    answer: (actions, { body }) => {
      const resolved = Faults.resolve(body)
      if (Either.isLeft(resolved)) return Effect.succeed(problem(400, resolved.left.message))
      return Effect.as(actions.setFaults(resolved.right), ok(resolved.right))
    }
  },
  {
    method: "DELETE",
    path: "faults",
    description: "no more faults",
    answer: (actions) =>
      Effect.flatMap(actions.faults, (current) => {
        const cleared = { ...current, rules: [] }
        return Effect.as(actions.setFaults(cleared), ok(cleared))
      })
  },
  {
    method: "GET",
    path: "phones",
    takes: "?q=&offset=&limit=",
    description: "the numbers messages went to or came from, most recently active first; q searches numbers and texts",
    answer: (actions, { url }) =>
      withPage(
        url.searchParams,
        50,
        (page) => Effect.map(actions.phones(url.searchParams.get("q") ?? undefined, page), ok)
      )
  },
  {
    method: "GET",
    path: "thread",
    takes: "?phone=+31...&limit=",
    description: "a phone's messages, sent and received, with parts, cost, status timeline, links and PINs",
    answer: (actions, { url }) => {
      const phone = url.searchParams.get("phone")
      if (phone === null || phone === "") return Effect.succeed(problem(400, "phone is required"))
      return withPage(url.searchParams, 200, (page) => Effect.map(actions.thread(phone, page.limit), ok))
    }
  },
  {
    method: "GET",
    path: "campaigns",
    takes: "?offset=&limit=",
    description: "the sends (each is a campaign), newest first, with messages, cost and counts by status",
    answer: (actions, { url }) => withPage(url.searchParams, 50, (page) => Effect.map(actions.campaigns(page), ok))
  },
  {
    method: "POST",
    path: "callbacks/{id}/resend",
    description: "posts a callback of the log again (a new entry, tried as the first was)",
    answer: (actions, { segments }) => {
      const id = Number(segments[1])
      return Effect.map(
        actions.resendCallback(id),
        (resent) => resent === undefined ? problem(404, `no callback ${id}`) : ok({ resent: id, id: resent })
      )
    }
  },
  {
    method: "GET",
    path: "events",
    description: "server-sent events: one { kind, what } each time something changes (the inbox listens)",
    answer: (actions) =>
      Effect.succeed({
        status: 200,
        body: undefined,
        headers: { "Cache-Control": "no-store", "X-Accel-Buffering": "no" },
        content: { type: "text/event-stream", body: actions.events }
      })
  },
  {
    method: "GET",
    path: "ui",
    description: "the inbox: a web page of the phones, threads, campaigns, callbacks and controls",
    answer: () =>
      Effect.succeed({
        status: 200,
        body: undefined,
        headers: InboxPage.headers,
        content: { type: "text/html; charset=utf-8", body: InboxPage.html }
      })
  }
]

/** Where the control API is documented. @internal */
const DOCS = "https://github.com/smscx/smscx-ts#control-api"

/** The routes as the index lists them. @internal */
const index = (): ReadonlyArray<RouteInfo> => routes.map(infoOf)

/** Whether a path is the control API's: under the prefix, or the prefix without its slash. @internal */
export const isControlPath = (pathname: string): boolean =>
  pathname.startsWith(PREFIX) || pathname === PREFIX.slice(0, -1)

const byKey = new Map(routes.map((route) => [`${route.method} ${route.path}`, route]))

/**
 * The answer to a control request, or undefined when the path is not the control API's (the
 * API's router then has it). `body` is the parsed JSON body (undefined when none or not JSON).
 * A path the control API has with another method is 405, with `Allow`.
 * @internal
 */
export const handle = (
  actions: Actions,
  request: {
    readonly method: string
    readonly url: URL
    readonly body: unknown
    readonly userAgent: string
    readonly ip: string
  }
): Effect.Effect<ControlAnswer> | undefined => {
  const { body, method, url } = request
  const short = /^\/s\/([A-Za-z0-9]{1,32}(?:\/[A-Za-z0-9]{1,32})?)$/.exec(url.pathname)
  if (short !== null && method === "GET") {
    return Effect.map(
      actions.visit(short[1]!, { userAgent: request.userAgent, ip: request.ip }),
      (visit): ControlAnswer => {
        if (visit === undefined) return problem(404, "no such short URL")
        return visit._tag === "Redirect"
          ? { status: 302, body: { location: visit.location }, headers: { Location: visit.location } }
          : ok({ optedOut: visit.phoneNumber })
      }
    )
  }
  if (!isControlPath(url.pathname)) return undefined
  const segments = url.pathname.slice(PREFIX.length).split("/")
  const path = segments.map((p) => /^\d+$/.test(p) ? "{id}" : p).join("/")
  const route = byKey.get(`${method} ${path}`)
  if (route !== undefined) return route.answer(actions, { url, segments, body })
  const allowed = routes.filter((r) => r.path === path).map((r) => r.method)
  if (allowed.length > 0) {
    return Effect.succeed({
      status: 405,
      body: { error: { message: `${url.pathname} takes ${allowed.join(", ")}, not ${method}` } },
      headers: { Allow: allowed.join(", ") }
    })
  }
  return Effect.succeed(
    problem(404, `the control API has no ${method} ${url.pathname}; GET ${PREFIX} lists its routes`)
  )
}
