# shellcheck shell=bash
# Installs Bun and Deno from the npm registry into $tmp/runtimes; sets `bun` and `deno` to their
# commands, or leaves them empty when a runtime cannot be installed or does not start here.
# Sourced by scripts/consumer-check.sh, in the consumer project (the current directory), with its
# variables (root, tmp, packs, consumer) and functions (stop_sandbox) in scope.

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
