/**
 * What every example runs on: the real API when `SMSCX_API_KEY` (or the other `SMSCX_*`
 * credentials) is set, otherwise the sandbox, in-process, with nothing sent anywhere.
 */
import { Conversations, FetchClient, SmsCx, Templates } from "@smscx/client"
import type * as Api from "@smscx/core/Api"
import type * as Operation from "@smscx/core/Operation"
import { type Options as PromiseOptions, SmsCx as PromiseClient } from "@smscx/promise"
import { Sandbox } from "@smscx/sandbox"
import { Config, Effect, Layer } from "effect"
import * as fs from "node:fs"
import { createInterface } from "node:readline"

export const hasCredentials = ["SMSCX_API_KEY", "SMSCX_ACCESS_TOKEN", "SMSCX_APPLICATION_ID"].some((name) =>
  (process.env[name] ?? "") !== ""
)

/** The API key the sandbox accepts in the examples (any non-empty key would do). */
const sandboxKey = "sandbox-example-key"
const sandboxUrl = "http://sandbox.local"

const announce = () =>
  console.error(
    hasCredentials
      ? "SMSCX_* credentials found: calling the real SMS.CX API"
      : "No SMSCX_API_KEY set: running against the embedded sandbox (in-process, nothing is sent)"
  )

/** The embedded sandbox, made when first used (never on the real API). */
let embedded: Sandbox.InProcess | undefined
// a balance for the bulk examples' 60,000 messages too (the sandbox's default, 100, pays for ~1,400)
const sandbox = () => (embedded ??= Sandbox.inProcessFetch({ balance: 10_000 }))

/** The Effect services, on the real API or the sandbox. */
export const SmsCxLive = Layer.unwrapEffect(Effect.sync(() => {
  announce()
  return hasCredentials
    ? SmsCx.layerConfig()
    : SmsCx.layerWithoutHttpClient({ apiKey: sandboxKey, baseUrl: sandboxUrl }).pipe(
      Layer.provide(FetchClient.layerWith(sandbox().fetch))
    )
}))

/**
 * The PIN of the last OTP sent to `phoneNumber`, read from the sandbox's outbox: the embedded
 * one, or a sandbox server's control API at `SMSCX_BASE_URL`. Undefined on the real API, whose
 * PINs reach only the phone.
 */
export const pinSentTo = (phoneNumber: string): Effect.Effect<string | undefined> => {
  const lastWord = (texts: ReadonlyArray<string>) => /(\S+)\s*$/.exec(texts[texts.length - 1] ?? "")?.[1]
  if (!hasCredentials) {
    return Effect.map(sandbox().sandbox.messagesTo(phoneNumber), (messages) => lastWord(messages.map((m) => m.text)))
  }
  const base = process.env.SMSCX_BASE_URL
  if (base === undefined || base === "") return Effect.succeed(undefined)
  return Effect.tryPromise(async () => {
    const answer = await fetch(new URL(`/__sandbox/messages?to=${encodeURIComponent(phoneNumber)}`, base))
    if (!answer.ok) return undefined
    const { messages } = await answer.json() as { messages: ReadonlyArray<{ readonly text: string }> }
    return lastWord(messages.map((m) => m.text))
  }).pipe(Effect.orElseSucceed(() => undefined))
}

/**
 * The id of an approved template of `channel`, which every Viber and WhatsApp send needs. On a
 * sandbox (the embedded one, or a server at `SMSCX_BASE_URL`) it is a new template, created
 * through the SDK and then approved as the vendor's reviewers would, with the sandbox's control
 * API. The real API reviews templates itself, so there it is one of yours, by its id in
 * `SMSCX_VIBER_TEMPLATE_ID` or `SMSCX_WHATSAPP_TEMPLATE_ID`; a setup that cannot give one is a
 * defect, not an error of the operation the example shows.
 */
export const approvedTemplate = (
  channel: "viber" | "whatsapp"
): Effect.Effect<number, Operation.FailureOf<typeof Api.Templates.createTemplate>, Templates> => {
  const base = process.env.SMSCX_BASE_URL ?? ""
  if (hasCredentials && base === "") {
    const variable = `SMSCX_${channel.toUpperCase()}_TEMPLATE_ID`
    return Effect.orDieWith(
      Config.integer(variable),
      () =>
        new Error(
          `Set ${variable} to the id of one of your approved ${channel === "viber" ? "Viber" : "WhatsApp"} templates`
        )
    )
  }
  const approve = (id: number): Effect.Effect<boolean> =>
    hasCredentials
      ? Effect.promise(() =>
        fetch(new URL(`/__sandbox/templates/${id}/approve`, base), { method: "POST" }).then((answer) => answer.ok)
      )
      : sandbox().sandbox.approveTemplate(id)
  return Effect.gen(function*() {
    const templates = yield* Templates
    // unnamed: the API names it after the time, so repeated runs never collide
    const created = yield* templates.createTemplate({
      channel,
      text: "Your order has shipped: it arrives tomorrow."
    })
    if (!(yield* approve(created.info.id))) {
      return yield* Effect.dieMessage(`The sandbox did not approve template ${created.info.id}`)
    }
    return created.info.id
  })
}

/**
 * The id of a conversation with `from`, which every Conversations example needs: one starts when
 * a message is received from a number. On a sandbox (the embedded one, or a server at
 * `SMSCX_BASE_URL`) `from` writes `text` on `channel`, through the sandbox's control API. On the
 * real API messages come from real people, so there it is your most recent conversation (`from`,
 * `text` and `channel` unused); an account with none is a setup that cannot run the example, a
 * defect, not an error of the operation the example shows.
 */
export const aConversation = (
  from: string,
  text: string,
  channel: "sms" | "viber" | "whatsapp" = "sms"
): Effect.Effect<string, Operation.FailureOf<typeof Api.Conversations.getConverstionsList>, Conversations> => {
  const base = process.env.SMSCX_BASE_URL ?? ""
  if (hasCredentials && base === "") {
    return Effect.gen(function*() {
      const conversations = yield* Conversations
      const [latest] = (yield* conversations.getConverstionsList()).data
      if (latest === undefined) {
        return yield* Effect.dieMessage("No conversation yet: one starts when someone texts one of your numbers")
      }
      return latest.conversationId
    })
  }
  const received: Effect.Effect<string | undefined> = hasCredentials
    ? Effect.promise(async () => {
      const answer = await fetch(new URL("/__sandbox/inbound", base), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ from, text, channel })
      })
      if (!answer.ok) return undefined
      const { conversationId } = await answer.json() as { readonly conversationId: string | null }
      return conversationId ?? undefined
    })
    : sandbox().sandbox.receiveMessage({ from, text, channel })
  return Effect.flatMap(received, (conversationId) =>
    conversationId === undefined
      ? Effect.dieMessage(`The sandbox started no conversation with ${from}`)
      : Effect.succeed(conversationId))
}

/** The Promise client, on the real API or the sandbox, with `options` beside the credentials (a logger, a tracer). */
export const makeClient = (options: Pick<PromiseOptions, "log" | "logger" | "tracer"> = {}): PromiseClient => {
  announce()
  if (hasCredentials) {
    const env = process.env
    return env.SMSCX_API_KEY
      ? new PromiseClient({
        ...options,
        apiKey: env.SMSCX_API_KEY,
        ...(env.SMSCX_BASE_URL ? { baseUrl: env.SMSCX_BASE_URL } : {})
      })
      : env.SMSCX_ACCESS_TOKEN
      ? new PromiseClient({ ...options, accessToken: env.SMSCX_ACCESS_TOKEN })
      : new PromiseClient({
        ...options,
        applicationId: env.SMSCX_APPLICATION_ID ?? "",
        applicationSecret: env.SMSCX_APPLICATION_SECRET ?? "",
        ...(env.SMSCX_SCOPE ? { scope: env.SMSCX_SCOPE } : {})
      })
  }
  return new PromiseClient({ ...options, apiKey: sandboxKey, baseUrl: sandboxUrl, fetch: sandbox().fetch })
}

/** Where the examples send: set `SMSCX_EXAMPLE_TO` before running them on the real API. */
export const exampleRecipient = process.env.SMSCX_EXAMPLE_TO ?? "+31612469000"

/** A date-time `minutes` from now, in the API's documented `YYYY-MM-DD HH:MM:SS` (UTC) form. */
export const inMinutes = (minutes: number) =>
  new Date(Date.now() + minutes * 60_000).toISOString().slice(0, 19).replace("T", " ")

/**
 * Recipients for the bulk examples. On the real API, the numbers in the file named by
 * `SMSCX_BULK_FILE`, one a line, read as chunks are sent (an example never makes up recipients for
 * real messages); on the sandbox, 60,000 generated Dutch numbers, every 5,000th too short to be
 * valid. `total` is how many there are, when known without reading them all.
 */
export const bulkRecipients = (): {
  readonly numbers: AsyncIterable<string> | Iterable<string>
  readonly total: number | undefined
} => {
  const file = process.env.SMSCX_BULK_FILE ?? ""
  if (hasCredentials && file === "") {
    console.error("Set SMSCX_BULK_FILE to a file of phone numbers, one a line, to send to them on the real API")
    process.exit(1)
  }
  if (file !== "") {
    const lines = async function*(): AsyncGenerator<string> {
      for await (const line of createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })) {
        if (line.trim() !== "") yield line.trim()
      }
    }
    return { numbers: lines(), total: undefined }
  }
  const generated = function*(): Generator<string> {
    for (let i = 0; i < 60_000; i++) yield i % 5_000 === 4_999 ? "+3161234" : `+3161${String(i).padStart(7, "0")}`
  }
  return { numbers: generated(), total: 60_000 }
}
