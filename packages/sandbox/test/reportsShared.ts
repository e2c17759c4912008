// What the Reports group's two suites share (reports.test.ts, reportCampaigns.test.ts): numbers,
// a send, file answers, and the errors the advanced report's filters provoke.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { Api } from "@smscx/core"
import { Sandbox } from "@smscx/sandbox"
import { parse } from "csv-parse/sync"
import * as Effect from "effect/Effect"
import { API_KEY, call, success } from "./utils.js"

export const NL = "+31612345678"
export const NL2 = "+31612345679"
export const DE = "+4915123456789"
export const GB = "+447400123456"
export const FR = "+33612345678"
export const JP = "+819012345678"
export const JUNE = "period=2025-06"

export const send = (body: object) =>
  Effect.flatMap(
    call("POST", "/sms", { body: { from: "InfoText", text: "Hello", ...body } }),
    (a) => success(Api.Sms.sendSms, a)
  )

export const UNKNOWN_ID = "0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11"
export const at = (iso: string) => new Date(iso).toISOString()
export const csvRows = (bytes: Uint8Array) =>
  parse(new TextDecoder().decode(bytes), { columns: true }) as Array<Record<string, string>>

/** A file answer through the sandbox's HTTP client: status, headers and bytes. */
export const download = (path: string) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const response = yield* client.execute(
      HttpClientRequest.get(Sandbox.baseUrl + path).pipe(HttpClientRequest.setHeaders({ "X-API-KEY": API_KEY }))
    )
    return { status: response.status, headers: response.headers, bytes: new Uint8Array(yield* response.arrayBuffer) }
  })

/** The errors the advanced report and its exports share, with what provokes each. */
export const filterErrors: ReadonlyArray<readonly [query: string, code: number]> = [
  ["", 1824],
  ["period=", 1824],
  ["start_date=2025-06-01", 1824],
  ["end_date=2025-06-01", 1824],
  ["period=&start_date=&end_date=", 1824],
  ["period=2025-13", 1820],
  ["period=2025-6", 1820],
  ["period=June", 1820],
  ["period=2025-06-01", 1820],
  ["period=2025&period=2026", 1820],
  ["start_date=2025-02-30&end_date=2025-03-01", 1821],
  ["start_date=01-06-2025&end_date=2025-06-30", 1821],
  ["start_date=2025-06-01&end_date=tomorrow", 1822],
  ["start_date=2025-06-01&end_date=2025-06-31", 1822],
  ["start_date=2025-06-02&end_date=2025-06-01", 1823],
  [`${JUNE}&source=email`, 1825],
  [`${JUNE}&delivery_report=read`, 1826],
  [`${JUNE}&country_iso=DEU`, 1827],
  [`${JUNE}&country_iso=XX`, 1827]
]
