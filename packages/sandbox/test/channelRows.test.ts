/**
 * Every documented error row of the Viber, Whatsapp and Multichannel operations, provoked over raw
 * HTTP (the SDK refuses most of these requests before they leave the client): each answers its
 * row's status, type, code and message, and changes nothing. The catalogue is the list of rows:
 * a row with neither a case here nor a place in the list of rows out of the sandbox's reach fails
 * the suite.
 */
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as ErrorCatalogue from "@smscx/core/ErrorCatalogue"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import type * as App from "../src/internal/app/app.js"
import { toMicros } from "../src/internal/kernel/money.js"
import {
  ABROAD,
  type Bench,
  channelOf,
  CROWD,
  crowd,
  CUSTOMERS,
  EMPTY,
  type Fixture,
  JP,
  multichannel,
  NL,
  open,
  type OperationId,
  operationIds,
  operations,
  otherChannel,
  rowOf,
  seedGroups,
  sendOf,
  type SendOperation,
  sends,
  smsStep,
  snapshot,
  UNKNOWN_ID,
  validBody,
  withTemplate
} from "./channelsBench.js"
import { failure, success, testConfig } from "./utils.js"

// ---------------------------------------------------------------------------------------------
// The probes that break one thing in a send's valid request
// ---------------------------------------------------------------------------------------------

interface Probe {
  readonly code: number
  readonly name: string
  readonly when?: (s: SendOperation) => boolean
  /** Fields replacing the valid request's (undefined leaves one out). */
  readonly patch: (s: SendOperation, f: Fixture) => Record<string, unknown>
  readonly config?: (s: SendOperation) => Partial<App.Config>
  /** The `invalid` list answered (1207, 1210). */
  readonly invalid?: ReadonlyArray<string>
  /** The message, when it is more than the row's. */
  readonly message?: string
}

const toNumbers = (s: SendOperation) => s.to === "numbers"
const toGroups = (s: SendOperation) => s.to === "groups"
const strategy = (...steps: ReadonlyArray<unknown>) => () => ({ strategy: steps })
const viberStep = (f: Fixture) => ({ channel: "viber", templateId: f.approved.viber })

const sendProbes: ReadonlyArray<Probe> = [
  { code: 1101, name: "groups missing", when: toGroups, patch: () => ({ groups: undefined }) },
  { code: 1101, name: "groups empty", when: toGroups, patch: () => ({ groups: [] }) },
  { code: 1140, name: "a group that does not exist", when: toGroups, patch: () => ({ groups: [99] }) },
  { code: 1140, name: "a group id that is not a number", when: toGroups, patch: () => ({ groups: ["one"] }) },
  { code: 1102, name: "an empty group", when: toGroups, patch: () => ({ groups: [CUSTOMERS, EMPTY] }) },
  {
    code: 1103,
    name: "25,001 numbers",
    when: toNumbers,
    patch: () => ({ to: Array.from({ length: 25_001 }, () => NL) })
  },
  {
    code: 1103,
    name: "groups of 25,001 contacts",
    when: toGroups,
    patch: () => ({ groups: [CROWD] }),
    config: () => ({ groups: [...seedGroups, crowd] })
  },
  { code: 1104, name: "to missing", when: toNumbers, patch: () => ({ to: undefined }) },
  { code: 1104, name: "to empty", when: toNumbers, patch: () => ({ to: [] }) },
  { code: 1105, name: "from missing", patch: () => ({ from: undefined }) },
  { code: 1105, name: "from empty", patch: () => ({ from: "" }) },
  { code: 1106, name: "from of 2 characters", when: multichannel, patch: () => ({ from: "AB" }) },
  { code: 1106, name: "from of 12 characters", when: multichannel, patch: () => ({ from: "ABCDEFGHIJKL" }) },
  {
    code: 1107,
    name: "the SMS step without text",
    when: multichannel,
    patch: (_, f) => strategy(viberStep(f), { channel: "sms" })()
  },
  {
    code: 1107,
    name: "the SMS step's text blank",
    when: multichannel,
    patch: (_, f) => strategy(viberStep(f), { channel: "sms", text: "  " })()
  },
  { code: 1108, name: "scheduledDate not a date", patch: () => ({ scheduledDate: "tomorrow" }) },
  { code: 1108, name: "scheduledDate impossible", patch: () => ({ scheduledDate: "2025-02-30 10:00:00" }) },
  { code: 1109, name: "dlrCallbackUrl not a URL", patch: () => ({ dlrCallbackUrl: "not a url" }) },
  { code: 1109, name: "dlrCallbackUrl not http", patch: () => ({ dlrCallbackUrl: "ftp://example.com/dlr" }) },
  { code: 1111, name: "idempotencyId not a UUID", patch: () => ({ idempotencyId: "abc" }) },
  {
    code: 1112,
    name: "the template tracks an unknown shortlink",
    when: (s) => !multichannel(s),
    patch: (s, f) => withTemplate(s, f.tracked[channelOf(s)])
  },
  {
    code: 1112,
    name: "the Viber step's template tracks an unknown shortlink",
    when: multichannel,
    patch: (s, f) => withTemplate(s, f.tracked.viber)
  },
  {
    code: 1112,
    name: "the SMS step tracks an unknown shortlink",
    when: multichannel,
    patch: (_, f) => strategy(viberStep(f), { channel: "sms", text: "Track it: {{shortlink:bVc}}" })()
  },
  { code: 1116, name: "scheduledDate in the past", patch: () => ({ scheduledDate: "2025-06-01 11:59:59" }) },
  {
    code: 1207,
    name: "one invalid number",
    when: toNumbers,
    patch: () => ({ to: [NL, "+3161234"] }),
    invalid: ["+3161234"]
  },
  {
    code: 1207,
    name: "the only number invalid, even with allowInvalid",
    when: toNumbers,
    patch: () => ({ to: ["+3161234"], allowInvalid: true }),
    invalid: ["+3161234"]
  },
  {
    code: 1210,
    name: "several invalid numbers",
    when: toNumbers,
    patch: () => ({ to: ["12", NL, "nope"] }),
    invalid: ["12", "nope"]
  },
  { code: 1113, name: "a balance of 0", patch: () => ({}), config: () => ({ balanceMicros: 0 }) },
  {
    code: 1113,
    name: "a balance short of the cost itself",
    patch: () => ({}),
    // the cheapest of these sends costs 0.028 (Viber to NL)
    config: () => ({ balanceMicros: toMicros(0.02) })
  },
  {
    code: 1130,
    name: "a balance covering the cost but not the SMS failover",
    when: multichannel,
    patch: () => ({}),
    // Viber to NL 0.028 (+ DE 0.031), held back: SMS to NL 0.072 (+ DE 0.079)
    config: (s) => ({ balanceMicros: toMicros(s.to === "numbers" ? 0.05 : 0.1) })
  },
  { code: 1119, name: "a number no channel covers", when: toNumbers, patch: () => ({ to: [JP] }) },
  { code: 1119, name: "a group no channel covers", when: toGroups, patch: () => ({ groups: [ABROAD] }) },
  { code: 1120, name: "strategy missing", when: multichannel, patch: () => ({ strategy: undefined }) },
  { code: 1120, name: "strategy empty", when: multichannel, patch: strategy() },
  { code: 1121, name: "a strategy of one channel", when: multichannel, patch: strategy(smsStep) },
  {
    code: 1122,
    name: "a strategy not ending with SMS",
    when: multichannel,
    patch: (_, f) => strategy(smsStep, viberStep(f))()
  },
  {
    code: 1129,
    name: "a strategy naming a channel twice",
    when: multichannel,
    patch: (_, f) => strategy(viberStep(f), viberStep(f), smsStep)()
  },
  {
    code: 1123,
    name: "a strategy with an unknown channel",
    when: multichannel,
    patch: strategy({ channel: "telegram", text: "Hi" }, smsStep)
  },
  { code: 1124, name: "ttl not a number", when: multichannel, patch: () => ({ ttl: "soon" }) },
  { code: 1124, name: "ttl not an integer", when: multichannel, patch: () => ({ ttl: 300.5 }) },
  { code: 1125, name: "ttl of 299 seconds", when: multichannel, patch: () => ({ ttl: 299 }) },
  { code: 1134, name: "ttl over 14 days", when: multichannel, patch: () => ({ ttl: 1_209_601 }) },
  { code: 1126, name: "templateId missing", patch: (s) => withTemplate(s, undefined) },
  { code: 1127, name: "templateId not a number", patch: (s) => withTemplate(s, "abc") },
  { code: 1127, name: "templateId not an integer", patch: (s) => withTemplate(s, 1.5) },
  { code: 1128, name: "a template that does not exist", patch: (s) => withTemplate(s, 999) },
  {
    code: 1128,
    name: "a template of the other channel",
    patch: (s, f) => withTemplate(s, f.approved[otherChannel(channelOf(s))])
  },
  { code: 1128, name: "an SMS template", patch: (s, f) => withTemplate(s, f.approved.sms) },
  { code: 1132, name: "a template not approved", patch: (s, f) => withTemplate(s, f.drafts[channelOf(s)]) },
  {
    code: 1131,
    name: "a strategy with an inactive channel",
    when: multichannel,
    patch: () => ({}),
    config: () => ({ channels: { ...testConfig().channels, viber: false } }),
    message: `${rowOf("sendMultichannelMessage", 1131).message} viber`
  }
]

// ---------------------------------------------------------------------------------------------
// The deletions of scheduled messages and campaigns
// ---------------------------------------------------------------------------------------------

interface DeleteOperation {
  readonly id: OperationId
  readonly what: "message" | "campaign"
  /** The send whose messages it deletes. */
  readonly send: SendOperation
}

const deletes: ReadonlyArray<DeleteOperation> = [
  { id: "deleteScheduledViberMessage", what: "message", send: sendOf("sendViberMessage") },
  { id: "deleteScheduledViberCampaign", what: "campaign", send: sendOf("sendViberCampaign") },
  { id: "deleteScheduledWhatsappMessage", what: "message", send: sendOf("sendWhatsappMessage") },
  { id: "deleteScheduledMultichannelMessage", what: "message", send: sendOf("sendMultichannelMessage") },
  { id: "deleteScheduledMultichannelCampaign", what: "campaign", send: sendOf("sendMultichannelCampaign") }
]

/** Sends `body` with `operationId` and gives its first message's id and its campaign's. */
const sent = (bench: Bench, operationId: OperationId | "sendSms" | "sendSmsCampaign", body: object) =>
  Effect.gen(function*() {
    const operation = operationId === "sendSms"
      ? Api.Sms.sendSms
      : operationId === "sendSmsCampaign"
      ? Api.Sms.sendSmsCampaign
      : operations[operationId]
    const answer = yield* bench.call(operation.method, operation.path, body)
    yield* success(operation, answer)
    const json = answer.json as {
      readonly data: ReadonlyArray<{ readonly msgId: string }>
      readonly info: { readonly campaignId: string }
    }
    return { msgId: json.data[0]!.msgId, campaignId: json.info.campaignId }
  })

const idOf = (d: DeleteOperation, ids: { readonly msgId: string; readonly campaignId: string }) =>
  d.what === "message" ? ids.msgId : ids.campaignId

interface DeleteProbe {
  readonly code: number
  readonly name: string
  /** What exists before the request; gives the id in its path. */
  readonly prepare: (d: DeleteOperation, bench: Bench) => Effect.Effect<string>
}

const given = (id: string) => () => Effect.succeed(id)

const deleteProbes: ReadonlyArray<DeleteProbe> = [
  { code: 1115, name: "a msgId that is not an id", prepare: given("not-a-msg-id") },
  { code: 1155, name: "a campaignId that is not an id", prepare: given("123") },
  { code: 1100, name: "an unknown msgId", prepare: given(UNKNOWN_ID) },
  { code: 1150, name: "an unknown campaignId", prepare: given(UNKNOWN_ID) },
  {
    code: 1100,
    name: "a message sent at once (never scheduled)",
    prepare: (d, bench) => Effect.map(sent(bench, d.send.id, validBody(d.send, bench.fixture)), (ids) => ids.msgId)
  },
  {
    code: 1150,
    name: "a campaign sent at once (never scheduled)",
    prepare: (d, bench) => Effect.map(sent(bench, d.send.id, validBody(d.send, bench.fixture)), (ids) => ids.campaignId)
  },
  {
    code: 1100,
    name: "a scheduled SMS message",
    prepare: (_, bench) =>
      Effect.map(
        sent(bench, "sendSms", { from: "InfoText", text: "Hi", to: [NL], scheduledDate: "2025-06-02 09:00:00" }),
        (ids) => ids.msgId
      )
  },
  {
    code: 1150,
    name: "a scheduled SMS campaign",
    prepare: (_, bench) =>
      Effect.map(
        sent(bench, "sendSmsCampaign", {
          from: "InfoText",
          text: "Hi",
          groups: [CUSTOMERS],
          scheduledDate: "2025-06-02 09:00:00"
        }),
        (ids) => ids.campaignId
      )
  },
  {
    code: 1118,
    name: "scheduled, but its time has come",
    prepare: (d, bench) =>
      Effect.gen(function*() {
        const ids = yield* sent(bench, d.send.id, {
          ...validBody(d.send, bench.fixture),
          scheduledDate: "2025-06-01 12:30:00"
        })
        yield* TestClock.adjust("1 hour")
        return idOf(d, ids)
      })
  }
]

// ---------------------------------------------------------------------------------------------
// The cases, and the rows out of reach
// ---------------------------------------------------------------------------------------------

interface Case {
  readonly operationId: OperationId
  readonly code: number
  readonly name: string
  readonly config: Partial<App.Config>
  readonly prepare: (bench: Bench) => Effect.Effect<string>
  readonly body: (f: Fixture) => Record<string, unknown> | undefined
  readonly invalid?: ReadonlyArray<string> | undefined
  readonly message?: string | undefined
}

const documentedCodes = (operationId: OperationId): ReadonlyArray<number | undefined> =>
  (ErrorCatalogue.errors[operationId] as ReadonlyArray<ErrorCatalogue.Entry>).map((r) => r.code)

/** A case for each probe of each row an operation documents (a probe of a row it lacks is none). */
const cases: ReadonlyArray<Case> = [
  ...sends.flatMap((s) =>
    sendProbes
      .filter((p) => documentedCodes(s.id).includes(p.code) && (p.when === undefined || p.when(s)))
      .map((p): Case => ({
        operationId: s.id,
        code: p.code,
        name: p.name,
        config: p.config?.(s) ?? {},
        prepare: () => Effect.succeed(""),
        body: (f) => ({ ...validBody(s, f), ...p.patch(s, f) }),
        invalid: p.invalid,
        message: p.message
      }))
  ),
  ...deletes.flatMap((d) =>
    deleteProbes
      .filter((p) => documentedCodes(d.id).includes(p.code))
      .map((p): Case => ({
        operationId: d.id,
        code: p.code,
        name: p.name,
        config: {},
        prepare: (bench) => p.prepare(d, bench),
        body: () => undefined
      }))
  )
]

const sendIds = sends.map((s) => s.id)

/** Documented rows no request to the sandbox can provoke, with the reason. */
const outOfReach: ReadonlyArray<readonly [OperationId, number]> = [
  // 1114 "Credit limit reached": the sandbox's accounts are prepaid (`billing: "prepaid"`), so a
  // short balance is always 1113
  ...sendIds.map((id) => [id, 1114] as const),
  // 1133 "not locked": approving a template locks it, and only an approved template is sent, so
  // "approved but not locked" never happens (an unapproved one is 1132)
  ...sendIds.map((id) => [id, 1133] as const),
  // 1207/1210 on Viber campaigns: contacts are validated when added to a group; a seed contact
  // whose number is not valid is skipped by a campaign and listed in `info.invalid` (as for SMS
  // campaigns, whose table has no 1207/1210), never an error
  ["sendViberCampaign", 1207],
  ["sendViberCampaign", 1210],
  ["estimateViberCampaign", 1207],
  ["estimateViberCampaign", 1210]
]

const keyOf = (operationId: string, code: number | undefined) => `${operationId} ${code}`

describe("the documented rows of the Viber, Whatsapp and Multichannel operations", () => {
  it("each has a case, or is listed out of the sandbox's reach (and not both)", () => {
    const rows = operationIds.flatMap((id) => documentedCodes(id).map((code) => keyOf(id, code)))
    // the generic rows (401, 403 scope, 405, 429, 500) carry no code and are not in these tables;
    // the kernel tests cover them for every operation
    assert.deepStrictEqual(rows.filter((key) => key.endsWith(" undefined")), [])
    const covered = new Set(cases.map((c) => keyOf(c.operationId, c.code)))
    const excluded = new Set(outOfReach.map(([id, code]) => keyOf(id, code)))
    assert.deepStrictEqual(rows.filter((key) => !covered.has(key) && !excluded.has(key)), [], "rows without a case")
    assert.deepStrictEqual([...excluded].filter((key) => covered.has(key)), [], "rows out of reach with a case")
    assert.deepStrictEqual([...excluded].filter((key) => !rows.includes(key)), [], "rows out of reach not documented")
    assert.strictEqual(operationIds.length, 15)
  })

  it.effect.each(cases)("$operationId $code: $name", (c) =>
    Effect.gen(function*() {
      const bench = yield* open(c.config)
      const id = yield* c.prepare(bench)
      const before = yield* snapshot(bench.store)
      const operation = operations[c.operationId]
      const answer = yield* bench.call(operation.method, operation.path.replace(/\{\w+\}/, id), c.body(bench.fixture))
      const row = rowOf(c.operationId, c.code)
      const body = yield* failure(answer, row.status, row.type, c.code)
      assert.strictEqual(body.error.message, c.message ?? row.message)
      assert.deepStrictEqual(body.invalid, c.invalid)
      assert.deepStrictEqual(yield* snapshot(bench.store), before)
    }))
})
