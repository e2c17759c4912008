import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: [new URL("../../vitest.setup.ts", import.meta.url).pathname],
    testTimeout: 30_000
  }
})
