/**
 * A bulk send's options, decoded by one Schema: each option's rule, default and the problem a
 * caller is told when it is broken sit together. A broken option is a RequestValidationError
 * naming it, before anything is read or sent.
 */
import * as Errors from "@smscx/core/Errors"
import * as Transport from "@smscx/transport/Transport"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import type * as Bulk from "./model.js"

/** @internal The largest chunk the API takes. */
export const MAX_CHUNK = 25_000

/** @internal Far longer than any phone number (E.164: 15 digits), written with spaces or not. */
export const MAX_RECIPIENT_LENGTH = 64

/** The lowest `utilization`: with the longest window and a limit of 1, a gap of 10 hours. */
const MIN_UTILIZATION = 0.1

/** @internal A bad option (or input) of a bulk send of `operationId`, `option` a dotted path. */
export const invalidOption = (operationId: string, option: string, problem: string) =>
  new Errors.RequestValidationError({
    operation: operationId,
    message: `${operationId} (bulk): option ${option} ${problem}`,
    issues: [{ path: ["options", ...option.split(".")], message: problem }]
  })

/** `schema` whose every failure, however deep, reads as `problem`. */
const ruled = <A, I>(schema: Schema.Schema<A, I>, problem: string): Schema.Schema<A, I> =>
  schema.annotations({ message: () => ({ message: problem, override: true }) })

const wholeNumber = (min: number, max: number) =>
  ruled(
    Schema.Number.pipe(Schema.int(), Schema.between(min, max)),
    `must be a whole number from ${min} to ${max}`
  )

type CallOptions = NonNullable<Bulk.Options["call"]>

/**
 * The options' decoder and their names, built by the first send that reads options: some 40
 * schemas, which a program that never sends in bulk should not build at import.
 */
const makeDecoder = () => {
  /** A `Duration.DurationInput` (a number is milliseconds) from 1 ms to 1 hour. */
  const Window = ruled(
    Schema.transformOrFail(Schema.Unknown, Schema.DurationFromSelf, {
      strict: true,
      decode: (input, _, ast) =>
        Option.match(
          // Infinity would decode to an infinite window: no pace at all
          typeof input === "number" && !Number.isFinite(input) ? Option.none() : Duration.decodeUnknown(input),
          {
            onNone: () => ParseResult.fail(new ParseResult.Type(ast, input)),
            onSome: ParseResult.succeed
          }
        ),
      encode: ParseResult.succeed
    }).pipe(Schema.filter((window) => Duration.toMillis(window) >= 1 && Duration.toHours(window) <= 1)),
    "must be a duration from 1 ms to 1 hour"
  )

  /** Call options, checked by the transport's own rules (its problem names the call option). */
  const Call = Schema.declare((input: unknown): input is CallOptions => Predicate.isRecord(input), {
    message: () => "must be an object of call options"
  }).pipe(Schema.filter((call) =>
    Either.match(Transport.validateCall(call), {
      onLeft: ({ option, problem }) => ({ path: option.split("."), message: problem }),
      onRight: () => true
    })
  ))

  const Stop = ruled(
    Schema.declare((input: unknown): input is Effect.Effect<unknown> => Effect.isEffect(input)),
    "must be an Effect"
  )

  const OnInterrupt = ruled(
    Schema.declare((input: unknown): input is NonNullable<Bulk.Options["onInterrupt"]> => Predicate.isFunction(input)),
    "must be a function of the outcome"
  )

  const RateLimit = Schema.Struct({
    limit: Schema.optional(wholeNumber(1, 1_000_000)),
    window: Schema.optionalWith(Window, { default: () => Duration.seconds(1) })
  }).annotations({
    // a non-object reads so (its defaults make this a transformation: the object is checked on its
    // encoded side); a bad field reads as its own rule
    message: (issue) => ({
      message: "must be { limit?, window? }",
      override: issue._tag === "Transformation" && issue.kind === "Encoded" && issue.issue._tag === "Type"
    }),
    // only the top level refuses a name it does not know, as it always has
    parseOptions: { onExcessProperty: "ignore" }
  })

  /** Each option with its rule and default; `satisfies` keeps the names those of `Options`. */
  const fields = {
    chunkSize: Schema.optionalWith(wholeNumber(1, MAX_CHUNK), { default: () => MAX_CHUNK }),
    concurrency: Schema.optionalWith(wholeNumber(1, 64), { default: () => 4 }),
    rateLimit: Schema.optionalWith(RateLimit, { default: () => ({ window: Duration.seconds(1) }) }),
    utilization: Schema.optionalWith(
      ruled(Schema.Number.pipe(Schema.between(MIN_UTILIZATION, 1)), `must be a number from ${MIN_UTILIZATION} to 1`),
      { default: () => 0.97 }
    ),
    pacingKey: Schema.optionalWith(
      ruled(
        Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)),
        "must be a non-empty string of at most 200 characters"
      ),
      { default: () => "default" }
    ),
    collectMessageIds: Schema.optionalWith(ruled(Schema.Boolean, "must be true or false"), { default: () => true }),
    deduplicate: Schema.optionalWith(
      ruled(Schema.Literal("chunk", "all", false), "must be \"chunk\", \"all\" or false"),
      { default: () => "chunk" as const }
    ),
    call: Schema.optional(Call),
    stop: Schema.optional(Stop),
    onInterrupt: Schema.optional(OnInterrupt)
  } satisfies Record<keyof Bulk.Options, Schema.Struct.Field>

  return {
    decode: Schema.decodeUnknownEither(Schema.Struct(fields), { onExcessProperty: "error", errors: "first" }),
    names: Object.keys(fields)
  }
}

let decoder: ReturnType<typeof makeDecoder> | undefined

/** @internal The options of a send, checked, with their defaults. */
export interface Settings {
  readonly chunkSize: number
  readonly concurrency: number
  /** Requests a window, when given; otherwise read from the first answer. */
  readonly limit: number | undefined
  readonly window: Duration.Duration
  readonly utilization: number
  readonly pacingKey: string
  readonly collectMessageIds: boolean
  readonly deduplicate: "chunk" | "all" | false
  readonly call: Bulk.Options["call"]
  readonly stop: Effect.Effect<unknown> | undefined
  readonly onInterrupt: Bulk.Options["onInterrupt"]
}

/** @internal The options decoded, or a RequestValidationError naming the first bad one. */
export const decodeOptions = (
  operationId: string,
  options: Bulk.Options = {}
): Effect.Effect<Settings, Errors.RequestValidationError> =>
  Effect.suspend(() => {
    // an array is an object to a Struct, never a set of options
    if (!Predicate.isRecord(options)) return Effect.fail(invalidOption(operationId, "options", "must be an object"))
    decoder ??= makeDecoder()
    const decoded = decoder.decode(options)
    if (Either.isRight(decoded)) {
      const { call, onInterrupt, rateLimit, stop, ...rest } = decoded.right
      return Effect.succeed({ ...rest, limit: rateLimit.limit, window: rateLimit.window, call, stop, onInterrupt })
    }
    const [issue] = ParseResult.ArrayFormatter.formatIssueSync(decoded.left.issue)
    const path = (issue?.path ?? []).map(String)
    // a misspelt option would otherwise be a setting silently not applied
    if (issue?._tag === "Unexpected") {
      return Effect.fail(
        invalidOption(
          operationId,
          path.join(".").slice(0, 40),
          `is not a bulk option (they are ${decoder.names.join(", ")})`
        )
      )
    }
    return Effect.fail(invalidOption(operationId, path.join("."), issue?.message ?? "is not valid"))
  })
