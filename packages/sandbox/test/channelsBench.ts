/**
 * The sandbox the Viber, Whatsapp and Multichannel tests run against (`channelRows.test.ts`,
 * `channels.test.ts`): seed groups, the templates of a `Fixture`, raw HTTP calls, and the send
 * operations with their valid request.
 */
import * as HttpApp from "@effect/platform/HttpApp"
import { assert } from "@effect/vitest"
import { Api } from "@smscx/core"
import * as ErrorCatalogue from "@smscx/core/ErrorCatalogue"
import { Sandbox } from "@smscx/sandbox"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import * as App from "../src/internal/app/app.js"
import * as Templates from "../src/internal/engines/templates.js"
import { toMicros } from "../src/internal/kernel/money.js"
import type * as State from "../src/internal/state/store.js"
import { type Answer, API_KEY, NOW, success, testConfig } from "./utils.js"

export const NL = "+31612345678"
export const DE = "+4915123456789"
/** No channel covers Japan. */
export const JP = "+819012345678"
/** A well-formed id no message or campaign has. */
export const UNKNOWN_ID = "0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11"

export const operations = { ...Api.Viber, ...Api.Whatsapp, ...Api.Multichannel }
export type OperationId = keyof typeof operations
export const operationIds = Object.keys(operations) as ReadonlyArray<OperationId>

/** The documented row of an operation for a code (each code has one row in these tables). */
export const rowOf = (operationId: OperationId, code: number): ErrorCatalogue.Entry => {
  const rows: ReadonlyArray<ErrorCatalogue.Entry> = ErrorCatalogue.errors[operationId]
  const row = rows.find((r) => r.code === code)
  if (row === undefined) throw new Error(`${operationId} documents no ${code}`)
  return row
}

// ---------------------------------------------------------------------------------------------
// The sandbox under test
// ---------------------------------------------------------------------------------------------

export const CUSTOMERS = 1
export const EMPTY = 2
export const ABROAD = 3
export const CROWD = 4

/** Contacts with coverage on every channel, an empty group, and contacts no channel covers. */
export const seedGroups: ReadonlyArray<State.Group> = [
  { id: CUSTOMERS, name: "Customers", contacts: [{ phoneNumber: NL, firstName: "Jan" }, { phoneNumber: DE }] },
  { id: EMPTY, name: "Empty", contacts: [] },
  { id: ABROAD, name: "Abroad", contacts: [{ phoneNumber: JP }] }
]

/** One contact more than a request may reach: seeded only where a case needs it. */
export const crowd: State.Group = {
  id: CROWD,
  name: "Crowd",
  contacts: Array.from({ length: 25_001 }, (_, i) => ({ phoneNumber: `+3161${String(i).padStart(7, "0")}` }))
}

export type TemplateChannel = "viber" | "whatsapp"

/** The templates every sandbox here starts with, by role. */
export interface Fixture {
  /** Approved ones, by channel (an SMS template is approved when created). */
  readonly approved: Readonly<Record<TemplateChannel | "sms", number>>
  /** Waiting for approval. */
  readonly drafts: Readonly<Record<TemplateChannel, number>>
  /** Approved, their text tracking a shortlink that does not exist. */
  readonly tracked: Readonly<Record<TemplateChannel, number>>
}

export interface Bench {
  readonly store: State.Store
  readonly fixture: Fixture
  readonly call: (method: string, path: string, body?: unknown) => Effect.Effect<Answer>
}

/**
 * `harness()` with a configuration: `testConfig` with a balance of 100, the seed groups, and
 * `overrides` (a balance, inactive channels, the crowd); the templates of `Fixture`, created over
 * HTTP and approved as the control API does. The TestClock is at `NOW`.
 */
export const open = (overrides: Partial<App.Config> = {}) =>
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
export const snapshot = (store: State.Store) =>
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
// The sends and their valid request
// ---------------------------------------------------------------------------------------------

export interface SendOperation {
  readonly id: OperationId
  readonly kind: TemplateChannel | "multichannel"
  readonly to: "numbers" | "groups"
}

export const sends: ReadonlyArray<SendOperation> = [
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
export const channelOf = (s: SendOperation): TemplateChannel => s.kind === "whatsapp" ? "whatsapp" : "viber"
export const otherChannel = (channel: TemplateChannel): TemplateChannel => channel === "viber" ? "whatsapp" : "viber"

export const smsStep = { channel: "sms", text: "Your order has shipped" }

/** The fields naming a send's template: `templateId`, or the first step of its strategy. */
export const withTemplate = (s: SendOperation, templateId: unknown) =>
  s.kind === "multichannel" ? { strategy: [{ channel: "viber", templateId }, smsStep] } : { templateId }

/** A request each send accepts in the sandbox `open()` makes. */
export const validBody = (s: SendOperation, f: Fixture): Record<string, unknown> => ({
  from: "InfoText",
  ...(s.to === "numbers" ? { to: [NL] } : { groups: [CUSTOMERS] }),
  ...withTemplate(s, f.approved[channelOf(s)])
})

export const multichannel = (s: SendOperation) => s.kind === "multichannel"

/** A send operation by its id. */
export const sendOf = (id: OperationId) => sends.find((s) => s.id === id)!
