/**
 * Every documented error row of the Viber, Whatsapp and Multichannel operations, provoked over raw
 * HTTP (the SDK refuses most of these requests before they leave the client): each answers its
 * row's status, type, code and message, and changes nothing. The catalogue is the list of rows:
 * a row with neither a case here nor a place in the list of rows out of the sandbox's reach fails
 * the suite.
 */
import * as HttpApp from "@effect/platform/HttpApp"
import { assert, describe, it } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as ErrorCatalogue from "@smscx/core/ErrorCatalogue"
import { Sandbox } from "@smscx/sandbox"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import * as App from "../src/internal/app/app.js"
import * as Templates from "../src/internal/engines/templates.js"
import { toMicros } from "../src/internal/kernel/money.js"
import type * as State from "../src/internal/state/store.js"
import { type Answer, API_KEY, failure, NOW, success, testConfig } from "./utils.js"

const NL = "+31612345678"
const DE = "+4915123456789"
/** No channel covers Japan. */
const JP = "+819012345678"
/** A well-formed id no message or campaign has. */
const UNKNOWN_ID = "0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11"

const operations = { ...Api.Viber, ...Api.Whatsapp, ...Api.Multichannel }
type OperationId = keyof typeof operations
const operationIds = Object.keys(operations) as ReadonlyArray<OperationId>

/** The documented row of an operation for a code (each code has one row in these tables). */
const rowOf = (operationId: OperationId, code: number): ErrorCatalogue.Entry => {
  const rows: ReadonlyArray<ErrorCatalogue.Entry> = ErrorCatalogue.errors[operationId]
  const row = rows.find((r) => r.code === code)
  if (row === undefined) throw new Error(`${operationId} documents no ${code}`)
  return row
}

// ---------------------------------------------------------------------------------------------
// The sandbox under test
// ---------------------------------------------------------------------------------------------

const CUSTOMERS = 1
const EMPTY = 2
const ABROAD = 3
const CROWD = 4

/** Contacts with coverage on every channel, an empty group, and contacts no channel covers. */
const seedGroups: ReadonlyArray<State.Group> = [
  { id: CUSTOMERS, name: "Customers", contacts: [{ phoneNumber: NL, firstName: "Jan" }, { phoneNumber: DE }] },
  { id: EMPTY, name: "Empty", contacts: [] },
  { id: ABROAD, name: "Abroad", contacts: [{ phoneNumber: JP }] }
]

/** One contact more than a request may reach: seeded only where a case needs it. */
const crowd: State.Group = {
  id: CROWD,
  name: "Crowd",
  contacts: Array.from({ length: 25_001 }, (_, i) => ({ phoneNumber: `+3161${String(i).padStart(7, "0")}` }))
}

type TemplateChannel = "viber" | "whatsapp"

/** The templates every sandbox here starts with, by role. */
interface Fixture {
  /** Approved ones, by channel (an SMS template is approved when created). */
  readonly approved: Readonly<Record<TemplateChannel | "sms", number>>
  /** Waiting for approval. */
  readonly drafts: Readonly<Record<TemplateChannel, number>>
  /** Approved, their text tracking a shortlink that does not exist. */
  readonly tracked: Readonly<Record<TemplateChannel, number>>
}

interface Bench {
  readonly store: State.Store
  readonly fixture: Fixture
  readonly call: (method: string, path: string, body?: unknown) => Effect.Effect<Answer>
}

/**
 * `harness()` with a configuration: `testConfig` with a balance of 100, the seed groups, and
 * `overrides` (a balance, inactive channels, the crowd); the templates of `Fixture`, created over
 * HTTP and approved as the control API does. The TestClock is at `NOW`.
 */
const open = (overrides: Partial<App.Config> = {}) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(NOW)
    const instance = yield* App.make({
      ...testConfig(),
      balanceMicros: toMicros(100),
      groups: seedGroups,
      ...overrides
    })
    const handler = HttpApp.toWebHandlerRuntime(yield* Effect.runtime<never>())(instance.app)
    const call = (method: string, path: string, body?: unknown) =>
      Effect.promise(async (): Promise<Answer> => {
        const response = await handler(
          new Request(Sandbox.baseUrl + path, {
            method,
            headers: { "X-API-KEY": API_KEY, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
            ...(body === undefined ? {} : { body: JSON.stringify(body) })
          })
        )
        const text = await response.text()
        return {
          status: response.status,
          headers: Object.fromEntries(response.headers),
          json: text === "" ? undefined : JSON.parse(text) as unknown
        }
      })
    const template = (name: string, channel: TemplateChannel | "sms", text: string, approve: boolean) =>
      Effect.gen(function*() {
        const created = yield* success(
          Api.Templates.createTemplate,
          yield* call("POST", "/templates", { name, channel, text })
        )
        if (approve) assert.isTrue(yield* Templates.approveTemplate(instance.store, created.info.id))
        return created.info.id
      })
    const fixture: Fixture = {
      approved: {
        viber: yield* template("Viber shipped", "viber", "Your order has shipped", true),
        whatsapp: yield* template("Whatsapp shipped", "whatsapp", "Your order has shipped", true),
        sms: yield* template("Sms shipped", "sms", "Your order has shipped", false)
      },
      drafts: {
        viber: yield* template("Viber draft", "viber", "Not reviewed yet", false),
        whatsapp: yield* template("Whatsapp draft", "whatsapp", "Not reviewed yet", false)
      },
      tracked: {
        viber: yield* template("Viber tracked", "viber", "Track it: {{shortlink:bVc}}", true),
        whatsapp: yield* template("Whatsapp tracked", "whatsapp", "Track it: {{shortlink:bVc}}", true)
      }
    }
    return { store: instance.store, fixture, call } satisfies Bench
  })

/** What a failed request must leave as it was: the balance, the messages and the campaigns. */
const snapshot = (store: State.Store) =>
  Effect.gen(function*() {
    const state = {
      balanceMicros: yield* store.balanceMicros,
      messages: yield* store.messages,
      kept: store.storedMessages().length,
      campaigns: yield* store.campaigns
    }
    // a copy: the store's records could be changed in place
    return JSON.parse(JSON.stringify(state)) as unknown
  })

// ---------------------------------------------------------------------------------------------
// The sends: their valid request, and the probes that break one thing in it
// ---------------------------------------------------------------------------------------------

interface SendOperation {
  readonly id: OperationId
  readonly kind: TemplateChannel | "multichannel"
  readonly to: "numbers" | "groups"
}

const sends: ReadonlyArray<SendOperation> = [
  { id: "sendViberMessage", kind: "viber", to: "numbers" },
  { id: "estimateViberMessage", kind: "viber", to: "numbers" },
  { id: "sendViberCampaign", kind: "viber", to: "groups" },
  { id: "estimateViberCampaign", kind: "viber", to: "groups" },
  { id: "sendWhatsappMessage", kind: "whatsapp", to: "numbers" },
  { id: "estimateWhatsappMessage", kind: "whatsapp", to: "numbers" },
  { id: "sendMultichannelMessage", kind: "multichannel", to: "numbers" },
  { id: "estimateMultichannelMessage", kind: "multichannel", to: "numbers" },
  { id: "sendMultichannelCampaign", kind: "multichannel", to: "groups" },
  { id: "estimateMultichannelCampaign", kind: "multichannel", to: "groups" }
]

/** The channel of a send's template: a multichannel strategy starts with Viber here. */
const channelOf = (s: SendOperation): TemplateChannel => s.kind === "whatsapp" ? "whatsapp" : "viber"
const otherChannel = (channel: TemplateChannel): TemplateChannel => channel === "viber" ? "whatsapp" : "viber"

const smsStep = { channel: "sms", text: "Your order has shipped" }

/** The fields naming a send's template: `templateId`, or the first step of its strategy. */
const withTemplate = (s: SendOperation, templateId: unknown) =>
  s.kind === "multichannel" ? { strategy: [{ channel: "viber", templateId }, smsStep] } : { templateId }

/** A request each send accepts in the sandbox `open()` makes. */
const validBody = (s: SendOperation, f: Fixture): Record<string, unknown> => ({
  from: "InfoText",
  ...(s.to === "numbers" ? { to: [NL] } : { groups: [CUSTOMERS] }),
  ...withTemplate(s, f.approved[channelOf(s)])
})

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
const multichannel = (s: SendOperation) => s.kind === "multichannel"
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

const sendOf = (id: OperationId) => sends.find((s) => s.id === id)!

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

// ---------------------------------------------------------------------------------------------
// Beyond the tables
// ---------------------------------------------------------------------------------------------

const post = (bench: Bench, s: SendOperation, patch: Record<string, unknown> = {}) => {
  const operation = operations[s.id]
  return bench.call(operation.method, operation.path, { ...validBody(s, bench.fixture), ...patch })
}

/** `failure` and nothing changed. */
const refused = (bench: Bench, answer: Effect.Effect<Answer>, status: number, type: string, code: number) =>
  Effect.gen(function*() {
    const before = yield* snapshot(bench.store)
    const body = yield* failure(yield* answer, status, type, code)
    assert.deepStrictEqual(yield* snapshot(bench.store), before)
    return body
  })

describe("inactive channels", () => {
  const inactive = (channel: "viber" | "whatsapp" | "multichannel", more: Partial<App.Config["channels"]> = {}) => ({
    channels: { ...testConfig().channels, [channel]: false, ...more }
  })

  it.effect("a Viber send or estimate, to numbers or groups, is 403 1606 when Viber is not active", () =>
    Effect.gen(function*() {
      const bench = yield* open(inactive("viber"))
      for (const s of sends.filter((s) => s.kind === "viber")) {
        yield* refused(bench, post(bench, s), 403, "access_denied", 1606)
      }
      // WhatsApp still sends
      yield* success(Api.Whatsapp.sendWhatsappMessage, yield* post(bench, sendOf("sendWhatsappMessage")))
    }))

  it.effect("a WhatsApp send or estimate is 403 1608 when WhatsApp is not active", () =>
    Effect.gen(function*() {
      const bench = yield* open(inactive("whatsapp"))
      for (const s of sends.filter((s) => s.kind === "whatsapp")) {
        yield* refused(bench, post(bench, s), 403, "access_denied", 1608)
      }
      yield* success(Api.Viber.sendViberMessage, yield* post(bench, sendOf("sendViberMessage")))
    }))

  it.effect("multichannel is 403 1131, its message listing the inactive channels of the strategy", () =>
    Effect.gen(function*() {
      const bench = yield* open(inactive("multichannel", { whatsapp: false }))
      const whatsappFirst = {
        strategy: [{ channel: "whatsapp", templateId: bench.fixture.approved.whatsapp }, smsStep]
      }
      for (const s of sends.filter(multichannel)) {
        const body = yield* refused(bench, post(bench, s, whatsappFirst), 403, "access_denied", 1131)
        assert.strictEqual(body.error.message, `${rowOf(s.id, 1131).message} multichannel, whatsapp`)
      }
    }))

  it.effect("a strategy avoiding the inactive channel is sent", () =>
    Effect.gen(function*() {
      const bench = yield* open(inactive("viber"))
      const whatsappFirst = {
        strategy: [{ channel: "whatsapp", templateId: bench.fixture.approved.whatsapp }, smsStep]
      }
      const body = yield* success(
        Api.Multichannel.sendMultichannelMessage,
        yield* post(bench, sendOf("sendMultichannelMessage"), whatsappFirst)
      )
      assert.deepStrictEqual(body.data.map((m) => [m.to, m.channel, m.status]), [[NL, "whatsapp", "ACCEPTED"]])
    }))
})

describe("multichannel `from`", () => {
  it.effect("takes 3 to 11 characters; 12 to 15 (which the schema allows) and 16 are 400 1106", () =>
    Effect.gen(function*() {
      const bench = yield* open()
      for (const s of sends.filter(multichannel)) {
        for (const from of ["ABCDEFGHIJKL", "ABCDEFGHIJKLM", "ABCDEFGHIJKLMN", "ABCDEFGHIJKLMNO", "ABCDEFGHIJKLMNOP"]) {
          yield* refused(bench, post(bench, s, { from }), 400, "invalid_param", 1106)
        }
      }
      for (const from of ["ABC", "ABCDEFGHIJK"]) {
        const body = yield* success(
          Api.Multichannel.estimateMultichannelMessage,
          yield* post(bench, sendOf("estimateMultichannelMessage"), { from })
        )
        assert.strictEqual(body.data[0]!.from, from)
      }
    }))
})

describe("the SMS failover reserve", () => {
  it.effect("a balance of cost plus reserve sends; only the cost is charged", () =>
    Effect.gen(function*() {
      // Viber to NL 0.028, its SMS failover 0.072
      const bench = yield* open({ balanceMicros: toMicros(0.1) })
      const estimate = yield* success(
        Api.Multichannel.estimateMultichannelMessage,
        yield* post(bench, sendOf("estimateMultichannelMessage"))
      )
      assert.strictEqual(estimate.info.totalCost, 0.028)
      const body = yield* success(
        Api.Multichannel.sendMultichannelMessage,
        yield* post(bench, sendOf("sendMultichannelMessage"))
      )
      assert.strictEqual(body.info.totalCost, 0.028)
      assert.strictEqual(yield* bench.store.balanceMicros, toMicros(0.072))
      // what is left covers an SMS, not a Viber message and its failover
      for (const s of [sendOf("sendMultichannelMessage"), sendOf("estimateMultichannelMessage")]) {
        yield* refused(bench, post(bench, s), 400, "insufficient_credit", 1130)
      }
    }))
})
