import { configDefaults, defineProject } from "vitest/config"

export default defineProject({
  test: {
    include: ["test/**/*.test.ts"],
    // in the root config's "isolated" project, run alone after the others
    exclude: [
      ...configDefaults.exclude,
      "test/SharedPacing.test.ts",
      "test/BulkJobKill.test.ts",
      "test/BulkJobWorkers.test.ts"
    ],
    setupFiles: [new URL("../../vitest.setup.ts", import.meta.url).pathname],
    testTimeout: 30_000
  }
})
