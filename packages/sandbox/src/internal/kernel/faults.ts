/**
 * Fault injection: rules that make API requests fail as networks and servers do (429, 500, 503,
 * a reset connection, a stalled one, a malformed answer, an answer lost after the work was done),
 * each with a probability, for every route or for named operations.
 *
 * Each request an API route matched draws from a generator seeded by the rules' own `seed`
 * (never the sandbox's: injecting faults changes no id), trying the rules in order; the first
 * hit wins. The same seed and the same requests meet the same faults.
 *
 * The app answers the kinds a response can carry (`rateLimit`, `serverError`, `unavailable`,
 * `malformed`) itself. The socket-level kinds (`reset`, `stall`, `lostAnswer`) cannot be a
 * response: the app answers a response marked with the `MARKER` header, and whoever writes it
 * (the sandbox's Node server, its in-process `fetch`) acts on the mark instead of writing
 * anything. Served by an `HttpServer` that does not know the mark, such a response is a 500 with
 * the API's 500 body.
 */
import * as Api from "@smscx/core/Api"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { isRecord } from "effect/Predicate"
import * as Random from "effect/Random"

/** @internal */
export const kinds = ["rateLimit", "serverError", "unavailable", "reset", "stall", "malformed", "lostAnswer"] as const

/** @internal */
export type Kind = typeof kinds[number]

type Groups = typeof Api.groups

/** The id of an operation of the API, from its entries. @internal */
export type OperationId = {
  [G in keyof Groups]: {
    [K in keyof Groups[G]]: Groups[G][K] extends { readonly id: infer Id extends string } ? Id : never
  }[keyof Groups[G]]
}[keyof Groups]

/** Every operation's id, from the entries. @internal */
export const operationIds: ReadonlySet<string> = new Set(
  Object.values(Api.groups).flatMap((group) => Object.values(group).map((operation) => operation.id as string))
)

/** @internal */
interface Rule {
  readonly kind: Kind
  readonly rate: number
  readonly operations?: ReadonlyArray<OperationId>
}

/** Faults checked, defaults applied. @internal */
export interface Resolved {
  readonly seed: number
  readonly maxStallMillis: number
  readonly rules: ReadonlyArray<Rule>
}

/** @internal */
export const DEFAULT_SEED = 0

/** @internal */
const DEFAULT_MAX_STALL_MILLIS = 60_000

/** The longest stall accepted: an hour (a held socket is a resource). @internal */
const MAX_STALL_MILLIS = 3_600_000

/** @internal */
export const none: Resolved = { seed: DEFAULT_SEED, maxStallMillis: DEFAULT_MAX_STALL_MILLIS, rules: [] }

/**
 * Faults that cannot be applied: the message names the field at fault. @internal
 */
export class InvalidFaults extends Data.TaggedError("InvalidFaults")<{ readonly message: string }> {}

const show = (u: unknown): string => {
  try {
    return JSON.stringify(u) ?? String(u)
  } catch {
    return String(u)
  }
}

/** A key that is not among `known`: a misspelt one must not silently widen a rule. */
const unknownKey = (record: Record<string, unknown>, known: ReadonlyArray<string>) =>
  Object.keys(record).find((key) => !known.includes(key))

const ruleOf = (raw: unknown, at: string): Either.Either<Rule, string> => {
  if (!isRecord(raw)) return Either.left(`${at}: an object { kind, rate, operations? }, not ${show(raw)}`)
  const extra = unknownKey(raw, ["kind", "rate", "operations"])
  if (extra !== undefined) return Either.left(`${at}: unknown field ${extra}`)
  const { kind, operations, rate } = raw
  if (typeof kind !== "string" || !(kinds as ReadonlyArray<string>).includes(kind)) {
    return Either.left(`${at}.kind: one of ${kinds.join(", ")}, not ${show(kind)}`)
  }
  if (typeof rate !== "number" || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    return Either.left(`${at}.rate: a number from 0 to 1, not ${show(rate)}`)
  }
  if (operations === undefined) return Either.right({ kind: kind as Kind, rate })
  if (!Array.isArray(operations) || operations.length === 0) {
    return Either.left(`${at}.operations: a non-empty list of operationIds (leave it out for every route)`)
  }
  const unknown = operations.find((id) => typeof id !== "string" || !operationIds.has(id))
  if (unknown !== undefined) return Either.left(`${at}.operations: no operation ${show(unknown)}`)
  return Either.right({ kind: kind as Kind, rate, operations: [...new Set(operations as Array<OperationId>)] })
}

/**
 * Checks faults given as anything (typed options, a control request's JSON body) and applies
 * the defaults; the first problem found is the error.
 * @internal
 */
export const resolve = (input: unknown): Either.Either<Resolved, InvalidFaults> => {
  const invalid = (message: string) => Either.left(new InvalidFaults({ message: `faults: ${message}` }))
  if (!isRecord(input)) return invalid(`an object { seed?, maxStallMillis?, rules }, not ${show(input)}`)
  const extra = unknownKey(input, ["seed", "maxStallMillis", "rules"])
  if (extra !== undefined) return invalid(`unknown field ${extra}`)
  const { maxStallMillis = DEFAULT_MAX_STALL_MILLIS, rules, seed = DEFAULT_SEED } = input
  if (typeof seed !== "number" || !Number.isSafeInteger(seed)) return invalid(`seed: an integer, not ${show(seed)}`)
  if (
    typeof maxStallMillis !== "number" || !Number.isInteger(maxStallMillis) || maxStallMillis < 1 ||
    maxStallMillis > MAX_STALL_MILLIS
  ) {
    return invalid(`maxStallMillis: a whole number from 1 to ${MAX_STALL_MILLIS}, not ${show(maxStallMillis)}`)
  }
  if (!Array.isArray(rules)) return invalid(`rules: a list, not ${show(rules)}`)
  const checked: Array<Rule> = []
  for (let i = 0; i < rules.length; i++) {
    const rule = ruleOf(rules[i], `rules[${i}]`)
    if (Either.isLeft(rule)) return invalid(rule.left)
    checked.push(rule.right)
  }
  return Either.right({ seed, maxStallMillis, rules: checked })
}

/**
 * A `--fault KIND:RATE[:operationId,operationId...]` argument as a rule, unchecked (`resolve`
 * checks it with the rest); a string saying what is wrong with its form otherwise.
 * @internal
 */
export const parseFlag = (raw: string): Either.Either<Record<string, unknown>, string> => {
  const parts = raw.split(":")
  const [kind = "", rate = "", operations] = parts
  if (parts.length < 2 || parts.length > 3 || kind === "" || rate.trim() === "") {
    return Either.left(`--fault: expected KIND:RATE[:operationId,...], not ${raw}`)
  }
  const n = Number(rate)
  if (!Number.isFinite(n)) return Either.left(`--fault: the rate of ${raw} is not a number`)
  return Either.right(
    operations === undefined ? { kind, rate: n } : { kind, rate: n, operations: operations.split(",") }
  )
}

/** The faults of one running sandbox: what applies now, and the draw for each request. @internal */
interface Faults {
  readonly current: Effect.Effect<Resolved>
  /** Replaces the rules; the draws start again from the new seed. */
  readonly set: (faults: Resolved) => Effect.Effect<void>
  /** The fault for a request an API route matched, if any. */
  readonly draw: (operationId: string) => Effect.Effect<Kind | undefined>
}

/** @internal */
export const make = (initial: Resolved): Faults => {
  let faults = initial
  let random = Random.make(initial.seed)
  return {
    current: Effect.sync(() => faults),
    set: (next) =>
      Effect.sync(() => {
        faults = next
        random = Random.make(next.seed)
      }),
    draw: (operationId) =>
      Effect.suspend(() => {
        // most sandboxes inject nothing: no draw at all
        if (faults.rules.length === 0) return Effect.succeed(undefined)
        const { rules } = faults
        const generator = random
        return Effect.gen(function*() {
          for (const rule of rules) {
            if (rule.operations !== undefined && !(rule.operations as ReadonlyArray<string>).includes(operationId)) {
              continue
            }
            if ((yield* generator.next) < rule.rate) return rule.kind
          }
          return undefined
        })
      })
  }
}

/** What a JSON answer cut short looks like: the body of `malformed`. @internal */
export const MALFORMED_BODY = "{\"data\":[{\"id\":"

/** The header that marks a response as a socket-level fault; never written to a client. @internal */
export const MARKER = "x-smscx-sandbox-fault"

/** A socket-level fault, as the writer of the response acts on it. @internal */
type Socket =
  | { readonly kind: "reset" | "lostAnswer" }
  | { readonly kind: "stall"; readonly maxStallMillis: number }

/** The marker header's value for a socket-level fault. @internal */
export const markerOf = (kind: "reset" | "stall" | "lostAnswer", maxStallMillis: number): string =>
  kind === "stall" ? `stall;${maxStallMillis}` : kind

/** The socket-level fault a response's marker header (`MARKER`) gives, if any. @internal */
export const socketFaultOf = (value: string | null | undefined): Socket | undefined => {
  if (value === null || value === undefined) return undefined
  if (value === "reset" || value === "lostAnswer") return { kind: value }
  const millis = Number(/^stall;(\d+)$/.exec(value)?.[1])
  return {
    kind: "stall",
    maxStallMillis: Number.isSafeInteger(millis) && millis > 0 ? millis : DEFAULT_MAX_STALL_MILLIS
  }
}

/**
 * What `fetch` rejects with when the connection is reset (as undici does): a `TypeError`
 * "fetch failed" whose cause has the code `ECONNRESET`.
 * @internal
 */
export const connectionReset = (): TypeError =>
  new TypeError("fetch failed", {
    cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET", syscall: "read" })
  })

/**
 * An in-process stall: settles only when `signal` aborts (rejecting with its reason), or after
 * `maxStallMillis` as a reset connection. The timer is cleared either way, and does not keep the
 * process alive.
 * @internal
 */
export const stall = (signal: AbortSignal, maxStallMillis: number): Promise<never> =>
  new Promise<never>((_, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort)
      reject(connectionReset())
    }, maxStallMillis)
    timer.unref()
    signal.addEventListener("abort", onAbort, { once: true })
  })
