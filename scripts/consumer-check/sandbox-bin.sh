# shellcheck shell=bash
# Starts the sandbox's bin (`npx @smscx/sandbox --port 0`, its pid in sandbox_pid, its address in
# url, SMSCX_BASE_URL and SMSCX_API_KEY) and sends one SMS to it on Node.js, Bun and Deno.
# Sourced by scripts/consumer-check.sh, in the consumer project (the current directory), with its
# variables (root, tmp, packs, consumer) and functions (stop_sandbox) in scope.

# One program for Node.js, Bun and Deno: sends one SMS to $SMSCX_BASE_URL with $SMSCX_API_KEY and
# says on which runtime and through which HTTP client (it counts the calls to globalThis.fetch:
# the fetch client reads globalThis.fetch when its layer is built, after this wrapper is in place).
cat > send-runtime.mjs <<'EOF'
import { SmsCx } from "@smscx/promise"

const runtime = globalThis.Deno !== undefined
  ? `Deno ${globalThis.Deno.version.deno}`
  : globalThis.Bun !== undefined
  ? `Bun ${globalThis.Bun.version}`
  : `Node.js ${process.versions.node}`
const expected = globalThis.Deno !== undefined || globalThis.Bun !== undefined ? "fetch" : "node:http"
const baseUrl = process.env.SMSCX_BASE_URL
const apiKey = process.env.SMSCX_API_KEY
if (!baseUrl || !apiKey) throw new Error("SMSCX_BASE_URL and SMSCX_API_KEY must be set")

let fetches = 0
const originalFetch = globalThis.fetch
globalThis.fetch = (...args) => {
  fetches++
  return originalFetch(...args)
}

const client = new SmsCx({ apiKey, baseUrl })
try {
  const sent = await client.sms.sendSms({ to: ["+31612469000"], from: "InfoText", text: `Hi from ${runtime}` })
  const status = sent.data[0]?.status
  const via = fetches > 0 ? "fetch" : "node:http"
  console.log(`${runtime}: sendSms ${sent.data[0]?.msgId} ${status} (HTTP client: ${via})`)
  if (status === undefined) throw new Error("no status in the answer")
  if (via !== expected) throw new Error(`expected the ${expected} client on ${runtime}, got ${via}`)
} finally {
  await client.close()
}
EOF

echo "--- consumer: npx @smscx/sandbox --port 0"
# in a process group of its own: npx runs the bin in a child (`sh -c smscx-sandbox`) that a
# signal to npx alone leaves running; stopping the group stops all of them
# the log exists before the bin starts: the loop below may read it before the background shell
# has opened it, and a sed on a missing file fails the pipeline (pipefail) and so the script
: > sandbox.log
setsid npx --no-install @smscx/sandbox --port 0 > sandbox.log 2>&1 &
sandbox_pid=$!
url=""
for _ in $(seq 1 300); do
  url=$(sed -nE 's/.*listening on (http[^ ]*).*/\1/p' sandbox.log | head -1)
  [ -n "$url" ] && break
  kill -0 "$sandbox_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then
  cat sandbox.log
  echo "the sandbox's bin did not start" >&2
  exit 1
fi
echo "sandbox at $url"
export SMSCX_BASE_URL="$url" SMSCX_API_KEY="consumer-check-key"

echo "--- consumer: Node.js, against npx @smscx/sandbox"
timeout 60 node send-runtime.mjs

# the web inbox ships in the tarball (a generated module, nothing read from disk): the bin prints
# its URL, serves the page, and opens the live event stream the page listens to
echo "--- consumer: the web inbox of npx @smscx/sandbox"
if ! grep -qF "$url/__sandbox/ui" sandbox.log; then
  cat sandbox.log
  echo "the sandbox's bin did not print its inbox's URL ($url/__sandbox/ui)" >&2
  exit 1
fi
timeout 30 node -e '
const base = process.argv[1]
const page = await fetch(`${base}/__sandbox/ui`)
const html = await page.text()
if (page.status !== 200 || !page.headers.get("content-type")?.startsWith("text/html") ||
  !html.includes("<title>SMS.CX sandbox inbox</title>")) {
  throw new Error(`GET /__sandbox/ui: ${page.status} ${page.headers.get("content-type")}`)
}
const controller = new AbortController()
const events = await fetch(`${base}/__sandbox/events`, { signal: controller.signal })
if (events.status !== 200 || !events.headers.get("content-type")?.startsWith("text/event-stream")) {
  throw new Error(`GET /__sandbox/events: ${events.status} ${events.headers.get("content-type")}`)
}
controller.abort()
console.log(`inbox: GET /__sandbox/ui 200 (${html.length} characters), /__sandbox/events streams`)
' --input-type=module "$url"

echo "--- consumer: Bun, against npx @smscx/sandbox"
if [ -n "$bun" ]; then
  # resolves from ./node_modules (Bun installs nothing itself when node_modules is there)
  timeout 60 "$bun" send-runtime.mjs
else
  echo "SKIPPED Bun: $bun_spec could not be installed from the npm registry, or does not start here (npm output above)"
fi

echo "--- consumer: Deno, against npx @smscx/sandbox"
if [ -n "$deno" ]; then
  # Deno 2 reads package.json; --node-modules-dir=manual: it uses the packages npm put in
  # ./node_modules and downloads nothing
  DENO_DIR="$tmp/deno-dir" DENO_NO_UPDATE_CHECK=1 NO_COLOR=1 timeout 60 "$deno" run \
    --allow-net --allow-env --allow-read --no-prompt --node-modules-dir=manual send-runtime.mjs
else
  echo "SKIPPED Deno: $deno_spec could not be installed from the npm registry, or does not start here (npm output above)"
fi
