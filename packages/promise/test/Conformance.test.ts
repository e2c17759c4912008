/**
 * Conformance of the whole SDK to `spec/`, driven by the spec rather than by the SDK's own lists:
 * every operation of `spec/smscx-openapi.json` (iterated from its paths) is called through the
 * Effect service (`SmsCx.groups[accessor]` over `FetchClient.layerWith`) and through the Promise
 * facade (`new SmsCx({ fetch })`), over a recording `fetch`.
 *
 * - the groups, operations, aliases and paged lists are the spec's, no more, no less;
 * - a request built from the spec's schemas (required fields only, and every field) goes on the
 *   wire with the spec's method, path (parameters percent-encoded), query names, body fields,
 *   content type and credentials (`X-API-KEY`, or HTTP Basic for `POST /oauth/token`);
 * - a fully populated answer generated from the spec's 200 (201) schema decodes to itself (so
 *   do a minimal one and one with every nullable field `null`), and a file export comes back as
 *   its bytes;
 * - each documented error row (`x-smscx-errors`) fails the call with the exception that
 *   `spec/error-mapping.json` names for it (the rules are applied here, not by the SDK's code),
 *   and so does each error status the operation's `responses` list.
 *
 * Samples are generated from the spec with the fixes of `scripts/spec-fixes.ts` applied (the
 * SDK validates with them): `$ref`, `allOf` (merged), `anyOf`/`oneOf` (the first member that is
 * not `null`; but every member of a request body or an answer that is a union itself:
 * addContactsToGroup's two body shapes, the pricing and summary-report answers), enums (the
 * first non-null value), nullable types (the non-null type), formats, `pattern` (FastCheck, fixed
 * seed), lengths, ranges and `minItems`. A path parameter the spec leaves unconstrained gets a
 * value that must be percent-encoded.
 */
import { assert, describe, it } from "@effect/vitest"
import { FetchClient, SmsCx } from "@smscx/client"
import { Api } from "@smscx/core"
import { SmsCx as PromiseClient } from "@smscx/promise"
import * as Cause from "effect/Cause"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import { readFileSync } from "node:fs"
import { fixPaths, fixSchemas, queryShapes } from "../../../scripts/spec-fixes.js"

// the spec is untyped JSON
type Json = any

const readJson = (path: string): Json => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"))

const rawSpec = readJson("../../../spec/smscx-openapi.json")
/** The spec as the SDK validates against it: with the fixes of scripts/spec-fixes.ts. */
const spec = {
  ...rawSpec,
  paths: fixPaths(rawSpec.paths),
  components: { ...rawSpec.components, schemas: fixSchemas(rawSpec.components.schemas) }
}
const errorMapping = readJson("../../../spec/error-mapping.json")

const BASE_URL = "http://conformance.test"
const API_KEY = "k"
const APPLICATION = { applicationId: "conformance-app", applicationSecret: "conformance-secret" }

const METHODS = ["get", "post", "put", "patch", "delete"] as const

interface SpecOperation {
  readonly tag: string
  readonly accessor: string
  readonly id: string
  readonly method: string
  readonly path: string
  readonly op: Json
}

const accessorOf = (tag: string) => tag.charAt(0).toLowerCase() + tag.slice(1)

/** Every operation of the spec, in the order of its paths. */
const operations: ReadonlyArray<SpecOperation> = Object.entries<Json>(spec.paths).flatMap(([path, item]) =>
  METHODS.flatMap((method) => {
    const op = item[method]
    return op?.operationId === undefined
      ? []
      : [{
        tag: op.tags[0],
        accessor: accessorOf(op.tags[0]),
        id: op.operationId,
        method: method.toUpperCase(),
        path,
        op
      }]
  })
)
const tags: ReadonlyArray<string> = [...new Set(operations.map((o) => o.tag))]

const PAGED = [
  "getGroupDetails",
  "getOptoutsList",
  "getAdvancedReport",
  "getCampaignsList",
  "getCampaignReport",
  "getShortlinkHits",
  "getAttachmentHits",
  "getBulkLookupCampaigns",
  "getBulkLookupStatus",
  "getInboundSms"
]

// ---------------------------------------------------------------------------
// Samples generated from the spec's schemas
// ---------------------------------------------------------------------------

/**
 * `required`: only the required properties of objects; `full`: every property and one entry of
 * each record; `nulls`: like `full`, with `null` wherever the schema allows it.
 */
type Mode = "required" | "full" | "nulls"

const schemaNamed = (ref: string): Json => {
  const name = ref.split("/").at(-1)!
  const schema = spec.components.schemas[name]
  if (schema === undefined) throw new Error(`unresolved ${ref}`)
  return schema
}

const resolve = (schema: Json): Json => {
  let s = schema
  while (typeof s === "object" && s !== null && typeof s.$ref === "string") s = schemaNamed(s.$ref)
  return s
}

const isNullSchema = (schema: Json) => resolve(schema)?.type === "null"

/** The members of a union schema, or undefined. */
const unionOf = (schema: Json): ReadonlyArray<Json> | undefined => {
  const s = resolve(schema)
  return s?.anyOf ?? s?.oneOf
}

const UUID = "0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11"
const DATE_TIME = "2030-01-01 10:00:00"
const URI = "https://example.com/x"
/** A path parameter the spec does not constrain gets characters that must be percent-encoded. */
const FREE_PATH_VALUE = "id 1/ü+?#"

const fit = (text: string, min: number, max: number) => text.padEnd(min, "x").slice(0, max)

const matched = new Map<string, string>()

/** A string matching `pattern` (FastCheck, fixed seed) within the length bounds. */
const matching = (pattern: string, min: number, max: number, at: string): string => {
  const key = `${min} ${max} ${pattern}`
  const known = matched.get(key)
  if (known !== undefined) return known
  const candidates = FastCheck.sample(FastCheck.stringMatching(new RegExp(pattern)), { seed: 42, numRuns: 200 })
  const found = candidates.find((s) => s.length >= min && s.length <= max)
  if (found === undefined) throw new Error(`${at}: no sample of /${pattern}/ with a length in [${min}, ${max}]`)
  matched.set(key, found)
  return found
}

const sampleString = (s: Json, at: string): string => {
  const min = s.minLength ?? 0
  const max = s.maxLength ?? Number.POSITIVE_INFINITY
  if (typeof s.pattern === "string") return matching(s.pattern, min, max, at)
  switch (s.format) {
    case "date-time":
      return DATE_TIME
    case "uri":
      return URI
    case "uuid":
      return UUID
  }
  return fit("sample", min, max)
}

const clamp = (value: number, s: Json) => Math.min(Math.max(value, s.minimum ?? value), s.maximum ?? value)

/** A value of `schema` in a mode (above); one item per array (or `minItems`). */
const sample = (schema: Json, mode: Mode, at: string, depth = 0): unknown => {
  if (depth > 40) throw new Error(`${at}: nested too deeply`)
  const s = resolve(schema)
  if (s === true || s === undefined || (typeof s === "object" && Object.keys(s).length === 0)) return "value"
  if (s.const !== undefined) return s.const
  if (Array.isArray(s.enum)) return s.enum.find((v: unknown) => v !== null) ?? s.enum[0]
  if (Array.isArray(s.allOf)) {
    const own = s.properties !== undefined || s.additionalProperties !== undefined
      ? sampleObject(s, mode, at, depth) as object
      : {}
    return Object.assign({}, ...s.allOf.map((member: Json) => sample(member, mode, at, depth + 1)), own)
  }
  const union = unionOf(s)
  if (union !== undefined) {
    if (mode === "nulls" && union.some(isNullSchema)) return null
    return sample(union.find((member) => !isNullSchema(member)) ?? union[0], mode, at, depth + 1)
  }
  if (mode === "nulls" && Array.isArray(s.type) && s.type.includes("null")) return null
  const type = Array.isArray(s.type)
    ? (s.type.find((t: string) => t !== "null") ?? "null")
    : s.type ?? (s.properties !== undefined || s.additionalProperties !== undefined ? "object" : undefined)
  switch (type) {
    case "null":
      return null
    case "boolean":
      return true
    case "integer":
      return clamp(1, s)
    case "number":
      // not a whole number: an SDK schema that wants an integer where the spec says number bites
      return clamp(1.5, s)
    case "string":
      return sampleString(s, at)
    case "array":
      return Array.from(
        { length: Math.max(1, s.minItems ?? 0) },
        (_, i) => sample(s.items ?? {}, mode, `${at}[${i}]`, depth + 1)
      )
    case "object":
      return sampleObject(s, mode, at, depth)
  }
  throw new Error(`${at}: cannot sample ${JSON.stringify(s).slice(0, 200)}`)
}

const sampleObject = (s: Json, mode: Mode, at: string, depth: number): Record<string, unknown> => {
  const properties: Record<string, Json> = s.properties ?? {}
  const required: ReadonlyArray<string> = s.required ?? []
  const out: Record<string, unknown> = {}
  for (const [name, property] of Object.entries(properties)) {
    if (mode !== "required" || required.includes(name)) out[name] = sample(property, mode, `${at}.${name}`, depth + 1)
  }
  if (mode !== "required" && s.additionalProperties !== undefined && s.additionalProperties !== false) {
    out.key = s.additionalProperties === true ? "value" : sample(s.additionalProperties, mode, `${at}.key`, depth + 1)
  }
  return out
}

/** A path parameter's value: an unconstrained string is one that must be percent-encoded. */
const samplePathParam = (param: Json): unknown => {
  const s = resolve(param.schema)
  const constrained = Object.keys(s).some((k) => k !== "type" && k !== "description")
  return s.type === "string" && !constrained ? FREE_PATH_VALUE : sample(s, "required", param.name)
}

// ---------------------------------------------------------------------------
// What the spec says a call looks like
// ---------------------------------------------------------------------------

const paramsOf = (o: SpecOperation): ReadonlyArray<Json> => o.op.parameters ?? []
const pathParamNames = (o: SpecOperation) => Array.from(o.path.matchAll(/\{([^}]+)\}/g), (m) => m[1]!)
const queryParams = (o: SpecOperation) => paramsOf(o).filter((p) => p.in === "query")

const bodyOf = (o: SpecOperation): { readonly contentType: string; readonly schema: Json } | undefined => {
  const content = o.op.requestBody?.content
  if (content === undefined) return undefined
  const [contentType, media] = Object.entries<Json>(content)[0]!
  return { contentType, schema: media.schema }
}

/** One request of an operation: its arguments, and what must go on the wire. */
interface Case {
  readonly label: string
  readonly args: ReadonlyArray<unknown>
  readonly pathname: string
  readonly query: ReadonlyArray<readonly [string, string]>
  readonly body: { readonly contentType: string; readonly value: Record<string, unknown> } | undefined
}

const pathValuesOf = (o: SpecOperation): Record<string, unknown> =>
  Object.fromEntries(
    pathParamNames(o).map((name) => {
      const param = paramsOf(o).find((p) => p.in === "path" && p.name === name)
      if (param === undefined) throw new Error(`${o.id}: no parameter for {${name}}`)
      return [name, samplePathParam(param)]
    })
  )

const expectedPathname = (o: SpecOperation, values: Record<string, unknown>) =>
  o.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(values[name])))

/** The requests an operation is checked with: required fields only, and every field. */
const casesOf = (o: SpecOperation): ReadonlyArray<Case> => {
  const values = pathValuesOf(o)
  const pathArgs = pathParamNames(o).map((name) => values[name])
  const pathname = expectedPathname(o, values)
  const body = bodyOf(o)
  const query = queryParams(o)
  if (body !== undefined) {
    // a body that is a union (addContactsToGroup): each of its shapes
    const members = unionOf(body.schema) ?? [body.schema]
    return members.flatMap((member, i) =>
      (["required", "full"] as const).map((mode): Case => {
        const value = sample(member, mode, "body") as Record<string, unknown>
        return {
          label: `${mode} body fields${members.length > 1 ? ` of anyOf member ${i} (${resolveName(member)})` : ""}`,
          args: [...pathArgs, value],
          pathname,
          query: [],
          body: { contentType: body.contentType, value }
        }
      })
    )
  }
  if (query.length > 0) {
    // a query with alternative groups (`period`, or `start_date` and `end_date`): each of its shapes
    return queryShapes(o.op).flatMap((shape) =>
      (["required", "full"] as const).map((mode): Case => {
        const input = Object.fromEntries(
          shape.params.filter((p) => mode === "full" || p.required === true).map((
            p
          ) => [p.name, sample(p.schema, mode, p.name)])
        )
        return {
          label: `${mode} query parameters${shape.name === undefined ? "" : ` (by ${shape.name})`}`,
          args: [...pathArgs, input],
          pathname,
          query: Object.entries(input).map(([name, v]) => [name, String(v)] as const),
          body: undefined
        }
      })
    )
  }
  return [{ label: "no input", args: pathArgs, pathname, query: [], body: undefined }]
}

/** The shapes of a JSON answer: each member of a union, else the one schema. */
const answerShapes = (schema: Json): ReadonlyArray<Json> => {
  try {
    return unionOf(schema) ?? [schema]
  } catch {
    // an unresolvable $ref: the answer test fails on it, with its message
    return [schema]
  }
}

const resolveName = (schema: Json) => typeof schema?.$ref === "string" ? schema.$ref.split("/").at(-1) : "inline"

const usesBasicAuth = (o: SpecOperation) => (o.op.security as Array<object>).some((s) => "BasicAuth" in s)
const apiKeyHeader = String(spec.components.securitySchemes.ApiKeyAuth.name).toLowerCase()

/** The body field carrying the idempotency UUID, when the spec's body has one. */
const idempotencyField = (o: SpecOperation): string | undefined => {
  const body = bodyOf(o)
  return body !== undefined && resolve(body.schema)?.properties?.idempotencyId !== undefined
    ? "idempotencyId"
    : undefined
}

/** The success answer the spec documents: 200, else 201. */
const successOf = (
  o: SpecOperation
): { readonly status: number; readonly contentType: string; readonly schema: Json } => {
  const status = "200" in o.op.responses ? 200 : 201
  const [contentType, media] = Object.entries<Json>(o.op.responses[String(status)].content)[0]!
  return { status, contentType, schema: media.schema }
}

/** The exception `spec/error-mapping.json` names for an answer: its rules, in order. */
const mappedException = (status: number, type: string | undefined, code: number | undefined): string => {
  for (const rule of errorMapping.rules) {
    if (rule.otherwise === true) return rule.exception
    if (rule.status !== undefined && rule.status !== status) continue
    if (rule.statusRange !== undefined && (status < rule.statusRange[0] || status > rule.statusRange[1])) continue
    if (rule.type !== undefined && rule.type !== type) continue
    if (rule.codes !== undefined && (code === undefined || !rule.codes.includes(code))) continue
    return rule.exception
  }
  throw new Error(`no rule for ${status} ${type} ${code}`)
}

// ---------------------------------------------------------------------------
// A recording fetch, and the two clients over it
// ---------------------------------------------------------------------------

interface Recorded {
  readonly method: string
  readonly url: URL
  readonly headers: Record<string, string>
  readonly body: string
}

interface Answer {
  readonly status: number
  readonly contentType: string
  readonly body: string | Uint8Array<ArrayBuffer> | null
  readonly headers?: Record<string, string>
}

const recorder = () => {
  const requests: Array<Recorded> = []
  let answer: Answer = { status: 500, contentType: "text/plain", body: "no answer set" }
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init)
    requests.push({
      method: request.method,
      url: new URL(request.url),
      headers: Object.fromEntries(request.headers),
      body: await request.text()
    })
    return new Response(answer.body, {
      status: answer.status,
      headers: {
        "content-type": answer.contentType,
        "x-rate-limit-limit": "100",
        "x-rate-limit-remaining": "99",
        ...answer.headers
      }
    })
  }
  return {
    fetch,
    answer: (a: Answer) => {
      answer = a
    },
    /** The requests sent since the last call, cleared. */
    take: () => requests.splice(0)
  }
}

type AnyService = Record<string, (...args: ReadonlyArray<unknown>) => Effect.Effect<unknown, unknown>>
type AnyFacade = Record<string, Record<string, (...args: ReadonlyArray<unknown>) => Promise<unknown>> | undefined>

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: any }

/** Both clients of one set of credentials over one recording fetch; closed by `close`. */
const harness = (credentials: { readonly apiKey: string } | typeof APPLICATION) => {
  const rec = recorder()
  const options = { ...credentials, baseUrl: BASE_URL, retry: false as const }
  const runtime = ManagedRuntime.make(
    SmsCx.layerWithoutHttpClient(options).pipe(Layer.provide(FetchClient.layerWith(rec.fetch)))
  )
  const client = new PromiseClient({ ...options, fetch: rec.fetch })
  const facade = client as unknown as AnyFacade

  const tagOf = (accessor: string) => {
    const tag = (SmsCx.groups as Record<string, unknown>)[accessor]
    assert.isDefined(tag, `SmsCx.groups.${accessor}: no service`)
    return tag as Context.Tag<any, AnyService>
  }

  return {
    rec,
    /** The methods of the Effect service of a group. */
    service: (accessor: string): Promise<AnyService> => runtime.runPromise(tagOf(accessor)),
    facadeGroup: (accessor: string) => {
      const group = facade[accessor]
      assert.isDefined(group, `client.${accessor}: no group on the facade`)
      return group!
    },
    viaEffect: async (accessor: string, id: string, args: ReadonlyArray<unknown>): Promise<Outcome> => {
      const exit = await runtime.runPromiseExit(Effect.flatMap(tagOf(accessor), (service) => {
        assert.isFunction(service[id], `${accessor}.${id}: not a method of the Effect service`)
        return service[id]!(...args)
      }))
      if (Exit.isSuccess(exit)) return { ok: true, value: exit.value }
      const failure = Cause.failureOption(exit.cause)
      if (Option.isNone(failure)) throw Cause.squash(exit.cause)
      return { ok: false, error: failure.value }
    },
    viaPromise: (accessor: string, id: string, args: ReadonlyArray<unknown>): Promise<Outcome> => {
      const method = facade[accessor]?.[id]
      assert.isFunction(method, `client.${accessor}.${id}: not a method of the facade`)
      return method!(...args).then((value) => ({ ok: true, value }), (error: unknown) => ({ ok: false, error }))
    },
    close: async () => {
      await client.close()
      await runtime.dispose()
    }
  }
}

type Harness = ReturnType<typeof harness>

const withHarness = async (o: SpecOperation, test: (h: Harness) => Promise<void>) => {
  const h = harness(usesBasicAuth(o) ? APPLICATION : { apiKey: API_KEY })
  try {
    await test(h)
  } finally {
    await h.close()
  }
}

/** Calls the operation through the Effect service, then through the facade. */
const callBoth = async (
  h: Harness,
  o: SpecOperation,
  args: ReadonlyArray<unknown>,
  check: (outcome: Outcome, requests: ReadonlyArray<Recorded>, via: string) => void
) => {
  for (const [via, call] of [["Effect", h.viaEffect], ["Promise", h.viaPromise]] as const) {
    h.rec.take()
    const outcome = await call(o.accessor, o.id, args)
    check(outcome, h.rec.take(), via)
  }
}

const describeFailure = (outcome: Outcome) =>
  outcome.ok ? "" : `${outcome.error?._tag}: ${String(outcome.error?.message).slice(0, 600)}`

// ---------------------------------------------------------------------------

describe("the SDK has exactly the spec's groups and operations", () => {
  it("the spec: 100 operations in 17 tags", () => {
    assert.strictEqual(operations.length, 100)
    assert.strictEqual(tags.length, 17)
    assert.deepStrictEqual([...tags].sort(), spec.tags.map((t: { name: string }) => t.name).sort())
    assert.strictEqual(new Set(operations.map((o) => o.id)).size, 100, "operationIds are unique")
  })

  it("Api.groups: the 17 accessors, each with exactly its tag's operationIds", () => {
    const expected = Object.fromEntries(
      tags.map((tag) => [accessorOf(tag), operations.filter((o) => o.tag === tag).map((o) => o.id).sort()])
    )
    const actual = Object.fromEntries(
      Object.entries(Api.groups).map(([accessor, group]) => [accessor, Object.keys(group).sort()])
    )
    const missing = Object.entries(expected).flatMap(([accessor, ids]) =>
      ids.filter((id) => !actual[accessor]?.includes(id)).map((id) => `${accessor}.${id}`)
    )
    const extra = Object.entries(actual).flatMap(([accessor, ids]) =>
      ids.filter((id) => !expected[accessor]?.includes(id)).map((id) => `${accessor}.${id}`)
    )
    assert.deepStrictEqual(
      { missing, extra },
      { missing: [], extra: [] },
      `Api.groups against the spec: ${JSON.stringify({ missing, extra })}`
    )
    assert.deepStrictEqual(actual, expected)
    assert.deepStrictEqual(Object.keys(SmsCx.groups).sort(), Object.keys(expected).sort(), "SmsCx.groups")
  })

  it("each entry is its spec operation's: group, method and path", () => {
    for (const o of operations) {
      const entry = (Api.groups as Record<string, Record<string, any>>)[o.accessor]?.[o.id]
      assert.isDefined(entry, `Api.groups.${o.accessor}.${o.id}`)
      assert.deepStrictEqual([entry.group, entry.method, entry.path], [o.tag, o.method, o.path], o.id)
    }
  })

  it("the paged lists are exactly the 10 with limit/next/previous", () => {
    const paged = Object.values(Api.groups).flatMap((group) =>
      Object.values<{ id: string; paging: boolean }>(group).filter((e) => e.paging).map((e) => e.id)
    )
    assert.deepStrictEqual([...paged].sort(), [...PAGED].sort())
    const bySpec = operations.filter((o) => {
      const names = queryParams(o).map((p) => p.name)
      return ["limit", "next", "previous"].every((n) => names.includes(n))
    }).map((o) => o.id)
    assert.deepStrictEqual([...bySpec].sort(), [...PAGED].sort())
  })

  it("Api.aliases: correctly spelled names of the spec's misspelled operationIds", () => {
    assert.deepStrictEqual(Object.keys(Api.aliases).sort(), tags.map(accessorOf).sort())
    for (const [accessor, aliases] of Object.entries<Record<string, string>>(Api.aliases)) {
      for (const [alias, id] of Object.entries(aliases)) {
        assert.isTrue(operations.some((o) => o.accessor === accessor && o.id === id), `${accessor}.${alias} -> ${id}`)
        assert.isFalse(operations.some((o) => o.id === alias), `${alias} is an operationId itself`)
      }
    }
    assert.strictEqual(Api.aliases.conversations.getConversationsList, "getConverstionsList")
  })
})

for (const tag of tags) {
  describe(tag, () => {
    for (const o of operations.filter((op) => op.tag === tag)) {
      const aliases = Object.entries<string>((Api.aliases as Record<string, Record<string, string>>)[o.accessor] ?? {})
        .filter(([, id]) => id === o.id)
        .map(([alias]) => alias)
      // sampled inside the tests: a schema that cannot be sampled fails this operation's tests only
      let sampled: ReadonlyArray<Case> | undefined
      const cases = () => (sampled ??= casesOf(o))
      const requiredArgs = () => cases()[0]!.args
      const success = successOf(o)
      const rows: ReadonlyArray<{ status: number; type: string; code: number }> = o.op["x-smscx-errors"] ?? []

      it(`${o.id}: ${o.method} ${o.path}: the requests go on the wire as the spec says`, () =>
        withHarness(o, async (h) => {
          // a: the method, and its aliases, on both sides
          const service = await h.service(o.accessor)
          const facade = h.facadeGroup(o.accessor)
          for (const name of [o.id, ...aliases]) {
            assert.isFunction(service[name], `${o.accessor}.${name}: not a method of the Effect service`)
            assert.isFunction(facade[name], `client.${o.accessor}.${name}: not a method of the facade`)
          }
          // b: what goes on the wire
          const idempotency = idempotencyField(o)
          h.rec.answer({ status: success.status, contentType: "application/json", body: "{}" })
          for (const c of cases()) {
            const names = [o.id, ...aliases]
            for (const name of names) {
              for (const [via, call] of [["Effect", h.viaEffect], ["Promise", h.viaPromise]] as const) {
                h.rec.take()
                const outcome = await call(o.accessor, name, c.args)
                const sent = h.rec.take()
                const where = `${via} ${o.accessor}.${name}, ${c.label}`
                if (!outcome.ok && outcome.error?._tag === "RequestValidationError") {
                  assert.fail(`${where}: the SDK refused a request valid per the spec: ${describeFailure(outcome)}`)
                }
                assert.strictEqual(sent.length, 1, `${where}: one request sent (${describeFailure(outcome)})`)
                checkRequest(o, c, sent[0]!, idempotency, where)
              }
            }
          }
        }))

      // an answer that is a union (channel pricing, summary reports): each of its shapes
      const answers = success.contentType === "application/json" ? answerShapes(success.schema) : []
      const answerLabel = success.contentType !== "application/json"
        ? `a ${success.status} ${success.contentType} answer is returned as its bytes`
        : `a fully populated ${success.status} answer (and a minimal one, and one with every nullable field null) decodes to itself${
          answers.length > 1 ? ` (each of its ${answers.length} anyOf members)` : ""
        }`
      it(`${o.id}: ${answerLabel}`, () =>
        withHarness(o, async (h) => {
          if (success.contentType === "application/json") {
            for (const [i, member] of answers.entries()) {
              for (const mode of ["full", "required", "nulls"] as const) {
                const body = sample(member, mode, "answer")
                const which = ` (${mode}${answers.length > 1 ? `, anyOf member ${i}: ${resolveName(member)}` : ""})`
                h.rec.answer({ status: success.status, contentType: success.contentType, body: JSON.stringify(body) })
                await callBoth(h, o, requiredArgs(), (outcome, _, via) => {
                  assert.isTrue(outcome.ok, `${via}${which}: the answer did not decode: ${describeFailure(outcome)}`)
                  if (outcome.ok) assert.deepStrictEqual(outcome.value, body, `${via}${which}: the decoded answer`)
                })
              }
            }
          } else {
            const bytes = new TextEncoder().encode(`id,phoneNumber\n1,+31612469000\n\u00ff`)
            const fileName = `export.${success.contentType === "application/csv" ? "csv" : "xlsx"}`
            h.rec.answer({
              status: success.status,
              contentType: success.contentType,
              body: bytes,
              headers: { "content-disposition": `attachment; filename="${fileName}"` }
            })
            await callBoth(h, o, requiredArgs(), (outcome, _, via) => {
              assert.isTrue(outcome.ok, `${via}: ${describeFailure(outcome)}`)
              if (outcome.ok) checkFile(outcome.value, bytes, success.contentType, fileName, via)
            })
          }
        }))

      if ("204" in o.op.responses) {
        // the spec documents 204 No Content as a success of this operation ("nothing to
        // change"): the method gives undefined
        it(`${o.id}: a documented 204 No Content answer succeeds with undefined`, () =>
          withHarness(o, async (h) => {
            h.rec.answer({ status: 204, contentType: "application/json", body: null })
            await callBoth(h, o, requiredArgs(), (outcome, sent, via) => {
              assert.strictEqual(sent.length, 1, `${via}: one request`)
              assert.isTrue(outcome.ok, `${via}: a 204 failed: ${describeFailure(outcome)}`)
              if (outcome.ok) assert.isUndefined(outcome.value, `${via}: a 204 gives undefined`)
            })
          }))
      }

      // every error status the operation's `responses` document, as an envelope with neither
      // type nor code: the rules then decide by status alone
      const statuses = Object.keys(o.op.responses).map(Number).filter((status) => status >= 400)
      it(`${o.id}: the error statuses its responses document (${statuses.join(", ")}) fail with the exceptions their status maps to`, () =>
        withHarness(o, async (h) => {
          for (const status of statuses) {
            const expected = mappedException(status, undefined, undefined)
            const body = { error: { message: `documented status ${status}`, uri: `https://sms.cx/s/${status}` } }
            h.rec.answer({ status, contentType: "application/json", body: JSON.stringify(body) })
            await callBoth(h, o, requiredArgs(), (outcome, sent, via) => {
              const where = `${via}: ${status}`
              assert.strictEqual(sent.length, 1, `${where}: one request (retry: false)`)
              assert.isFalse(outcome.ok, `${where}: the call succeeded`)
              if (outcome.ok) return
              const e = outcome.error
              assert.deepStrictEqual(
                { _tag: e?._tag, status: e?.status, message: e?.message, uri: e?.uri },
                { _tag: expected, status, message: body.error.message, uri: body.error.uri },
                where
              )
            })
          }
        }))

      if (rows.length > 0) {
        it(`${o.id}: its ${rows.length} documented error${rows.length === 1 ? " fails" : "s fail"} with the exceptions error-mapping.json names`, () =>
          withHarness(o, async (h) => {
            for (const row of rows) {
              const expected = mappedException(row.status, row.type, row.code)
              const invalid = row.code === 1207 || row.code === 1210 ? ["+1"] : undefined
              const body = {
                error: {
                  type: row.type,
                  code: row.code,
                  message: `documented error ${row.code}`,
                  uri: `https://sms.cx/e/${row.code}`
                },
                ...(invalid === undefined ? {} : { invalid })
              }
              h.rec.answer({ status: row.status, contentType: "application/json", body: JSON.stringify(body) })
              await callBoth(h, o, requiredArgs(), (outcome, sent, via) => {
                const where = `${via}: ${row.status} ${row.type} ${row.code}`
                assert.strictEqual(sent.length, 1, `${where}: one request (retry: false)`)
                assert.isFalse(outcome.ok, `${where}: the call succeeded`)
                if (outcome.ok) return
                const e = outcome.error
                assert.deepStrictEqual(
                  { _tag: e?._tag, status: e?.status, code: e?.code, type: e?.type, uri: e?.uri },
                  { _tag: expected, status: row.status, code: row.code, type: row.type, uri: body.error.uri },
                  where
                )
                if (invalid !== undefined) assert.deepStrictEqual(e.invalid, invalid, `${where}: invalid`)
              })
            }
          }))
      }
    }
  })
}

/**
 * A file answer as the SDK returns it: `{ contentType, fileName, bytes }`, the content type and
 * file name as the answer gave them.
 */
function checkFile(value: unknown, bytes: Uint8Array, contentType: string, fileName: string, via: string) {
  assert.isObject(value, `${via}: the file is not an object carrying its bytes`)
  const file = value as Record<string, unknown>
  assert.instanceOf(file.bytes, Uint8Array, `${via}: the file's bytes`)
  assert.deepStrictEqual(Array.from(file.bytes as Uint8Array), Array.from(bytes), `${via}: the file's bytes`)
  assert.strictEqual(file.contentType, contentType, `${via}: the file's content type`)
  assert.strictEqual(file.fileName, fileName, `${via}: the file's name`)
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

function checkRequest(o: SpecOperation, c: Case, sent: Recorded, idempotency: string | undefined, where: string) {
  assert.strictEqual(sent.method, o.method, `${where}: method`)
  assert.strictEqual(sent.url.origin, BASE_URL, `${where}: origin`)
  assert.strictEqual(sent.url.pathname, c.pathname, `${where}: path`)
  const sortEntries = (entries: ReadonlyArray<readonly [string, string]>) =>
    [...entries].map(([k, v]) => `${k}=${v}`).sort()
  assert.deepStrictEqual(sortEntries([...sent.url.searchParams]), sortEntries(c.query), `${where}: query`)
  // credentials, as the spec's security scheme of the operation says
  if (usesBasicAuth(o)) {
    const basic = Buffer.from(`${APPLICATION.applicationId}:${APPLICATION.applicationSecret}`).toString("base64")
    assert.strictEqual(sent.headers.authorization, `Basic ${basic}`, `${where}: authorization`)
    assert.isUndefined(sent.headers[apiKeyHeader], `${where}: ${apiKeyHeader}`)
  } else {
    assert.strictEqual(sent.headers[apiKeyHeader], API_KEY, `${where}: ${apiKeyHeader}`)
    assert.isUndefined(sent.headers.authorization, `${where}: authorization`)
  }
  if (c.body === undefined) {
    assert.isUndefined(sent.headers["content-type"], `${where}: no content type without a body`)
    assert.strictEqual(sent.body, "", `${where}: no body`)
    return
  }
  const mediaType = sent.headers["content-type"]?.split(";")[0]?.trim()
  assert.strictEqual(mediaType, c.body.contentType, `${where}: content type`)
  if (c.body.contentType === "application/x-www-form-urlencoded") {
    assert.deepStrictEqual(
      sortEntries([...new URLSearchParams(sent.body)]),
      sortEntries(Object.entries(c.body.value).map(([k, v]) => [k, String(v)] as const)),
      `${where}: form fields`
    )
    return
  }
  const json = JSON.parse(sent.body)
  if (idempotency !== undefined) {
    const given = c.body.value[idempotency]
    if (given === undefined) {
      assert.match(String(json[idempotency]), UUID_PATTERN, `${where}: a generated ${idempotency}`)
    } else {
      assert.strictEqual(json[idempotency], given, `${where}: the given ${idempotency}`)
    }
    assert.deepStrictEqual(json, { ...c.body.value, [idempotency]: json[idempotency] }, `${where}: body fields`)
  } else {
    assert.deepStrictEqual(json, c.body.value, `${where}: body fields`)
  }
}
