/**
 * The Originators group: the account's sender ids. A new one is submitted for approval and
 * waits for it (`approveOriginator`, for the sandbox's control API).
 */
import type * as Api from "@smscx/core/Api"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { documented, type ErrorSpec, fail } from "../kernel/errors.js"
import type * as Fields from "../kernel/fields.js"
import type * as Router from "../kernel/router.js"
import type { Context } from "../state/context.js"
import * as Store from "../state/store.js"

/** An originator as the sandbox keeps it. @internal */
interface Originator {
  readonly id: number
  readonly originator: string
  readonly approved: boolean
  /** Epoch millis. */
  readonly createdAt: number
}

/** The originators of the account, by id (other modules read them: is a sender approved?). @internal */
const Originators = Store.collection<number, Originator>("originators")

/** The documented errors of the Originators operations. @internal */
const OriginatorsErrors = {
  missing: documented("createOriginator", 1301),
  notAlphanumeric: documented("createOriginator", 1303),
  alphanumericLength: documented("createOriginator", 1304),
  numericLength: documented("createOriginator", 1305),
  exists: documented("createOriginator", 1306),
  notFound: documented("deleteOriginator", 1300)
} as const

const E = OriginatorsErrors

/** Alphanumeric sender ids: 3 to 11 characters; numeric ones (a phone number): 3 to 15 digits. */
const MAX_ALPHANUMERIC = 11

const ALPHANUMERIC = /^[a-zA-Z0-9]+$/
const NUMERIC = /^[0-9]+$/

/** Which documented error an originator that fails the request schema gets. */
const invalidOriginator = (value: unknown): ErrorSpec => {
  if (value === null || value === undefined) return E.missing
  if (typeof value !== "string") return E.notAlphanumeric
  if (value.trim() === "") return E.missing
  if (!ALPHANUMERIC.test(value)) return E.notAlphanumeric
  return NUMERIC.test(value) ? E.numericLength : E.alphanumericLength
}

const fields: Fields.Table = [["originator", { missing: E.missing, invalid: invalidOriginator }]]

/**
 * Approves an originator (the sandbox's control API calls it, standing in for the review):
 * false when there is no such originator.
 * @internal
 */
export const approveOriginator = (store: Store.Store, originatorId: number): Effect.Effect<boolean> =>
  Effect.sync(() => {
    const originators = store.records(Originators)
    const originator = originators.get(originatorId)
    if (originator === undefined) return false
    originators.set(originatorId, { ...originator, approved: true })
    return true
  })

/** @internal */
export const handlers = ({ store }: Context): Router.Handlers<typeof Api.Originators> => {
  const originators = store.records(Originators)
  return {
    createOriginator: {
      fields,
      handle: ({ input }) =>
        Effect.gen(function*() {
          const name = input.originator
          // the request schema allows 15 characters; only a numeric sender id may have that many
          if (!NUMERIC.test(name) && name.length > MAX_ALPHANUMERIC) return yield* fail(E.alphanumericLength)
          const now = yield* Clock.currentTimeMillis
          const created = yield* Effect.sync(() => {
            // sender ids are told apart without regard to case
            if (originators.values().some((o) => o.originator.toLowerCase() === name.toLowerCase())) return undefined
            const originator: Originator = {
              id: store.nextId("originators"),
              originator: name,
              approved: false,
              createdAt: now
            }
            originators.set(originator.id, originator)
            return originator
          })
          if (created === undefined) return yield* fail(E.exists)
          return { body: { info: { id: created.id, originator: created.originator } } }
        })
    },
    getOriginatorsList: {
      handle: () =>
        Effect.sync(() => ({
          body: {
            // most recent first; the default sender is chosen in the dashboard, not through the API
            data: originators.values().map((o) => ({
              id: o.id,
              originator: o.originator,
              isDefault: false,
              approved: o.approved,
              createdAt: new Date(o.createdAt).toISOString()
            })).reverse()
          }
        }))
    },
    deleteOriginator: {
      handle: ({ path }) =>
        Effect.suspend(() => {
          const originator = originators.get(path.originatorId)
          if (originator === undefined) return fail(E.notFound)
          originators.delete(originator.id)
          return Effect.succeed({ body: { info: { id: originator.id, originator: originator.originator } } })
        })
    }
  }
}
