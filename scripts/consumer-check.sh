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
#   - checks that @smscx/promise's tarball is self-contained (no dependency, no file importing
#     effect or an @smscx package): `npm install @smscx/promise` installs it alone.
# Exits non-zero on the first failure. Keeps the temp folder if KEEP=1.
# The parts live in scripts/consumer-check/, sourced in this order (they share this shell's
# variables and working directory): node.sh, runtimes.sh, install-lines.sh, sandbox-bin.sh,
# bundles.sh, types.sh.
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

# @smscx/promise inlines Effect and the @smscx packages (scripts/build-promise.ts): its tarball
# declares no dependency and no required peer, and none of its files imports one
echo "--- @smscx/promise is self-contained"
promise_files="$tmp/promise-tarball"
mkdir -p "$promise_files"
tar -xzf "$packs"/smscx-promise-[0-9]*.tgz -C "$promise_files"
node -e 'const p = require(process.argv[1])
  const optional = p.peerDependenciesMeta ?? {}
  const needed = [...Object.keys(p.dependencies ?? {}),
    ...Object.keys(p.peerDependencies ?? {}).filter((peer) => !optional[peer]?.optional)]
  if (needed.length > 0) throw new Error(`the @smscx/promise tarball needs ${needed.join(", ")}`)' \
  "$promise_files/package/package.json"
# (in the declarations, only import and export lines: their comments show the Effect style)
if grep -rlE "(from ?|import\\(|require\\()[\"'](effect|@effect/platform|@smscx/)" "$promise_files/package/build" \
  --include='*.js' ||
  grep -rlE "^(import|export)\\b.*from [\"'](effect|@effect/platform|@smscx/)|import\\([\"'](effect|@effect/platform|@smscx/)" \
    "$promise_files/package/build" --include='*.d.ts'; then
  echo "the files above of the @smscx/promise tarball import effect, @effect/platform or an @smscx package" >&2
  exit 1
fi

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

parts="$root/scripts/consumer-check"
# shellcheck source=consumer-check/node.sh
source "$parts/node.sh"
# shellcheck source=consumer-check/runtimes.sh
source "$parts/runtimes.sh"
# shellcheck source=consumer-check/install-lines.sh
source "$parts/install-lines.sh"
# shellcheck source=consumer-check/sandbox-bin.sh
source "$parts/sandbox-bin.sh"
# shellcheck source=consumer-check/bundles.sh
source "$parts/bundles.sh"
stop_sandbox
# shellcheck source=consumer-check/types.sh
source "$parts/types.sh"

cd "$root"
echo "--- consumer check passed"
