/**
 * A bulk send's message, recipients and failed chunks (for `retryFailed`), checked before
 * anything is read or sent: a message that cannot go would otherwise fail every chunk alike.
 */
import * as Errors from "@smscx/core/Errors"
import * as Issues from "@smscx/core/ParseIssues"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { invalidOption, MAX_CHUNK, MAX_RECIPIENT_LENGTH } from "./options.js"

/** Stands in for the recipients while the message alone is checked. */
const PLACEHOLDER_RECIPIENT = "+31600000000"

/** @internal The message checked against the send's own schema, its recipients and id stood in for. */
export const checkMessage = (
  operation: { readonly id: string; readonly input: { readonly schema: Schema.Schema.AnyNoContext } },
  message: unknown
): Effect.Effect<void, Errors.RequestValidationError> =>
  Effect.suspend(() => {
    if (!Predicate.isRecord(message)) return Effect.fail(invalidOption(operation.id, "message", "must be an object"))
    const decoded = Schema.decodeUnknownEither(operation.input.schema as Schema.Schema<unknown, unknown>)({
      ...message,
      to: [PLACEHOLDER_RECIPIENT],
      idempotencyId: crypto.randomUUID()
    })
    if (Either.isRight(decoded)) return Effect.void
    const { issues } = Issues.collect(decoded.left.issue)
    return Effect.fail(
      new Errors.RequestValidationError({
        operation: operation.id,
        message: Issues.message(`${operation.id} (bulk): the message is not valid`, issues),
        issues
      })
    )
  })

/** A failed chunk as an outcome lists it; its `error` is not read. */
const FailedChunk = Schema.Struct({
  index: Schema.Number.pipe(Schema.int(), Schema.between(0, Number.MAX_SAFE_INTEGER)),
  recipients: Schema.Array(Schema.String.pipe(Schema.maxLength(MAX_RECIPIENT_LENGTH))).pipe(
    Schema.minItems(1),
    Schema.maxItems(MAX_CHUNK)
  ),
  idempotencyId: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(255))
})

const validateFailed = Schema.validateEither(Schema.Array(FailedChunk), { errors: "first" })

/**
 * @internal The failed chunks given to `retryFailed`, each as an outcome lists it, or a
 * RequestValidationError naming the first that is not.
 */
export const checkFailed = (operationId: string, failed: unknown): Effect.Effect<void, Errors.RequestValidationError> =>
  Effect.suspend(() => {
    const checked = validateFailed(failed)
    if (Either.isRight(checked)) return Effect.void
    const [issue] = ParseResult.ArrayFormatter.formatIssueSync(checked.left.issue)
    const index = issue?.path[0]
    return Effect.fail(
      invalidOption(
        operationId,
        typeof index === "number" ? `failed[${index}]` : "failed",
        "must be the failed chunks of an outcome (outcome.failed)"
      )
    )
  })

/** @internal A Stream or an iterable: what bulk sends take as recipients. */
export const isRecipients = (recipients: unknown): boolean =>
  Predicate.hasProperty(recipients, Stream.StreamTypeId) ||
  (typeof recipients === "object" && recipients !== null && Symbol.iterator in recipients)
