/**
 * What an editor shows: hovers of the methods (both styles) and of a request's fields, read from
 * TypeScript's language service (scripts/hover.ts), and the generated `@example` of every method,
 * type-checked as a user would paste it.
 */
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { assert, beforeAll, describe, it } from "vitest"
import { check, probes, sample } from "../../../scripts/hover.js"
import * as Api from "../src/Api.js"

const src = (file: string) => readFileSync(fileURLToPath(new URL(`../src/${file}`, import.meta.url)), "utf8")

/** Effect internals a hover must not show. */
const INTERNALS = ["Operation<", "Struct<", "filter<", "typeof String$", "Method<Operation"]

const noInternals = (text: string) => {
  for (const internal of INTERNALS) assert.notInclude(text, internal)
}

/** Every method's generated `@example`, both styles, as one file that must compile. */
const examples = (api: string) => {
  const promise: Array<string> = []
  const effect: Array<string> = []
  for (const [, block] of api.matchAll(/@example\n {3}\* ```ts\n((?: {3}\*.*\n)*?) {3}\* ```/g)) {
    const lines = block!.split("\n").map((l) => l.replace(/^ {3}\* ?/, "")).filter((l) => l !== "")
    const at = lines.findIndex((l) => l.startsWith("// Effect"))
    promise.push(`{\n${lines.slice(1, at).join("\n")}\n}`)
    effect.push(`{\n${lines.slice(at + 1).join("\n")}\n}`)
  }
  const groups = Object.keys(Api.groups).map((g) => g.charAt(0).toUpperCase() + g.slice(1))
  const code = [
    `import { SmsCx } from "@smscx/promise"`,
    `import { ${groups.join(", ")} } from "@smscx/client"`,
    `import { Effect } from "effect"`,
    `const client = new SmsCx({ apiKey: "key" })`,
    `export const promises = async () => {\n${promise.join("\n")}\n}`,
    `export const effects = Effect.gen(function*() {\n${effect.join("\n")}\n})`
  ].join("\n")
  return { count: promise.length, code }
}

/** Calls a newcomer gets wrong: their type errors must name the request. */
const mistakes = `import { SmsCx } from "@smscx/promise"
const client = new SmsCx({ apiKey: "key" })
export const a = client.sms.sendSms({ to: ["+14155550123"], text: "Hi" })
export const b = client.reports.getAdvancedReport({ period: "2026-05", start_date: "2026-05-01" })
`

describe("Hovers speak the API", () => {
  const api = src("Api.ts")
  const written = examples(api)
  let results: ReturnType<typeof check>
  // one language service for both files: building the program is most of the time
  beforeAll(() => {
    results = check([
      {
        code: `${sample}\nexport const method = client.sms.sendSms\n`,
        probes: [...probes, { name: "method", at: "sendSms", after: "export const method" }]
      },
      { code: written.code, probes: [] },
      { code: mistakes, probes: [] }
    ])
  }, 120_000)

  it("methods show their named request, answer and errors; fields their meaning and constraints", () => {
    const { errors, hovers: found } = results[0]!
    assert.deepStrictEqual(errors, [])
    const hover = (name: string) => found.find((h) => h.name === name)!
    for (const h of found) noInternals(h.display)

    assert.strictEqual(
      hover("Promise sendSms").display,
      "(property) sendSms: (request: SendSmsRequest, options?: CallOptions | undefined) => Promise<SendSmsResponse>"
    )
    assert.include(hover("Promise sendSms").documentation, "Sends SMS to a single phone number")
    assert.strictEqual(
      hover("Effect sendSms").display,
      "(property) sendSms: (request: SendSmsRequest, options?: CallOptions | undefined) => Effect.Effect<SendSmsResponse, SendSmsError, never>"
    )
    assert.strictEqual(hover("Promise result").display, "const sent: SendSmsResponse")
    assert.strictEqual(hover("Effect result").display, "const answer: SendSmsResponse")
    assert.strictEqual(hover("method").display, "(property) sendSms: Method<SendSmsSignature>")

    // a field is declared by the component's written-out type (`Shapes`), whose name the hover gives
    assert.strictEqual(hover("field from").display, "(property) SendSmsMessageRequest.from: string")
    assert.include(hover("field from").documentation, "The originator (sender name)")
    assert.include(hover("field from").documentation, "3 to 15 characters")
    assert.include(hover("field to").documentation, "At most 25000 items; each at most 64 characters")
    assert.strictEqual(
      hover("field scheduledDate").display,
      "(property) SendSmsMessageRequest.scheduledDate?: string | undefined"
    )
    assert.include(hover("field scheduledDate").documentation, "**YYYY-MM-DD HH:MM:SS**")
    assert.include(hover("field scheduledDate").documentation, "A date-time, `YYYY-MM-DD HH:MM:SS` or ISO 8601.")
    assert.include(hover("report period").documentation, "a year `Y`")
    assert.include(hover("report start_date").documentation, "`Y-m-d`")
  })

  it("every method's @example compiles, with values rather than placeholders", () => {
    const count = Object.values(Api.groups).reduce((n, group) => n + Object.keys(group).length, 0)
    assert.strictEqual(written.count, count)
    // `result` is left unread in an example
    assert.deepStrictEqual(results[1]!.errors.filter((e) => !e.includes("is declared but")), [])
    // values, not the field names of the generic examples (`sendSms({ to, from, text })`)
    assert.include(api, `client.sms.sendSms({ to: ["+14155550123"], from: "InfoText", text: "Your code is 1234" })`)
  })

  it("type errors name the request, not its schema", () => {
    const errors = results[2]!.errors
    assert.strictEqual(errors.length, 2)
    assert.include(errors[0], "not assignable to parameter of type 'SendSmsRequest'")
    assert.include(errors[0], "Property 'from' is missing")
    assert.include(errors[1], "not assignable to parameter of type 'GetAdvancedReportRequest'")
    for (const error of errors) noInternals(error)
  })

  it("no generated comment links to a dead anchor such as `[sender names](#)`", () => {
    for (const file of ["Api.ts", "Generated.ts", "Models.ts", "ErrorCatalogue.ts"]) {
      assert.notMatch(src(file), /\]\(#[^)]*\)/, file)
    }
  })
})
