/**
 * The bulk benchmark (a section of `pnpm bench`; alone: `pnpm bench:bulk [--quick] [--recipients N]
 * [--chunk N] [--rate N] [--window S] [--concurrency N] [--fault-recipients N]`).
 *
 * 1. Rate: `--recipients` (default 1,000,000; 100,000 with `--quick`) distinct numbers through bulk
 *    send against the sandbox at a fixed rate limit: `--rate` requests a second (default 12), as
 *    `rate * window` requests a window of `--window` seconds (default 10), in chunks of `--chunk`
 *    (default 1,000), `--concurrency` in flight (default 4, the SDK's): the rate limit is the
 *    bottleneck, not the sandbox's CPU. The SDK (Effect `Bulk.sms` and the Promise client's
 *    `bulk.sms`, on the default Node client) against a plain loop over `fetch` doing the same:
 *    achieved rate over allowed (target >= 0.95) and peak RSS (target <= 2x the loop's). Each
 *    client runs in a process of its own, against a fresh sandbox in another.
 * 2. Faults: `--fault-recipients` (default 100,000) through bulk send with 10% injected faults (429,
 *    500, 503, reset connections, answers lost after the work was done), then the sandbox's own
 *    record: every recipient accepted exactly once, and charged exactly once.
 *
 * The client process is bulk/worker.ts (`--worker <job as JSON>`), bundled before it runs; it prints
 * its figures as one JSON line.
 * Recipients come from a generator: no process holds them all.
 */
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { faultSection } from "./bulk/faults.js"
import { bundleWorker } from "./bulk/processes.js"
import { rateSection } from "./bulk/rate.js"
import { type Settings, settingsOf } from "./bulk/settings.js"
import { fmt } from "./bulk/shared.js"

export { type Settings, settingsOf }

/** Both sections. */
export const run = async (settings: Settings) => {
  const started = performance.now()
  // the figures depend on the CPU left to this run: on a 2-core machine, on whatever else runs
  console.log(`\n(load average before the bulk sections: ${Os.loadavg().map((n) => fmt(n, 2)).join(", ")})`)
  const worker = await bundleWorker()
  try {
    await rateSection(worker.script, settings)
    await faultSection(worker.script, settings)
  } finally {
    await worker.remove()
  }
  console.log(
    `\n(the bulk sections took ${fmt((performance.now() - started) / 1000)} s; load average after: ${
      Os.loadavg().map((n) => fmt(n, 2)).join(", ")
    })`
  )
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === Path.resolve(process.argv[1])
if (isMain) await run(settingsOf(process.argv.slice(2)))
