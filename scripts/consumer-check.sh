#!/usr/bin/env bash
# The packages as npm users get them: builds (unless --skip-build), packs every package with
# `pnpm pack` (which applies each publishConfig), lints each tarball (publint, strict, see scripts/publint-tarball.ts; attw on
# every public module, in the node10, node16 CJS, node16 ESM and bundler profiles), then, in a
# project outside the workspace, `npm install`s the five tarballs with effect and
# @effect/platform from the registry and:
#   - runs an ES module (import) and a CommonJS file (require) that start the sandbox in-process
#     and send one SMS with the Promise client;
#   - runs the sandbox's bin (`npx @smscx/sandbox --port 0`) and sends one SMS to it with the
#     same program (send-runtime.mjs) on Node.js, on Bun and on Deno, each installed from the npm
#     registry (packages `bun` and `deno`) into a folder of their own; on Bun and Deno the client
#     must send through `fetch` (the `bun` / `deno` conditions of `#defaultHttpClient`), on Node
#     through `node:http`. A runtime that cannot be installed is skipped, with the reason printed
#     (REQUIRE_RUNTIMES=1 makes that a failure); an SDK failure on it fails the check.
#     BUN_VERSION / DENO_VERSION pick other versions;
#   - runs every `npm install ... @smscx/...` line of the READMEs in an empty project with npm,
#     with pnpm 12 (`pnpm add`, plus the `--allow-build` the README documents) and with Bun
#     (`bun add`), the tarballs in place of the @smscx names: no error, no ERESOLVE, at most 5
#     warning lines, only effect 3.x installed, and the installed packages load and run;
#   - bundles a program (Promise client of the Sms group) with esbuild for the browser and for
#     edge runtimes (workerd): no Node.js module inside, within the budget of
#     scripts/bundle-size.ts (min+gz), and it sends through
#     fetch when run;
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
sandbox_pid=""
stop_sandbox() {
  if [ -n "$sandbox_pid" ]; then
    kill -TERM -- "-$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
    sandbox_pid=""
  fi
}
cleanup() {
  stop_sandbox
  if [ "${KEEP:-}" = 1 ]; then echo "(kept $tmp)"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
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
  "$packs"/*.tgz "effect@^3.22.4" "@effect/platform@^0.97.1" "typescript@~5.9.3" "@types/node@^20.19.0" \
  "esbuild@^0.25.10"

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

echo "--- consumer: ESM (import)"
timeout 60 node send.mjs
echo "--- consumer: CommonJS (require)"
timeout 60 node send.cjs

# Bun and Deno from the npm registry: their packages carry the binaries (a platform-specific
# optional dependency, and a postinstall that npm runs; allowScripts approves it, as npm 11
# asks). A runtime that cannot be installed is skipped; the SDK failing on one is a failure.
echo "--- Bun and Deno: npm install bun deno"
runtimes="$tmp/runtimes"
mkdir -p "$runtimes"
cat > "$runtimes/package.json" <<'EOF'
{ "name": "smscx-runtimes", "private": true, "allowScripts": { "bun": true, "deno": true } }
EOF
bun_spec="bun@${BUN_VERSION:-1.4.5}"
deno_spec="deno@${DENO_VERSION:-2.9.6}"
bun="" deno=""
started=$SECONDS
if (cd "$runtimes" && timeout 300 npm install --no-save --no-audit --no-fund --prefer-offline --loglevel=error \
  "$bun_spec" "$deno_spec") > "$runtimes/install.log" 2>&1; then
  echo "installed $bun_spec and $deno_spec in $((SECONDS - started)) s"
else
  cat "$runtimes/install.log" >&2
  echo "npm install $bun_spec $deno_spec failed; trying them one at a time" >&2
  for spec in "$bun_spec" "$deno_spec"; do
    (cd "$runtimes" && timeout 300 npm install --no-save --no-audit --no-fund --prefer-offline --loglevel=error "$spec") ||
      echo "npm install $spec failed" >&2
  done
fi
# the command the package links in node_modules/.bin; failing that (its postinstall did not
# run), the platform package's binary itself
working() { [ -x "$1" ] && timeout 30 "$1" --version > /dev/null 2>&1; }
for candidate in "$runtimes/node_modules/.bin/bun" "$runtimes"/node_modules/@oven/bun-*/bin/bun; do
  if working "$candidate"; then bun=$candidate; break; fi
done
for candidate in "$runtimes/node_modules/.bin/deno" "$runtimes"/node_modules/@deno/*/deno; do
  if working "$candidate"; then deno=$candidate; break; fi
done
if [ -n "$bun" ]; then echo "Bun $("$bun" --version)"; fi
if [ -n "$deno" ]; then echo "$("$deno" --version | head -1)"; fi
if [ "${REQUIRE_RUNTIMES:-}" = 1 ] && { [ -z "$bun" ] || [ -z "$deno" ]; }; then
  echo "REQUIRE_RUNTIMES=1, and Bun or Deno could not be installed" >&2
  exit 1
fi

# The READMEs' install lines, as a newcomer runs them: every `npm install ... @smscx/...` line of
# README.md and packages/*/README.md, each in an empty project per package manager (npm, pnpm 12
# with the `--allow-build` the README tells pnpm users to add, Bun), with the tarballs in place of
# the @smscx names. The @smscx packages a named one depends on come from the tarballs too, through
# `overrides`, as they are not on the registry. Each install must exit 0, print no ERR_ or ERESOLVE
# line and at most 5 warning lines (npm 11's note on the install script it skipped is 4); then
# every effect in node_modules must be 3.x, and the installed packages must load and run
# (install-run.mjs, offline). A range the line gives must be the peer range of the package.
echo "--- the READMEs' install lines: npm, pnpm and Bun, each in an empty project"
installs="$tmp/install-lines"
mkdir -p "$installs"
max_warnings=5
pnpm_allow_build="--allow-build='!msgpackr-extract'"
if ! grep -qF -- "$pnpm_allow_build" "$root/README.md"; then
  echo "README.md no longer tells pnpm users to add $pnpm_allow_build: update this check with it" >&2
  exit 1
fi
pnpm_version=$(pnpm --version)
case "$pnpm_version" in
  12.*) ;;
  *)
    echo "the install lines are checked with pnpm 12; pnpm --version says $pnpm_version" >&2
    exit 1
    ;;
esac
install_lines=$(cd "$root" && sed -nE 's/^npm install (.*@smscx\/.*)$/\1/p' README.md packages/*/README.md |
  sed -E 's/[[:space:]]+#.*$//; s/[[:space:]]+$//' | sort -u)
if [ -z "$install_lines" ]; then
  echo "found no 'npm install ... @smscx/...' line in the READMEs" >&2
  exit 1
fi
tarball_of() { ls "$packs"/smscx-"$1"-[0-9]*.tgz; }
smscx_names() { # the @smscx names on an install line, without the scope
  local word
  for word in $1; do case "$word" in @smscx/*) echo "${word#@smscx/}" ;; esac; done
}

# what each package does once installed: something small, offline, with the effect it resolves
cat > "$installs/install-run.mjs" <<'EOF'
import { realpathSync } from "node:fs"
import { createRequire } from "node:module"
import { join } from "node:path"

const checks = {
  core: async () => {
    const { Api } = await import("@smscx/core")
    return `${Object.keys(Api).length} API groups`
  },
  transport: async () => {
    const { VERSION } = await import("@smscx/transport/Transport")
    return `Transport.VERSION ${VERSION}`
  },
  client: async () => {
    const { SmsCx } = await import("@smscx/client")
    const { Effect, Layer, Redacted } = await import("effect")
    const built = await Effect.runPromise(Effect.scoped(Layer.build(SmsCx.layer({ apiKey: Redacted.make("k") }))))
    return `SmsCx.layer built (${built.unsafeMap.size} services)`
  },
  promise: async () => {
    const { SmsCx } = await import("@smscx/promise")
    const client = new SmsCx({ apiKey: "k", baseUrl: "http://127.0.0.1:9" })
    try {
      // refused before anything is sent: one run through the client's Effect runtime, offline
      await client.sms.sendSms({ to: ["+31612469000"], from: "ThisSenderIsTooLong", text: "Hi" }).then(
        () => {
          throw new Error("sendSms with a 19-character sender resolved")
        },
        (error) => {
          if (error?._tag !== "RequestValidationError") throw error
        }
      )
    } finally {
      await client.close()
    }
    return "new SmsCx(...).sms.sendSms refused a 19-character sender (RequestValidationError)"
  },
  sandbox: async () => {
    const { Sandbox } = await import("@smscx/sandbox")
    const sandbox = await Sandbox.start({ port: 0 })
    try {
      const response = await fetch(`${sandbox.url}/account/balance`, { headers: { "X-API-KEY": "k" } })
      if (response.status !== 200) throw new Error(`GET /account/balance: ${response.status}`)
      return `Sandbox.start, GET /account/balance ${response.status}`
    } finally {
      await sandbox.close()
    }
  }
}
for (const name of process.argv.slice(2)) {
  if (checks[name] === undefined) throw new Error(`install-run.mjs has no check for @smscx/${name}`)
  const done = await checks[name]()
  const require = createRequire(join(realpathSync(`node_modules/@smscx/${name}`), "package.json"))
  const effect = require("effect/package.json").version
  if (!effect.startsWith("3.")) throw new Error(`@smscx/${name} resolves effect ${effect}, not 3.x`)
  console.log(`  @smscx/${name} (effect ${effect}): ${done}`)
}
EOF

brings_platform() { # <arguments of an install line>: whether @effect/platform comes with them
  local name
  case " $1 " in *" @effect/platform@"* | *" @effect/platform "*) return 0 ;; esac
  for name in $(smscx_names "$1"); do
    if tar -xOzf "$(tarball_of "$name")" package/package.json |
      node -e 'const p = JSON.parse(require("fs").readFileSync(0, "utf8"))
        process.exit({ ...p.dependencies, ...p.peerDependencies }["@effect/platform"] ? 0 : 1)'; then
      return 0
    fi
  done
  return 1
}

check_ranges() { # <arguments of an install line>: each range is the peer range that asks for it
  local word dep range name peer
  for word in $1; do
    case "$word" in @smscx/* | -*) continue ;; esac
    dep=${word%@*} range=${word##*@}
    if [ -z "$dep" ] || [ "$dep" = "$word" ]; then dep=$word range=""; fi
    for name in $(smscx_names "$1"); do
      peer=$(tar -xOzf "$(tarball_of "$name")" package/package.json |
        node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).peerDependencies?.[process.argv[1]] ?? ""' "$dep")
      if [ -n "$peer" ] && [ "$peer" != "$range" ]; then
        echo "FAILED: an install line in the READMEs says '$word', and @smscx/$name's peer range for $dep is $peer: write $dep@$peer" >&2
        exit 1
      fi
    done
  done
}

install_line() { # <npm | pnpm | bun> <arguments of the README's `npm install`>
  local pm=$1 args=$2 dir word name spec label json="" yaml="" started=$SECONDS status=0 warnings effects
  local -a argv=() command=()
  dir="$installs/$pm-$(echo "$args" | tr -c 'a-zA-Z0-9\n' '_' | cut -c1-60)"
  mkdir -p "$dir"
  for word in $args; do
    case "$word" in
      @smscx/*) argv+=("$(tarball_of "${word#@smscx/}")") ;;
      *) argv+=("$word") ;;
    esac
  done
  # the other @smscx packages, from the tarballs (npm refuses an override of a package the
  # command names, so those are left out)
  for spec in "$packs"/smscx-*.tgz; do
    name=$(basename "$spec" | sed -E 's/^smscx-(.*)-[0-9][^-]*\.tgz$/\1/')
    if smscx_names "$args" | grep -qx "$name"; then continue; fi
    json="$json${json:+, }\"@smscx/$name\": \"file:$spec\""
    yaml="$yaml  \"@smscx/$name\": \"file:$spec\""$'\n'
  done
  echo "{ \"name\": \"smscx-install-line\", \"private\": true, \"type\": \"module\", \"overrides\": { $json } }" \
    > "$dir/package.json"
  case "$pm" in
    npm)
      label="npm install $args"
      command=(npm install --no-audit --no-fund --prefer-offline "${argv[@]}")
      ;;
    pnpm)
      # pnpm 12 reads overrides from pnpm-workspace.yaml only
      printf 'overrides:\n%s' "$yaml" > "$dir/pnpm-workspace.yaml"
      label="pnpm add $args"
      command=(pnpm add --prefer-offline "${argv[@]}")
      # the READMEs: with @effect/platform (which brings msgpackr-extract), add the --allow-build
      if brings_platform "$args"; then
        label="$label $pnpm_allow_build"
        command+=("${pnpm_allow_build//\'/}")
      fi
      ;;
    bun)
      label="bun add $args"
      command=("$bun" add "${argv[@]}")
      ;;
  esac
  (cd "$dir" && timeout 300 "${command[@]}") > "$dir/install.log" 2>&1 || status=$?
  warnings=$(grep -ciE '\bwarn' "$dir/install.log" || true)
  if [ "$status" != 0 ] || grep -qE 'ERR_|ERESOLVE' "$dir/install.log" || [ "$warnings" -gt "$max_warnings" ]; then
    cat "$dir/install.log" >&2
    echo "FAILED: the README install line '$label' in an empty project: exit $status, $warnings warning lines (at most $max_warnings), $(grep -cE 'ERR_|ERESOLVE' "$dir/install.log" || true) ERR_/ERESOLVE lines (output above)" >&2
    exit 1
  fi
  # every copy of effect in node_modules (hoisted or nested; pnpm's .pnpm store)
  effects=$(find "$dir/node_modules" -path '*/node_modules/effect/package.json' -exec \
    node -p 'require(process.argv[1]).version' {} \; | sort -u | tr '\n' ' ')
  if [ -z "$effects" ] || echo "$effects" | tr ' ' '\n' | grep -qvE '^(3\.|$)'; then
    echo "FAILED: the README install line '$label' installed effect ${effects:-(none)}; the SDK needs 3.x only" >&2
    exit 1
  fi
  cp "$installs/install-run.mjs" "$dir/"
  # shellcheck disable=SC2046
  if ! (cd "$dir" && timeout 60 node install-run.mjs $(smscx_names "$args")); then
    echo "FAILED: what the README install line '$label' installed does not load or run (error above)" >&2
    exit 1
  fi
  echo "ok: $label ($((SECONDS - started)) s, $warnings warning lines)"
}

lines_started=$SECONDS
while IFS= read -r args; do
  check_ranges "$args"
  for pm in npm pnpm bun; do
    if [ "$pm" = bun ] && [ -z "$bun" ]; then
      echo "SKIPPED bun add $args: $bun_spec could not be installed from the npm registry (see above)"
      continue
    fi
    install_line "$pm" "$args"
  done
done <<< "$install_lines"
echo "the READMEs' install lines: $(echo "$install_lines" | wc -l) lines x 3 package managers in $((SECONDS - lines_started)) s"

echo "--- consumer: npx @smscx/sandbox --port 0"
# in a process group of its own: npx runs the bin in a child (`sh -c smscx-sandbox`) that a
# signal to npx alone leaves running; stopping the group stops all of them
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

stop_sandbox

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
