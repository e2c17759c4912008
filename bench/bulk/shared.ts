/** What the bulk benchmark's processes share: the account, the message, the job and its figures. */

export const API_KEY = "bench-key"
export const BALANCE = 1_000_000_000
export const MESSAGE = { from: "InfoText", text: "Your order has shipped." }
/** The share of the rate limit both clients pace at: the SDK's default, so that both do the same. */
export const UTILIZATION = 0.97
export const MICROS = 1_000_000

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
export const mb = (bytes: number) => fmt(bytes / 2 ** 20)

/**
 * `count` distinct valid Dutch mobile numbers (`+3161` and 7 digits: room for 10,000,000), made
 * one at a time as they are read.
 */
export const numbers = function*(count: number): Generator<string> {
  for (let i = 0; i < count; i++) yield `+3161${String(i).padStart(7, "0")}`
}

/** One client's send, run in a process of its own. */
export interface Job {
  readonly client: "fetch" | "effect" | "promise" | "job"
  readonly url: string
  readonly recipients: number
  readonly chunk: number
  readonly concurrency: number
  /** The rate limit, `limit` requests per `window` seconds, to pace under (at UTILIZATION of it). */
  readonly limit: number
  readonly window: number
  /** The SDK's retries per request (its default when absent). */
  readonly maxRetries: number | undefined
}

export interface Figures {
  /** Requests started, retries included, and the time (ms) the first and the last started. */
  readonly requests: number
  readonly firstRequest: number
  readonly lastRequest: number
  /** Answers by HTTP status. */
  readonly statuses: Readonly<Record<string, number>>
  /** Requests that got no answer (a reset or dropped connection). */
  readonly unanswered: number
  readonly wallMs: number
  /** This process's CPU time (user and system) while it sent. */
  readonly cpuMs: number
  readonly accepted: number
  readonly invalid: number
  readonly duplicates: number
  readonly costMicros: number
  /** Chunks that failed even after their retries, and rounds of `retryFailed` it took to send them. */
  readonly failedChunks: number
  readonly retryRounds: number
  /** Bytes: resident memory once loaded, just before sending, and the most the process ever held. */
  readonly rssLoaded: number
  readonly maxRss: number
}
