# shellcheck shell=bash
# esbuild bundles for the browser and the edge, sent through fetch to the sandbox at $url.
# Sourced by scripts/consumer-check.sh, in the consumer project (the current directory), with its
# variables (root, tmp, packs, consumer) and functions (stop_sandbox) in scope.

# A browser and an edge (workerd) bundle made by esbuild from the installed packages: the
# Promise client of the Sms group over fetch, minified. It must hold no Node.js module, stay within
# the min+gz budget of scripts/bundle-size.ts, and send through fetch when run (in Node.js, which has fetch, against
# the same sandbox).
cat > browser.mjs <<'EOF'
import { Sms } from "@smscx/promise/Api"
import { createClient } from "@smscx/promise/Client"

let fetches = 0
const originalFetch = globalThis.fetch
globalThis.fetch = (...args) => {
  fetches++
  return originalFetch(...args)
}
const client = createClient({ sms: Sms }, { apiKey: SMSCX_API_KEY, baseUrl: SMSCX_BASE_URL })
try {
  const sent = await client.sms.sendSms({ to: ["+31612469000"], from: "InfoText", text: "Hi from a bundle" })
  if (sent.data[0]?.status === undefined || fetches === 0) throw new Error(`no answer through fetch (${fetches} fetches)`)
  console.log(`bundle: sendSms ${sent.data[0].status} through fetch`)
} finally {
  await client.close()
}
EOF
budget=$(cd "$root" && pnpm --silent bundle-size --budget)
for target in browser edge; do
  conditions=$([ "$target" = edge ] && echo "--conditions=workerd,worker" || echo "--conditions=browser")
  echo "--- consumer: esbuild bundle for the $target ($conditions)"
  npx --no-install esbuild browser.mjs --bundle --minify --format=esm --platform=browser $conditions \
    --define:SMSCX_API_KEY='"consumer-check-key"' --define:SMSCX_BASE_URL="\"$url\"" \
    --outfile="bundle-$target.mjs" --log-level=warning
  if grep -qE 'from ?"node:|require\("node:' "bundle-$target.mjs"; then
    echo "the $target bundle imports a Node.js module" >&2
    exit 1
  fi
  size=$(gzip -c "bundle-$target.mjs" | wc -c)
  echo "bundle-$target.mjs: $(wc -c < "bundle-$target.mjs") bytes minified, $size bytes min+gz"
  if [ "$size" -gt "$budget" ]; then
    echo "the $target bundle is over the $budget-byte min+gz budget" >&2
    exit 1
  fi
  timeout 60 node "bundle-$target.mjs"
done
