import { assert, describe, it } from "@effect/vitest"
import * as Transport from "@smscx/transport/Transport"
import { readFileSync } from "node:fs"

describe("VERSION", () => {
  it("is the transport package's version (after a version bump, run pnpm build to regenerate src/internal/version.ts)", () => {
    const manifest: { readonly version: string } = JSON.parse(
      readFileSync(new URL("../package.json", import.meta.url), "utf8")
    )
    assert.strictEqual(Transport.VERSION, manifest.version)
  })
})
