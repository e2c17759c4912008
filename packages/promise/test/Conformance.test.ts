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
import { SmsCx } from "@smscx/client"
import { Api } from "@smscx/core"
import { callBoth, checkFile, checkRequest, describeFailure, withHarness } from "./conformance/harness.js"
import {
  accessorOf,
  answerShapes,
  type Case,
  casesOf,
  idempotencyField,
  mappedException,
  operations,
  PAGED,
  queryParams,
  resolveName,
  sample,
  spec,
  successOf,
  tags
} from "./conformance/spec.js"

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
