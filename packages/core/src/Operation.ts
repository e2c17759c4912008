/**
 * The declarative description of one API operation: method, path, path parameters, the query
 * or body it takes, the response it gives and the exceptions it documents. The Effect service
 * methods, the Promise facade and the sandbox's request validation are derived from it.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import type * as ErrorCatalogue from "./ErrorCatalogue.js"
import type * as Errors from "./Errors.js"

/**
 * What an operation takes besides its path parameters.
 * @since 0.1.0
 * @category models
 */
export type Input =
  | { readonly _tag: "None" }
  | { readonly _tag: "Query"; readonly schema: Schema.Schema.AnyNoContext }
  | { readonly _tag: "Json"; readonly schema: Schema.Schema.AnyNoContext }
  | { readonly _tag: "Form"; readonly schema: Schema.Schema.AnyNoContext }

/**
 * What an operation answers with on success.
 * @since 0.1.0
 * @category models
 */
export type Success =
  | {
    readonly _tag: "Json"
    readonly schema: Schema.Schema.AnyNoContext
    /** The API may also answer 204 No Content: the method then gives `undefined`. */
    readonly noContent?: true
  }
  | { readonly _tag: "File"; readonly contentType: string }
  | { readonly _tag: "Empty" }

/**
 * @since 0.1.0
 * @category constructors
 */
export const noInput = { _tag: "None" } as const
/**
 * Query parameters, named as on the wire (snake_case).
 * @since 0.1.0
 * @category constructors
 */
export const query = <S extends Schema.Schema.AnyNoContext>(schema: S) => ({ _tag: "Query", schema }) as const
/**
 * A JSON body, fields named as on the wire (lowerCamelCase).
 * @since 0.1.0
 * @category constructors
 */
export const jsonBody = <S extends Schema.Schema.AnyNoContext>(schema: S) => ({ _tag: "Json", schema }) as const
/**
 * An `application/x-www-form-urlencoded` body.
 * @since 0.1.0
 * @category constructors
 */
export const formBody = <S extends Schema.Schema.AnyNoContext>(schema: S) => ({ _tag: "Form", schema }) as const
/**
 * @since 0.1.0
 * @category constructors
 */
export const jsonResponse = <S extends Schema.Schema.AnyNoContext>(schema: S) => ({ _tag: "Json", schema }) as const
/**
 * A JSON body, or 204 No Content (the answer to some updates).
 * @since 0.1.0
 * @category constructors
 */
export const jsonOrNoContentResponse = <S extends Schema.Schema.AnyNoContext>(schema: S) =>
  ({ _tag: "Json", schema, noContent: true }) as const
/**
 * A file (CSV or XLSX export), answered as bytes.
 * @since 0.1.0
 * @category constructors
 */
export const fileResponse = (contentType: string) => ({ _tag: "File", contentType }) as const
/**
 * @since 0.1.0
 * @category constructors
 */
export const emptyResponse = { _tag: "Empty" } as const

/**
 * How an operation authenticates: the account's API key or an OAuth bearer token, or (for
 * `POST /oauth/token` only) HTTP Basic with the application's id and secret.
 * @since 0.1.0
 * @category models
 */
export type Auth = "apiKeyOrBearer" | "basic"

/**
 * The schemas of an operation's path parameters, by name.
 * @since 0.1.0
 * @category models
 */
export type PathFields = { readonly [name: string]: Schema.Schema.AnyNoContext }

/**
 * The names of a path template's parameters, in path order.
 * @since 0.1.0
 * @category type-level
 */
export type PathNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}` ? [Name, ...PathNames<Rest>]
  : []

/**
 * What an operation entry declares.
 * @since 0.1.0
 * @category models
 */
export interface Description<
  Id extends string = string,
  Path extends string = string,
  PathParams extends PathFields = PathFields,
  In extends Input = Input,
  Out extends Success = Success,
  E extends Errors.ApiExceptionClass = Errors.ApiExceptionClass,
  Paging extends boolean = boolean
> {
  readonly id: Id
  readonly group: string
  readonly method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE"
  readonly path: Path
  readonly pathParams: PathParams
  readonly input: In
  readonly success: Out
  readonly errors: ReadonlyArray<E>
  readonly auth: Auth
  /** The body field that carries a client-generated idempotency UUID, when the operation takes one. */
  readonly idempotencyKey: string | undefined
  /** Whether the API bills the call (`x-smscx-cost`). */
  readonly billed: boolean
  /**
   * Whether the operation is a cursor-paged list: it takes `limit`/`next`/`previous` and answers
   * `data` with `paging: { next, previous, size }`.
   */
  readonly paging: Paging
  /** The status of a successful answer the API documents: 201 for what it creates, else 200. */
  readonly successStatus: 200 | 201
}

/**
 * An operation entry: its description and what is derived from it once.
 * @since 0.1.0
 * @category models
 */
export interface Operation<
  Id extends string = string,
  Path extends string = string,
  PathParams extends PathFields = PathFields,
  In extends Input = Input,
  Out extends Success = Success,
  E extends Errors.ApiExceptionClass = Errors.ApiExceptionClass,
  Paging extends boolean = boolean
> extends Description<Id, Path, PathParams, In, Out, E, Paging> {
  /** Path parameter names in path order. */
  readonly pathParamNames: ReadonlyArray<string>
  /** The path parameters as one schema. */
  readonly pathSchema: Schema.Schema.AnyNoContext
  /** The tags of `errors`. */
  readonly errorTags: ReadonlySet<string>
  /** `Group.operationId`, the span name. */
  readonly spanName: string
}

/**
 * @since 0.1.0
 * @category models
 */
export type Any = Operation<string, string, any, Input, Success, any, boolean>

/**
 * Describes an operation; derives the path parameter order, the path schema and the error tags.
 * @since 0.1.0
 * @category constructors
 */
export const make = <
  const Id extends string,
  const Path extends string,
  const PathParams extends PathFields,
  const In extends Input,
  const Out extends Success,
  const E extends Errors.ApiExceptionClass,
  const Paging extends boolean
>(o: Description<Id, Path, PathParams, In, Out, E, Paging>): Operation<Id, Path, PathParams, In, Out, E, Paging> => ({
  ...o,
  pathParamNames: Array.from(o.path.matchAll(/\{([^}]+)\}/g), (m) => m[1]!),
  // every field is context-free (PathFields), so the struct is too
  pathSchema: Schema.Struct(o.pathParams as PathFields) as Schema.Schema.AnyNoContext,
  // the tag is a static of a TaggedError class (instances get it in their constructor)
  errorTags: new Set(o.errors.map((e) => e._tag as string)),
  spanName: `${o.group}.${o.id}`
})

// ---------------------------------------------------------------------------
// What a method derived from an operation takes and gives
// ---------------------------------------------------------------------------

type FieldType<F> = F extends Schema.Schema.AnyNoContext ? Schema.Schema.Type<F> : never

/**
 * The positional path arguments of an operation, in path order.
 * @since 0.1.0
 * @category type-level
 */
export type PathArgs<O extends Any> = O extends Operation<any, infer P, infer F, any, any, any>
  ? PathValues<PathNames<P>, F>
  : never

// Names is a type parameter here, so the mapped type keeps the tuple's shape.
type PathValues<Names extends ReadonlyArray<string>, F> = { [K in keyof Names]: FieldType<F[Names[K] & keyof F]> }

/**
 * The input object of an operation (body fields or query parameters).
 * @since 0.1.0
 * @category type-level
 */
export type InputOf<O extends Any> = O["input"] extends { readonly schema: infer S extends Schema.Schema.AnyNoContext }
  ? Schema.Schema.Type<S>
  : never

/**
 * The trailing input argument: required when a field of it is, optional otherwise, absent when
 * the operation takes none.
 * @since 0.1.0
 * @category type-level
 */
export type InputArgs<O extends Any> = O["input"] extends { readonly _tag: "None" } ? []
  : {} extends InputOf<O> ? [input?: InputOf<O>]
  : [input: InputOf<O>]

/**
 * All the arguments of a method derived from an operation.
 * @since 0.1.0
 * @category type-level
 */
export type Args<O extends Any> = [...PathArgs<O>, ...InputArgs<O>]

/**
 * What the method succeeds with.
 * @since 0.1.0
 * @category type-level
 */
export type SuccessOf<O extends Any> = O["success"] extends
  { readonly _tag: "Json"; readonly schema: infer S; readonly noContent: true } ? Schema.Schema.Type<S> | undefined
  : O["success"] extends { readonly _tag: "Json"; readonly schema: infer S } ? Schema.Schema.Type<S>
  : O["success"] extends { readonly _tag: "File" } ? ExportedFile
  : void

/**
 * An exported file (CSV or XLSX), read whole.
 * @since 0.1.0
 * @category models
 */
export interface ExportedFile {
  /** As the API sent it, e.g. `application/csv`. */
  readonly contentType: string
  /**
   * The server's suggested name, from `Content-Disposition`: a bare name that is safe to create
   * on Linux, macOS and Windows (no directories, no leading dot, no device name, no character
   * Windows refuses, at most 255 bytes); undefined when absent or when nothing safe is left.
   * Write it into a folder of your own, without overwriting.
   */
  readonly fileName: string | undefined
  readonly bytes: Uint8Array
}

/**
 * The API exceptions the operation documents (plus the ones every operation can meet).
 * @since 0.1.0
 * @category type-level
 */
export type ErrorOf<O extends Any> = O extends Operation<any, any, any, any, any, infer E> ? InstanceType<E> : never

/**
 * Every way a method derived from the operation can fail: the exceptions it documents, those of a
 * token fetch, and the SDK's own errors.
 * @since 0.1.0
 * @category type-level
 */
export type FailureOf<O extends Any> = ErrorOf<O> | TokenError | Errors.ClientError

/**
 * What any call can meet when the client fetches its OAuth token first (client credentials):
 * the errors `POST /oauth/token` documents.
 * @since 0.1.0
 * @category type-level
 */
export type TokenError = ErrorCatalogue.TokenError
