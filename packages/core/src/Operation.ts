/**
 * The declarative description of one API operation: method, path, path parameters, the query
 * or body it takes, the response it gives and the exceptions it documents. The Effect service
 * methods, the Promise facade and the sandbox's request validation are derived from it.
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import type * as ErrorCatalogue from "./ErrorCatalogue.js"
import type * as Errors from "./Errors.js"
import { fileNameOf } from "./internal/contentDisposition.js"
import { download } from "./internal/fileDownload.js"
import type { Download, ExportedFile } from "./internal/files.js"
import { lazySchema } from "./internal/lazySchema.js"
import type { NamedTypes } from "./internal/namedTypes.js"

export type { Download, DownloadedOperation, ExportedFile, FileStream, StreamedAnswer } from "./internal/files.js"

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
 * Groups of fields of which an input gives exactly one, whole: `[["period"], ["start_date",
 * "end_date"]]`.
 * @since 0.3.0
 * @category models
 */
export type Groups = ReadonlyArray<ReadonlyArray<string>>

type GroupFields<G extends Groups> = G[number][number]

/**
 * The input `T` with one group of `G` given (its fields required, never `undefined`) and the other
 * groups' fields absent. Mapping over `Pick` keeps each field's documentation.
 * @since 0.3.0
 * @category type-level
 */
export type WithGroup<T, G extends Groups, Given extends G[number]> =
  & Omit<T, GroupFields<G>>
  & { readonly [K in keyof Pick<T, Extract<Given[number], keyof T>>]-?: Exclude<T[K], undefined> }
  & { readonly [K in Exclude<GroupFields<G>, Given[number]>]?: never }

/**
 * The shapes an input with alternative groups of fields takes: one per group.
 * @since 0.3.0
 * @category type-level
 */
export type Alternatives<T, G extends Groups> = { [I in keyof G]: WithGroup<T, G, G[I]> }[number]

/**
 * The schema `alternatives` makes: typed as the accepted shapes, over `from`, the schema of every
 * field (whose comments declarations then keep).
 * @since 0.3.0
 * @category models
 */
export interface AlternativesSchema<S extends Schema.Schema.AnyNoContext, G extends Groups>
  extends Schema.Schema<Alternatives<Schema.Schema.Type<S>, G>, Alternatives<Schema.Schema.Encoded<S>, G>>
{
  /** Every field, each group's optional. */
  readonly from: S
}

const groupsText = (groups: Groups) =>
  groups.map((group) => group.map((field) => `\`${field}\``).join(" and ")).join(", or ")

/**
 * An input schema whose fields include alternative groups (all optional in `schema`): a value
 * must give every field of exactly one group. Typed as the union of the accepted shapes; a value
 * with none, with part of one, or with more than one group fails with an issue at the field
 * concerned, naming the alternatives.
 * @since 0.3.0
 * @category constructors
 */
export const alternatives = <S extends Schema.Schema.AnyNoContext, const G extends Groups>(
  schema: S,
  groups: G
): AlternativesSchema<S, G> =>
  schema.pipe(Schema.filter((value) => {
    const record = value as Readonly<Record<string, unknown>>
    const given = groups.filter((group) => group.some((field) => record[field] !== undefined))
    if (given.length === 0) {
      return { path: [groups[0]![0]!], message: `is missing: give ${groupsText(groups)}` }
    }
    if (given.length > 1) {
      const [first, second] = given as unknown as readonly [ReadonlyArray<string>, ReadonlyArray<string>]
      const field = second.find((name) => record[name] !== undefined)!
      return {
        path: [field],
        message: `cannot go with ${groupsText([first])}: give ${groupsText(groups)}, not both`
      }
    }
    const missing = given[0]!.find((field) => record[field] === undefined)
    return missing === undefined
      ? true
      : { path: [missing], message: `is missing: ${groupsText([given[0]!])} go together` }
  })) as unknown as AlternativesSchema<S, G>

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
  | {
    readonly _tag: "File"
    readonly contentType: string
    /**
     * The safe file name a `Content-Disposition` header gives (see `ExportedFile.fileName`):
     * carried by the file operations, so that programs without any do not bundle the parser.
     */
    readonly fileNameOf: (contentDisposition: string | undefined) => string | undefined
    /** The file of a streamed answer: carried the same way. */
    readonly download: Download
  }
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
export const fileResponse = (contentType: string) => ({ _tag: "File", contentType, fileNameOf, download }) as const
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
  /**
   * How a paged list is followed (its entry carries it, so that programs without paged lists do
   * not bundle paging); the services' `pages` and `all` come from it.
   */
  readonly pagination?: Pagination
}

/**
 * A paged list's paging: its pages, and the items of its pages, from the arguments of the first
 * page and a function that fetches the page those arguments ask for.
 * @since 0.3.0
 * @category models
 */
export interface Pagination {
  readonly pages: (
    operation: Any,
    args: ReadonlyArray<unknown>,
    fetch: (args: ReadonlyArray<unknown>) => Effect.Effect<unknown, unknown>
  ) => Stream.Stream<unknown, unknown>
  readonly items: (
    operation: Any,
    args: ReadonlyArray<unknown>,
    fetch: (args: ReadonlyArray<unknown>) => Effect.Effect<unknown, unknown>
  ) => Stream.Stream<unknown, unknown>
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
 * An entry's type, as an interface can extend it: the generated `SendSmsOperation`, ... name
 * the entries, so that hovers show the name rather than the entry's schemas.
 * @since 0.3.0
 * @category type-level
 */
export type Of<O extends Any> = O

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
  // every field is context-free (PathFields), so the struct is too; built on first use, as the
  // schemas of the entry (see lazySchema)
  pathSchema: lazySchema(() => Schema.Struct(o.pathParams as PathFields)) as Schema.Schema.AnyNoContext,
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
 * The input object of an operation (body fields or query parameters), as its schema types it.
 * @since 0.1.0
 * @category type-level
 */
export type InputOf<O extends Any> = O["input"] extends { readonly schema: infer S extends Schema.Schema.AnyNoContext }
  ? Schema.Schema.Type<S>
  : never

/**
 * The named types of each operation, by operationId: `{ request, response, error }`, filled by
 * the generated `Models` (this module never imports it: `Models` is built from `Api`'s entries).
 * @since 0.3.0
 * @category type-level
 */
export type { NamedTypes } from "./internal/namedTypes.js"

/**
 * What the methods of an operation take and give, written out (the generated `Models` declares
 * one per operation, `SendSmsSignature`): their positional arguments, answer and errors, and
 * whether the operation is a paged list or a file. Types that read only a signature never expand
 * the operation's entry and its schemas.
 * @since 0.4.0
 * @category type-level
 */
export interface Signature {
  /** The path parameters in path order, then the input object (optional when no field is required). */
  readonly args: ReadonlyArray<unknown>
  readonly response: unknown
  readonly error: unknown
  readonly paging: boolean
  readonly file: boolean
}

/**
 * The signature of the operation named `Id` (see `Signature`).
 * @since 0.4.0
 * @category type-level
 */
export type SignatureOf<Id> = Id extends keyof NamedTypes ? NamedTypes[Id] : never

/**
 * The input object of an operation under its name (`SendSmsRequest`, ...; see `Models`), so
 * that hovers and type errors show the name rather than the schema's structure.
 * @since 0.3.0
 * @category type-level
 */
export type RequestOf<O extends Any> = O["id"] extends keyof NamedTypes
  ? NamedTypes[O["id"]] extends { readonly request: infer R } ? R : InputOf<O>
  : InputOf<O>

/**
 * The trailing input argument: required when a field of it is, optional otherwise, absent when
 * the operation takes none.
 * @since 0.1.0
 * @category type-level
 */
export type InputArgs<O extends Any> = O["input"] extends { readonly _tag: "None" } ? []
  : {} extends RequestOf<O> ? [request?: RequestOf<O>]
  : [request: RequestOf<O>]

/**
 * All the arguments of a method derived from an operation, as its entry's schemas type them.
 * @since 0.4.0
 * @category type-level
 */
export type RawArgs<O extends Any> = [...PathArgs<O>, ...InputArgs<O>]

/**
 * All the arguments of a method derived from an operation: its signature's where it has one
 * (see `Signature`, which the generated `Models` writes out and a check holds equal to `RawArgs`),
 * so that the path parameters' schemas need not be expanded.
 * @since 0.1.0
 * @category type-level
 */
export type Args<O extends Any> = O["id"] extends keyof NamedTypes
  ? NamedTypes[O["id"]] extends { readonly args: infer A extends ReadonlyArray<unknown> } ? A : RawArgs<O>
  : RawArgs<O>

/**
 * What the method succeeds with, as the operation's schema types it.
 * @since 0.3.0
 * @category type-level
 */
export type RawSuccessOf<O extends Any> = O["success"] extends
  { readonly _tag: "Json"; readonly schema: infer S; readonly noContent: true } ? Schema.Schema.Type<S> | undefined
  : O["success"] extends { readonly _tag: "Json"; readonly schema: infer S } ? Schema.Schema.Type<S>
  : O["success"] extends { readonly _tag: "File" } ? ExportedFile
  : void

/**
 * What the method succeeds with, under its name where it has one (`SendSmsResponse`, ...; see
 * `Models`).
 * @since 0.1.0
 * @category type-level
 */
export type SuccessOf<O extends Any> = O["id"] extends keyof NamedTypes
  ? NamedTypes[O["id"]] extends { readonly response: infer R } ? R : RawSuccessOf<O>
  : RawSuccessOf<O>

/**
 * The API exceptions the operation documents (plus the ones every operation can meet).
 * @since 0.1.0
 * @category type-level
 */
export type ErrorOf<O extends Any> = O extends Operation<any, any, any, any, any, infer E> ? InstanceType<E> : never

/**
 * Every way a method derived from the operation can fail: the exceptions it documents, those of a
 * token fetch, and the SDK's own errors.
 * @since 0.3.0
 * @category type-level
 */
export type RawFailureOf<O extends Any> = ErrorOf<O> | TokenError | Errors.ClientError

/**
 * Every way a method derived from the operation can fail (`RawFailureOf`), under its name where
 * it has one (`SendSmsError`, ...; see `Models`).
 * @since 0.1.0
 * @category type-level
 */
export type FailureOf<O extends Any> = O["id"] extends keyof NamedTypes
  ? NamedTypes[O["id"]] extends { readonly error: infer E } ? E : RawFailureOf<O>
  : RawFailureOf<O>

/**
 * What any call can meet when the client fetches its OAuth token first (client credentials):
 * the errors `POST /oauth/token` documents.
 * @since 0.1.0
 * @category type-level
 */
export type TokenError = ErrorCatalogue.TokenError
