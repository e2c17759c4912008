# shellcheck shell=bash
# Node.js: an ES module (import) and a CommonJS file (require) that start the sandbox in-process
# and send one SMS with the Promise client.
# Sourced by scripts/consumer-check.sh, in the consumer project (the current directory), with its
# variables (root, tmp, packs, consumer) and functions (stop_sandbox) in scope.

cat > send.mjs <<'EOF'
import { Sandbox } from "@smscx/sandbox"
import { SmsCx } from "@smscx/promise"
import * as BulkJobFile from "@smscx/promise/BulkJobFile"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const sandbox = await Sandbox.start({ port: 0 })
const client = new SmsCx({ apiKey: "test-key", baseUrl: sandbox.url })
try {
  const sent = await client.sms.sendSms({ to: ["+31612469000"], from: "InfoText", text: "Hi from ESM" })
  console.log(`ESM (import): ${sent.data[0]?.msgId} ${sent.data[0]?.status}`)
  if (sent.data[0]?.status === undefined) process.exitCode = 1
  // a bulk job checkpointed in a file (the Node.js-only subpath), run twice: the second run finds
  // it complete and sends nothing
  const store = BulkJobFile.store({ directory: mkdtempSync(join(tmpdir(), "smscx-job-")) })
  const message = { from: "InfoText", text: "Hi from a job" }
  const first = await client.bulk.job("consumer-job", { store }).sms(["+31612469001", "+31612469002"], message)
  const again = await client.bulk.job("consumer-job", { store }).sms(["+31612469001", "+31612469002"], message)
  const status = await client.bulk.job("consumer-job", { store }).status()
  console.log(`ESM bulk job: ${first.accepted} accepted, again ${again.accepted}, complete ${status?.complete}`)
  if (first.accepted !== 2 || again.accepted !== 2 || status?.complete !== true) process.exitCode = 1
} finally {
  await client.close()
  await sandbox.close()
}
EOF

cat > send.cjs <<'EOF'
const { Sandbox } = require("@smscx/sandbox")
const { SmsCx } = require("@smscx/promise")

const main = async () => {
  const sandbox = await Sandbox.start({ port: 0 })
  const client = new SmsCx({ apiKey: "test-key", baseUrl: sandbox.url })
  try {
    const sent = await client.sms.sendSms({ to: ["+31612469000"], from: "InfoText", text: "Hi from CJS" })
    console.log(`CJS (require): ${sent.data[0]?.msgId} ${sent.data[0]?.status}`)
    if (sent.data[0]?.status === undefined) process.exitCode = 1
  } finally {
    await client.close()
    await sandbox.close()
  }
}
main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
EOF

# the sandbox runs on the registry's effect, the Promise client on the copy inlined in its bundle,
# which keeps its global values to itself: neither may run the other's effects (Effect warns
# "Executing an Effect versioned ... with a Runtime of version ..." when one does)
for program in send.mjs send.cjs; do
  case "$program" in *.mjs) echo "--- consumer: ESM (import)" ;; *) echo "--- consumer: CommonJS (require)" ;; esac
  timeout 60 node "$program" 2>&1 | tee "$program.log"
  if grep -q "with a Runtime of version" "$program.log"; then
    echo "FAILED: $program: the Promise client's Effect and the sandbox's ran each other's effects" >&2
    exit 1
  fi
done
