import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { Sandbox } from "@smscx/sandbox"
import { Effect, Layer, ManagedRuntime } from "effect"
import * as Http from "node:http"
const server = await Sandbox.start({ port: 0, apiKeys: ["k"], balance: 1e9, rateLimit: { limit: 1e9, windowSeconds: 1 } })
const body = JSON.stringify({ to: ["+31612469000"], from: "InfoText", text: "Your order has shipped." })
const layer = NodeHttpClient.layerWithoutAgent.pipe(Layer.provide(NodeHttpClient.makeAgentLayer({ keepAlive: true })))
const rt = ManagedRuntime.make(layer)
const req = HttpClientRequest.post(server.url + "/sms").pipe(HttpClientRequest.setHeader("x-api-key", "k"), HttpClientRequest.bodyText(body, "application/json"))
const call = Effect.flatMap(HttpClient.HttpClient, (c) => Effect.flatMap(c.execute(req), (r) => r.text)).pipe(Effect.map(JSON.parse))
const noTrace = Effect.flatMap(HttpClient.HttpClient, (c) => Effect.flatMap(c.execute(req), (r) => r.text)).pipe(Effect.map(JSON.parse), Effect.locally(HttpClient.currentTracerDisabledWhen, () => true))
const agent = new Http.Agent({ keepAlive: true })
const bare = () => new Promise((resolve, reject) => { const r = Http.request(server.url + "/sms", { method: "POST", agent, headers: { "content-type": "application/json", "x-api-key": "k" } }, (res) => { const cs: Buffer[] = []; res.on("data", (c) => cs.push(c)); res.on("end", () => resolve(JSON.parse(Buffer.concat(cs).toString()))) }); r.on("error", reject); r.end(body) })
const N = 2000
const bench = async (name: string, f: () => Promise<unknown>) => { for (let i = 0; i < 300; i++) await f(); const t = performance.now(); for (let i = 0; i < N; i++) await f(); console.log(name, ((performance.now() - t) * 1000 / N).toFixed(0), "µs") }
for (let k = 0; k < 2; k++) {
await bench("bare node:http", bare)
await bench("platform NodeHttpClient", () => rt.runPromise(call))
await bench("platform NodeHttpClient no tracer", () => rt.runPromise(noTrace))
}
await rt.dispose(); await server.close(); agent.destroy()
