/**
 * Effect Schemas of the SMS.CX API, one declarative entry per operation, the error catalogue and the errors.
 *
 * @module @smscx/core
 * @since 0.1.0
 */

/**
 * One declarative entry per API operation, grouped by API tag.
 * @since 0.1.0
 */
export * as Api from "./Api.js"

/**
 * Each operation's documented errors: status, type, code, message and exception.
 * @since 0.1.0
 */
export * as ErrorCatalogue from "./ErrorCatalogue.js"

/**
 * How a non-2xx answer becomes an exception.
 * @since 0.1.0
 */
export * as ErrorMapping from "./ErrorMapping.js"

/**
 * @since 0.1.0
 */
export * from "./Errors.js"

/**
 * Effect Schemas of every component of the API.
 * @since 0.1.0
 */
export * as Generated from "./Generated.js"

/**
 * A named type for what each operation takes and answers: `SendSmsRequest`, `SendSmsResponse`, ...
 * (types only).
 * @since 0.3.0
 */
export type * from "./Models.js"

/**
 * A named type for what each operation takes and answers, as a namespace: `Models.SendSmsRequest`.
 * @since 0.3.0
 */
export type * as Models from "./Models.js"

/**
 * A fast check that a JSON value fits a schema as it is.
 * @since 0.1.0
 */
export * as JsonGuard from "./JsonGuard.js"

/**
 * A schema's parse compiled to plain closures, for schemas whose type is their own JSON.
 * @since 0.3.0
 */
export * as FastParse from "./FastParse.js"

/**
 * Parse errors as short, bounded issues (paths and excerpts, never whole values).
 * @since 0.1.0
 */
export * as ParseIssues from "./ParseIssues.js"

/**
 * The declarative description of an operation.
 * @since 0.1.0
 */
export * as Operation from "./Operation.js"

/**
 * The callbacks (webhooks) the API POSTs: the schema of each payload, `decode` and `decodeAny`.
 * @since 0.1.0
 */
export * as Webhooks from "./Webhooks.js"
