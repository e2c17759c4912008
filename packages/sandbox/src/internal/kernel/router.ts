/**
 * Routes derived from the SDK's operation entries: the method and path template give the
 * route, the entry's own schemas validate path parameters and input and check every answer, so
 * the sandbox cannot drift from the SDK.
 */
import * as FastParse from "@smscx/core/FastParse"
import type * as Operation from "@smscx/core/Operation"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import type * as ParseResult from "effect/ParseResult"
import * as Runtime from "effect/Runtime"
import * as Schema from "effect/Schema"
import type * as SchemaAST from "effect/SchemaAST"
import type { Principal } from "./auth.js"
import { type ApiFailure, fail, Generic } from "./errors.js"
import * as Fields from "./fields.js"

/** The decoded path parameters of an operation. @internal */
export type PathOf<O extends Operation.Any> = {
  readonly [K in keyof O["pathParams"]]: Schema.Schema.Type<O["pathParams"][K]>
}

/** The decoded input of an operation; undefined when it takes none. @internal */
export type InputOf<O extends Operation.Any> = O["input"] extends { readonly _tag: "None" } ? undefined
  : Operation.InputOf<O>

/** @internal */
export interface Incoming<O extends Operation.Any> {
  readonly path: PathOf<O>
  readonly input: InputOf<O>
  readonly principal: Principal
}

/** @internal */
interface Reply<A> {
  readonly body: A
  readonly headers?: Readonly<Record<string, string>>
}

/** @internal */
export interface Route {
  readonly operation: Operation.Any
  readonly segments: ReadonlyArray<string | { readonly param: string }>
  readonly decodePath: (params: Readonly<Record<string, string>>) => Effect.Effect<unknown, ApiFailure>
  /** Validates the raw input (body object, form or query fields). */
  readonly decodeInput: (raw: Record<string, unknown>) => Effect.Effect<unknown, ApiFailure>
  readonly handle: (request: Incoming<Operation.Any>) => Effect.Effect<Reply<unknown>, ApiFailure>
  /**
   * Gives an answer's wire form, checked against the operation's success schema when answers are
   * checked (`checksAnswers`).
   */
  readonly encode: (body: unknown) => Effect.Effect<unknown, ParseResult.ParseError>
  /** Whether `encode` checks answers; when not, it gives every answer as it is. */
  readonly checked: boolean
}

/**
 * Whether answers are checked against their operation's success schema: in tests
 * (`NODE_ENV=test`, as Vitest sets it) and when `SMSCX_SANDBOX_CHECK_ANSWERS` is `1` or `true`.
 * The check catches a handler's bug; it cost about a tenth of a send's time under load. No success
 * schema transforms a value (`router.test.ts` asserts it), so an answer unchecked goes out with
 * the same fields and values, its object keys in the handler's order rather than the schema's.
 * @internal
 */
export const checksAnswers = (env: Readonly<Record<string, string | undefined>>): boolean => {
  const flag = env["SMSCX_SANDBOX_CHECK_ANSWERS"]?.toLowerCase()
  return env["NODE_ENV"] === "test" || flag === "1" || flag === "true"
}

const processEnv = (): Readonly<Record<string, string | undefined>> =>
  typeof process === "object" && process !== null && typeof process.env === "object" ? process.env : {}

const decodeOptions = { errors: "all", onExcessProperty: "ignore" } as const

const isStackOverflow = (defect: unknown): boolean => {
  // code run with `Effect.runSync` (as the ParseResult formatters are) throws it in a FiberFailure
  const error = Runtime.isFiberFailure(defect) ? Cause.squash(defect[Runtime.FiberFailureCauseId]) : defect
  return error instanceof RangeError && /call stack/i.test(error.message)
}

/**
 * Looking at untrusted input must not recurse without a bound; should something still overflow
 * the stack on it, that is the input's fault: a 400, never a 500.
 */
const guarded = <A>(effect: Effect.Effect<A, ApiFailure>): Effect.Effect<A, ApiFailure> =>
  Effect.catchAllDefect(effect, (defect) => isStackOverflow(defect) ? fail(Generic.bodyTooDeep) : Effect.die(defect))

type Scalar = "number" | "boolean"

/** The scalar kind of a field's type, through optional, union, refinement and transformation. */
const scalarOf = (ast: SchemaAST.AST): Scalar | undefined => {
  switch (ast._tag) {
    case "NumberKeyword":
      return "number"
    case "BooleanKeyword":
      return "boolean"
    case "Literal":
      return typeof ast.literal === "number" ? "number" : typeof ast.literal === "boolean" ? "boolean" : undefined
    case "Refinement":
      return scalarOf(ast.from)
    case "Transformation":
      return scalarOf(ast.from)
    case "Union": {
      const kinds = new Set(ast.types.map(scalarOf).filter((k) => k !== undefined))
      return kinds.size === 1 ? [...kinds][0] : undefined
    }
    default:
      return undefined
  }
}

const readScalar = (kind: Scalar, value: unknown): unknown => {
  if (typeof value !== "string") return value
  if (kind === "boolean") return Fields.booleanOf(value) ?? value
  const number = value.trim() === "" ? Number.NaN : Number(value)
  return Number.isFinite(number) ? number : value
}

/** Converts the text fields of a query or form that the schema types as numbers or booleans. */
const coercionOf = (schema: Schema.Schema.AnyNoContext) => {
  let ast = schema.ast
  while (ast._tag === "Refinement" || ast._tag === "Transformation") {
    ast = ast._tag === "Refinement"
      ? ast.from
      : ast.from
  }
  if (ast._tag !== "TypeLiteral") return undefined
  const kinds = new Map<string, Scalar>()
  for (const property of ast.propertySignatures) {
    const kind = scalarOf(property.type)
    if (kind !== undefined && typeof property.name === "string") kinds.set(property.name, kind)
  }
  if (kinds.size === 0) return undefined
  return (raw: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...raw }
    for (const [name, kind] of kinds) {
      if (name in out) {
        out[name] = Array.isArray(out[name])
          ? (out[name] as Array<unknown>).map((v) => readScalar(kind, v))
          : readScalar(kind, out[name])
      }
    }
    return out
  }
}

/** How the sandbox answers one operation. @internal */
interface Handler<O extends Operation.Any> {
  /** Field → documented error; fields it does not name get the generic invalid-parameter error. */
  readonly fields?: Fields.Table
  /** Leniencies of the API before validation (e.g. a single `to` string). */
  readonly normalize?: (raw: Record<string, unknown>) => Record<string, unknown>
  readonly handle: (request: Incoming<O>) => Effect.Effect<Reply<Operation.SuccessOf<O>>, ApiFailure>
}

/**
 * A handler for every operation of a group, by operationId: one missing is a type error, as
 * `HttpApiBuilder.group` reports an endpoint not handled.
 * @internal
 */
export type Handlers<G extends Readonly<Record<string, Operation.Any>>> = {
  readonly [K in keyof G]: Handler<G[K]>
}

/** @internal */
export const make = <O extends Operation.Any>(
  operation: O,
  options: Handler<O>,
  checked: boolean = checksAnswers(processEnv())
): Route => {
  const table = options.fields ?? []
  const decodePath = Schema.decodeUnknown(operation.pathSchema, decodeOptions)
  const fastPath = FastParse.of(operation.pathSchema, "ignore")
  const input = operation.input
  const decodeInput = input._tag === "None" ? undefined : Schema.decodeUnknown(input.schema, decodeOptions)
  const fastInput = input._tag === "None" ? undefined : FastParse.of(input.schema, "ignore")
  const success = operation.success
  const encodeJson = success._tag === "Json" && checked
    // extra fields a handler adds on purpose (e.g. `timezone`) are kept
    ? Schema.encodeUnknown(success.schema, { onExcessProperty: "preserve" })
    : Effect.succeed
  // an operation documenting 204 (nothing to change) answers it when its handler gives no body
  const noContent = success._tag === "Json" && success.noContent === true
  const encode = (body: unknown) => noContent && body === undefined ? Effect.succeed(undefined) : encodeJson(body)
  const pathCoercion = coercionOf(operation.pathSchema)
  const own = options.normalize ?? ((raw) => raw)
  // query and form fields arrive as text: those the schema types as numbers or booleans are
  // read as such first (a value that does not read stays text, for the schema to refuse)
  const coerce = input._tag === "Query" || input._tag === "Form" ? coercionOf(input.schema) : undefined
  const normalize = coerce === undefined ? own : (raw: Record<string, unknown>) => own(coerce(raw))
  return {
    operation,
    segments: operation.path.split("/").filter((s) => s !== "").map((s) => {
      const param = /^\{(.+)\}$/.exec(s)
      return param === null ? s : { param: param[1]! }
    }),
    decodePath: (params) => {
      // path segments are text too: an integer id is read as one
      const read = pathCoercion === undefined ? params : pathCoercion(params)
      // a valid path decoded without a parse result; the schema's decode for the issues
      const fast = fastPath === undefined ? FastParse.Invalid : fastPath(read)
      if (fast !== FastParse.Invalid) return Effect.succeed(fast)
      return guarded(Effect.mapError(decodePath(read), (error) => Fields.toFailure(table, error, read)))
    },
    decodeInput: (raw) =>
      decodeInput === undefined ? Effect.void : guarded(Effect.suspend(() => {
        const value = normalize(raw)
        const fast = fastInput === undefined ? FastParse.Invalid : fastInput(value)
        if (fast !== FastParse.Invalid) return Effect.succeed(fast)
        return Effect.mapError(decodeInput(value), (error) => Fields.toFailure(table, error, value))
      })),
    // the typed handler sees exactly what decodePath/decodeInput produced for this operation
    handle: options.handle as unknown as Route["handle"],
    encode,
    checked: success._tag === "Json" && checked
  }
}

/** The routes of a group: each operation with its handler. @internal */
export const group = <G extends Readonly<Record<string, Operation.Any>>>(
  operations: G,
  handlers: Handlers<G>,
  checked: boolean = checksAnswers(processEnv())
): ReadonlyArray<Route> =>
  Object.keys(operations).map((id) => make(operations[id]!, handlers[id as keyof G] as Handler<Operation.Any>, checked))

/** @internal */
type Match =
  | { readonly _tag: "Found"; readonly route: Route; readonly params: Readonly<Record<string, string>> }
  | { readonly _tag: "MethodNotAllowed"; readonly allow: ReadonlyArray<string> }
  | { readonly _tag: "NotFound" }

const decodeSegment = (segment: string) => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

const matchPath = (route: Route, segments: ReadonlyArray<string>): Record<string, string> | undefined => {
  if (route.segments.length !== segments.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < segments.length; i++) {
    const expected = route.segments[i]!
    const actual = segments[i]!
    if (typeof expected === "string") {
      if (expected !== actual) return undefined
    } else {
      params[expected.param] = decodeSegment(actual)
    }
  }
  return params
}

const literals = (route: Route) => route.segments.filter((s) => typeof s === "string").length

/** Routes by their number of segments, for each list of routes: only those can match a path. */
const bySegmentCount = new WeakMap<ReadonlyArray<Route>, ReadonlyMap<number, ReadonlyArray<Route>>>()

const routesOfLength = (routes: ReadonlyArray<Route>, length: number): ReadonlyArray<Route> => {
  let index = bySegmentCount.get(routes)
  if (index === undefined) {
    const byCount = new Map<number, Array<Route>>()
    for (const route of routes) {
      const same = byCount.get(route.segments.length)
      if (same === undefined) byCount.set(route.segments.length, [route])
      else same.push(route)
    }
    index = byCount
    bySegmentCount.set(routes, index)
  }
  return index.get(length) ?? []
}

/**
 * Routes found for a method and path with no parameter in them, for each list of routes (most
 * requests of a load test hit a few such paths), bounded: the paths a client can make up are not.
 */
const staticMatches = new WeakMap<ReadonlyArray<Route>, Map<string, Route>>()
const MAX_STATIC_MATCHES = 1_000

/** The route for a method and path: the template with the most literal segments wins. @internal */
export const match = (routes: ReadonlyArray<Route>, method: string, pathname: string): Match => {
  let known = staticMatches.get(routes)
  if (known === undefined) staticMatches.set(routes, known = new Map())
  const key = `${method} ${pathname}`
  const route = known.get(key)
  if (route !== undefined) return { _tag: "Found", route, params: {} }
  const found = matchOf(routes, method, pathname)
  if (
    found._tag === "Found" && known.size < MAX_STATIC_MATCHES &&
    found.route.segments.every((s) => typeof s === "string")
  ) known.set(key, found.route)
  return found
}

const matchOf = (routes: ReadonlyArray<Route>, method: string, pathname: string): Match => {
  const segments = pathname.split("/").filter((s) => s !== "")
  const candidates: Array<{ readonly route: Route; readonly params: Readonly<Record<string, string>> }> = []
  for (const route of routesOfLength(routes, segments.length)) {
    const params = matchPath(route, segments)
    if (params !== undefined) candidates.push({ route, params })
  }
  if (candidates.length === 0) return { _tag: "NotFound" }
  const allowed = candidates.filter((c) => c.route.operation.method === method.toUpperCase())
  if (allowed.length === 0) {
    return { _tag: "MethodNotAllowed", allow: [...new Set(candidates.map((c) => c.route.operation.method))] }
  }
  const best = allowed.reduce((a, b) => literals(b.route) > literals(a.route) ? b : a)
  return { _tag: "Found", route: best.route, params: best.params }
}

/** Query or form fields; a repeated name becomes an array. @internal */
const fieldsOf = (params: URLSearchParams): Record<string, unknown> => {
  const fields: Record<string, unknown> = {}
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key)
    fields[key] = values.length === 1 ? values[0] : values
  }
  return fields
}

/** The raw input of a request, before validation; `body` is read only for a body input. @internal */
export const readInput = (
  route: Route,
  url: { readonly searchParams: URLSearchParams },
  body: Effect.Effect<string, ApiFailure>
): Effect.Effect<Record<string, unknown>, ApiFailure> => {
  const input = route.operation.input
  switch (input._tag) {
    case "None":
      return Effect.succeed({})
    case "Query":
      return Effect.succeed(fieldsOf(url.searchParams))
    case "Form":
      return Effect.map(body, (text) => fieldsOf(new URLSearchParams(text)))
    case "Json":
      // one step once the body is in: parsed, and an object or refused
      return Effect.flatMap(body, (text) => {
        if (text.trim() === "") return Effect.succeed({})
        let json: unknown
        try {
          json = JSON.parse(text)
        } catch {
          return fail(Generic.invalidBody)
        }
        return typeof json === "object" && json !== null && !Array.isArray(json)
          ? Effect.succeed(json as Record<string, unknown>)
          : fail(Generic.invalidBody)
      })
  }
}
