import { spawn } from "node:child_process"
import { once } from "node:events"
import { createInterface } from "node:readline"
import { SmsCx } from "@smscx/promise"
const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], { stdio: ["ignore", "pipe", "inherit"] })
const [line] = (await once(createInterface({ input: child.stdout }), "line")) as [string]
const url = JSON.parse(line).url
const client = new SmsCx({ apiKey: "bench-key", baseUrl: url, retry: process.env.NORETRY ? false : {} , ...(process.env.T ? {} : {}) })
const req = { to: ["+31612469000"], from: "InfoText", text: "Your order has shipped." }
for (let i = 0; i < 500; i++) await client.sms.sendSms(req)
const t = performance.now(); const N = 4000
for (let i = 0; i < N; i++) await client.sms.sendSms(req)
console.log(((performance.now() - t) * 1000 / N).toFixed(0), "µs")
await client.close(); child.kill()
