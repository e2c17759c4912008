/**
 * The conformance suite's harness: a recording fetch, the Effect and Promise clients over it, and
 * the checks of what they sent and returned.
 */
import { assert } from "@effect/vitest"
import { FetchClient, SmsCx } from "@smscx/client"
import { SmsCx as PromiseClient } from "@smscx/promise"
import * as Cause from "effect/Cause"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import { API_KEY, apiKeyHeader, APPLICATION, BASE_URL, type Case, type SpecOperation, usesBasicAuth } from "./spec.js"

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
type AnyFacade = Record<
  string,
  Record<string, (...args: ReadonlyArray<unknown>) => Promise<unknown>> | undefined
>

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: any }

/** Both clients of one set of credentials over one recording fetch; closed by `close`. */
export const harness = (credentials: { readonly apiKey: string } | typeof APPLICATION) => {
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

export const withHarness = async (o: SpecOperation, test: (h: Harness) => Promise<void>) => {
  const h = harness(usesBasicAuth(o) ? APPLICATION : { apiKey: API_KEY })
  try {
    await test(h)
  } finally {
    await h.close()
  }
}

/** Calls the operation through the Effect service, then through the facade. */
export const callBoth = async (
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

export const describeFailure = (outcome: Outcome) =>
  outcome.ok ? "" : `${outcome.error?._tag}: ${String(outcome.error?.message).slice(0, 600)}`

/**
 * A file answer as the SDK returns it: `{ contentType, fileName, bytes }`, the content type and
 * file name as the answer gave them.
 */
export function checkFile(value: unknown, bytes: Uint8Array, contentType: string, fileName: string, via: string) {
  assert.isObject(value, `${via}: the file is not an object carrying its bytes`)
  const file = value as Record<string, unknown>
  assert.instanceOf(file.bytes, Uint8Array, `${via}: the file's bytes`)
  assert.deepStrictEqual(Array.from(file.bytes as Uint8Array), Array.from(bytes), `${via}: the file's bytes`)
  assert.strictEqual(file.contentType, contentType, `${via}: the file's content type`)
  assert.strictEqual(file.fileName, fileName, `${via}: the file's name`)
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export function checkRequest(
  o: SpecOperation,
  c: Case,
  sent: Recorded,
  idempotency: string | undefined,
  where: string
) {
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
