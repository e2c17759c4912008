/**
 * Table-driven, over `Api.groups`: every one of the 100 operations has its runnable example under
 * `examples/<group>/`, and each example,
 * run through the SDK against the sandbox on loopback, gets a successful answer for its
 * operation that the reference document accepts (ajv, `contract.ts`): a proxy between the two
 * checks every answer as it passes.
 */
import * as Api from "@smscx/core/Api"
import { Sandbox } from "@smscx/sandbox"
import { existsSync } from "node:fs"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
// how long the sandbox keeps a bulk lookup pending (internal: no option sets it)
import { BULK_LOOKUP_SECONDS } from "../../sandbox/src/internal/engines/numberLookups.js"
import { operationOf, violations } from "./contract.js"

const examples = new URL("../../../examples/", import.meta.url)
/** `exportGroupToCSV` → `export-group-to-csv`, as the examples are named. */
const kebab = (id: string) =>
  id.replace(/([a-z0-9])([A-Z])/g, "$1-$2").replace(/([A-Z])([A-Z][a-z])/g, "$1-$2").toLowerCase()
const exampleOf = (group: string, operationId: string) => new URL(`${group}/${kebab(operationId)}.ts`, examples)

const groups = Object.entries(Api.groups)

const API_KEY = "every-operation-key"
const APPLICATION = { applicationId: "every-operation-app", applicationSecret: "every-operation-secret" }
const succeeded = new Set<string>()
const misfits: Array<string> = []
let sandbox: Sandbox.Server
let proxy: Http.Server
const saved = { ...process.env }

beforeAll(async () => {
  sandbox = await Sandbox.start({
    port: 0,
    apiKeys: [API_KEY],
    applications: [APPLICATION],
    // no operation creates attachments: the Attachments examples read these
    attachments: Array.from({ length: 5 }, (_, i) => ({
      fileName: `invoice-${i + 1}.pdf`,
      contentType: "application/pdf",
      sizeBytes: 1000 + i
    }))
  })
  // between the SDK and the sandbox: forwards each request, checks each answer against the spec
  proxy = Http.createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", async () => {
      const path = req.url ?? "/"
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([name, v]) =>
          typeof v === "string" && name !== "host" && name !== "connection"
        )
      ) as Record<string, string>
      const body = chunks.length === 0 ? undefined : Buffer.concat(chunks)
      const answer = await fetch(new URL(path, sandbox.url), {
        method: req.method ?? "GET",
        headers,
        ...(body === undefined || req.method === "GET" ? {} : { body })
      })
      const bytes = Buffer.from(await answer.arrayBuffer())
      const contentType = answer.headers.get("content-type") ?? undefined
      const pathname = new URL(path, sandbox.url).pathname
      const json = contentType?.startsWith("application/json") === true
      misfits.push(
        ...violations(req.method ?? "GET", pathname, answer.status, contentType, json ? bytes.toString("utf8") : "")
      )
      const operation = operationOf(req.method ?? "GET", pathname)
      if (operation !== undefined && answer.status < 300) succeeded.add(operation.id)
      // the examples ask for a bulk lookup's results until they are complete, in real time: the
      // sandbox's clock is moved on by the time they stay pending (its control API), so that the
      // next question finds them complete rather than after seconds of waiting
      if (operation?.id === "lookupNumbers" && answer.status < 300) {
        const advanced = await fetch(new URL("/__sandbox/time", sandbox.url), {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ seconds: BULK_LOOKUP_SECONDS })
        })
        if (advanced.status !== 200) misfits.push(`advancing the sandbox's clock: ${advanced.status}`)
      }
      const out: Record<string, string> = {}
      answer.headers.forEach((value, name) => {
        if (!["content-encoding", "transfer-encoding", "connection", "content-length"].includes(name)) out[name] = value
      })
      res.writeHead(answer.status, out).end(bytes)
    })
  })
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve))
  // the examples' credentials: they then call "the API" at SMSCX_BASE_URL, here the proxy
  delete process.env.SMSCX_ACCESS_TOKEN
  process.env.SMSCX_API_KEY = API_KEY
  process.env.SMSCX_APPLICATION_ID = APPLICATION.applicationId
  process.env.SMSCX_APPLICATION_SECRET = APPLICATION.applicationSecret
  process.env.SMSCX_BASE_URL = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
})

afterAll(async () => {
  process.env = saved
  await new Promise<void>((resolve) => proxy.close(() => resolve()))
  await sandbox.close()
})

describe("every operation, through its example and the SDK", () => {
  it("each of the 100 has an example", () => {
    assert.strictEqual(groups.flatMap(([, operations]) => Object.keys(operations)).length, 100)
    const missing = groups.flatMap(([group, operations]) =>
      Object.keys(operations).filter((id) => !existsSync(exampleOf(group, id))).map((id) => `${group}/${kebab(id)}`)
    )
    assert.deepStrictEqual(missing, [])
  })

  for (const [group, operations] of groups) {
    it(`${group}: each example succeeds at its operation, with answers the reference document accepts`, async () => {
      for (const id of Object.keys(operations)) await import(exampleOf(group, id).href)
      assert.deepStrictEqual(misfits, [])
      const missed = Object.keys(operations).filter((id) => !succeeded.has(id))
      assert.deepStrictEqual(missed, [], `operations of ${group} that never got a successful answer`)
    }, 120_000)
  }
})
