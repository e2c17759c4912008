#!/usr/bin/env bash
# The packages as npm users get them: builds (unless --skip-build), packs every package with
# `pnpm pack` (which applies each publishConfig), lints each tarball (publint, strict, see scripts/publint-tarball.ts; attw on
# every public module, in the node10, node16 CJS, node16 ESM and bundler profiles), then, in a
# project outside the workspace, `npm install`s the five tarballs with effect and
# @effect/platform from the registry and:
#   - runs an ES module (import) and a CommonJS file (require) that start the sandbox in-process
#     and send one SMS with the Promise client;
#   - runs the sandbox's bin (`npx @smscx/sandbox --port 0`) and sends one SMS to it;
#   - type-checks TypeScript users of all five packages (strict, skipLibCheck: false, lib ES2022,
#     types node, no DOM) with module/moduleResolution node16 (ESM and CJS files) and with
#     module esnext + moduleResolution bundler.
# Exits non-zero on the first failure. Keeps the temp folder if KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if [ "${1:-}" != "--skip-build" ]; then
  echo "--- pnpm build"
  pnpm build
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/smscx-consumer.XXXXXX")
[ "${KEEP:-}" = 1 ] && echo "(keeping $tmp)" || trap 'rm -rf "$tmp"' EXIT
packs="$tmp/packs"
mkdir -p "$packs"

echo "--- pnpm pack"
pnpm --silent --filter "./packages/*" -r pack --pack-destination "$packs" >/dev/null
ls -l "$packs"

for tarball in "$packs"/*.tgz; do
  name=$(basename "$tarball" | sed -E 's/^smscx-(.*)-[0-9][^-]*\.tgz$/\1/')
  echo "--- publint + attw: @smscx/$name"
  pnpm --silent exec tsx scripts/publint-tarball.ts "$tarball"
  # the package's public modules (the "./*" subpaths): attw lists a wildcard export but does not
  # expand it, so name each one
  modules=$(cd "packages/$name/build/esm" && ls -- *.js | sed 's/\.js$//' | grep -vx index | tr '\n' ' ')
  # shellcheck disable=SC2086
  pnpm --silent exec attw --pack "$tarball" --format table-flipped --include-entrypoints $modules
done

echo "--- consumer project: npm install the tarballs"
consumer="$tmp/consumer"
mkdir -p "$consumer"
cd "$consumer"
cat > package.json <<'EOF'
{ "name": "smscx-consumer", "private": true, "type": "module" }
EOF
npm install --no-audit --no-fund --prefer-offline --loglevel=error \
  "$packs"/*.tgz "effect@^3.22.4" "@effect/platform@^0.97.1" "typescript@~5.9.3" "@types/node@^20.19.0"

cat > send.mjs <<'EOF'
import { Sandbox } from "@smscx/sandbox"
import { SmsCx } from "@smscx/promise"

const sandbox = await Sandbox.start({ port: 0 })
const client = new SmsCx({ apiKey: "test-key", baseUrl: sandbox.url })
try {
  const sent = await client.sms.sendSms({ to: ["+31612469000"], from: "InfoText", text: "Hi from ESM" })
  console.log(`ESM (import): ${sent.data[0]?.msgId} ${sent.data[0]?.status}`)
  if (sent.data[0]?.status === undefined) process.exitCode = 1
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

cat > send-to.mjs <<'EOF'
import { SmsCx } from "@smscx/promise"

const client = new SmsCx({ apiKey: "test-key", baseUrl: process.argv[2] })
try {
  const sent = await client.sms.sendSms({ to: ["+31612469000"], from: "InfoText", text: "Hi from npx" })
  console.log(`npx @smscx/sandbox: ${sent.data[0]?.msgId} ${sent.data[0]?.status}`)
} finally {
  await client.close()
}
EOF

echo "--- consumer: ESM (import)"
timeout 60 node send.mjs
echo "--- consumer: CommonJS (require)"
timeout 60 node send.cjs

echo "--- consumer: npx @smscx/sandbox --port 0"
npx --no-install @smscx/sandbox --port 0 > sandbox.log 2>&1 &
sandbox_pid=$!
url=""
for _ in $(seq 1 100); do
  url=$(sed -nE 's/.*listening on (http[^ ]*).*/\1/p' sandbox.log | head -1)
  [ -n "$url" ] && break
  sleep 0.1
done
if [ -z "$url" ]; then
  cat sandbox.log
  kill "$sandbox_pid" 2>/dev/null || true
  echo "the sandbox's bin did not start" >&2
  exit 1
fi
status=0
timeout 60 node send-to.mjs "$url" || status=$?
kill "$sandbox_pid" 2>/dev/null || true
wait "$sandbox_pid" 2>/dev/null || true
[ "$status" = 0 ]

cat > consumer.ts <<'EOF'
import { Sms, SmsCx as EffectSmsCx } from "@smscx/client"
import { Api } from "@smscx/core"
import * as Errors from "@smscx/core/Errors"
import { InvalidPhoneNumberException, SmsCx } from "@smscx/promise"
import { Sandbox } from "@smscx/sandbox"
import * as Transport from "@smscx/transport/Transport"
import { Effect, Redacted } from "effect"

const sandbox: Sandbox.Server = await Sandbox.start({ port: 0 })
const client = new SmsCx({ apiKey: "test-key", baseUrl: sandbox.url })
try {
  const sent = await client.sms.sendSms({ to: ["+31612469000"], from: "InfoText", text: "Hi" })
  const status: string | undefined = sent.data[0]?.status
  console.log(status, Transport.VERSION, Object.keys(Api).length)
} catch (err) {
  if (err instanceof InvalidPhoneNumberException) console.log(err.invalid)
  else if (err instanceof Errors.SmsCxError) console.log(err._tag)
  else throw err
}

export const program: Effect.Effect<number, Errors.SmsCxError> = Effect.gen(function*() {
  const sms = yield* Sms
  const sent = yield* sms.sendSms({ to: ["+31612469000"], from: "InfoText", text: "Hi" })
  return sent.info.totalCost
}).pipe(Effect.provide(EffectSmsCx.layer({ apiKey: Redacted.make("test-key"), baseUrl: sandbox.url })))
EOF

cat > consumer.cts <<'EOF'
import { SmsCx } from "@smscx/promise"
import { Sandbox } from "@smscx/sandbox"
import * as Transport from "@smscx/transport/Transport"

export const send = async (): Promise<string | undefined> => {
  const sandbox = await Sandbox.start({ port: 0 })
  const client = new SmsCx({ apiKey: "test-key", baseUrl: sandbox.url })
  const sent = await client.sms.sendSms({ to: ["+31612469000"], from: "InfoText", text: "Hi" })
  await client.close()
  await sandbox.close()
  return `${Transport.VERSION} ${sent.data[0]?.status}`
}
EOF

common='"strict": true, "skipLibCheck": false, "lib": ["ES2022"], "types": ["node"], "target": "ES2022", "noEmit": true'
cat > tsconfig.node16.json <<EOF
{ "compilerOptions": { $common, "module": "node16", "moduleResolution": "node16" },
  "files": ["consumer.ts", "consumer.cts"] }
EOF
cat > tsconfig.bundler.json <<EOF
{ "compilerOptions": { $common, "module": "esnext", "moduleResolution": "bundler" },
  "files": ["consumer.ts"] }
EOF
echo "--- consumer: tsc (module node16, moduleResolution node16; .ts and .cts)"
npx --no-install tsc -p tsconfig.node16.json
echo "--- consumer: tsc (module esnext, moduleResolution bundler)"
npx --no-install tsc -p tsconfig.bundler.json

cd "$root"
echo "--- consumer check passed"
