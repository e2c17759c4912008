/**
 * Links in messages, per recipient: `{{shortlink:ID}}` and `{{attachement:ID}}` become
 * `https://en.ax/<code>/<token>` and `{{optoutLink}}` becomes `https://en.ax/o/<token>`, where
 * the token says who got the message (and from which campaign and group). A visit of such a URL
 * (the sandbox's `GET /s/<code>/<token>`, `GET /s/o/<token>`) is a hit that names its phone
 * number, or an opt-out of type `link`, as the API documents.
 *
 * Tokens are issued while a send is priced and kept only once it is committed
 * (`Issuer.commit`): an estimate or a refused send leaves nothing behind. A token lives as long
 * as its message is kept (the history's `maxMessages`: it is dropped with its campaign, `drop`)
 * and its shortlink exists: once either is gone, it leads nowhere.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Ids from "../kernel/ids.js"
import * as Store from "../state/store.js"
import type { Visit } from "../state/types.js"
import { Attachments, recordAttachmentHit } from "./attachments.js"
import * as Optouts from "./optouts.js"
import * as Phone from "./phone.js"
import {
  CODE_ALPHABET,
  codeOfShortUrl,
  recordShortlinkHit,
  SHORT_URL_BASE,
  Shortlinks,
  type Visitor
} from "./trackedLinks.js"

/** What a tracked-link placeholder names. @internal */
type LinkKind = "shortlink" | "attachment"

/** Who got a message: what a visit of its links tells. @internal */
export interface Recipient {
  /** E.164. */
  readonly phoneNumber: string
  readonly campaignId: string
  readonly groupId?: number | undefined
  readonly groupName?: string | undefined
}

type Token =
  | { readonly _tag: "Tracked"; readonly code: string; readonly recipient: Recipient }
  | { readonly _tag: "Optout"; readonly recipient: Recipient }

/** Tokens by the path they answer (`<code>/<token>` or `o/<token>`). @internal */
export const Tokens = Store.collection<string, Token>("linkTokens")

/** The paths of each campaign's tokens, dropped with it. */
const ByCampaign = Store.collection<string, Array<string>>("linkTokens.byCampaign")

/**
 * Drops the tokens of a campaign the history forgot (synchronous): its links then lead nowhere,
 * as an unknown link's.
 * @internal
 */
export const drop = (store: Store.Store, campaignId: string): void => {
  const paths = store.records(ByCampaign).get(campaignId)
  if (paths === undefined) return
  store.records(ByCampaign).delete(campaignId)
  const tokens = store.records(Tokens)
  for (const path of paths) tokens.delete(path)
  store.countDropped(Tokens, paths.length)
}

/** The path segment of opt-out links; shorter than any code, so never one. */
const OPTOUT_SEGMENT = "o"

/** The spec shows three characters (`https://en.ax/bVc/r2N`); longer once those run short. */
const TOKEN_LENGTH = 3
const DRAWS_PER_LENGTH = 8

/** Whether a tracked-link placeholder names a link that exists now. @internal */
export const exists = (store: Store.Store) => (kind: LinkKind, id: string): boolean =>
  kind === "shortlink"
    ? store.records(Shortlinks).get(id) !== undefined
    : store.records(Attachments).get(id) !== undefined

/** Issues the links of one send; `commit` keeps them once the send is. @internal */
export interface Issuer {
  readonly tracked: (kind: LinkKind, id: string, recipient: Recipient) => string
  readonly optout: (recipient: Recipient) => string
  /** Keeps the tokens issued (synchronous: call it inside an `Effect.sync` step). */
  readonly commit: () => void
}

/** @internal */
export const issuer = (store: Store.Store, random: () => number): Issuer => {
  const pending = new Map<string, Token>()
  const taken = (path: string) => pending.has(path) || store.records(Tokens).get(path) !== undefined
  const issue = (prefix: string, token: Token) => {
    for (let length = TOKEN_LENGTH;; length++) {
      for (let draw = 0; draw < DRAWS_PER_LENGTH; draw++) {
        const path = `${prefix}/${Ids.stringFrom(random, CODE_ALPHABET, length)}`
        if (!taken(path)) {
          pending.set(path, token)
          return `${SHORT_URL_BASE}/${path}`
        }
      }
    }
  }
  return {
    // the code is the link's id: a shortlink's and an attachment's share one namespace
    tracked: (_kind, code, recipient) => issue(code, { _tag: "Tracked", code, recipient }),
    optout: (recipient) => issue(OPTOUT_SEGMENT, { _tag: "Optout", recipient }),
    commit: () => {
      const tokens = store.records(Tokens)
      const byCampaign = store.records(ByCampaign)
      for (const [path, token] of pending) {
        const { campaignId } = token.recipient
        // a campaign already dropped (a tiny history, sends at once) keeps none
        if (!store.hasCampaign(campaignId)) {
          store.countDropped(Tokens, 1)
          continue
        }
        tokens.set(path, token)
        const paths = byCampaign.get(campaignId)
        if (paths === undefined) byCampaign.set(campaignId, [path])
        else paths.push(path)
      }
      pending.clear()
    }
  }
}

/**
 * The path of a short URL after its host: from a URL (`https://en.ax/bVc4x/r2N`) or a path
 * already (`bVc4x/r2N`, `bVc4x`, `/o/Ab3`); undefined when it is neither.
 */
const pathOf = (url: string): string | undefined => {
  if (url.startsWith(`${SHORT_URL_BASE}/`)) {
    return codeOfShortUrl(url) === undefined && !url.startsWith(`${SHORT_URL_BASE}/${OPTOUT_SEGMENT}/`)
      ? undefined
      : url.slice(SHORT_URL_BASE.length + 1).split(/[?#]/)[0]
  }
  const path = url.replace(/^\/+/, "")
  return /^[0-9A-Za-z]{1,32}(\/[0-9A-Za-z]{1,32})?$/.test(path) ? path : undefined
}

const redirect = (location: string | undefined): Visit | undefined =>
  location === undefined ? undefined : { _tag: "Redirect", location }

const visitCode = (store: Store.Store, code: string, visitor: Visitor) =>
  Effect.flatMap(
    recordShortlinkHit(store, code, visitor),
    (target) => target === undefined ? recordAttachmentHit(store, code, visitor) : Effect.succeed(target)
  )

/**
 * A short URL visited: a link's (plain, or a recipient's, whose hit then names the recipient)
 * or an opt-out link's. Undefined when the URL leads nowhere (unknown, or its link deleted).
 * @internal
 */
export const visit = (store: Store.Store, url: string, visitor: Visitor): Effect.Effect<Visit | undefined> =>
  Effect.suspend(() => {
    const path = pathOf(url)
    if (path === undefined) return Effect.succeed(undefined)
    if (!path.includes("/")) return Effect.map(visitCode(store, path, visitor), redirect)
    const token = store.records(Tokens).get(path)
    if (token === undefined) return Effect.succeed(undefined)
    const { recipient } = token
    if (token._tag === "Tracked") {
      return Effect.map(
        visitCode(store, token.code, {
          ...visitor,
          phoneNumber: recipient.phoneNumber,
          campaignId: recipient.campaignId,
          groupId: recipient.groupId === undefined ? undefined : String(recipient.groupId)
        }),
        redirect
      )
    }
    return Effect.map(Clock.currentTimeMillis, (now): Visit => {
      // a second visit, or a number opted out another way since, changes nothing
      Optouts.record(store, {
        phoneNumber: recipient.phoneNumber,
        countryIso: Phone.validate(recipient.phoneNumber)?.countryIso ?? "",
        optoutFrom: "link",
        createdAt: now,
        campaignId: recipient.campaignId,
        groupId: recipient.groupId ?? null,
        groupName: recipient.groupName ?? null
      })
      return { _tag: "OptedOut", phoneNumber: recipient.phoneNumber }
    })
  })
