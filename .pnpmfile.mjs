// pnpm hooks. `beforePacking` shapes the package.json that `pnpm pack` / `pnpm publish` put in a
// tarball (publishConfig cannot override `dependencies`).
//
// @smscx/promise is published self-contained: its build inlines Effect and the @smscx packages it
// uses (scripts/build-promise.ts), so its tarball declares no dependency, and `npm install
// @smscx/promise` installs one package. In the workspace they stay `dependencies`, so that pnpm
// links them for its tests and builds, and changesets releases it whenever one of them changes
// (its bundle carries their code).
const bundled = new Set(["@smscx/promise"])

export const hooks = {
  beforePacking(manifest) {
    if (!bundled.has(manifest.name)) return manifest
    const { dependencies: _inlined, ...published } = manifest
    return published
  }
}
