/**
 * Receive the API's callbacks (delivery reports, inbound messages, link hits, opt-outs, lookups,
 * OTP updates) on a `node:http` server, decoded with the Promise client's `parseWebhook`.
 *
 * The API signs nothing, so the endpoint is guarded by a secret path: callbacks go to
 * `/webhooks/<secret>` (`SMSCX_WEBHOOK_SECRET`, or a random one printed at start), compared in
 * constant time; anything else is a 404. Bodies over 1 MiB are a 413, bodies that do not decode
 * a 400. A callback is answered 200 at once and processed afterwards. Serve it over HTTPS (a
 * reverse proxy or a tunnel in front) and give the API `https://<your host>/webhooks/<secret>`.
 *
 * `PORT` sets the port (default: any free one). Run from a terminal, it serves until Ctrl-C;
 * with `CI` set, stdin not a terminal, or `--demo`, it posts one sample callback of each kind to
 * itself, prints what it decoded, and exits.
 */
import { parseWebhook, WebhookDecodeError, type WebhookPayload } from "@smscx/promise"
import { createHash, randomBytes, timingSafeEqual } from "node:crypto"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

const MAX_BODY_BYTES = 1024 * 1024
const secret = process.env.SMSCX_WEBHOOK_SECRET || randomBytes(24).toString("base64url")
const demo = process.argv.includes("--demo") || (process.env.CI ?? "") !== "" || !process.stdin.isTTY

/** Equal strings, compared in constant time (of equal-length digests, so the length leaks nothing). */
const sameSecret = (given: string) => {
  const digest = (s: string) => createHash("sha256").update(s).digest()
  return timingSafeEqual(digest(given), digest(secret))
}

/** The request body, or `undefined` past `MAX_BODY_BYTES` (reading stops there). */
const readBody = (req: IncomingMessage): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    if (Number(req.headers["content-length"] ?? 0) > MAX_BODY_BYTES) return resolve(undefined)
    const chunks: Array<Buffer> = []
    let size = 0
    req.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners("data").pause()
        resolve(undefined)
      } else chunks.push(chunk)
    })
    req.on("end", () => resolve(Buffer.concat(chunks)))
    req.on("error", reject)
  })

/** One line about a callback: what your application would act on. */
const describe = (payload: WebhookPayload): string => {
  if (payload.data.length === 0) return "no items"
  switch (payload.event) {
    case "dlr_update":
      return payload.data.map((d) => `message ${d.msgId}: ${d.status}`).join("; ")
    case "receive_sms":
    case "receive_viber":
    case "receive_whatsapp":
      return payload.data.map((d) => `from ${d.from} to ${d.to}: ${JSON.stringify(d.text)}`).join("; ")
    case "shortlink_hit":
    case "shortlink_hit_update":
    case "attachment_hit":
    case "attachment_hit_update":
      return payload.data.map((d) => `${d.url} opened on a ${d.device} in ${d.city}, ${d.countryIso}`).join("; ")
    case "new_optout":
      return payload.data.map((d) => `${d.phoneNumber ?? "a contact"} opted out (${d.optoutType})`).join("; ")
    case "otp_update":
    case "number_lookup":
      // number lookups say `event: "otp_update"` too: their items tell them apart
      return payload.data.map((d) =>
        "lookupId" in d ? `lookup of ${d.phoneNumber}: ${d.status}, ported: ${d.ported}` : `OTP ${d.otpId}: ${d.status}`
      ).join("; ")
    default:
      return `${payload.data.length} item(s)`
  }
}

/** Callbacks are processed one after another, after they were answered. */
let queue = Promise.resolve()
const enqueue = (payload: WebhookPayload) => {
  queue = queue.then(() => {
    console.log(`  received ${payload.event}: ${describe(payload)}`)
  })
}

const answer = (res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers }).end(text)
}

const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
  const path = new URL(req.url ?? "/", "http://localhost").pathname
  const match = /^\/webhooks\/([^/]+)$/.exec(path)
  if (match === null || !sameSecret(match[1]!)) return answer(res, 404, "not found")
  if (req.method !== "POST") return answer(res, 405, "POST only", { allow: "POST" })
  const body = await readBody(req)
  if (body === undefined) return answer(res, 413, "body too large", { connection: "close" })
  try {
    const payload = parseWebhook("auto", body)
    answer(res, 200, "ok")
    enqueue(payload)
  } catch (err) {
    if (!(err instanceof WebhookDecodeError)) throw err
    answer(res, 400, err.message)
  }
}

const server = createServer((req, res) => {
  handle(req, res).catch((err) => {
    console.error(err)
    if (!res.headersSent) answer(res, 500, "internal error")
  })
})
await new Promise<void>((resolve) => server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", resolve))
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
const url = `${base}/webhooks/${secret}`
console.log(`listening: POST callbacks to ${url}`)
if (!process.env.SMSCX_WEBHOOK_SECRET) console.log("(a random secret: set SMSCX_WEBHOOK_SECRET to keep one)")

if (!demo) {
  console.log("serving until Ctrl-C")
  process.on("SIGINT", () => server.close(() => process.exit(0)))
} else {
  const uuid = "0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11"
  const at = "2025-03-01 10:15:30"
  const inbound = {
    msgId: uuid,
    from: "+31612469000",
    countryIso: "NL",
    to: "3197010260000",
    text: "STOP",
    cost: 0,
    receivedAt: at
  }
  const hit = {
    hitId: 1,
    shortlinkId: "aB3dE",
    url: "https://smsc.cx/aB3dE",
    device: "mobile",
    browser: "Chrome",
    browserVersion: "122.0",
    os: "Android",
    osVersion: "14",
    brand: "Samsung",
    model: "Galaxy S23",
    screenResolution: "1080x2340",
    acceptLanguage: "nl-NL",
    referrer: null,
    ipAddress: "204.79.200.0",
    countryIso: "NL",
    city: "Amsterdam",
    datetime: at
  }
  const network = { name: "KPN", mnc: "08" }
  const samples = [
    {
      event: "dlr_update",
      data: [{ campaignId: uuid, msgId: uuid, statusCode: 2, status: "DELIVERED", errorCode: null, datetime: at }]
    },
    { event: "receive_sms", data: [inbound] },
    { event: "receive_viber", data: [{ ...inbound, text: "Hi on Viber" }] },
    { event: "receive_whatsapp", data: [{ ...inbound, text: "Hi on WhatsApp" }] },
    { event: "shortlink_hit", data: [hit] },
    { event: "shortlink_hit_update", data: [{ ...hit, device: "tablet" }] },
    { event: "attachment_hit", data: [{ ...hit, url: "https://smsc.cx/f/Qw3" }] },
    { event: "attachment_hit_update", data: [{ ...hit, url: "https://smsc.cx/f/Qw3", device: "desktop" }] },
    {
      event: "new_optout",
      data: [{
        hitId: 2,
        optoutId: "Xy12",
        optoutUrl: "https://smsc.cx/o/Xy12",
        optoutType: "link",
        countryIso: "NL",
        datetime: at,
        phoneNumber: "+31612469000"
      }]
    },
    {
      event: "otp_update", // what the spec says a number lookup's event is
      data: [{
        phoneNumber: "+31612469000",
        lookupBulkId: null,
        lookupId: uuid,
        cost: 0.005,
        mcc: "204",
        mccmnc: "20408",
        countryIso: "NL",
        countryName: "Netherlands",
        countryNameLocale: "Nederland",
        status: "ACTIVE",
        statusDescription: "active",
        ported: false,
        roaming: false,
        originalNetwork: network,
        portedNetwork: network,
        roamingNetwork: { countryIso: null, countryName: null, mcc: null, mnc: null, name: null },
        datetime: at
      }]
    },
    {
      event: "otp_update",
      data: [{
        otpId: uuid,
        trackId: null,
        phoneNumber: "+31612469000",
        countryIso: "NL",
        status: "VERIFIED",
        cost: 0.072,
        parts: 1,
        maxAttempts: 3,
        attempts: 1,
        ttl: 300,
        otpCallbackUrl: null,
        dateCreated: at,
        dateExpires: "2025-03-01 10:20:30"
      }]
    }
  ]
  const post = async (to: string, body: string, method = "POST") => {
    const res = await fetch(
      to,
      method === "POST" ? { method, body, headers: { "content-type": "application/json" } } : { method }
    )
    return { status: res.status, text: (await res.text()).replace(/\n\s*/g, " ") }
  }
  let failures = 0
  const expect = (what: string, got: { status: number; text: string }, status: number) => {
    console.log(`${what}: ${got.status} ${got.text}`)
    if (got.status !== status) {
      failures++
      console.error(`  expected ${status}`)
    }
  }
  console.log(`demo: posting ${samples.length} sample callbacks, one of each kind`)
  for (const sample of samples) expect(`POST ${sample.event}`, await post(url, JSON.stringify(sample)), 200)
  await queue
  expect("POST a body that is not JSON", await post(url, "{not json"), 400)
  expect("POST an unknown event", await post(url, JSON.stringify({ event: "something_new", data: [] })), 400)
  expect("POST with a wrong secret", await post(`${base}/webhooks/wrong`, "{}"), 404)
  expect("GET", await post(url, "", "GET"), 405)
  expect(
    "POST 2 MiB",
    await post(url, JSON.stringify({ event: "dlr_update", data: [], pad: "x".repeat(2 * MAX_BODY_BYTES) })),
    413
  )
  server.closeAllConnections()
  server.close()
  if (failures > 0) {
    console.error(`${failures} unexpected answer(s)`)
    process.exitCode = 1
  }
}
