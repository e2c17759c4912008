/** The sizes of a bulk benchmark run, from the command line. */
import { parseArgs } from "node:util"
import { fmt } from "./shared.js"

/** The sizes of a run. */
export interface Settings {
  readonly recipients: number
  readonly chunk: number
  /** Requests a second allowed, as `rate * window` requests a window of `window` seconds. */
  readonly rate: number
  readonly window: number
  readonly concurrency: number
  readonly faultRecipients: number
}

const whole = (name: string, raw: string | undefined, fallback: number, max: number) => {
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`--${name}: a whole number from 1 to ${fmt(max)}`)
  return n
}

/** The settings from the command line (`--quick` sends 100,000 instead of 1,000,000). */
export const settingsOf = (args: ReadonlyArray<string>): Settings => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      quick: { type: "boolean", default: false },
      recipients: { type: "string" },
      chunk: { type: "string" },
      rate: { type: "string" },
      window: { type: "string" },
      concurrency: { type: "string" },
      "fault-recipients": { type: "string" }
    },
    strict: true,
    allowPositionals: false
  })
  return {
    // the numbers are `+3161` and 7 digits
    recipients: whole("recipients", values.recipients, values.quick ? 100_000 : 1_000_000, 10_000_000),
    chunk: whole("chunk", values.chunk, 1000, 25_000),
    rate: whole("rate", values.rate, 12, 1000),
    // a fixed window of 1 s leaves a client pacing at 0.97 of it 31 ms of slack a window, less than
    // one chunk's time on the sandbox: any client meets 429s there, and the figure measures that
    window: whole("window", values.window, 10, 3600),
    concurrency: whole("concurrency", values.concurrency, 4, 64),
    faultRecipients: whole("fault-recipients", values["fault-recipients"], 100_000, 10_000_000)
  }
}
