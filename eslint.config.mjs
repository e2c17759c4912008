// `pnpm lint`: typescript-eslint's recommended rules, plus formatting through dprint as the Effect
// monorepo configures it (@effect/eslint-plugin). `pnpm lint:fix` applies what can be fixed.
// Generated modules (first line `// @generated`) are left out: `pnpm codegen --check` keeps them
// equal to what codegen writes.
import * as effect from "@effect/eslint-plugin"
import js from "@eslint/js"
import globals from "globals"
import { closeSync, openSync, readdirSync, readSync } from "node:fs"
import tseslint from "typescript-eslint"

const firstLine = (path) => {
  const fd = openSync(path, "r")
  try {
    const buffer = new Uint8Array(64)
    return new TextDecoder().decode(buffer.subarray(0, readSync(fd, buffer, 0, 64, 0)))
  } finally {
    closeSync(fd)
  }
}
// The sandbox's layers, bottom to top: kernel (HTTP plumbing, errors, clock, ids, fields, paging,
// faults, router, ...) → state (the store and what a request's handlers share) → engines (domain
// logic: delivery, messaging, pricing, tracked links, ...) → groups (one API group's handlers
// each) → app (the composition, the control API, the server wiring). A layer imports only those
// below it, a group no other group (shared logic goes down into an engine), and no internal module
// the public ones (`Sandbox.ts` re-exports what it shares with them).
const sandboxInternal = "packages/sandbox/src/internal"
const publicModules = {
  group: ["../../*", "../*.js", "@smscx/sandbox", "@smscx/sandbox/*"],
  message:
    "an internal module imports no public module (Sandbox.ts): the models they share are declared in internal/state/types.ts or internal/app/types.ts"
}
const sandboxLayer = (layer, above) => ({
  files: [`${sandboxInternal}/${layer}/**/*.ts`],
  rules: {
    "no-restricted-imports": ["error", {
      patterns: [
        publicModules,
        ...above.map((upper) => ({
          group: [`../${upper}/*`],
          message:
            `the sandbox's ${layer} layer imports no module of ${upper}/, a layer above it (see eslint.config.mjs)`
        })),
        ...(layer === "groups"
          ? [{
            group: ["./*", "../groups/*"],
            message: "a group imports no other group: move what they share down into an engine (internal/engines/)"
          }]
          : [])
      ]
    }]
  }
})

// The packages point one way too: core → transport → client → promise (the sandbox stands on
// core alone, and its own layers are held above). The transport knows no API operation: the one
// that fetches a token is given to it (`Transport.TokenOperation`), so it imports no `core/Api`.
const packageBelow = (name, imports) => ({
  files: [`packages/${name}/src/**/*.ts`],
  rules: {
    "no-restricted-imports": ["error", {
      patterns: imports.map(([group, why]) => ({ group, message: `@smscx/${name} ${why} (see eslint.config.mjs)` }))
    }]
  }
})
const above = (...names) => names.flatMap((name) => [`@smscx/${name}`, `@smscx/${name}/*`])

const generated = readdirSync("packages", { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".ts") && !file.includes("node_modules") && !file.includes("build/"))
  .map((file) => `packages/${file}`)
  .filter((path) => firstLine(path).startsWith("// @generated"))

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/build/**",
      "docs/**",
      ...generated
    ]
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ["**/*.{mjs,cjs,js}"], languageOptions: { globals: globals.node } },
  {
    files: ["**/*.{ts,tsx,mts,cts,mjs,js}"],
    plugins: { "@effect": effect },
    rules: {
      "@effect/dprint": ["error", {
        config: {
          indentWidth: 2,
          lineWidth: 120,
          semiColons: "asi",
          quoteStyle: "alwaysDouble",
          trailingCommas: "never",
          operatorPosition: "maintain",
          "arrowFunction.useParentheses": "force"
        }
      }],
      "object-shorthand": "error",
      "no-fallthrough": "off",
      "no-irregular-whitespace": "off",
      "@typescript-eslint/array-type": ["error", { default: "generic", readonly: "generic" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", {
        argsIgnorePattern: "^_",
        varsIgnorePattern: "^_",
        destructuredArrayIgnorePattern: "^_"
      }],
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-empty-object-type": "off",
      "@typescript-eslint/no-namespace": "off",
      "@typescript-eslint/no-non-null-assertion": "off"
    }
  },
  packageBelow("core", [[above("transport", "client", "promise", "sandbox"), "imports no other @smscx package"]]),
  packageBelow("transport", [
    [above("client", "promise", "sandbox"), "imports only @smscx/core"],
    [["@smscx/core/Api"], "knows no API operation: the token operation is given to it (Transport.TokenOperation)"]
  ]),
  packageBelow("client", [[above("promise", "sandbox"), "imports no package above it"]]),
  packageBelow("promise", [[above("sandbox"), "imports no sandbox"]]),
  sandboxLayer("kernel", ["state", "engines", "groups", "app"]),
  sandboxLayer("state", ["engines", "groups", "app"]),
  sandboxLayer("engines", ["groups", "app"]),
  sandboxLayer("groups", ["app"]),
  sandboxLayer("app", [])
)
