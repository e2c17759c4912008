# shellcheck shell=bash
# Runs the READMEs' `npm install ... @smscx/...` lines with npm, pnpm and Bun (when `bun` is set).
# Sourced by scripts/consumer-check.sh, in the consumer project (the current directory), with its
# variables (root, tmp, packs, consumer) and functions (stop_sandbox) in scope.

# The READMEs' install lines, as a newcomer runs them: every `npm install ... @smscx/...` line of
# README.md and packages/*/README.md, each in an empty project per package manager (npm, pnpm 12
# with the `--allow-build` the README tells pnpm users to add, Bun), with the tarballs in place of
# the @smscx names. The @smscx packages a named one depends on come from the tarballs too, through
# `overrides`, as they are not on the registry. Each install must exit 0, print no ERR_ or ERESOLVE
# line and at most 5 warning lines (npm 11's note on the install script it skipped is 4); then
# every effect in node_modules must be 3.x, and the installed packages must load and run
# (install-run.mjs, offline). A range the line gives must be the peer range of the package. A line
# of self-contained packages only (no dependencies, no required peers: @smscx/promise, which
# inlines Effect) must install those packages and nothing else, with no warning at all.
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
import { readFileSync, realpathSync } from "node:fs"
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
  const manifest = join(realpathSync(`node_modules/@smscx/${name}`), "package.json")
  const { dependencies = {}, peerDependencies = {}, peerDependenciesMeta = {} } = JSON.parse(readFileSync(manifest, "utf8"))
  const required = Object.keys(peerDependencies).filter((peer) => peerDependenciesMeta[peer]?.optional !== true)
  if (Object.keys(dependencies).length === 0 && required.length === 0) {
    console.log(`  @smscx/${name} (self-contained): ${done}`)
    continue
  }
  const effect = createRequire(manifest)("effect/package.json").version
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

self_contained() { # <arguments of an install line>: whether it names only packages with no dependency and no required peer
  local word name
  for word in $1; do case "$word" in @smscx/*) ;; *) return 1 ;; esac; done
  for name in $(smscx_names "$1"); do
    tar -xOzf "$(tarball_of "$name")" package/package.json |
      node -e 'const p = JSON.parse(require("fs").readFileSync(0, "utf8"))
        const optional = p.peerDependenciesMeta ?? {}
        const required = Object.keys(p.peerDependencies ?? {}).filter((peer) => !optional[peer]?.optional)
        process.exit(Object.keys(p.dependencies ?? {}).length + required.length === 0 ? 0 : 1)' || return 1
  done
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
  local pm=$1 args=$2 dir word name spec label json="" yaml="" started=$SECONDS status=0 warnings effects installed expected
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
  if self_contained "$args"; then
    # the packages themselves and nothing else: those in node_modules (npm, Bun) and in pnpm's
    # store (.pnpm/node_modules, where pnpm links every package it installed)
    installed=$(node -e 'const { existsSync, readdirSync } = require("fs")
      const names = new Set()
      for (const dir of process.argv.slice(1).filter((d) => existsSync(d))) {
        for (const entry of readdirSync(dir)) {
          if (entry.startsWith(".")) continue
          if (entry.startsWith("@")) for (const scoped of readdirSync(`${dir}/${entry}`)) names.add(`${entry}/${scoped}`)
          else names.add(entry)
        }
      }
      console.log([...names].sort().join(" "))' "$dir/node_modules" "$dir/node_modules/.pnpm/node_modules")
    expected=$(for name in $(smscx_names "$args"); do echo "@smscx/$name"; done | sort -u | tr '\n' ' ' | sed 's/ $//')
    if [ "$installed" != "$expected" ] || [ "$warnings" != 0 ]; then
      cat "$dir/install.log" >&2
      echo "FAILED: the README install line '$label' of self-contained packages installed ${installed:-nothing} (expected only $expected), with $warnings warning lines (expected none)" >&2
      exit 1
    fi
  elif [ -z "$effects" ] || echo "$effects" | tr ' ' '\n' | grep -qvE '^(3\.|$)'; then
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
