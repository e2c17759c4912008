/**
 * One client of the per-call benchmark in a process of its own (per-call.ts forks it, bundled):
 * made on `start`, driven on `sequential` and `concurrent`, closed on `close`; each message is
 * answered with its result, or with `{ error }`.
 */
import * as Clients from "./per-call-clients.js"

export type Message =
  | { readonly op: "start"; readonly kind: number; readonly measured: Clients.Measured; readonly url: string }
  | { readonly op: "sequential"; readonly n: number }
  | { readonly op: "concurrent"; readonly n: number; readonly inFlight: number }
  | { readonly op: "close" }

let client: Clients.Client | undefined

const answer = async (message: Message): Promise<unknown> => {
  switch (message.op) {
    case "start":
      client = Clients.kinds[message.kind]!.make(message.measured, message.url)
      return null
    case "sequential":
      return client!.sequential(message.n)
    case "concurrent":
      return client!.concurrent(message.n, message.inFlight)
    case "close":
      await client?.close()
      process.disconnect()
      return null
  }
}

process.on("message", (message: Message) => {
  answer(message).then(
    (result) => process.connected && process.send!({ result }),
    (error) => process.connected && process.send!({ error: String(error instanceof Error ? error.stack : error) })
  )
})
